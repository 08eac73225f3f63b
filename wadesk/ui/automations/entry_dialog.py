""""Edit who enters…": a flow's entry rules in the Segments page's rule builder, with its live
reachability counts (the same LiveCounter: debounced, counted on the database lane). The flow view
keeps the result until Save, like any other edit."""
from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from wadesk.core.segments import Counts
from wadesk.ui.segments.funnel_bar import STAGE_WORDS, FunnelBar
from wadesk.ui.segments.group_box import GroupBox, ordinal, scrolled
from wadesk.ui.segments.live_counter import GETTING_READY, LiveCounter, show_readiness
from wadesk.ui.segments.page import problem_rows

MUTED = "color: #5b6b63;"
APPLY_TEXT = "Use these rules"


class EntryDialog(QDialog):
    """`rules()` is the edited entry after Accepted; `changed()` says whether it differs from what was
    loaded (so an untouched OK does not mark the flow edited)."""

    def __init__(self, services: Any, rules: dict, flow_name: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("entryDialog")
        self.setWindowTitle("WaDesk — Who enters" + (f" “{flow_name}”" if flow_name else ""))
        self.resize(980, 580)
        self.services = services
        self.problems: list[str] = []
        self.counter = LiveCounter(services.jobs, services.segment_engine, self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 12)
        title = QLabel("Who enters" + (f" “{html.escape(flow_name)}”" if flow_name else " this flow"),
                       objectName="pageTitle")
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(title)
        hint = QLabel("A customer enters this flow when they newly match these rules. Change, add or remove "
                      "conditions below; the numbers show who matches them today.", objectName="entryHint")
        hint.setWordWrap(True)
        hint.setStyleSheet(MUTED)
        layout.addWidget(hint)

        self.funnel = FunnelBar()
        for stage, b in self.funnel.buttons.items():  # no customer list here: the numbers only inform
            b.setCheckable(False)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setToolTip(STAGE_WORDS[stage][1])
        layout.addWidget(self.funnel)

        self.builder = GroupBox(lambda key: self.counter.choices.get(key, []), services.clock.now().date())
        self.builder.changed.connect(self._edited)
        self.scroll = scrolled(self.builder, "entryScroll")
        layout.addWidget(self.scroll, 1)

        self.message = QLabel(objectName="entryProblem")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(APPLY_TEXT)
        self.ok_button.setObjectName("applyEntry")
        self.ok_button.setToolTip("Use these rules for the flow; press Save on the flow to keep them (Ctrl+Enter)")
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setToolTip("Close without changing who enters (Esc)")
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.apply)

        self.counter.ready_changed.connect(self._ready_changed)
        self.counter.counting.connect(lambda: self.funnel.status.setText("Counting…"))
        self.counter.counted.connect(self._counted)
        self.counter.failed.connect(self._show_error)
        self.counter.prepare(data_changed=False)  # keeps the copy another page already built
        self.builder.load(rules)
        self.loaded = self.builder.rules()

    def rules(self) -> dict:
        return self.builder.rules()

    def changed(self) -> bool:
        return self.rules() != self.loaded

    # -- live problems and counts (as the Segments page does) ----------------------------------
    def _edited(self) -> None:
        rules = self.rules()
        at, general = problem_rows(rules, self.builder)
        for row in self.builder.rows():
            row.show_problem(at.get(row, ""))
        self.problems = [*at.values(), *general]
        self._show_error("")
        if self.problems:
            self.counter.forget()
            self.funnel.show_counts(None, "Fix the condition marked in red to see the counts.")
            return
        self.counter.schedule(rules)
        if not self.counter.ready:
            self.funnel.show_counts(None, GETTING_READY)

    def _ready_changed(self, ready: bool) -> None:
        show_readiness(self.builder, self.funnel, ready)

    def _counted(self, counts: Counts, _rules: dict) -> None:
        self.funnel.show_counts(counts, "Everyone matches: add conditions to narrow it down." if not self.builder.items
                                else "Today's matches are not messaged: only customers who newly match after you save the flow.")

    def _show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- applying --------------------------------------------------------------------------------
    def problem_sentence(self) -> str:
        """The first problem as one sentence naming the condition, or "" when the rules are valid."""
        at, general = problem_rows(self.rules(), self.builder)
        for i, row in enumerate(self.builder.rows(), 1):
            if row in at:
                what = f" (“{row.field['label']}”)" if row.field else ""
                plain = row.problem.text().removeprefix("⚠ ").rstrip(".")
                return f"Fix the {ordinal(i)} condition{what}, marked in red: {plain[:1].lower()}{plain[1:]}."
        if general:
            return f"Fix these rules before using them: {general[0]}."
        return ""

    def apply(self) -> None:
        problem = self.problem_sentence()
        if problem:
            self._show_error(problem)  # the dialog stays open; nothing changes
            return
        self.accept()

    def done(self, result: int) -> None:
        self.counter.forget()  # an answer arriving after closing has nothing to show
        super().done(result)
