""""Preview for a customer": search customers (the Customers page's own query), step through them
with Previous / Next, and render the chosen template for the one shown — all in a database job.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from wadesk.core.messaging.mapping import TemplateMapping, default_mapping
from wadesk.core.messaging.template_spec import TemplateSpec

SEARCH_DEBOUNCE_MS = 250


@dataclass(frozen=True)
class CustomerPreview:
    position: int  # 0-based among the matches
    total: int
    name: str
    phone: str | None
    preview: Any  # core Preview, or None when nothing matched


def preview_mapping(spec: TemplateSpec) -> TemplateMapping:
    """core's default mapping, with Meta's example media so an image header has a picture, and the
    template's name as the UTM campaign so link buttons show the tags a campaign adds."""
    mapping = default_mapping(spec)
    if spec.media_header and spec.header and spec.header.example:
        mapping.header_media = spec.header.example
    mapping.utm_campaign = spec.name
    return mapping


def render_for_customer(session: Any, spec: TemplateSpec, search: str, region: str, position: int,
                        now: Any = None, mapping: TemplateMapping | None = None) -> CustomerPreview:
    from wadesk.core.crm import customer_query as cq
    from wadesk.core.db.models import Customer
    from wadesk.core.messaging.preview import preview_for_customer

    query = cq.CustomerQuery(search=search, default_region=region)
    total = cq.count(session, query)
    if total == 0:
        return CustomerPreview(0, 0, "", None, None)
    position = min(max(position, 0), total - 1)
    ids = cq.page_ids(session, query, position, 1)
    customer = session.get(Customer, ids[0]) if ids else None
    if customer is None:
        return CustomerPreview(0, 0, "", None, None)
    preview = preview_for_customer(session, spec, mapping or preview_mapping(spec), customer, now=now)
    return CustomerPreview(position, total, customer.name or "(no name)", customer.phone, preview)


def mapping_words(spec: TemplateSpec) -> str:
    """How the preview fills each blank, in words (HTML): "{{first_name}} → First name, or “there”"."""
    from wadesk.core.messaging.context import FIELDS, METRICS

    mapping, lines = preview_mapping(spec), []
    for var in spec.variables():
        m = mapping.variables.get(var.key)
        if m is None:
            continue
        if m.source == "fixed":
            what = f"the example text “{html.escape(m.name)}”"
        else:
            what = html.escape(FIELDS.get(m.name) or METRICS.get(m.name) or m.name).lower()
            what = f"the customer's {what}" + (f", or “{html.escape(m.fallback)}” if missing" if m.fallback else "")
        if var.kind == "url_suffix" and mapping.utm_campaign:
            what += " + tracking tags"
        lines.append(f"<b>{html.escape(var.label)}</b> → {what}")
    return "<br>".join(lines)


class CustomerPicker(QFrame):
    """Emits `rendered(CustomerPreview)` for the customer shown; `reset` goes back to example values."""

    rendered = Signal(object)
    reset = Signal()

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("customerPicker")
        self.services = services
        self.spec: TemplateSpec | None = None
        self.position, self.active, self._seq = 0, False, 0
        self.last: CustomerPreview | None = None
        self.custom_mapping: TemplateMapping | None = None  # the mapping editor's; None: core's default
        self.describe_mapping = True  # off where a mapping editor shows the choices instead
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        title = QLabel("Preview for a customer")
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        row = QHBoxLayout()
        self.search = QLineEdit(objectName="previewCustomerSearch", placeholderText="Search a customer: name or phone")
        self.search.setClearButtonEnabled(True)
        self.prev_button = QPushButton("◀ Previous", objectName="previousCustomer")
        self.next_button = QPushButton("Next ▶", objectName="nextCustomer")
        self.example_button = QPushButton("Example values", objectName="exampleValues")
        self.example_button.setToolTip("Show the template with Meta's example values again")
        row.addWidget(self.search, 1)
        for b in (self.prev_button, self.next_button, self.example_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.label = QLabel("Showing Meta's example values. Search or press Next to see a real customer's message.",
                            objectName="previewCustomerLabel")
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #5b6b63;")
        layout.addWidget(self.label)
        self.mapping = QLabel(objectName="previewMapping")
        self.mapping.setWordWrap(True)
        self.mapping.setStyleSheet("color: #5b6b63;")
        layout.addWidget(self.mapping)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._timer.timeout.connect(lambda: self.show_position(0))
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.prev_button.clicked.connect(lambda: self.show_position(self.position - 1))
        self.next_button.clicked.connect(lambda: self.show_position(self.position + 1 if self.active else 0))
        self.example_button.clicked.connect(self.show_examples)
        self.set_spec(None)

    def set_spec(self, spec: TemplateSpec | None) -> None:
        self.spec = spec
        words = mapping_words(spec) if spec is not None else ""
        self.mapping.setText(f"How the blanks are filled for a customer:<br>{words}" if words else "")
        self.mapping.setVisible(bool(words) and self.describe_mapping)
        for w in (self.search, self.prev_button, self.next_button, self.example_button):
            w.setEnabled(spec is not None)
        if spec is not None and self.active:
            self.show_position(self.position)
        self._update_buttons()

    def set_mapping(self, mapping: TemplateMapping | None) -> None:
        """Use the edited mapping and re-render the customer shown (if any)."""
        self.custom_mapping = mapping
        if self.spec is not None and self.active:
            self.show_position(self.position)

    def show_examples(self) -> None:
        self.active, self._seq = False, self._seq + 1
        self.label.setText("Showing Meta's example values. Search or press Next to see a real customer's message.")
        self._update_buttons()
        self.reset.emit()

    def show_position(self, position: int) -> None:
        if self.spec is None:
            return
        self._seq += 1
        seq, spec, search, mapping = self._seq, self.spec, self.search.text(), self.custom_mapping
        region, now = self.services.settings.get("default_region"), self.services.clock.now()
        self.services.jobs.run_in_session(
            lambda s, _ctx: render_for_customer(s, spec, search, region, position, now, mapping),
            title="Preparing the preview", parent=self, progress_dialog=False,
            on_result=lambda r: self._show(seq, r))

    def _show(self, seq: int, result: CustomerPreview) -> None:
        if seq != self._seq:
            return  # an older request: the owner has moved on
        self.last = result
        if result.preview is None:
            self.active = False
            self.label.setText("No customer matches that search." if self.search.text().strip()
                               else "There are no customers yet: import some first.")
            self._update_buttons()
            self.reset.emit()
            return
        self.active, self.position = True, result.position
        phone = f" · {result.phone}" if result.phone else " · no WhatsApp number"
        self.label.setText(f"Customer {result.position + 1:,} of {result.total:,}: <b>{html.escape(result.name)}</b>{html.escape(phone)}")
        self._update_buttons()
        self.rendered.emit(result)

    def _update_buttons(self) -> None:
        ready = self.spec is not None
        total = self.last.total if (self.last and self.active) else 0
        self.prev_button.setEnabled(ready and self.active and self.position > 0)
        self.next_button.setEnabled(ready and (not self.active or self.position + 1 < total))
        self.example_button.setEnabled(ready and self.active)
