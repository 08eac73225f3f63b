"""The left column: your saved segments (save / rename / duplicate / delete) and one-click presets."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from wadesk.core.profile.funnel import WHY as FUNNEL_WHY
from wadesk.core.segments import PRESETS, Preset, SavedSegment

# The funnel presets in words a shop owner uses (the stage name stays in brackets).
FRIENDLY = {"Funnel: TOFU": "New leads and visitors (TOFU)", "Funnel: MOFU": "Browsing, not bought yet (MOFU)",
            "Funnel: BOFU": "Close to buying (BOFU)", "Funnel: Customer": "Bought once, recently",
            "Funnel: Repeat": "Buying again and again", "Funnel: At risk": "Gone quiet: 90–180 days",
            "Funnel: Lost": "Lost: no order in 180+ days"}
GROUP_WORDS = {"Micro-segments": "Ready-made groups", "Funnel": "Where they are in buying",
               "Win-back": "Win back", "RFM": "By how recently, often and much they buy (RFM)"}


class LibraryPanel(QWidget):
    preset_chosen = Signal(object)  # Preset
    segment_chosen = Signal(object)  # SavedSegment
    action = Signal(str)  # "save", "rename", "duplicate", "delete"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("segmentLibrary")
        self.saved: list[SavedSegment] = []
        heading = QLabel("Your segments", objectName="sectionTitle")
        heading.setStyleSheet("font-weight: bold;")
        self.list = QListWidget(objectName="savedSegments")
        self.list.itemClicked.connect(self._segment_clicked)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.empty = QLabel("None saved yet. Build one (or start from a preset) and press Save.",
                            objectName="savedEmpty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #5b6b63;")
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(4)
        for i, (what, text, tip) in enumerate((
                ("save", "Save", "Save the rules you are editing (Ctrl+S)"),
                ("rename", "Rename…", "Give the selected segment a new name"),
                ("duplicate", "Duplicate", "Make a copy of the selected segment"),
                ("delete", "Delete…", "Delete the selected segment (customers are not touched)"))):
            b = QPushButton(text, objectName=f"segment_{what}")
            b.setToolTip(tip)
            b.clicked.connect(lambda _c=False, w=what: self.action.emit(w))
            grid.addWidget(b, i // 2, i % 2)
            self.buttons[what] = b
        self.buttons["save"].setProperty("primary", True)
        presets_heading = QLabel("Presets — one click, then edit", objectName="sectionTitle")
        presets_heading.setStyleSheet("font-weight: bold;")
        self.presets = QTreeWidget(objectName="presetTree")
        self.presets.setHeaderHidden(True)
        self.presets.setIndentation(12)
        self.presets.setToolTip("Click a preset to load its rules into the builder")
        groups: dict[str, QTreeWidgetItem] = {}
        for p in PRESETS:
            if p.group not in groups:
                groups[p.group] = QTreeWidgetItem([GROUP_WORDS.get(p.group, p.group)])
                groups[p.group].setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.presets.addTopLevelItem(groups[p.group])
            item = QTreeWidgetItem([FRIENDLY.get(p.name, p.name)])
            stage = p.name.removeprefix("Funnel: ")
            item.setToolTip(0, f"{p.name}: {FUNNEL_WHY[stage]}" if p.name in FRIENDLY else p.description)
            item.setData(0, Qt.ItemDataRole.UserRole, p.slug)
            groups[p.group].addChild(item)
        for g, item in groups.items():
            item.setExpanded(g != "RFM")
        self.presets.itemClicked.connect(self._preset_clicked)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(heading)
        box.addWidget(self.list, 1)
        self.list.setMaximumHeight(220)
        box.addWidget(self.empty)
        box.addLayout(grid)
        box.addSpacing(8)
        box.addWidget(presets_heading)
        box.addWidget(self.presets, 2)
        self.set_saved([])

    def set_saved(self, segments: list[SavedSegment], select_id: int | None = None) -> None:
        self.saved = segments
        self.list.clear()
        for s in segments:
            item = QListWidgetItem(s.name)
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            if s.description:
                item.setToolTip(s.description)
            self.list.addItem(item)
            if s.id == select_id:
                self.list.setCurrentItem(item)
        self.empty.setVisible(not segments)
        self._update_buttons()

    def current(self) -> SavedSegment | None:
        item = self.list.currentItem()
        if item is None:
            return None
        sid = item.data(Qt.ItemDataRole.UserRole)
        return next((s for s in self.saved if s.id == sid), None)

    def _update_buttons(self) -> None:
        one = self.current() is not None
        for what in ("rename", "duplicate", "delete"):
            self.buttons[what].setEnabled(one)

    def _segment_clicked(self, item: QListWidgetItem) -> None:
        seg = self.current()
        if seg is not None:
            self.presets.clearSelection()
            self.segment_chosen.emit(seg)

    def _preset_clicked(self, item: QTreeWidgetItem) -> None:
        slug = item.data(0, Qt.ItemDataRole.UserRole)
        preset: Preset | None = next((p for p in PRESETS if p.slug == slug), None)
        if preset is not None:
            self.list.setCurrentItem(None)
            self.list.clearSelection()
            self.preset_chosen.emit(preset)

    def click_preset(self, name: str) -> None:
        """What clicking a preset does (for code and tests)."""
        for i in range(self.presets.topLevelItemCount()):
            top = self.presets.topLevelItem(i)
            for j in range(top.childCount()):
                if top.child(j).text(0) in (name, FRIENDLY.get(name)):
                    self.presets.setCurrentItem(top.child(j))
                    return self._preset_clicked(top.child(j))
        raise KeyError(name)
