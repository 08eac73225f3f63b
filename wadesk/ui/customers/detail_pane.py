"""The right-hand pane: one customer's profile, figures, tags, consent, notes and timeline.

Reads are small primary-key queries in a short session (a few ms); every change runs as a job on
the database lane and ends with a "data changed" broadcast, which refreshes the table and this pane.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from wadesk.core.pipeline import LEAD_STATUSES
from wadesk.core.profile import customer_scores
from wadesk.ui import dialogs, events
from wadesk.ui.errors import plain_error, show_error
from wadesk.ui.customers import detail_data as data
from wadesk.ui.customers import formatting as fmt
from wadesk.ui.customers.consent_box import ConsentBox, OptInDialog
from wadesk.ui.customers.notes_box import NotesBox
from wadesk.ui.customers.rescore import refresh_scores
from wadesk.ui.customers.scores_box import ScoresBox
from wadesk.ui.customers.tag_chips import TagChips
from wadesk.ui.customers.timeline_view import TimelineView

TIMELINE_PAGE = 20
PLACEHOLDER = "Select a customer to see their details, orders and messages."
log = logging.getLogger(__name__)


def _fill(box: QComboBox, items: list[tuple[str, Any]], current: Any) -> None:
    box.blockSignals(True)
    box.clear()
    for text, value in items:
        box.addItem(text, value)
    if current is not None and box.findData(current) < 0:
        box.addItem(str(current), current)  # e.g. an owner no longer on the staff list
    box.setCurrentIndex(max(0, box.findData(current)))
    box.blockSignals(False)


def _section(title: str) -> QLabel:
    label = QLabel(title)
    label.setObjectName("sectionTitle")
    label.setStyleSheet("font-weight: 600; color: #15241c; margin-top: 10px;")
    return label


def _figure(parent: QWidget, caption: str) -> tuple[QWidget, QLabel, QLabel]:
    box = QFrame(parent)
    box.setObjectName("card")
    col = QVBoxLayout(box)
    col.setContentsMargins(8, 5, 8, 5)
    col.setSpacing(0)
    value = QLabel("—", box)
    value.setStyleSheet("font-size: 14px; font-weight: bold; color: #0f6b45;")
    cap = QLabel(caption, box)
    cap.setStyleSheet("color: #5b6b63;")
    col.addWidget(value)
    col.addWidget(cap)
    return box, value, cap


class DetailPane(QStackedWidget):
    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("customerDetail")
        self.services = services
        self.customer_id: int | None = None
        self.customer_name: str = ""
        self.setMinimumWidth(300)
        self._placeholder = QLabel(PLACEHOLDER, self)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        self._placeholder.setObjectName("muted")
        self.addWidget(self._placeholder)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(scroll)
        body.setObjectName("detailBody")
        scroll.setWidget(body)
        self.addWidget(scroll)
        self._build(body)

    def _build(self, body: QWidget) -> None:
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 4, 12, 12)
        layout.setSpacing(6)
        self.name_label = QLabel(body)
        self.name_label.setObjectName("detailName")
        self.name_label.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.name_label.setWordWrap(True)
        self.since_label = QLabel(body)
        self.since_label.setObjectName("muted")
        self.since_label.setWordWrap(True)
        layout.addWidget(self.name_label)
        layout.addWidget(self.since_label)

        figures = QGridLayout()
        figures.setSpacing(6)
        box, self.orders_value, self.orders_caption = _figure(body, "orders")
        figures.addWidget(box, 0, 0)
        box, self.spent_value, _cap = _figure(body, "spent in total")
        figures.addWidget(box, 0, 1)
        box, self.last_order_value, _cap = _figure(body, "last order")
        figures.addWidget(box, 0, 2)
        layout.addLayout(figures)

        layout.addWidget(_section("Contact"))
        self.profile_form = QFormLayout()
        self.profile_form.setHorizontalSpacing(12)
        self.profile_form.setVerticalSpacing(3)
        self.fields: dict[str, QLabel] = {}
        for key, label in data.PROFILE_FIELDS:
            value = QLabel(body)
            value.setObjectName(f"profile_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            self.profile_form.addRow(f"{label}:", value)
        layout.addLayout(self.profile_form)

        layout.addWidget(_section("Sales"))  # the pipeline's lead status and owner (issue 9)
        sales = QFormLayout()
        sales.setHorizontalSpacing(12)
        self.lead_status_box = QComboBox(body, objectName="leadStatus")
        self.owner_box = QComboBox(body, objectName="leadOwner")
        self.owner_box.setToolTip("The staff member responsible (Pipeline → Staff… edits the list)")
        sales.addRow("Lead status:", self.lead_status_box)
        sales.addRow("Owner:", self.owner_box)
        layout.addLayout(sales)
        self.lead_status_box.activated.connect(lambda _i: self._change(
            "Saving the lead status", data.save_lead_status, self.lead_status_box.currentData()))
        self.owner_box.activated.connect(lambda _i: self._change(
            "Saving the owner", data.save_owner, self.owner_box.currentData()))

        layout.addWidget(_section("Scores"))
        self.scores = ScoresBox(body)
        layout.addWidget(self.scores)
        layout.addWidget(_section("Tags"))
        self.tags = TagChips(body)
        layout.addWidget(self.tags)
        layout.addWidget(_section("Marketing messages on WhatsApp"))
        self.consent = ConsentBox(body)
        layout.addWidget(self.consent)
        layout.addWidget(_section("Notes"))
        self.notes = NotesBox(body)
        layout.addWidget(self.notes)
        layout.addWidget(_section("Timeline"))
        self.timeline = TimelineView(body)
        layout.addWidget(self.timeline)
        layout.addStretch(1)

        self.tags.add_requested.connect(lambda name: self._change("Adding a tag", data.add_tag, name))
        self.tags.remove_requested.connect(lambda name: self._change("Removing a tag", data.remove_tag, name))
        self.notes.add_requested.connect(lambda text: self._change("Saving a note", data.add_note, text))
        self.consent.opt_in_requested.connect(self._record_opt_in)
        self.consent.opt_out_requested.connect(self._record_opt_out)
        self.timeline.load_more_requested.connect(self._load_more)

    # -- showing ---------------------------------------------------------------------------------
    def clear(self) -> None:
        self.customer_id, self.customer_name = None, ""
        self._placeholder.setText(PLACEHOLDER)
        self.setCurrentIndex(0)

    def show_customer(self, customer_id: int | None) -> None:
        if customer_id is None:
            self.clear()
            return
        try:
            with self.services.db.Session() as s:
                view = data.load(s, customer_id, TIMELINE_PAGE)
                scores = customer_scores(s, customer_id) if view is not None else None
        except Exception as exc:  # noqa: BLE001 - a read problem is shown, not raised into Qt
            log.warning("Could not read customer %s: %s", customer_id, exc)
            self.clear()
            self._placeholder.setText(plain_error(exc, "reading this customer"))
            return
        if view is None:  # deleted or erased meanwhile
            self.clear()
            return
        self.customer_id, self.customer_name = customer_id, view.name
        self.name_label.setText(view.name or "(no name)")
        self.since_label.setText(view.since)
        self.orders_value.setText(fmt.group_indian(view.orders))
        self.orders_caption.setText("order" if view.orders == 1 else "orders")
        self.spent_value.setText(fmt.rupees(view.total_spent))
        self.last_order_value.setText(fmt.date(view.last_order) or "never")
        for key, label in self.fields.items():
            text = view.fields.get(key) or ""
            label.setText(text or "—")
        self.scores.set_scores(scores)
        self.tags.set_tags(view.tags)
        self.tags.set_known_tags(view.known_tags)
        self.consent.set_state(view.consent_state, view.consent_source, view.consent_at)
        _fill(self.lead_status_box, [("—", None), *[(st, st) for st in LEAD_STATUSES]], view.lead_status)
        _fill(self.owner_box, [("Nobody", None), *[(n, n) for n in view.staff]], view.owner)
        self.notes.set_notes(view.notes)
        self.timeline.clear()
        self.timeline.append(view.timeline, view.timeline_more)
        self.setCurrentIndex(1)

    def _load_more(self) -> None:
        if self.customer_id is None:
            return
        try:
            with self.services.db.Session() as s:
                entries, more = data.timeline_page(s, self.customer_id, self.timeline.last_cursor, TIMELINE_PAGE)
        except Exception as exc:  # noqa: BLE001
            log.warning("Could not read the timeline: %s", exc)
            show_error(self, "Timeline", plain_error(exc, "reading the timeline"))
            return
        self.timeline.append(entries, more)

    # -- changes ---------------------------------------------------------------------------------
    def _change(self, title: str, fn: Callable[..., Any], *args: Any, topics=(events.CUSTOMERS,)) -> None:
        cid = self.customer_id
        if cid is None:
            return
        now = self.services.clock.now()
        self.services.jobs.run_in_session(
            lambda session, _ctx: fn(session, cid, *args, now=now), title=title, parent=self,
            on_result=lambda _r: self._changed(cid, topics))

    def _changed(self, cid: int, topics) -> None:
        self.services.bus.notify(*topics)
        refresh_scores(self.services, [cid], self)  # tags, consent: the scores and segments follow

    def _record_opt_in(self) -> None:
        dlg = OptInDialog(self.customer_name, self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self._change("Recording opt-in", data.opt_in, dlg.source_code, dlg.note_text)

    def _record_opt_out(self) -> None:
        if dialogs.confirm(self, "Record opt-out",
                           f"Record that {self.customer_name or 'this customer'} does not want "
                           "marketing messages? Campaigns and automations will skip them from now on.",
                           "Record opt-out"):
            self._change("Recording opt-out", data.opt_out)
