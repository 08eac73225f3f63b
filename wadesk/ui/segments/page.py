"""The Segments page: saved segments and presets on the left, the rule builder in the middle, live
reachability counts on top, and the customers behind any number underneath.

Built by the main window as `SegmentsPage(services)`; a test builds it alone. The engine's
in-memory copy is built in a job and rebuilt when customers, orders or events change.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from wadesk.core.segments import Counts, SegmentEngine, problems, remember_members
from wadesk.core.profile.funnel import WHY as FUNNEL_WHY
from wadesk.ui import dialogs, events
from wadesk.ui.numbers import count_noun
from wadesk.ui.segments.actions import SegmentActions
from wadesk.ui.segments.funnel_bar import STAGE_WORDS, FunnelBar
from wadesk.ui.segments.group_box import GroupBox, scrolled
from wadesk.ui.segments.library_panel import FRIENDLY, LibraryPanel
from wadesk.ui.segments.live_counter import GETTING_READY, LiveCounter, show_readiness
from wadesk.ui.segments.sample_panel import SamplePanel

SAMPLE_SIZE = 20
# Announcements this close together are one change: a manual edit says `customers`, then its
# rescoring job says `profiles` (both are in the database before the copy is rebuilt once).
REBUILD_DEBOUNCE_MS = 300
DATA_TOPICS = (events.CUSTOMERS, events.ORDERS, events.EVENTS, events.TAGS, events.CAMPAIGNS, events.PROFILES)
FINGERPRINT_BLIND = (events.ORDERS, events.EVENTS, events.CAMPAIGNS)  # may change rows in place


def problem_rows(rules: dict, root: GroupBox) -> tuple[dict[QWidget, str], list[str]]:
    """The engine's problems, each put next to its condition (or listed for the whole segment)."""
    found: dict[str, QWidget] = {}
    root.walk("", found)
    at: dict[QWidget, str] = {}
    general: list[str] = []
    for p in problems(rules):
        path = p.path.split(" (")[0]
        while path and path not in found:
            path = path.rsplit(" › ", 2)[0] if path.count(" › ") >= 2 else ""
        w = found.get(path)
        if w is None:
            general.append(str(p))
        elif w not in at:
            at[w] = str(p) if getattr(w, "field", True) else "Choose what this condition checks."
    return at, general


