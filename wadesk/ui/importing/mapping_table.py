"""The column-matching table: each column of the file, an example value, and where it goes in WaDesk."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from wadesk.core.importing import FIELDS

SKIP = ""
KEEP = "attr:"  # + the column name: kept as an extra detail (custom attribute) on the customer
SKIP_TEXT = "Skip this column"
KEEP_TEXT = "Keep as an extra detail"


def is_field(value: str) -> bool:
    """A real WaDesk field (not skip, not an extra detail)."""
    return bool(value) and not value.startswith(KEEP)


def field_label(value: str) -> str:
    if value in FIELDS:
        return FIELDS[value]
    return value.replace("_", " ").capitalize()  # a field only this store format knows (e.g. campaign)


class MappingTable(QTableWidget):
    """`set_columns(headers, examples, mapping)`, then `mapping()` gives {header: field} (skips left out)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 3, parent)
        self.setObjectName("mappingTable")
        self.setHorizontalHeaderLabels(["Column in your file", "Example from the file", "Goes into WaDesk as"])
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 210)
        header.resizeSection(2, 290)
        header.setHighlightSections(False)
        self.headers: list[str] = []
        self.combos: list[QComboBox] = []

    def set_columns(self, headers: list[str], examples: list[str], mapping: dict[str, str]) -> None:
        self.headers = list(headers)
        self.combos = []
        self.setRowCount(len(headers))
        extra = sorted({f for f in mapping.values() if is_field(f) and f not in FIELDS})
        for row, header in enumerate(headers):
            name = QTableWidgetItem(header)
            name.setToolTip(header)
            self.setItem(row, 0, name)
            example = examples[row] if row < len(examples) else ""
            cell = QTableWidgetItem(" ".join(example.split())[:80])
            cell.setToolTip(example[:500])
            cell.setForeground(Qt.GlobalColor.darkGray)
            self.setItem(row, 1, cell)
            combo = self._combo(header, extra, mapping.get(header, SKIP))
            self.setCellWidget(row, 2, combo)
            self.combos.append(combo)
            self._style_row(row)
        self.changed.emit()

    def _style_row(self, row: int) -> None:
        """Skipped columns are greyed, so the ones that go into WaDesk stand out."""
        item = self.item(row, 0)
        value = self.combos[row].currentData()
        item.setForeground(Qt.GlobalColor.gray if not value else Qt.GlobalColor.black)
        font = item.font()
        font.setBold(is_field(value))
        item.setFont(font)

    def _combo(self, header: str, extra: list[str], value: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"map:{header}")
        combo.addItem(SKIP_TEXT, SKIP)
        combo.addItem(KEEP_TEXT, KEEP + header)
        if value.startswith(KEEP) and value != KEEP + header:  # a store format's own name for it
            combo.addItem(f"{KEEP_TEXT} ({value[len(KEEP):]})", value)
        combo.insertSeparator(combo.count())
        for f in extra:
            combo.addItem(field_label(f), f)
        for f, label in FIELDS.items():
            combo.addItem(label, f)
        combo.setMaxVisibleItems(20)
        self._select(combo, value)  # before connecting: no restyle of a row not yet in self.combos
        combo.currentIndexChanged.connect(lambda _i, c=combo: self._combo_changed(c))
        return combo

    def _combo_changed(self, combo: QComboBox) -> None:
        if combo in self.combos:
            self._style_row(self.combos.index(combo))
        if not self.signalsBlocked():
            self.changed.emit()

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        i = combo.findData(value)
        combo.setCurrentIndex(i if i >= 0 else 0)

    def value(self, header: str) -> str:
        return self.combos[self.headers.index(header)].currentData()

    def set_value(self, header: str, value: str) -> None:
        self._select(self.combos[self.headers.index(header)], value)

    def mapping(self) -> dict[str, str]:
        return {h: c.currentData() for h, c in zip(self.headers, self.combos) if c.currentData()}

    def set_unmatched(self, keep: bool) -> None:
        """Every column not going into a WaDesk field: keep all as extra details, or skip all."""
        self.blockSignals(True)
        for h, c in zip(self.headers, self.combos):
            value = c.currentData()
            if not is_field(value) and not (keep and value.startswith(KEEP)):
                self._select(c, KEEP + h if keep else SKIP)
        self.blockSignals(False)
        self.changed.emit()

    def matched_count(self) -> int:
        return sum(1 for c in self.combos if is_field(c.currentData()))
