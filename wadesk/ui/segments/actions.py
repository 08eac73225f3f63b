"""What the Segments page's buttons do: save / rename / duplicate / delete saved segments and export
members, each in a job. Tests replace `ask_text`, `dialogs.confirm` and `QFileDialog` so nothing blocks."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QWidget

from wadesk.core.segments import (delete_segment, duplicate_segment, export_segment, list_segments,
                                  rename_segment, save_segment)
from wadesk.ui import dialogs, events
from wadesk.ui.numbers import count_noun
from wadesk.ui.segments.funnel_bar import STAGE_WORDS

EXPORT_FILTERS = "Excel workbook (*.xlsx);;CSV file (*.csv)"


def ask_text(parent: QWidget, title: str, label: str, text: str = "") -> str | None:
    """A one-line question; None when the owner cancels."""
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value.strip() if ok and value.strip() else None


class SegmentActions:
    def __init__(self, page: Any):
        self.page = page
        self.services = page.services
        page.library.action.connect(self.run)
        page.export_button.clicked.connect(self.export)

    def run(self, what: str) -> None:
        getattr(self, what)()

    def _write(self, fn: Callable[[Any], Any], title: str, done: Callable[[Any], None]) -> None:
        def finished(result: Any) -> None:
            self.services.bus.notify(events.SEGMENTS)
            done(result)

        self.services.jobs.run_in_session(lambda s, ctx: fn(s), title=title, parent=self.page,
                                          on_result=finished, on_error=self.page._show_error,
                                          progress_dialog=False, show_errors=False, cancellable=False)

    def reload_saved(self, select_id: int | None = None) -> None:
        select = select_id if select_id is not None else self.page.segment_id
        self.services.jobs.run_in_session(lambda s, ctx: list_segments(s), title="Reading saved segments",
                                          parent=self.page, progress_dialog=False, show_errors=False,
                                          on_result=lambda segs: self.page.library.set_saved(segs, select),
                                          on_error=self.page._show_error)

    # -- the buttons -----------------------------------------------------------------------------
    def save(self) -> None:
        page = self.page
        if page.problems:
            page._show_error("Fix the condition marked in red before saving.")
            return
        rules, sid = page.rules(), page.segment_id
        name = page.source_name if sid is not None else ask_text(
            page, "Save segment", "Name for this segment:",
            page.source_name if page.source_name != "New segment" else "")
        if not name:
            return
        self._write(lambda s: save_segment(s, name, rules, segment_id=sid, clock=self.services.clock),
                    "Saving the segment", self._saved)

    def _saved(self, seg: Any) -> None:
        self.page._set_source(seg.name, seg.description or "", seg.id, seg.rules)
        self.page.base_rules = seg.rules
        self.page.remember_for = seg.id  # saving counts as using it: note who is in now
        self.page._edited()
        self.page.show_note(f"Saved “{seg.name}”.")
        self.reload_saved(seg.id)

    def rename(self) -> None:
        seg = self.page.library.current()
        if seg is None:
            return
        name = ask_text(self.page, "Rename segment", "New name:", seg.name)
        if name and name != seg.name:
            self._write(lambda s: rename_segment(s, seg.id, name, clock=self.services.clock),
                        "Renaming the segment", self._renamed)

    def _renamed(self, seg: Any) -> None:
        if self.page.segment_id == seg.id:
            self.page._set_source(seg.name, seg.description or "", seg.id, self.page.saved_rules)
            self.page._edited()
        self.reload_saved(seg.id)

    def duplicate(self) -> None:
        seg = self.page.library.current()
        if seg is not None:
            self._write(lambda s: duplicate_segment(s, seg.id, clock=self.services.clock),
                        "Copying the segment", self._duplicated)

    def _duplicated(self, seg: Any) -> None:
        self.page.show_saved(seg)
        self.reload_saved(seg.id)

    def delete(self) -> None:
        seg = self.page.library.current()
        if seg is None or not dialogs.confirm(
                self.page, "Delete segment", f"Delete the segment “{seg.name}”?\n\nIts customers are not "
                "touched; only this saved set of rules goes.", "Delete segment"):
            return
        self._write(lambda s: delete_segment(s, seg.id), "Deleting the segment", lambda _r: self._deleted(seg.id))

    def _deleted(self, sid: int) -> None:
        if self.page.segment_id == sid:
            self.page._set_source(self.page.source_name, "Not saved (the saved copy was deleted).", None)
        self.reload_saved()

    def export(self) -> None:
        page = self.page
        if page.problems:
            return
        stage = page.funnel.selected()
        default = str(Path.home() / f"{(page.source_name or 'segment').replace('/', '-')}.xlsx")
        path, chosen = QFileDialog.getSaveFileName(page, "Export customers", default, EXPORT_FILTERS)
        if not path:
            return
        if Path(path).suffix.lower() not in (".xlsx", ".csv"):
            path += ".csv" if "csv" in (chosen or "").lower() else ".xlsx"
        rules, engine = page.rules(), page.engine
        self.services.jobs.run(lambda ctx: export_segment(engine, rules, path, stage), title="Exporting customers",
                               parent=page, on_error=page._show_error, show_errors=False,
                               on_result=lambda n: page.show_note(
                                   f"Exported {count_noun(n, 'customer')} who {STAGE_WORDS[stage][0]} to {path}"))
