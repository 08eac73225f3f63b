"""The Personalise step: fill the template's blanks (the Templates page's mapping editor), see a
recipient's message in the WhatsApp bubble (the Templates page's customer picker, set to the chosen
customers), and the pre-flight: every recipient's message checked, problems by reason, "Leave them out"."""
from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from wadesk.ui.campaigns.steps import MUTED, Step, heading
from wadesk.ui.campaigns.words import EVERYONE_RULES, n
from wadesk.ui.templates.customer_picker import CustomerPicker
from wadesk.ui.templates.mapping_editor import MappingEditor
from wadesk.ui.widgets.whatsapp_bubble import WhatsAppChat


EVERYONE_NAME = "All customers who can get it"


class PersonaliseStep(Step):
    title = "Personalise"

    def __init__(self, wizard: Any):
        super().__init__(wizard)
        self.checking = False
        self._spec_key: tuple[str, str] | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left_host = QWidget()
        left = QVBoxLayout(left_host)
        for w in heading("Fill in each customer's details",
                         "Choose where each blank's value comes from, and what to use when a customer has none."):
            left.addWidget(w)
        self.editor = MappingEditor(self.services, self)
        self.editor.changed.connect(self._mapping_changed)
        left.addWidget(self.editor)

        self.check_box = QFrame(objectName="card")
        cb = QVBoxLayout(self.check_box)
        top = QHBoxLayout()
        title = QLabel("Pre-flight: every message checked before sending")
        title.setStyleSheet("font-weight: bold;")
        top.addWidget(title, 1)
        self.check_button = QPushButton("Check every message", objectName="runPreflight")
        self.check_button.setToolTip("Personalise the message for every customer and list what would fail")
        self.check_button.clicked.connect(self.run_check)
        top.addWidget(self.check_button)
        cb.addLayout(top)
        self.result = QLabel(objectName="preflightResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.result.linkActivated.connect(self.show_customers)  # "who?" after each reason
        cb.addWidget(self.result)
        row = QHBoxLayout()
        self.exclude_button = QPushButton("Leave them out", objectName="excludeProblems")
        self.exclude_button.setToolTip("Send to everyone else; these customers don't get this campaign")
        self.exclude_button.clicked.connect(self.exclude)
        row.addWidget(self.exclude_button)
        row.addStretch(1)
        cb.addLayout(row)
        left.addWidget(self.check_box)
        left.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(left_host)
        layout.addWidget(scroll, 3)

        right = QVBoxLayout()
        self.picker = CustomerPicker(self.services, self)
        self.picker.describe_mapping = False
        self.picker.install_shortcuts(self)
        right.addWidget(self.picker)
        self.chat = WhatsAppChat(self.services.settings.shop_name)
        right.addWidget(self.chat)
        self.problems = QLabel(objectName="previewProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b3261e;")
        right.addWidget(self.problems)
        right.addStretch(1)
        self.picker.rendered.connect(self._show_customer)
        self.picker.reset.connect(self._show_examples)
        layout.addLayout(right, 2)
        self._show_result()

    # -- entering ----------------------------------------------------------------------------------
    def enter(self) -> None:
        spec = self.state.spec
        key = (spec.name, spec.language)
        if key != self._spec_key:
            self._spec_key = key
            self.editor.set_spec(spec, self.state.mapping)
            self.state.mapping = self.editor.mapping()
            self.picker.custom_mapping = self.state.mapping
            self.picker.set_spec(spec)
            self.state.preflight = None
        # Step through the campaign's own recipients; "all customers" as a list of those who can get it.
        saved = list(self.state.setup.saved if self.state.setup else [])
        name = self.state.audience_name
        if name is None:
            name = EVERYONE_NAME
            saved.insert(0, (0, name, EVERYONE_RULES))
        self.picker.audience.set_saved(saved)
        self.picker.audience.choose(name)
        self.picker.next() if not self.picker.active else self.picker.show_position(self.picker.position)
        if self.state.preflight is None and not self.checking:
            self.run_check()
        self._show_result()

    def _mapping_changed(self, mapping: Any) -> None:
        self.state.mapping = mapping
        self.picker.set_mapping(mapping)
        if self.state.preflight is not None or self.state.exclude_ids:
            self.state.preflight, self.state.exclude_ids = None, frozenset()
            self._show_result()
        self.changed.emit()

    def _show_customer(self, result: Any) -> None:
        self.chat.show_preview(result.preview, self.state.spec.media_header if self.state.spec else None)
        words = [p.message for p in result.preview.problems]
        self.problems.setText("This customer's message has a problem:\n• " + "\n• ".join(words) if words else "")
        self.problems.setVisible(bool(words))

    def _show_examples(self) -> None:
        from wadesk.core.messaging.preview import preview_values

        if self.state.spec is not None:
            self.chat.show_preview(preview_values(self.state.spec), self.state.spec.media_header)
            self.problems.hide()

    # -- pre-flight ------------------------------------------------------------------------------
    def run_check(self) -> None:
        from wadesk.ui.campaigns.data import plan_review

        if self.checking or self.mapping_problem():
            self._show_result()
            return
        self.checking = True
        self.check_button.setEnabled(False)
        self.result.setText("Checking every message…")
        req = self.state.request(exclude=False)
        engine, db, clock, sandbox = self.services.segment_engine, self.services.db, self.services.clock, \
            self.state.setup.sandbox
        mapping = self.state.mapping
        job = self.services.jobs.run(lambda ctx: plan_review(db, engine, req, sandbox, clock, ctx),
                                     title="Checking every message", parent=self,
                                     on_result=lambda r: self._checked(mapping, r), on_error=self._check_failed,
                                     show_errors=False)
        job.cancelled.connect(lambda: self._check_failed("Stopped. Press “Check every message” to run it again."))

    def _checked(self, mapping: Any, review: Any) -> None:
        self.checking = False
        self.check_button.setEnabled(True)
        if mapping is not self.state.mapping:  # edited meanwhile: check the new blanks
            self.run_check()
            return
        self.state.preflight = review
        self.state.exclude_ids = frozenset()
        self._show_result()
        self.changed.emit()

    def _check_failed(self, message: str) -> None:
        self.checking = False
        self.check_button.setEnabled(True)
        self.result.setText(f"<span style='color:#b3261e'>{html.escape(message)}</span>")
        self.changed.emit()

    def exclude(self) -> None:
        review = self.state.preflight
        if review is not None:
            self.state.exclude_ids = frozenset(review.plan.preflight.failing_ids)
            self._show_result()
            self.changed.emit()

    def _show_result(self) -> None:
        from wadesk.core.messaging.preflight import REASONS

        review = self.state.preflight
        self.exclude_button.hide()
        if self.checking:
            return
        problem = self.mapping_problem()
        if problem:
            self.result.setText(f"<span style='color:#b3261e'>{html.escape(problem)}</span>")
            return
        if review is None:
            self.result.setText("<span style='%s'>Press “Check every message” to personalise the message for "
                                "every customer and see any that would fail.</span>" % MUTED)
            return
        pre = review.plan.preflight
        lines = [f"<li><b>{n(k)}</b> — {html.escape(REASONS.get(code, code))} "
                 f"(<a href='reason:{html.escape(code)}'>who?</a>)</li>" for code, k in pre.problems.most_common()]
        lines += [f"<li>{html.escape(p.message)}</li>" for p in pre.template_problems]
        if not lines:
            self.result.setText(f"<span style='color:#1e8e3e'>✓ All {n(pre.ok)} messages are ready.</span>")
            return
        failing = len(pre.failing_ids)
        if self.state.exclude_ids:
            self.result.setText(f"{n(len(self.state.exclude_ids))} customers with a problem are left out; "
                                f"{n(pre.ok)} messages are ready.")
            return
        self.result.setText(f"<b>{n(pre.ok)}</b> messages are ready; <b style='color:#b3261e'>{n(failing)}</b> "
                            f"customers' messages would fail:<ul style='margin-top:2px'>{''.join(lines)}</ul>"
                            "Fix the blanks above (a fallback often helps), or leave these customers out.")
        self.exclude_button.setVisible(failing > 0)

    def show_customers(self, link: str) -> None:
        """The customers behind one reason of the pre-flight."""
        from wadesk.core.messaging.preflight import REASONS
        from wadesk.ui.campaigns.failing_customers import FailingCustomersDialog

        review = self.state.preflight
        code = link.partition(":")[2]
        if review is None or code not in review.plan.preflight.customers:
            return
        self.failing_dialog = FailingCustomersDialog(self.services, REASONS.get(code, code),
                                                     list(review.plan.preflight.customers[code]), self)
        self.failing_dialog.open()

    def mapping_problem(self) -> str | None:
        if self.state.spec is None or self.state.mapping is None:
            return "Choose a template first."
        if self.editor.problem_words():
            return "Fill every blank above first."
        return None

    def problem(self) -> str | None:
        p = self.mapping_problem()
        if p:
            return p
        if self.checking or self.state.preflight is None:
            return "Check every message first."
        pre = self.state.preflight.plan.preflight
        if pre.template_problems:
            return "The template or the blanks have a problem (see the pre-flight)."
        if pre.failing_ids and not self.state.exclude_ids:
            return "Some messages would fail: fix the blanks or press “Leave them out”."
        return None
