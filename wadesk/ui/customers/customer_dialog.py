"""Add or edit one customer. Problems are shown next to their field, in the core's own words."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from wadesk.core.crm import customers as crm
from wadesk.core.crm.phones import country_name, format_phone, normalise_phone
from wadesk.ui import events
from wadesk.ui.customers.rescore import refresh_scores
from wadesk.ui.errors import plain_error

log = logging.getLogger(__name__)

# (field, label, placeholder) in the order they are asked.
TEXT_FIELDS = [
    ("first_name", "First name", "Priya"),
    ("last_name", "Last name", "Sharma"),
    ("phone", "WhatsApp number", "98765 43210"),
    ("email", "Email", "priya@example.com"),
    ("city", "City", "Pune"),
    ("state", "State", "Maharashtra"),
    ("pincode", "Pincode", "411001"),
]
LANGUAGES = [("", "Not set"), ("en", "English"), ("hi", "Hindi"), ("mr", "Marathi"), ("ta", "Tamil"),
             ("te", "Telugu"), ("kn", "Kannada"), ("ml", "Malayalam"), ("bn", "Bengali"),
             ("gu", "Gujarati"), ("pa", "Punjabi")]
ERROR_STYLE = "color: #b3261e;"
HINT_STYLE = "color: #5f6368;"


class CustomerDialog(QDialog):
    """`CustomerDialog(services, customer_id=None)`: None adds a customer. After a successful save
    `saved_id` holds the customer's id and the bus has been told customers changed."""

    def __init__(self, services, customer_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.customer_id = customer_id
        self.saved_id: int | None = None
        self.seen: dict[str, Any] = {}  # the stored fields when opened, and their version (team mode)
        self.version: int | None = None
        self.region = services.settings.get("default_region") or "IN"
        self.setObjectName("customerDialog")
        self.setWindowTitle("Edit customer" if customer_id else "Add a customer")
        self.setMinimumWidth(480)
        self.inputs: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field, label, placeholder in TEXT_FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(f"field_{field}")
            edit.setPlaceholderText(placeholder)
            self.inputs[field] = edit
            form.addRow(label, self._with_message(field, edit))
            edit.textEdited.connect(lambda _t, f=field: self._clear_error(f))
        self.phone_hint = QLabel(self)
        self.phone_hint.setObjectName("phoneHint")
        self.phone_hint.setStyleSheet(HINT_STYLE)
        form.insertRow(3, "", self.phone_hint)
        self.language = QComboBox(self)
        self.language.setObjectName("field_language")
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        form.addRow("Language", self._with_message("language", self.language))
        self.general_error = QLabel(self)
        self.general_error.setObjectName("generalError")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.inputs["phone"].textChanged.connect(self._preview_phone)
        self._preview_phone("")
        if customer_id is not None:
            self._load(customer_id)

    def _with_message(self, field: str, editor: QWidget) -> QWidget:
        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(editor)
        message = QLabel(box)
        message.setObjectName(f"error_{field}")
        message.setStyleSheet(ERROR_STYLE)
        message.setWordWrap(True)
        message.hide()
        col.addWidget(message)
        self.errors[field] = message
        return box

    # -- data ------------------------------------------------------------------------------------
    def _load(self, customer_id: int) -> None:
        with self.services.db.Session() as s:  # one small read by primary key
            profile = crm.get_profile(s, customer_id)
        if profile is None:
            self.general_error.setText("This customer no longer exists.")
            self.general_error.show()
            self.save_button.setEnabled(False)
            return
        self.version = profile.version
        self.seen = {f: getattr(profile, f, None) for f in [*self.inputs, "language"]}
        for field, edit in self.inputs.items():
            value = getattr(profile, field, None)
            edit.setText(format_phone(value) if field == "phone" and value else (value or ""))
        i = self.language.findData(getattr(profile, "language", None) or "")
        if i < 0:
            self.language.addItem(profile.language, profile.language)
            i = self.language.count() - 1
        self.language.setCurrentIndex(i)

    def values(self) -> dict[str, Any]:
        data: dict[str, Any] = {f: e.text().strip() or None for f, e in self.inputs.items()}
        data["language"] = self.language.currentData() or None
        return data

    def _preview_phone(self, text: str) -> None:
        text = text.strip()
        if not text:
            self.phone_hint.setText(f"Numbers without +country are read as {country_name(self.region)} numbers.")
            self.phone_hint.show()
            return
        result = normalise_phone(text, self.region)
        self.phone_hint.setText(f"Will be saved as {format_phone(result.e164)}" if result.ok else "")
        self.phone_hint.setVisible(result.ok)

    def _clear_error(self, field: str) -> None:
        """The owner is fixing this field: its old message no longer applies."""
        if self.errors[field].isVisible():
            self.errors[field].hide()
            self.adjustSize()

    def show_errors(self, errors: dict[str, str]) -> None:
        for field, label in self.errors.items():
            label.setVisible(field in errors)
            label.setText(errors.get(field, ""))
        other = [msg for field, msg in errors.items() if field not in self.errors]
        self.general_error.setText("\n".join(other))
        self.general_error.setVisible(bool(other))
        self.adjustSize()  # room for the messages, wrapped or not
        first = next((f for f in self.inputs if f in errors), None)
        if first:
            self.inputs[first].setFocus(Qt.FocusReason.OtherFocusReason)
            self.inputs[first].selectAll()

    def _show_conflict(self, current: dict[str, Any]) -> None:
        """Someone saved this customer after it was opened: say what they changed; a second Save
        then knowingly replaces their version with what is in the form."""
        labels = {f: label for f, label, _p in TEXT_FIELDS} | {"language": "Language"}

        def shown(field: str, value: Any) -> str:
            return "(empty)" if not value else format_phone(value) if field == "phone" else str(value)

        theirs = [f"{labels[f]}: {shown(f, self.seen.get(f))} → {shown(f, current.get(f))}"
                  for f in labels if current.get(f) != self.seen.get(f)]
        self.version = current["version"]
        self.seen = {f: current.get(f) for f in labels}
        what = "; ".join(theirs) if theirs else "nothing you can see here"
        self.show_errors({"": f"Someone else changed this customer while you were editing ({what}). Your "
                              "changes were not saved: check them and Save again to keep yours."})

    def save(self) -> None:
        data = self.values()
        try:
            with self.services.db.session() as s:  # one short transaction for one customer
                if self.customer_id is None:
                    customer = crm.create_customer(s, data, default_region=self.region,
                                                   now=self.services.clock.now(), source="manual")
                else:
                    customer = crm.update_customer(s, self.customer_id, data, default_region=self.region,
                                                   now=self.services.clock.now(), expected_version=self.version)
                saved_id = customer.id
        except crm.EditConflict as exc:
            self._show_conflict(exc.current)
            return
        except crm.ValidationError as exc:
            self.show_errors(dict(exc.errors))
            return
        except crm.CustomerNotFound as exc:
            self.show_errors({"": str(exc)})
            return
        except Exception as exc:  # noqa: BLE001 - e.g. the database is busy with an import
            log.warning("Saving a customer failed: %s", exc)
            self.show_errors({"": plain_error(exc, "saving the customer")})
            return
        self.saved_id = saved_id
        self.services.bus.notify(events.CUSTOMERS)
        refresh_scores(self.services, [saved_id], self.parentWidget())
        self.accept()
