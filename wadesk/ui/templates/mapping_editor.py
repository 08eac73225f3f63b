"""The variable mapping editor on the Templates page: for each blank of the chosen template, where its
value comes from, what to use when it is missing, how it looks, and (for links) the tracking tags.

Everything it edits is core's `TemplateMapping`; problems come from core's `check_mapping`; the
preview is rendered by core (`preview_for_customer`) — this widget only lays the choices out.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFrame, QGridLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout, QWidget)

from wadesk.core.messaging.context import FIELDS, METRICS, PRODUCTS, RECOMMENDATIONS
from wadesk.core.messaging.mapping import SOURCES, TemplateMapping, VariableMapping, check_mapping
from wadesk.core.messaging.template_spec import TemplateSpec, Variable
from wadesk.ui.templates.header_media_picker import HeaderMediaPicker

FILE_FILTER = "Mapping files (*.json)"
FORMAT_WORDS = {
    "text": "As is", "inr": "₹ Indian grouping (₹1,23,456)", "date": "Short date (24 Jun)",
    "date_year": "Date with year (24 Jun 2026)", "number": "Number (1,23,456)", "percent": "Percent (15%)",
    "first_word": "First word only", "title": "Title Case",
}
NAME_HINTS = {
    "attribute": "Attribute name, e.g. size", "discount_code": "Code pool", "fixed": "The text to send",
}


def catalogue(source: str, code_pools: dict[str, int]) -> dict[str, str]:
    """The choices for a source: name -> words (custom attributes and fixed text are typed); code
    pools say how many codes are left."""
    pools = {p: f"{p} · {left:,} left" if left else f"{p} · none left" for p, left in code_pools.items()}
    return {"field": FIELDS, "metric": METRICS, "product": PRODUCTS, "recommendation": RECOMMENDATIONS,
            "discount_code": pools}.get(source, {})


class VariableRow:
    """The widgets of one variable, in a row of the editor's grid."""

    def __init__(self, editor: "MappingEditor", var: Variable, m: VariableMapping, row: int):
        self.var, self.editor = var, editor
        grid = editor.grid
        label = QLabel(f"<b>{var.label}</b>")
        label.setWordWrap(True)
        label.setMaximumWidth(150)
        label.setToolTip(f"The blank {{{{{var.name}}}}} in the {var.component}")
        self.source = QComboBox(objectName=f"source:{var.key}")
        for key, words in SOURCES.items():
            self.source.addItem(words, key)
        self.source.setCurrentIndex(max(self.source.findData(m.source), 0))
        self.name = QComboBox(objectName=f"name:{var.key}", editable=True)
        self.name.setMinimumWidth(120)
        self.source.setMaximumWidth(150)
        self.fallback = QLineEdit(m.fallback or "", objectName=f"fallback:{var.key}",
                                  placeholderText="If missing, use…")
        self.fallback.setMinimumWidth(90)
        self.fallback.setToolTip("Sent when this customer has no value (e.g. “there” for a missing first name)")
        self.format = QComboBox(objectName=f"format:{var.key}")
        for key, words in FORMAT_WORDS.items():
            self.format.addItem(words, key)
        self.format.setMaximumWidth(150)
        self.format.setCurrentIndex(max(self.format.findData(m.format), 0))
        for combo in (self.source, self.name, self.format):  # long choices elide: the pane stays narrow
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(9)
        self.utm = QCheckBox("Tracking tags", objectName=f"utm:{var.key}", checked=m.utm)
        self.utm.setToolTip("Adds utm_source=whatsapp&utm_medium=campaign&utm_campaign=… so orders from "
                            "this link can be counted")
        self.utm.setVisible(var.kind == "url_suffix")
        self.problem = QLabel(objectName=f"problem:{var.key}")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        self._fill_names(m.name)
        r = row * 2
        grid.addWidget(label, r, 0)
        grid.addWidget(self.source, r, 1)
        grid.addWidget(self.name, r, 2)
        grid.addWidget(self.fallback, r, 3)
        grid.addWidget(self.format, r, 4)
        grid.addWidget(self.utm, r, 5)
        grid.addWidget(self.problem, r + 1, 1, 1, 5)
        self.widgets = [label, self.source, self.name, self.fallback, self.format, self.utm, self.problem]
        self.source.currentIndexChanged.connect(self._source_changed)
        self.name.currentTextChanged.connect(lambda _t: editor.edited())
        self.fallback.textChanged.connect(lambda _t: editor.edited())
        self.format.currentIndexChanged.connect(lambda _i: editor.edited())
        self.utm.toggled.connect(lambda _on: editor.edited())

    def _fill_names(self, name: str) -> None:
        source = self.source.currentData()
        self.name.blockSignals(True)
        self.name.clear()
        for key, words in catalogue(source, self.editor.code_pools).items():
            self.name.addItem(words, key)
        i = self.name.findData(name)
        if i >= 0:
            self.name.setCurrentIndex(i)
        else:
            self.name.setEditText(name)
        self.name.lineEdit().setPlaceholderText(NAME_HINTS.get(source, "Choose…"))
        self.name.blockSignals(False)
        self.fallback.setEnabled(source != "fixed")

    def _source_changed(self, _index: int) -> None:
        self._fill_names("")
        self.editor.edited()

    def value(self) -> VariableMapping:
        text = self.name.currentText().strip()
        i = self.name.findText(text)
        name = self.name.itemData(i) if i >= 0 and self.name.itemData(i) is not None else text
        source = self.source.currentData()
        return VariableMapping(source, name, fallback=(self.fallback.text().strip() or None) if source != "fixed"
                               else None, format=self.format.currentData(), utm=self.utm.isChecked())

    def show_problems(self, words: list[str]) -> None:
        self.problem.setText("\n".join(words))
        self.problem.setVisible(bool(words))


