"""Edit one step of a flow: its template (the shop's approved, synced ones), the wait before it, and
how its blanks are filled (the Templates page's mapping editor), with a customer's message in the
WhatsApp bubble (the Templates page's customer picker, stepping through who enters the flow)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTime, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFrame, QHBoxLayout,
                               QLabel, QScrollArea, QSpinBox, QTimeEdit, QVBoxLayout, QWidget)

from wadesk.core.automations.definition import Step, Wait
from wadesk.ui.automations.words import wait_words
from wadesk.ui.templates.customer_picker import CustomerPicker
from wadesk.ui.templates.mapping_editor import MappingEditor
from wadesk.ui.widgets.whatsapp_bubble import WhatsAppChat

ENTRY_NAME = "Who enters this flow"
MUTED = "color: #5b6b63;"


def template_label(t: Any) -> str:
    from wadesk.core.messaging.templates import spec_of

    spec = spec_of(t)
    return f"{spec.name} ({spec.language}) · {spec.category.title()}"


class EntryPicker(CustomerPicker):
    """The customer picker with "Who enters this flow" first in its list (chosen at the start)."""

    entry: dict | None = None  # set by set_entry() right after construction

    def _read_saved(self) -> None:
        from wadesk.ui.templates.audience_combo import read_saved_segments

        self.services.jobs.run_in_session(read_saved_segments, title="Reading saved segments", parent=self,
                                          progress_dialog=False, show_errors=False,
                                          on_result=lambda saved: self.audience.set_saved(
                                              [(0, ENTRY_NAME, self.entry or {"all": []}), *saved]))

    def set_entry(self, entry: dict) -> None:
        self.entry = entry
        self.audience.set_saved([(0, ENTRY_NAME, entry)])
        self.audience.choose(ENTRY_NAME)


class WaitEditor(QWidget):
    """Days + hours, or "on that day at a set time"; says the wait in words as it changes."""

    def __init__(self, wait: Wait, first: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.first = first
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.days = QSpinBox(objectName="waitDays", minimum=0, maximum=365, suffix=" days", value=wait.days)
        self.hours = QDoubleSpinBox(objectName="waitHours", minimum=0, maximum=23.5, singleStep=0.5, decimals=1,
                                    suffix=" hours", value=float(wait.hours))
        self.at_box = QCheckBox("at", objectName="waitAtOn", checked=wait.at is not None)
        self.at_box.setToolTip("Send at a set time of day (your shop's time zone) on that day")
        hh, mm = (int(x) for x in (wait.at or "10:00").split(":"))
        self.at = QTimeEdit(QTime(hh, mm), objectName="waitAt", displayFormat="HH:mm")
        self.at.setEnabled(wait.at is not None)
        self.words = QLabel(objectName="waitWords")
        self.words.setStyleSheet(MUTED)
        for w in (self.days, self.hours, self.at_box, self.at):
            row.addWidget(w)
        row.addWidget(self.words, 1)
        for signal in (self.days.valueChanged, self.hours.valueChanged, self.at.timeChanged):
            signal.connect(self._changed)
        self.at_box.toggled.connect(lambda on: (self.at.setEnabled(on), self._changed()))
        self._changed()

    def value(self) -> Wait:
        at = self.at.time().toString("HH:mm") if self.at_box.isChecked() else None
        return Wait(self.days.value(), self.hours.value(), at)

    def _changed(self, *_a: Any) -> None:
        self.words.setText("→ " + wait_words(self.value(), self.first).lower())


class StepDialog(QDialog):
    """`step()` is the edited Step after `exec()` returns Accepted."""

    def __init__(self, services: Any, step: Step, number: int, templates: list[Any], entry: dict,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("stepDialog")
        self.setWindowTitle(f"WaDesk — Step {number}")
        self.resize(1280, 760)
        self.services, self.original, self.templates = services, step, templates
        self._spec: Any = None
        layout = QHBoxLayout(self)
        left_host = QWidget()
        left = QVBoxLayout(left_host)
        title = QLabel(f"Step {number}", objectName="pageTitle")
        left.addWidget(title)
        left.addWidget(QLabel("<b>When</b>"))
        self.wait = WaitEditor(step.wait, number == 1)
        left.addWidget(self.wait)
        left.addWidget(QLabel("<b>Message</b> — one of your approved WhatsApp templates"))
        self.template = QComboBox(objectName="stepTemplate")
        self.template.addItem("Choose a template…", None)
        for t in templates:
            self.template.addItem(template_label(t), (t.name, t.language))
        self.no_templates = QLabel("No approved templates yet: sync them on the Templates page (or create one in "
                                   "WhatsApp Manager and wait for Meta's approval).", objectName="noTemplates")
        self.no_templates.setWordWrap(True)
        self.no_templates.setStyleSheet("color: #b06d00;")
        self.no_templates.setVisible(not templates)
        left.addWidget(self.template)
        left.addWidget(self.no_templates)
        self.editor = MappingEditor(services, self)
        self.editor.changed.connect(self._mapping_changed)
        left.addWidget(self.editor)
        left.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(left_host)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(scroll, 1)

        right_host = QWidget()
        right_host.setFixedWidth(480)
        right = QVBoxLayout(right_host)
        right.setContentsMargins(0, 0, 0, 0)
        self.picker = EntryPicker(services, self)
        self.picker.describe_mapping = False
        self.picker.install_shortcuts(self)
        self.picker.set_entry(entry)
        right.addWidget(self.picker)
        self.chat = WhatsAppChat(services.settings.shop_name)
        right.addWidget(self.chat)
        self.problems = QLabel(objectName="stepProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b3261e;")
        right.addWidget(self.problems)
        right.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Use these")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        right.addWidget(self.buttons)
        layout.addWidget(right_host)
        self.picker.rendered.connect(self._show_customer)
        self.picker.reset.connect(self._show_examples)
        self.template.currentIndexChanged.connect(self._template_changed)
        i = self.template.findData((step.template, step.language)) if step.template else -1
        if i < 0 and step.template:  # the recipe's template in another language: the same name will do
            i = next((k for k in range(1, self.template.count()) if self.template.itemData(k)[0] == step.template), -1)
        self.template.setCurrentIndex(max(i, 0))
        self._template_changed(self.template.currentIndex())

    # -- template and mapping ----------------------------------------------------------------------
    def _template_changed(self, index: int) -> None:
        from wadesk.core.messaging.mapping import TemplateMapping
        from wadesk.core.messaging.templates import spec_of

        choice = self.template.itemData(index)
        t = next((t for t in self.templates if (t.name, t.language) == choice), None) if choice else None
        self._spec = spec_of(t) if t is not None else None
        mapping = None
        if self._spec is not None and self.original.template == self._spec.name and self.original.mapping:
            mapping = TemplateMapping.from_json({**self.original.mapping, "template": self._spec.name,
                                                 "language": self._spec.language})
        self.editor.set_spec(self._spec, mapping)
        self.picker.custom_mapping = self.editor.mapping() if self._spec is not None else None
        self.picker.set_spec(self._spec)
        if self._spec is None:
            self.chat.clear("Choose a template to see the message.")
            self.problems.hide()
        elif not self.picker.active:
            self.picker.next()  # the first customer who enters, else Meta's example values
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    def _mapping_changed(self, mapping: Any) -> None:
        self.picker.set_mapping(mapping)

    def _show_customer(self, result: Any) -> None:
        self.chat.show_preview(result.preview, self._spec.media_header if self._spec else None)
        words = [p.message for p in result.preview.problems]
        self.problems.setText("This customer's message has a problem:\n• " + "\n• ".join(words) if words else "")
        self.problems.setVisible(bool(words))

    def _show_examples(self) -> None:
        from wadesk.core.messaging.preview import preview_values

        if self._spec is not None:
            self.chat.show_preview(preview_values(self._spec), self._spec.media_header)
            self.problems.hide()

    # -- the answer --------------------------------------------------------------------------------
    def step(self) -> Step:
        if self._spec is None:
            return Step(None, self.original.language, {}, self.wait.value())
        return Step(self._spec.name, self._spec.language, self.editor.mapping().to_json(), self.wait.value())

    def mapping_problem(self) -> str | None:
        words = self.editor.problem_words()
        return next(iter(words.values())) if words else None

    def accept(self) -> None:
        problem = self.mapping_problem() if self._spec is not None else None
        if problem:
            self.problems.setText(f"Fix this first: {problem}")
            self.problems.show()
            return
        super().accept()