class SegmentsPage(QWidget):
    def __init__(self, services, engine: SegmentEngine | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("page_segments")
        self.services = services
        self.engine = engine or getattr(services, "segment_engine", None) or SegmentEngine(services.db, services.clock)
        self.counter = LiveCounter(services.jobs, self.engine, self)
        self.segment_id: int | None = None  # the saved segment being edited, if any
        self.saved_rules: dict | None = None  # its rules as saved
        self.base_rules: dict | None = None  # the rules as last loaded or saved
        self.source_name = ""  # "COD risk users" (preset) or a saved segment's name
        self.problems: list[str] = []
        self.sample_stage = "matched"
        self.remember_for: int | None = None  # saved segment whose members the next count records
        self.members_checked = 0  # how many times "what changed" was answered
        self.recheck_after_build = False  # data changed while the copy was being built
        self.force_after_build = False  # ... and the fingerprint may not show it
        self.announced: set[str] = set()  # topics announced since the last rebuild decision
        self.rebuild_timer = QTimer(self, singleShot=True, interval=REBUILD_DEBOUNCE_MS)
        self.rebuild_timer.timeout.connect(self._rebuild)
        self._build()
        self.actions_ = SegmentActions(self)
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(lambda: self.actions_.run("save"))
        self.counter.ready_changed.connect(self._ready_changed)
        self.counter.counting.connect(lambda: self.funnel.status.setText("Counting…"))
        self.counter.counted.connect(self._counted)
        self.counter.failed.connect(self._show_error)
        services.bus.changed.connect(self._on_data_changed)
        self.counter.prepare(data_changed=False)
        self.actions_.reload_saved()
        self._edited()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.library = LibraryPanel()
        self.library.setMinimumWidth(190)
        self.library.preset_chosen.connect(self.load_preset)
        self.library.segment_chosen.connect(self.load_saved)

        self.editing = QLabel(objectName="editingLabel")
        self.editing.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.description = QLabel(objectName="editingDescription")
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #5b6b63;")
        self.changes = QLabel(objectName="segmentChanges")  # "3 entered, 1 left since 21 Nov 2026"
        self.changes.setStyleSheet("color: #0f6b45;")
        self.changes.setToolTip("Customers who started or stopped matching since this segment was last "
                                "saved or opened")
        self.changes.hide()
        self.new_button = QPushButton("New segment", objectName="newSegment")
        self.new_button.setToolTip("Start again with no conditions")
        self.new_button.clicked.connect(self.new_segment)
        self.export_button = QPushButton("Export…", objectName="exportSegment")
        self.export_button.setToolTip("Save these customers to an Excel (.xlsx) or CSV file")
        head = QHBoxLayout()
        head.addWidget(self.editing, 1)
        head.addWidget(self.new_button)
        head.addWidget(self.export_button)

        self.funnel = FunnelBar()
        self.funnel.stage_clicked.connect(self.show_stage)
        self.message = QLabel(objectName="segmentMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        self.builder = GroupBox(lambda key: self.counter.choices.get(key, []), self.services.clock.now().date())
        self.builder.changed.connect(self._edited)
        self.scroll = scrolled(self.builder, "builderScroll")

        self.sample = SamplePanel()
        self.sample.why_requested.connect(self.explain)
        lower = QSplitter(Qt.Orientation.Vertical)
        lower.addWidget(self.scroll)
        lower.addWidget(self.sample)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        lower.setChildrenCollapsible(False)
        lower.setSizes([520, 280])

        centre = QWidget()
        col = QVBoxLayout(centre)
        col.setContentsMargins(0, 0, 0, 0)
        col.addLayout(head)
        col.addWidget(self.description)
        col.addWidget(self.changes)
        col.addWidget(self.funnel)
        col.addWidget(self.message)
        col.addWidget(lower, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.library)
        split.addWidget(centre)
        split.setStretchFactor(1, 1)
        split.setSizes([210, 1000])
        split.setChildrenCollapsible(False)
        title = QLabel("Segments", objectName="pageTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.addWidget(title)
        layout.addWidget(split, 1)

    # -- loading rules ---------------------------------------------------------------------------
    def _set_source(self, name: str, description: str, segment_id: int | None,
                    saved_rules: dict | None = None) -> None:
        if segment_id is None or segment_id != self.segment_id:
            self.changes.hide()
        self.segment_id, self.source_name, self.saved_rules = segment_id, name, saved_rules
        self.editing.setText(name)
        self.description.setText(description)
        self.description.setVisible(bool(description))

    def load_rules(self, rules: dict) -> None:
        self.base_rules = rules  # what "unsaved changes" compares with
        self.builder.load(rules)
        self._edited()

    def has_unsaved_changes(self) -> bool:
        return self.base_rules is not None and self.rules() != self.base_rules

    def _may_leave(self) -> bool:
        """Ask before throwing away edits the owner has not saved."""
        if not self.has_unsaved_changes() or dialogs.confirm(
                self, "Unsaved changes", f"Your changes to “{self.source_name}” are not saved.\n\n"
                "Leave them and open something else?", "Leave without saving"):
            return True
        self.library.set_saved(self.library.saved, self.segment_id)  # put the selection back
        return False

    def load_preset(self, preset: Any) -> None:
        if not self._may_leave():
            return
        name = FRIENDLY.get(preset.name, preset.name)
        about = FUNNEL_WHY.get(preset.name.removeprefix("Funnel: "), preset.description) \
            if preset.name in FRIENDLY else preset.description
        self._set_source(name, f"Preset: {about[:1].upper()}{about[1:]}. Change anything below; "
                         "Save keeps your version.", None)
        self.load_rules(preset.rules)

    def load_saved(self, seg: Any) -> None:
        if self._may_leave():
            self.show_saved(seg)

    def show_saved(self, seg: Any) -> None:
        self._set_source(seg.name, seg.description or "", seg.id, seg.rules)
        self.remember_for = seg.id  # opening it counts as using it: compare with last time
        self.load_rules(seg.rules)

    def new_segment(self) -> None:
        if not self._may_leave():
            return
        self._set_source("New segment", "Add conditions below. With none, everyone matches.", None)
        self.library.list.setCurrentItem(None)
        self.load_rules({"all": []})

    def rules(self) -> dict:
        return self.builder.rules()

    # -- counting --------------------------------------------------------------------------------
    def _edited(self) -> None:
        if not self.source_name:
            self._set_source("New segment", "Add conditions below. With none, everyone matches.", None)
        rules = self.rules()
        unsaved = self.segment_id is not None and rules != self.saved_rules
        self.editing.setText(self.source_name + ("  — changes not saved yet" if unsaved else ""))
        at, general = problem_rows(rules, self.builder)
        for row in self.builder.rows():
            row.show_problem(at.get(row, ""))
        self.problems = [*at.values(), *general]
        self.export_button.setEnabled(not self.problems)
        if self.problems:
            self.counter.forget()
            self.funnel.show_counts(None, "Fix the condition marked in red to see the counts.")
            self.sample.show_rows([], "")
            self._show_error("\n".join(general)) if general else self.message.hide()
            return
        self.message.hide()
        self.counter.schedule(rules)
        if not self.counter.ready:
            self.funnel.show_counts(None, GETTING_READY)

    def _ready_changed(self, ready: bool) -> None:
        show_readiness(self.builder, self.funnel, ready)
        if ready and self.recheck_after_build:
            # Something was announced while the copy was being built. Usually the copy already
            # holds it (the rescoring ran on the database lane before the build): then only a
            # change the data's fingerprint can't see (orders, events, messages) forces another.
            force, self.recheck_after_build, self.force_after_build = self.force_after_build, False, False
            self._start_rebuild() if force else self._check_for_new_data(patch=True)

    def _counted(self, counts: Counts, rules: dict) -> None:
        note = ("Everyone matches: add conditions to narrow it down." if not self.builder.items else
                "Click a number to see who they are.")
        self.funnel.show_counts(counts, note)
        self.show_stage(self.funnel.selected())
        if self.remember_for is not None and self.remember_for == self.segment_id and rules == self.saved_rules:
            self._remember_members(rules)

    # -- what changed since last time ------------------------------------------------------------
    def _remember_members(self, rules: dict) -> None:
        """Record who matches the saved segment now and show who entered / left since last time."""
        sid, engine, now = self.segment_id, self.engine, self.services.clock.now()
        self.remember_for = None

        def work(ctx):
            ids = engine.ids(rules, "matched")
            with ctx.db.session() as s:
                return remember_members(s, sid, ids, now)

        self.services.jobs.run(work, title="Comparing with last time", lane="db", parent=self,
                               progress_dialog=False, show_errors=False, cancellable=False,
                               on_result=lambda change: self._show_changes(sid, change),
                               on_error=self._show_error)

    def _show_changes(self, sid: int, change: Any) -> None:
        if sid != self.segment_id:
            return
        self.changes.setText(change.words() if change is not None else
                             "Members noted: next time you'll see who entered and who left.")
        self.changes.show()
        self.members_checked += 1

    def show_stage(self, stage: str) -> None:
        """Show a sample of the customers behind one of the numbers."""
        last = self.counter.last
        if last is None or self.problems:
            return
        rules, counts = last
        self.sample_stage = stage
        self.funnel.select(stage)
        total = getattr(counts, stage)
        title = f"{count_noun(total, 'customer')} {STAGE_WORDS[stage][0]}"
        if total > SAMPLE_SIZE:
            title = f"First {SAMPLE_SIZE} of {title}"
        self.counter.run_query(lambda e: e.sample(rules, SAMPLE_SIZE, stage),
                               lambda rows: self._sampled(rules, stage, rows, title), "Reading customers", self)

    def _sampled(self, rules: dict, stage: str, rows: list, title: str) -> None:
        if self.counter.last and self.counter.last[0] == rules and stage == self.sample_stage:
            self.sample.show_rows(rows, title)

    def explain(self, customer_id: int) -> None:
        last = self.counter.last
        if last is None:
            return
        rules = last[0]
        row = self.sample.table.currentRow()
        name = self.sample.table.item(row, 0).text() if row >= 0 else f"Customer {customer_id}"
        self.counter.run_query(lambda e: e.explain(rules, customer_id),
                               lambda exp: self.sample.show_why(name, rules, exp), "Explaining", self)

    def _show_error(self, message: str) -> None:
        self.message.setText(message)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setVisible(bool(message))

    def show_note(self, message: str) -> None:
        self.message.setText(message)
        self.message.setStyleSheet("color: #0f6b45;")
        self.message.setVisible(bool(message))

    # -- data changed ----------------------------------------------------------------------------
    def on_page_shown(self) -> None:
        """Data may have changed outside this window (the command line, an automation run)."""
        if self.counter.ready:
            self._check_for_new_data()

    def _check_for_new_data(self, patch: bool = False) -> None:
        """Update the copy only if the data's fingerprint moved since it was built: patched for the
        customers that changed (announced edits), or rebuilt (changes made outside this window)."""
        engine = self.engine
        self.services.jobs.run(lambda ctx: engine.is_stale(), title="Checking for new data", parent=self,
                               progress_dialog=False, show_errors=False,
                               on_result=lambda stale: stale and self._start_rebuild(patch))

    def _on_data_changed(self, what: frozenset[str]) -> None:
        if events.touches(what, *DATA_TOPICS):
            self.announced |= set(what)
            self.rebuild_timer.start()  # announcements in quick succession: one decision
        elif events.touches(what, events.SEGMENTS):
            self.actions_.reload_saved()

    def _rebuild(self) -> None:
        # Customer edits, tags and rescoring always move the fingerprint (updated_at, tag rows,
        # the profile refresh id), so they are checked, and the copy is patched for the customers
        # that changed; orders, events and message statuses can change in place, so those
        # announcements always rebuild.
        force = events.touches(self.announced, *FINGERPRINT_BLIND)
        self.announced = set()
        if self.counter.preparing:
            self.recheck_after_build = True
            self.force_after_build |= force
        elif force:
            self._start_rebuild()
        else:
            self._check_for_new_data(patch=True)

    def _start_rebuild(self, patch: bool = False) -> None:
        if self.counter.preparing:
            self.recheck_after_build = True
            self.force_after_build |= not patch
            return
        self.counter.prepare(patch=patch)
        self._edited()