class MappingEditor(QFrame):
    """Emits `changed(TemplateMapping)` whenever a row is edited or a file is loaded."""

    changed = Signal(object)

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mappingEditor")
        self.services = services
        self.spec: TemplateSpec | None = None
        self.base: TemplateMapping | None = None
        self.rows: list[VariableRow] = []
        self.code_pools: dict[str, int] = {}  # pool -> codes not handed out yet
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        title = QLabel("Fill the blanks")
        title.setStyleSheet("font-weight: bold;")
        top.addWidget(title)
        top.addStretch(1)
        self.load_button = QPushButton("Load mapping…", objectName="loadMapping")
        self.save_button = QPushButton("Save mapping…", objectName="saveMapping")
        self.save_button.setToolTip("Save these choices to a file (for campaigns or `wadesk campaign preflight`)")
        self.codes_button = QPushButton("Import codes…", objectName="importCodes")
        self.codes_button.setToolTip("Add a list of unique discount codes (.txt or .csv): each customer gets one")
        self.load_button.clicked.connect(self.load_file)
        self.save_button.clicked.connect(self.save_file)
        self.codes_button.clicked.connect(self.import_codes)
        top.addWidget(self.codes_button)
        top.addWidget(self.load_button)
        top.addWidget(self.save_button)
        layout.addLayout(top)
        self.hint = QLabel("Choose where each blank's value comes from. Pick a customer above to see their "
                           "message change as you edit.", objectName="mappingHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #5b6b63;")
        layout.addWidget(self.hint)
        self.media = HeaderMediaPicker(self)
        self.media.changed.connect(self.edited)
        layout.addWidget(self.media)
        grid_host = QWidget()
        self.grid = QGridLayout(grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(4)
        layout.addWidget(grid_host)
        self.general = QLabel(objectName="mappingProblems")
        self.general.setWordWrap(True)
        self.general.setStyleSheet("color: #b3261e;")
        self.general.hide()
        layout.addWidget(self.general)
        self.message = QLabel(objectName="mappingMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #5b6b63;")
        self.message.hide()
        layout.addWidget(self.message)
        self.set_spec(None)

    # -- content ---------------------------------------------------------------------------------
    def set_spec(self, spec: TemplateSpec | None, mapping: TemplateMapping | None = None, keep: bool = False) -> None:
        """Rows for `spec`; with `keep`, the same template (a refresh) keeps what the owner edited."""
        same = (spec is not None and self.spec is not None and self.base is not None
                and (spec.name, spec.language) == (self.spec.name, self.spec.language))
        if keep and same and mapping is None:
            mapping = self.mapping()
        self.spec = spec
        self.setVisible(spec is not None)
        self._show_message("")
        if spec is None:
            self._clear_rows()
            self.base = None
            return
        from wadesk.ui.templates.customer_picker import preview_mapping

        self.set_mapping(mapping or preview_mapping(spec), emit=False)
        self.services.jobs.run_in_session(self._read_pools, title="Reading discount code pools", parent=self,
                                          progress_dialog=False, on_result=self._got_pools, show_errors=False)

    @staticmethod
    def _read_pools(session, _ctx) -> dict[str, int]:
        from wadesk.core.messaging.discount_codes import pools

        return {p.pool: p.available for p in pools(session)}

    def _got_pools(self, found: dict[str, int]) -> None:
        if found == self.code_pools or self.spec is None:
            return
        self.code_pools = found
        current = self.mapping()
        self._build_rows(current)  # the pool choices are refreshed; nothing the owner chose changes

    def set_mapping(self, mapping: TemplateMapping, emit: bool = True) -> None:
        self.base = mapping
        media_kind = self.spec.media_header if self.spec else None
        self.media.setVisible(bool(media_kind))
        if media_kind:
            self.media.set_source(media_kind, mapping.header_media)
        self._build_rows(mapping)
        if emit:
            self.changed.emit(self.mapping())

    def _clear_rows(self) -> None:
        for row in self.rows:
            for w in row.widgets:
                self.grid.removeWidget(w)
                w.hide()  # gone at once, not when the event loop gets to deleteLater
                w.deleteLater()
        self.rows = []

    def _build_rows(self, mapping: TemplateMapping) -> None:
        self._clear_rows()
        if self.spec is None:
            return
        for i, var in enumerate(self.spec.variables()):
            m = mapping.variables.get(var.key) or VariableMapping("fixed", "")
            self.rows.append(VariableRow(self, var, m, i))
        self.grid.setColumnStretch(2, 2)
        self.grid.setColumnStretch(3, 1)
        self._check(self.mapping())

    def mapping(self) -> TemplateMapping:
        """The mapping as edited (template, language, UTM campaign and media kept from what was loaded)."""
        base = self.base or TemplateMapping(self.spec.name if self.spec else "", self.spec.language if self.spec else "en")
        variables = dict(base.variables)
        variables.update({row.var.key: row.value() for row in self.rows})
        media = self.media.source() if self.spec is not None and self.spec.media_header else base.header_media
        return replace(base, variables=variables, header_media=media)

    def edited(self) -> None:
        mapping = self.mapping()
        self._check(mapping)
        self.changed.emit(mapping)

    def _check(self, mapping: TemplateMapping) -> None:
        problems = check_mapping(self.spec, mapping) if self.spec else []
        for row in self.rows:
            words = [p.message for p in problems if p.key == row.var.key]
            m = mapping.variables.get(row.var.key)
            if m is not None and m.source == "fixed" and not m.name.strip():
                words.append(f"{row.var.label}: type the text to send.")
            row.show_problems(words)
        keys = {row.var.key for row in self.rows}
        other = [p.message for p in problems if p.key not in keys and p.code != "missing_media"]  # the media row says
        self.general.setText("• " + "\n• ".join(other) if other else "")
        self.general.setVisible(bool(other))

    def problem_words(self) -> dict[str, str]:
        words = {row.var.key: row.problem.text() for row in self.rows if row.problem.text()}
        if self.media.isVisibleTo(self) and self.media.problem():
            words["header_media"] = self.media.problem()
        return words

    def row(self, key: str) -> VariableRow:
        return next(r for r in self.rows if r.var.key == key)

    # -- files -----------------------------------------------------------------------------------
    def save_file(self) -> None:
        if self.spec is None:
            return
        path, _chosen = QFileDialog.getSaveFileName(self, "Save mapping", f"{self.spec.name}-mapping.json",
                                                    FILE_FILTER)
        if not path:
            return
        try:
            self.mapping().save(path)
        except OSError as exc:
            self._show_message(f"Could not save the mapping: {exc.strerror or exc}", error=True)
            return
        self._show_message(f"Saved to {path}.")

    def load_file(self) -> None:
        if self.spec is None:
            return
        path, _chosen = QFileDialog.getOpenFileName(self, "Load mapping", "", FILE_FILTER)
        if not path:
            return
        try:
            mapping = TemplateMapping.load(path)
        except ValueError as exc:
            self._show_message(str(exc), error=True)
            return
        note = "" if mapping.template == self.spec.name else (
            f" It was made for the template “{mapping.template}”: check each blank.")
        self.set_mapping(replace(mapping, template=self.spec.name, language=self.spec.language))
        self._show_message(f"Loaded {path}.{note}", error=bool(note))

    def import_codes(self) -> None:
        from wadesk.ui.templates.code_import import import_codes_from_file

        def done(words: str, error: bool) -> None:
            self._show_message(words, error=error)
            if not error and self.spec is not None:  # the new pool becomes a choice in the rows
                self.services.jobs.run_in_session(self._read_pools, title="Reading discount code pools",
                                                  parent=self, progress_dialog=False, on_result=self._got_pools,
                                                  show_errors=False)

        import_codes_from_file(self, self.services, done)

    def _show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3261e;" if error else "color: #5b6b63;")
        self.message.setVisible(bool(text))
