""""Preview for a customer": everyone or a segment's recipients, narrowed by a search; step through
them with Previous / Next (Alt+Left / Alt+Right), or jump to the next customer whose message has a
problem (F8). Rendering, segment resolution and the problem scan all run in database jobs (core's
`preview_list`); this widget only keeps the place.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from wadesk.core.messaging.mapping import TemplateMapping, default_mapping
from wadesk.core.messaging.preview_list import CustomerPreview, PreviewList
from wadesk.core.messaging.template_spec import TemplateSpec
from wadesk.ui import events
from wadesk.ui.templates.audience_combo import AudienceCombo, read_saved_segments

SEARCH_DEBOUNCE_MS = 250
EXAMPLES_TEXT = "Showing Meta's example values. Search or press Next to see a real customer's message."
# Data whose change can move customers in or out of a segment: the resolved list is made again.
MEMBERSHIP = (events.CUSTOMERS, events.ORDERS, events.TAGS, events.EVENTS, events.PROFILES, events.CAMPAIGNS)

__all__ = ["CustomerPicker", "CustomerPreview", "mapping_words", "preview_mapping"]


def preview_mapping(spec: TemplateSpec) -> TemplateMapping:
    """core's default mapping, with Meta's example media so an image header has a picture, and the
    template's name as the UTM campaign so link buttons show the tags a campaign adds."""
    mapping = default_mapping(spec)
    if spec.media_header and spec.header and spec.header.example:
        mapping.header_media = spec.header.example
    mapping.utm_campaign = spec.name
    return mapping


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


@dataclass(frozen=True)
class Request:
    spec: TemplateSpec
    mapping: TemplateMapping
    people: PreviewList | None  # None: make the list first (a segment is resolved in the job)
    audience: tuple[str, dict] | None  # (segment name, rules); None: all customers
    search: str
    region: str
    position: int
    find_problem: bool
    now: datetime | None


@dataclass(frozen=True)
class Shown:
    people: PreviewList
    result: CustomerPreview | None  # None: no customer with a problem from `searched_from` on
    searched_from: int = 0


