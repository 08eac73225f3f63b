"""The right side of the Templates page: what the template is made of, the WhatsApp preview, the
customer picker and the exact JSON request."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from wadesk.core.messaging.preview import preview_values
from wadesk.core.messaging.template_spec import TemplateSpec
from wadesk.ui.templates.customer_picker import CustomerPicker, CustomerPreview
from wadesk.ui.templates.mapping_editor import MappingEditor
from wadesk.ui.templates.table_model import CATEGORIES, LANGUAGES, TemplateItem, status_words
from wadesk.ui.whatsapp_env import STATUS_COLOURS
from wadesk.ui.widgets.whatsapp_bubble import WhatsAppChat

BUTTON_WORDS = {"URL": "Link", "QUICK_REPLY": "Quick reply", "COPY_CODE": "Copy code", "PHONE_NUMBER": "Call"}


def components_html(item: TemplateItem) -> str:
    """The template's parts in words, with its {{variables}} highlighted."""
    spec = item.spec

    def text(value: str | None) -> str:
        esc = html.escape(value or "")
        return esc.replace("{{", "<span style='color:#0f6b45; font-weight:bold'>{{").replace("}}", "}}</span>")

    colour = STATUS_COLOURS.get(item.status, "#5b6b63")
    rows = [("Status", f"<span style='color:{colour}; font-weight:bold'>{html.escape(status_words(item.status))}"
                       f"</span>" + ("" if item.sendable else " — only approved templates can be sent")),
            ("Category", CATEGORIES.get(spec.category, spec.category.title())),
            ("Language", LANGUAGES.get(spec.language, spec.language))]
    if spec.header:
        rows.append(("Header", text(spec.header.text) if spec.header.format == "TEXT"
                     else f"{spec.header.format.lower()} (chosen for each campaign)"))
    rows.append(("Message", text(spec.body).replace("\n", "<br>")))
    if spec.footer:
        rows.append(("Footer", text(spec.footer)))
    for b in spec.buttons:
        target = f" → {text(b.url)}" if b.url else ""
        rows.append((f"Button {b.index + 1}", f"{BUTTON_WORDS.get(b.type, b.type.title())}: "
                                                f"“{html.escape(b.text or 'Copy code')}”{target}"))
    cells = "".join(f"<tr><td style='color:#5b6b63; padding:2px 12px 2px 0; white-space:nowrap'>{k}</td>"
                    f"<td style='padding:2px 0'>{v}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


class TemplateDetail(QWidget):
    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.item: TemplateItem | None = None
        self.preview = None  # the core Preview shown in the bubble
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.title = QLabel("Choose a template on the left", objectName="templateTitle")
        self.title.setStyleSheet("font-size: 17px; font-weight: bold;")
        layout.addWidget(self.title)
        self.components = QLabel(objectName="templateComponents")
        self.components.setWordWrap(True)
        self.components.setTextFormat(Qt.TextFormat.RichText)
        self.components.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.components)
        self.picker = CustomerPicker(services, self)
        self.picker.rendered.connect(self._show_customer)
        self.picker.reset.connect(self._show_examples)
        self.picker.install_shortcuts(self)
        layout.addWidget(self.picker)
        self.picker.describe_mapping = False  # the editor below says how each blank is filled
        self.problems = QLabel(objectName="previewProblems")  # right under the customer it is about
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.problems)
        self.mapping_editor = MappingEditor(services, self)
        self.mapping_editor.changed.connect(self.picker.set_mapping)
        self.mapping_editor.changed.connect(lambda _m: None if self.picker.active else self._show_examples())
        layout.addWidget(self.mapping_editor)
        self.chat = WhatsAppChat(services.settings.shop_name)
        services.settings.updated.connect(lambda: self.chat.set_shop_name(services.settings.shop_name))
        layout.addWidget(self.chat)
        self.json_toggle = QPushButton("Show the exact request sent to WhatsApp (JSON)", objectName="jsonToggle",
                                       checkable=True)
        self.json_toggle.toggled.connect(self._toggle_json)
        layout.addWidget(self.json_toggle)
        self.json = QPlainTextEdit(objectName="jsonText", readOnly=True)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.json.setFont(mono)
        self.json.setMinimumHeight(220)
        self.json.hide()
        layout.addWidget(self.json)
        layout.addStretch(1)
        self.set_item(None)

    def set_item(self, item: TemplateItem | None) -> None:
        self.item = item
        spec: TemplateSpec | None = item.spec if item else None
        for w in (self.components, self.chat, self.json_toggle, self.picker):
            w.setVisible(item is not None)
        self.json.setVisible(item is not None and self.json_toggle.isChecked())
        if item is None:
            self.title.setText("Choose a template on the left")
            self.problems.clear()
            self.picker.set_spec(None)
            self.mapping_editor.set_spec(None)
            return
        self.title.setText(f"{spec.name}  ·  {LANGUAGES.get(spec.language, spec.language)}")
        self.components.setText(components_html(item))
        self.mapping_editor.set_spec(spec, keep=True)
        if not self.picker.active:
            self._show_examples()
        self.picker.custom_mapping = self.mapping_editor.mapping()
        self.picker.set_spec(spec)

    def _show_examples(self) -> None:
        if self.item is None:
            return
        spec = self.item.spec
        same = self.mapping_editor.spec is spec
        media = self.mapping_editor.mapping().header_media if spec.media_header and same else None
        self._show(preview_values(spec, header_media=media), [])

    def _show_customer(self, result: CustomerPreview) -> None:
        if self.item is not None:
            self._show(result.preview, result.preview.problems)

    def _show(self, preview, problems) -> None:
        self.preview = preview
        self.chat.show_preview(preview, self.item.spec.media_header if self.item else None)
        words = [p.message for p in problems]
        self.problems.setText("This customer's message has a problem:\n• " + "\n• ".join(words) if words else "")
        self.problems.setVisible(bool(words))
        self.json.setPlainText(preview.json_text)

    def _toggle_json(self, on: bool) -> None:
        self.json.setVisible(on and self.item is not None)
        self.json_toggle.setText("Hide the request" if on else "Show the exact request sent to WhatsApp (JSON)")
