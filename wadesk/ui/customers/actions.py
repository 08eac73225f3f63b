"""What the Customers page's buttons do: add, edit, delete, bulk tags (with undo), erase.

Writes run through the job runner (the database lane) and end with a "data changed" broadcast;
the page, the status bar and other pages refresh from that."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QInputDialog

from wadesk.core.crm import customer_query as cq
from wadesk.core.crm import customers as crm
from wadesk.core.crm import erase as crm_erase
from wadesk.core.crm import tags as crm_tags
from wadesk.ui import dialogs, events
from wadesk.ui.customers import formatting as fmt
from wadesk.ui.customers.customer_dialog import CustomerDialog
from wadesk.ui.customers.rescore import refresh_scores
from wadesk.ui.customers.tag_undo import BulkTagCommand
from wadesk.ui.errors import show_error

if TYPE_CHECKING:
    from wadesk.ui.customers.page import CustomersPage

# Up to this many selected rows, ids are read from the table at once (what the user sees);
# beyond it they are resolved inside the job from the query and the selected row ranges.
RESOLVE_NOW_LIMIT = 2000


class CustomerActions(QObject):
    def __init__(self, page: "CustomersPage"):
        super().__init__(page)
        self.page = page
        self.services = page.services
        self.undo_stack = QUndoStack(self)
        self.dialog: CustomerDialog | None = None  # the open add/edit dialog (tests drive it)

    # -- helpers ---------------------------------------------------------------------------------
    def _notify(self, *what: str) -> None:
        self.services.bus.notify(*what)

    def _run(self, title: str, work: Callable[[Any, Any], Any], done: Callable[[Any], None]) -> None:
        self.services.jobs.run_in_session(work, title=title, parent=self.page, on_result=done)

    def _selection(self) -> tuple[Any, list[tuple[int, int]], list[int] | None, int]:
        """(query, row ranges, ids if resolved now, number of rows selected)."""
        ranges = self.page.selected_ranges()
        n = sum(last - first + 1 for first, last in ranges)
        ids = None
        if n <= RESOLVE_NOW_LIMIT:
            rows = (r for first, last in ranges for r in range(first, last + 1))
            found = [self.page.model.customer_id(r) for r in rows]
            # A row whose page is still being read has no id yet: then the job reads them all.
            ids = None if None in found else [cid for cid in found if cid is not None]
        return self.page.model.query, ranges, ids, n

    def _who(self, n: int, ids: list[int] | None) -> str:
        if n == 1 and ids and self.page.detail.customer_id == ids[0] and self.page.detail.customer_name:
            return self.page.detail.customer_name
        return fmt.count_noun(n, "customer")

    # -- add / edit ------------------------------------------------------------------------------
    def add_customer(self) -> None:
        self._open_dialog(None)

    def edit_customer(self, customer_id: int) -> None:
        self._open_dialog(customer_id)

    def _open_dialog(self, customer_id: int | None) -> None:
        dlg = CustomerDialog(self.services, customer_id, self.page)
        self.dialog = dlg

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dlg.saved_id is not None:
                self.page.select_customer(dlg.saved_id)
            self.dialog = None
            dlg.deleteLater()

        dlg.finished.connect(finished)
        dlg.open()

    # -- delete ----------------------------------------------------------------------------------
    def delete_selected(self) -> None:
        query, ranges, ids, n = self._selection()
        if n == 0:
            return
        who = self._who(n, ids)
        if not dialogs.confirm(self.page, "Delete customers",
                               f"Delete {who}?\n\nTheir tags, notes, consent history and website "
                               "activity are deleted too. Their orders stay in your sales figures, "
                               "without the customer. This can't be undone.", "Delete"):
            return

        now = self.services.clock.now()

        def work(session, ctx):
            target = ids if ids is not None else ids_in_ranges(session, query, ranges)
            return crm.delete_customers(session, target, now=now, progress=ctx.progress,
                                        cancelled=ctx.cancelled)

        def done(_result: Any) -> None:
            self.page.clear_current()
            self._notify(events.CUSTOMERS, events.ORDERS, events.TAGS)

        self._run(f"Deleting {fmt.count_noun(n, 'customer')}", work, done)

    # -- erase (privacy request) -----------------------------------------------------------------
    def erase_current(self) -> None:
        cid = self.page.detail.customer_id
        if cid is None:
            return
        name = self.page.detail.customer_name or "this customer"
        if not dialogs.confirm(self.page, "Erase customer (privacy request)",
                               f"Erase everything WaDesk knows about {name}?\n\nUse this when a customer "
                               f"asks you to delete their data. {crm_erase.EXPLANATION}",
                               "Erase for good"):
            return

        now = self.services.clock.now()

        def work(ctx):
            with ctx.db.session() as session:
                result = crm_erase.erase_customer(session, cid, now=now)
            crm_erase.compact_after_erase(ctx.db.engine)  # old page images leave the WAL file
            return result

        def done(_result: Any) -> None:
            self.page.clear_current()
            self._notify(events.CUSTOMERS, events.ORDERS, events.TAGS)

        self.services.jobs.run(work, title="Erasing a customer", parent=self.page, on_result=done,
                               cancellable=False)

    # -- bulk tags -------------------------------------------------------------------------------
    def _known_tags(self) -> list[str]:
        with self.services.db.Session() as s:
            return crm_tags.tag_names(s)

    def add_tag_to_selected(self) -> None:
        query, ranges, ids, n = self._selection()
        if n == 0:
            return
        name, ok = QInputDialog.getItem(self.page, "Add tag", f"Tag to put on {self._who(n, ids)}:",
                                        self._known_tags(), 0, True)
        if ok and name.strip():
            self._bulk_tag(name.strip(), True, query, ranges, ids, n)

    def remove_tag_from_selected(self) -> None:
        query, ranges, ids, n = self._selection()
        known = self._known_tags()
        if n == 0:
            return
        if not known:
            show_error(self.page, "Remove tag", "There are no tags yet, so there is nothing to remove.")
            return
        name, ok = QInputDialog.getItem(self.page, "Remove tag", f"Tag to take off {self._who(n, ids)}:",
                                        known, 0, False)
        if ok and name:
            self._bulk_tag(name, False, query, ranges, ids, n)

    def _bulk_tag(self, name: str, add: bool, query, ranges, ids: list[int] | None, n: int,
                  undoable: bool = True) -> None:
        now = self.services.clock.now()

        def work(session, ctx):
            target = ids if ids is not None else ids_in_ranges(session, query, ranges)
            change = crm_tags.add_tag if add else crm_tags.remove_tag
            return change(session, target, name, now=now, progress=ctx.progress, cancelled=ctx.cancelled)

        def done(changed_ids: list[int]) -> None:
            if undoable and changed_ids:
                self.undo_stack.push(BulkTagCommand(self.apply_tag, name, list(changed_ids), add))
            self._notify(events.CUSTOMERS, events.TAGS)
            refresh_scores(self.services, changed_ids or [], self.page)

        verb = "Adding" if add else "Removing"
        self._run(f"{verb} tag '{name}' ({fmt.count_noun(n, 'customer')})", work, done)

    def apply_tag(self, name: str, ids: list[int], add: bool) -> None:
        """Add or remove a tag on exactly these customers (undo/redo; not itself undoable)."""
        self._bulk_tag(name, add, None, [], ids, len(ids), undoable=False)


def ids_in_ranges(session, query: cq.CustomerQuery, ranges: list[tuple[int, int]]) -> list[int]:
    """Customer ids of the rows first..last (inclusive) of each range, in table order, no repeats.

    Runs in a job for big selections (select all on 1,000,000 rows is one query per range)."""
    seen: dict[int, None] = {}
    for first, last in ranges:
        for cid in cq.page_ids(session, query, first, last - first + 1):
            seen[cid] = None
    return list(seen)