def load(session: Any, engine: Any, req: Request, ctx: Any) -> Shown:
    """The job: the list (a segment's recipients are resolved once), then the customer to show."""
    from wadesk.core.messaging.preview_list import next_with_problem, render_at, segment_list

    people = req.people
    if people is None:
        if req.audience is None:
            people = PreviewList(req.search, req.region)
        else:
            ctx.progress(0, 0, "Finding the segment's customers…")
            name, rules = req.audience
            people = segment_list(session, engine, rules, name, req.search, req.region)
    position = req.position
    if req.find_problem:
        found = next_with_problem(session, req.spec, req.mapping, people, position, req.now,
                                  progress=ctx.progress, cancelled=ctx.cancelled)
        if found is None:
            return Shown(people, None, position)
        position = found
    return Shown(people, render_at(session, req.spec, req.mapping, people, position, req.now))


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
        self.people: PreviewList | None = None  # the list being stepped through, once made
        self.custom_mapping: TemplateMapping | None = None  # the mapping editor's; None: core's default
        self.describe_mapping = True  # off where a mapping editor shows the choices instead
        self._build()
        services.bus.changed.connect(self._on_data_changed)
        self._read_saved()
        self.set_spec(None)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        title = QLabel("Preview for a customer")
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        row = QHBoxLayout()
        self.audience = AudienceCombo(self)
        self.search = QLineEdit(objectName="previewCustomerSearch", placeholderText="Search a customer: name or phone")
        self.search.setClearButtonEnabled(True)
        row.addWidget(self.audience, 2)
        row.addWidget(self.search, 3)
        layout.addLayout(row)
        steps = QHBoxLayout()
        self.prev_button = QPushButton("◀ Previous", objectName="previousCustomer", toolTip="Previous customer (Alt+←)")
        self.next_button = QPushButton("Next ▶", objectName="nextCustomer", toolTip="Next customer (Alt+→)")
        self.problem_button = QPushButton("Next with a problem", objectName="nextProblem",
                                          toolTip="Jump to the next customer whose message can't be sent as it is (F8)")
        self.example_button = QPushButton("Example values", objectName="exampleValues",
                                          toolTip="Show the template with Meta's example values again")
        for b in (self.prev_button, self.next_button, self.problem_button):
            steps.addWidget(b)
        steps.addStretch(1)
        steps.addWidget(self.example_button)
        layout.addLayout(steps)
        self.label = QLabel(EXAMPLES_TEXT, objectName="previewCustomerLabel")
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #5b6b63;")
        layout.addWidget(self.label)
        self.mapping = QLabel(objectName="previewMapping")
        self.mapping.setWordWrap(True)
        self.mapping.setStyleSheet("color: #5b6b63;")
        layout.addWidget(self.mapping)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._timer.timeout.connect(lambda: self._new_list())
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.audience.currentIndexChanged.connect(lambda _i: self._new_list())
        self.prev_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.problem_button.clicked.connect(self.next_problem)
        self.example_button.clicked.connect(self.show_examples)

    def install_shortcuts(self, host: QWidget) -> None:
        """Alt+←/→ and F8 work anywhere inside `host` (the whole template pane, the mapping editor too);
        installed once, on the outermost host (two hosts would make the keys ambiguous)."""
        for keys, slot in (("Alt+Left", self.previous), ("Alt+Right", self.next), ("F8", self.next_problem)):
            shortcut = QShortcut(QKeySequence(keys), host)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- what to show ----------------------------------------------------------------------------
    def set_spec(self, spec: TemplateSpec | None) -> None:
        self.spec = spec
        words = mapping_words(spec) if spec is not None else ""
        self.mapping.setText(f"How the blanks are filled for a customer:<br>{words}" if words else "")
        self.mapping.setVisible(bool(words) and self.describe_mapping)
        for w in (self.audience, self.search, self.example_button):
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
        self.label.setText(EXAMPLES_TEXT)
        self._update_buttons()
        self.reset.emit()

    def previous(self) -> None:
        if self.prev_button.isEnabled():
            self.show_position(self.position - 1)

    def next(self) -> None:
        if self.next_button.isEnabled():
            self.show_position(self.position + 1 if self.active else 0)

    def next_problem(self) -> None:
        if self.problem_button.isEnabled():
            self.show_position(self.position + 1 if self.active else 0, find_problem=True)

    def _new_list(self) -> None:
        """The audience or the search changed: a new list, from its first customer."""
        self.people = None
        self.show_position(0)

    def show_position(self, position: int, find_problem: bool = False) -> None:
        if self.spec is None:
            return
        self._seq += 1
        seq, audience = self._seq, self.audience.choice()
        req = Request(self.spec, self.custom_mapping or preview_mapping(self.spec), self.people, audience,
                      self.search.text(), self.services.settings.get("default_region"), position, find_problem,
                      self.services.clock.now())
        engine = self.services.segment_engine if audience is not None and self.people is None else None
        slow = find_problem or engine is not None  # may take seconds on a big shop: progress + Cancel
        title = "Looking for a message with a problem" if find_problem else "Preparing the preview"
        self.services.jobs.run_in_session(lambda s, ctx: load(s, engine, req, ctx), title=title, parent=self,
                                          progress_dialog=slow, on_result=lambda r: self._show(seq, r),
                                          on_error=lambda m: self._failed(seq, m), show_errors=False)

    # -- answers ---------------------------------------------------------------------------------
    def _where(self) -> str:
        name = self.people.segment if self.people else ""
        return f" in “{html.escape(name)}”" if name else ""

    def _show(self, seq: int, shown: Shown) -> None:
        if seq != self._seq:
            return  # an older request: the owner has moved on
        self.people = shown.people
        result = shown.result
        if result is None:  # looked for a problem and found none
            after = f" after customer {shown.searched_from:,}" if shown.searched_from else ""
            self.label.setText(f"No problems{after}{self._where()}: those messages can be sent as they are.")
            self._update_buttons()
            return
        self.last = result
        if result.preview is None:
            self.active = False
            self.label.setText(self._empty_words())
            self._update_buttons()
            self.reset.emit()
            return
        self.active, self.position = True, result.position
        phone = f" · {result.phone}" if result.phone else " · no WhatsApp number"
        self.label.setText(f"Customer {result.position + 1:,} of {result.total:,}{self._where()}: "
                           f"<b>{html.escape(result.name)}</b>{html.escape(phone)}")
        self._update_buttons()
        self.rendered.emit(result)

    def _empty_words(self) -> str:
        searched = bool(self.search.text().strip())
        if self.people is not None and self.people.segment:
            if searched:
                return f"Nobody{self._where()} matches that search."
            return (f"Nobody{self._where()} can get a campaign now: no WhatsApp number, no opt-in, "
                    "or they had enough messages this week.")
        return "No customer matches that search." if searched else "There are no customers yet: import some first."

    def _failed(self, seq: int, message: str) -> None:
        if seq == self._seq:
            self.label.setText(f"The preview could not be prepared. {html.escape(message)}")

    def _update_buttons(self) -> None:
        ready = self.spec is not None
        total = self.last.total if (self.last and self.active) else 0
        self.prev_button.setEnabled(ready and self.active and self.position > 0)
        self.next_button.setEnabled(ready and (not self.active or self.position + 1 < total))
        self.problem_button.setEnabled(ready and (not self.active or self.position + 1 < total))
        self.example_button.setEnabled(ready and self.active)

    # -- data --------------------------------------------------------------------------------------
    def _read_saved(self) -> None:
        self.services.jobs.run_in_session(read_saved_segments, title="Reading saved segments", parent=self,
                                          progress_dialog=False, on_result=self.audience.set_saved,
                                          show_errors=False)

    def _on_data_changed(self, what: frozenset[str]) -> None:
        if events.touches(what, events.SEGMENTS):
            self._read_saved()
        if self.people is not None and self.people.segment and events.touches(what, *MEMBERSHIP):
            self.people = None  # made again (with fresh members) at the next step
