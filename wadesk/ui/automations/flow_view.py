"""One flow, as the owner sees and edits it: who enters (in words), its results, the steps as a
visual list (wait in words, template, the message in a WhatsApp bubble), and its rules — exits,
re-entry, holdout. Edits are kept here until Save (the page validates and saves them in a job)."""
from __future__ import annotations

import dataclasses
import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QMenu, QPushButton,
                               QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from wadesk.core.automations.definition import EXITS, FlowDefinition, Step, Wait
from wadesk.ui.automations import words
from wadesk.ui.widgets.whatsapp_bubble import WhatsAppChat

MUTED = "color: #5b6b63;"
BUBBLE_WIDTH = 280


def _card(name: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(objectName=name)
    frame.setProperty("class", "card")
    frame.setStyleSheet(f"QFrame#{name} {{ background: white; border: 1px solid #dfe5e1; border-radius: 8px; }}")
    box = QVBoxLayout(frame)
    box.setContentsMargins(14, 10, 14, 12)
    return frame, box


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: bold; font-size: 14px; border: none;")
    return label


class StepCard(QFrame):
    """One step: "Step 2 · 23 hours later", the template, Edit / Remove, and the message bubble."""

    edit = Signal(int)
    remove = Signal(int)

    def __init__(self, index: int, step: Step, can_remove: bool, shop_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"stepCard{index + 1}")
        self.setStyleSheet(f"QFrame#stepCard{index + 1} {{ background: white; border: 1px solid #dfe5e1;"
                           " border-radius: 8px; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 14, 12)
        left = QVBoxLayout()
        head = QLabel(f"<span style='color:#0f6b45'>Step {index + 1}</span> · "
                      f"{html.escape(words.wait_words(step.wait, index == 0))}", objectName="stepWhen")
        head.setStyleSheet("font-weight: bold; font-size: 14px; border: none;")
        left.addWidget(head)
        template = (f"Template: <b>{html.escape(step.template)}</b> ({html.escape(step.language)})" if step.template
                    else "<span style='color:#b3261e'>No template yet — press Edit step… to choose one.</span>")
        self.template_label = QLabel(template, objectName="stepTemplateLabel")
        self.template_label.setWordWrap(True)
        self.template_label.setStyleSheet("border: none;")
        left.addWidget(self.template_label)
        self.note = QLabel(objectName="stepNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"{MUTED} border: none;")
        left.addWidget(self.note)
        buttons = QHBoxLayout()
        self.edit_button = QPushButton("Edit step…", objectName=f"editStep{index + 1}")
        self.edit_button.setToolTip("Choose the template, fill its blanks and set the wait")
        self.edit_button.clicked.connect(lambda: self.edit.emit(index))
        buttons.addWidget(self.edit_button)
        self.remove_button = QPushButton("Remove", objectName=f"removeStep{index + 1}")
        self.remove_button.setVisible(can_remove)
        self.remove_button.clicked.connect(lambda: self.remove.emit(index))
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        left.addStretch(1)
        row.addLayout(left, 1)
        self.chat = WhatsAppChat(shop_name, bubble_width=BUBBLE_WIDTH)
        self.chat.clear("Preparing the preview…")
        row.addWidget(self.chat, 0, Qt.AlignmentFlag.AlignTop)

    def show_preview(self, p: Any) -> None:
        if p.preview is None:
            self.chat.clear(p.problem)
            self.note.setText("")
            return
        self.chat.show_preview(p.preview, p.media_kind)
        text = f"Shown for {html.escape(p.who)}."
        if p.problem:
            text += f"<br><span style='color:#b3261e'>Problem: {html.escape(p.problem)}</span>"
        self.note.setText(text)


class FlowView(QWidget):
    """Shows a flow and keeps the owner's edits; `edited` fires on every change (Save gets enabled)."""

    edited = Signal()
    edit_step = Signal(int)
    edit_entry = Signal()
    save_clicked = Signal()
    revert_clicked = Signal()
    delete_clicked = Signal()

    def __init__(self, shop_name: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("flowView")
        self.shop_name = shop_name
        self.flow_id: int | None = None
        self.definition: FlowDefinition | None = None
        self.saved: FlowDefinition | None = None
        self.saved_name = ""
        self.cards: list[StepCard] = []
        self.saved_segments: list[tuple[int, str, dict]] = []  # the page fills it
        self._loading = False
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(10)
        top = QHBoxLayout()
        self.name = QLineEdit(objectName="flowName")
        self.name.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.name.setToolTip("The flow's name (press Save to keep it)")
        self.name.textEdited.connect(lambda _t: self._changed())
        top.addWidget(self.name, 1)
        self.state = QLabel(objectName="flowState")
        top.addWidget(self.state)
        layout.addLayout(top)

        card, box = _card("resultsCard")
        box.addWidget(_section("Results"))
        self.results = QLabel(objectName="flowResults")
        self.results.setWordWrap(True)
        self.results.setTextFormat(Qt.TextFormat.RichText)
        self.results.setStyleSheet("border: none;")
        box.addWidget(self.results)
        layout.addWidget(card)

        card, box = _card("entryCard")
        box.addWidget(_section("Who enters"))
        hint = QLabel("A customer enters when they newly match these rules (checked after every import and every "
                      "few minutes while WaDesk is open).")
        hint.setWordWrap(True)
        hint.setStyleSheet(f"{MUTED} border: none;")
        box.addWidget(hint)
        self.entry = QLabel(objectName="flowEntry")
        self.entry.setWordWrap(True)
        self.entry.setTextFormat(Qt.TextFormat.RichText)
        self.entry.setStyleSheet("border: none;")
        box.addWidget(self.entry)
        row = QHBoxLayout()
        self.entry_button = QPushButton("Use a segment's rules…", objectName="chooseEntry")
        self.entry_button.setToolTip("Let customers enter when they newly match one of your saved segments or a "
                                     "ready-made one (build new ones on the Segments page)")
        self.entry_menu = QMenu(self.entry_button)
        self.entry_menu.aboutToShow.connect(self._fill_entry_menu)
        self.entry_button.setMenu(self.entry_menu)
        row.addWidget(self.entry_button)
        self.edit_entry_button = QPushButton("Edit who enters…", objectName="editEntry")
        self.edit_entry_button.setToolTip("Change these rules condition by condition, with how many customers "
                                          "match them now")
        self.edit_entry_button.clicked.connect(self.edit_entry)
        row.addWidget(self.edit_entry_button)
        row.addStretch(1)
        box.addLayout(row)
        layout.addWidget(card)

        self.steps_title = _section("Messages")
        layout.addWidget(self.steps_title)
        self.steps_box = QVBoxLayout()
        self.steps_box.setSpacing(4)
        layout.addLayout(self.steps_box)
        add_row = QHBoxLayout()
        self.add_button = QPushButton("+ Add a step", objectName="addStep")
        self.add_button.setToolTip("Another message after the last one (a day later; choose its template)")
        self.add_button.clicked.connect(self.add_step)
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout.addLayout(add_row)

        card, box = _card("rulesCard")
        box.addWidget(_section("Rules"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.addWidget(QLabel("Stop early when they…"), 0, 0, Qt.AlignmentFlag.AlignTop)
        exits = QVBoxLayout()
        self.exit_boxes: dict[str, QCheckBox] = {}
        for key, text in EXITS.items():
            cb = QCheckBox(text, objectName=f"exit_{key}")
            cb.toggled.connect(lambda _on: self._changed())
            self.exit_boxes[key] = cb
            exits.addWidget(cb)
        grid.addLayout(exits, 0, 1)
        grid.addWidget(QLabel("Enter again?"), 1, 0)
        again = QHBoxLayout()
        self.never = QRadioButton("Never", objectName="reentryNever")
        self.after = QRadioButton("After", objectName="reentryAfter")
        self.after_days = QSpinBox(objectName="reentryDays", minimum=1, maximum=3650, suffix=" days", value=30)
        self.never.toggled.connect(lambda _on: self._changed())
        self.after_days.valueChanged.connect(lambda _v: self._changed())
        for w in (self.never, self.after, self.after_days):
            again.addWidget(w)
        again.addStretch(1)
        grid.addLayout(again, 1, 1)
        grid.addWidget(QLabel("Holdout"), 2, 0)
        hold = QHBoxLayout()
        self.holdout = QSpinBox(objectName="holdoutPct", minimum=0, maximum=50, suffix=" %")
        self.holdout.valueChanged.connect(lambda _v: self._changed())
        hold.addWidget(self.holdout)
        self.holdout_words = QLabel(objectName="holdoutWords")
        self.holdout_words.setStyleSheet(f"{MUTED} border: none;")
        self.holdout_words.setWordWrap(True)
        hold.addWidget(self.holdout_words, 1)
        grid.addLayout(hold, 2, 1)
        box.addLayout(grid)
        note = QLabel("Every flow also keeps your quiet hours and the limit on marketing messages per customer "
                      "(Settings → Sending), shared with campaigns. Order updates (utility templates) are kept apart.")
        note.setWordWrap(True)
        note.setStyleSheet(f"{MUTED} border: none;")
        box.addWidget(note)
        layout.addWidget(card)

        bottom = QHBoxLayout()
        self.problem = QLabel(objectName="flowProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        bottom.addWidget(self.problem, 1)
        self.revert_button = QPushButton("Undo changes", objectName="revertFlow")
        self.revert_button.clicked.connect(self.revert_clicked)
        self.save_button = QPushButton("Save", objectName="saveFlow")
        self.save_button.setProperty("primary", True)
        # The app's primary style has no disabled look; a Save that can't be pressed must not look pressable.
        self.save_button.setStyleSheet("QPushButton:disabled { background: #b9dcca; border-color: #b9dcca;"
                                       " color: #f3faf6; }")
        self.save_button.setToolTip("Check and keep these changes (Ctrl+S)")
        self.save_button.clicked.connect(self.save_clicked)
        self.delete_button = QPushButton("Delete flow…", objectName="deleteFlow")
        self.delete_button.setToolTip("Delete this flow: its messages not sent yet are dropped (Delete in the list)")
        self.delete_button.clicked.connect(self.delete_clicked)
        bottom.addWidget(self.delete_button)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)
        layout.addStretch(1)
        self._update_buttons()

    # -- showing -----------------------------------------------------------------------------------
    def show_flow(self, row: Any, sandbox: bool, keep_edits: bool = False, reasons: Any = ()) -> bool:
        """Show a flow (a data.FlowRow); `keep_edits` keeps unsaved edits of the same flow (a refresh).
        True when the steps were laid out again (their previews are to be made again)."""
        v = row.view
        same = self.flow_id == v.id
        self.results.setText(words.results_html(row.results, sandbox, reasons, v.enabled))
        self.state.setText("<b style='color:#169b62'>● On</b>" if v.enabled else "<span style='color:#7b8781'>○ Off"
                           "</span>")
        if same and keep_edits and (self.dirty or (v.definition, v.name) == (self.saved, self.saved_name)):
            self.saved, self.saved_name = v.definition, v.name
            self._update_buttons()
            return False
        self.flow_id, self.saved, self.saved_name = v.id, v.definition, v.name
        self.set_definition(v.definition, v.name)
        return True

    def set_definition(self, d: FlowDefinition, name: str | None = None, quiet: bool = True) -> None:
        self._loading = True
        try:
            self.definition = d
            if name is not None:
                self.name.setText(name)
            self.entry.setText(words.entry_html(d.entry))
            for key, cb in self.exit_boxes.items():
                cb.setChecked(key in d.exits)
            self.never.setChecked(d.reentry_days is None)
            self.after.setChecked(d.reentry_days is not None)
            if d.reentry_days is not None:
                self.after_days.setValue(d.reentry_days)
            self.holdout.setValue(d.holdout_pct)
            self._build_cards()
        finally:
            self._loading = False
        self._changed(quiet=quiet)

    def _build_cards(self) -> None:
        for c in self.cards:
            self.steps_box.removeWidget(c)
            c.hide()
            c.deleteLater()
        self.cards = []
        assert self.definition is not None
        steps = self.definition.steps
        for i, step in enumerate(steps):
            card = StepCard(i, step, len(steps) > 1, self.shop_name)
            card.edit.connect(self.edit_step)
            card.remove.connect(self.remove_step)
            self.cards.append(card)
            self.steps_box.addWidget(card)
        self.steps_title.setText(f"Messages ({len(steps)} step{'s' if len(steps) != 1 else ''})")

    def show_previews(self, previews: list[Any]) -> None:
        for card, p in zip(self.cards, previews):
            card.show_preview(p)

    # -- editing -----------------------------------------------------------------------------------
    def edited_definition(self) -> FlowDefinition:
        assert self.definition is not None
        exits = tuple(k for k, cb in self.exit_boxes.items() if cb.isChecked())
        reentry = None if self.never.isChecked() else self.after_days.value()
        return dataclasses.replace(self.definition, exits=exits, reentry_days=reentry, holdout_pct=self.holdout.value())

    def _fill_entry_menu(self) -> None:
        from wadesk.core.segments import PRESETS

        self.entry_menu.clear()
        for title, items in (("Your saved segments", [(name, rules, "") for _id, name, rules in self.saved_segments]),
                             ("Ready-made segments", [(p.name, p.rules, p.description) for p in PRESETS])):
            if not items:
                continue
            self.entry_menu.addSection(title)
            for name, rules, tip in items:
                action = self.entry_menu.addAction(name)
                action.setToolTip(tip)
                action.triggered.connect(lambda _c=False, r=rules: self.use_entry(r))
        self.entry_menu.setToolTipsVisible(True)

    def use_entry(self, rules: dict) -> None:
        """New entry rules (a segment's); kept until Save like any other edit."""
        self.set_definition(dataclasses.replace(self.edited_definition(), entry=dict(rules)), quiet=False)

    def replace_step(self, index: int, step: Step) -> None:
        d = self.edited_definition()
        steps = list(d.steps)
        steps[index] = step
        self.set_definition(dataclasses.replace(d, steps=tuple(steps)), quiet=False)

    def add_step(self) -> None:
        d = self.edited_definition()
        last = d.steps[-1] if d.steps else Step(None)
        self.set_definition(dataclasses.replace(d, steps=d.steps + (Step(last.template, last.language,
                                                                         dict(last.mapping), Wait(days=1)),)),
                            quiet=False)
        self.edit_step.emit(len(d.steps))

    def remove_step(self, index: int) -> None:
        d = self.edited_definition()
        if len(d.steps) > 1:
            self.set_definition(dataclasses.replace(d, steps=d.steps[:index] + d.steps[index + 1:]), quiet=False)

    @property
    def dirty(self) -> bool:
        if self.saved is None or self.definition is None:
            return False
        return self.edited_definition() != self.saved or self.name.text().strip() != self.saved_name

    def _changed(self, quiet: bool = False) -> None:
        if self._loading:
            return
        self.after_days.setEnabled(self.after.isChecked())
        self.holdout_words.setText(words.holdout_words(self.holdout.value()))
        self.show_problem("")
        self._update_buttons()
        if not quiet:
            self.edited.emit()

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)

    def _update_buttons(self) -> None:
        dirty = self.dirty
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
