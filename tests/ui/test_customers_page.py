"""The Customers page built alone on a real temporary database, driven like a user would."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt
from sqlalchemy import select

from wadesk.core.db.models import Customer
from wadesk.ui import events
from wadesk.ui.customers.page import CustomersPage
from wadesk.ui.customers.table_model import KEYS

from customers_helpers import ids, page  # noqa: F401 - fixtures


def shown_names(page):
    m = page.model
    return [m.data(m.index(r, 0)) for r in range(m.rowCount())]


def select_rows(page, rows):
    sel = QItemSelection()
    for r in rows:
        sel.select(page.model.index(r, 0), page.model.index(r, len(KEYS) - 1))
    page.table.selectionModel().select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    page.table.selectionModel().setCurrentIndex(page.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate)


def test_empty_shop_says_what_to_do(qtbot, services):
    p = CustomersPage(services)
    qtbot.addWidget(p)
    assert p.count_label.text() == "Loading customers…"
    qtbot.waitUntil(lambda: not p.model.loading, timeout=3000)
    assert p.stack.currentWidget() is p.empty
    assert p.empty.title.text() == "No customers yet"
    assert p.empty.import_button.isVisibleTo(p) and p.empty.add_button.isVisibleTo(p)
    with qtbot.waitSignal(services.bus.page_requested) as blocker:
        p.empty.import_button.click()
    assert blocker.args == ["import"]
    assert p.count_label.text() == "0 customers"


def test_search_is_instant_with_a_short_debounce(qtbot, page):
    assert page.count_label.text() == "5 customers"
    qtbot.keyClicks(page.search, "shar")
    assert page.model.search_text == ""  # not on every key press
    qtbot.waitUntil(lambda: page.model.search_text == "shar", timeout=1000)
    assert sorted(shown_names(page)) == ["Rohan Sharma", "Sharad Kulkarni"]
    assert page.count_label.text() == "2 match 'shar'"
    page.search.clear()
    qtbot.keyClicks(page.search, "98123")  # phone, typed without +91
    qtbot.waitUntil(lambda: shown_names(page) == ["Anita Desai"], timeout=1000)
    page.search.clear()
    qtbot.keyClicks(page.search, "nobody")
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.empty, timeout=1000)
    assert page.empty.title.text() == "No customers match 'nobody'"
    page.empty.clear_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=1000)


def test_ctrl_f_focuses_search(qtbot, page):
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()


def test_header_click_sorts_in_sql(qtbot, page, db):
    header = page.table.horizontalHeader()
    col = KEYS.index("total_spent")
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    qtbot.waitUntil(lambda: page.model.query.sort_key == "total_spent", timeout=2000)
    order_by = (Customer.total_spent.asc(), Customer.id.asc())
    if page.model.query.descending:
        order_by = (Customer.total_spent.desc(), Customer.id.desc())
    with db.Session() as s:
        expected = list(s.scalars(select(Customer.name).order_by(*order_by)))
    assert page.model.query.sort_key == "total_spent"
    assert shown_names(page) == expected
    descending = page.model.query.descending
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    qtbot.waitUntil(lambda: page.model.query.descending != descending, timeout=2000)
    assert shown_names(page) == list(reversed(expected))
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert page.model.data(page.model.index(0, col), Qt.ItemDataRole.TextAlignmentRole) == right


def test_selecting_a_row_fills_the_detail_pane(qtbot, page, ids):
    row = shown_names(page).index("Rohan Sharma")
    select_rows(page, [row])
    d = page.detail
    assert d.customer_id == ids["Rohan"]
    assert d.name_label.text() == "Rohan Sharma"
    assert d.fields["phone"].text() == "+91 98765 43210"
    assert d.spent_value.text() == "₹1,299"
    assert d.tags.tags == ["vip"]
    assert "Opted in" in d.consent.status.text() and not d.consent.opt_in_button.isEnabled()
    kinds = [w.objectName() for w in d.timeline.findChildren(type(d.name_label)) if w.objectName().startswith("timeline_")]
    assert "timeline_order" in kinds and "timeline_note" in kinds and "timeline_consent" in kinds
    order = d.timeline.findChild(type(d.name_label), "timeline_order")
    assert "Kumkumadi face oil" in order.text()


def test_add_customer_through_the_dialog(qtbot, page, db):
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dlg = page.actions_.dialog
    assert dlg is not None and dlg.isVisible()
    qtbot.keyClicks(dlg.inputs["first_name"], "Priya")
    qtbot.keyClicks(dlg.inputs["last_name"], "Nair")
    qtbot.keyClicks(dlg.inputs["phone"], "098470 12345")
    assert dlg.phone_hint.text() == "Will be saved as +91 98470 12345"
    qtbot.keyClicks(dlg.inputs["city"], "Kochi")
    qtbot.keyClick(dlg.inputs["city"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.actions_.dialog is None, timeout=2000)
    with db.Session() as s:
        c = s.scalars(select(Customer).where(Customer.first_name == "Priya")).one()
    assert (c.phone, c.name, c.city, c.country) == ("+919847012345", "Priya Nair", "Kochi", "IN")
    qtbot.waitUntil(lambda: page.model.rowCount() == 6, timeout=2000)
    assert page.detail.customer_id == c.id


def test_invalid_phone_is_explained_and_nothing_is_written(qtbot, page, db):
    page.add_action.trigger()
    dlg = page.actions_.dialog
    qtbot.keyClicks(dlg.inputs["first_name"], "Kiran")
    qtbot.keyClicks(dlg.inputs["phone"], "12345")
    qtbot.keyClick(dlg.inputs["phone"], Qt.Key.Key_Return)
    assert dlg.isVisible()
    assert dlg.errors["phone"].isVisible()
    assert "digits" in dlg.errors["phone"].text()
    qtbot.keyClicks(dlg.inputs["phone"], "6")  # fixing the number clears the old message
    assert not dlg.errors["phone"].isVisible()
    with db.Session() as s:
        assert s.scalar(select(Customer.id).where(Customer.first_name == "Kiran")) is None
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.actions_.dialog is None, timeout=1000)


def test_edit_keeps_what_was_not_touched(qtbot, page, db, ids):
    page.select_customer(ids["Meera"])
    page.edit_action.trigger()
    dlg = page.actions_.dialog
    assert dlg.inputs["phone"].text() == "+91 99887 76655"
    dlg.inputs["city"].setText("Madurai")
    dlg.save_button.click()
    qtbot.waitUntil(lambda: page.detail.fields["address"].text().startswith("Madurai"), timeout=2000)
    with db.Session() as s:
        c = s.get(Customer, ids["Meera"])
    assert (c.city, c.phone, c.email) == ("Madurai", "+919988776655", "meera@example.com")


def test_other_pages_changes_refresh_the_table(qtbot, page, db, services):
    from wadesk.core.crm.customers import create_customer

    with db.session() as s:
        create_customer(s, {"first_name": "Imported", "phone": "9811122233"})
    assert page.model.rowCount() == 5
    services.bus.notify(events.CUSTOMERS)
    qtbot.waitUntil(lambda: page.model.rowCount() == 6, timeout=1000)
    assert page.count_label.text() == "6 customers"


def test_a_database_problem_while_saving_is_shown_in_words(qtbot, page, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from wadesk.core.crm import customers

    def busy(*_a, **_k):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(customers, "create_customer", busy)
    page.add_action.trigger()
    dlg = page.actions_.dialog
    qtbot.keyClicks(dlg.inputs["first_name"], "Kiran")
    dlg.save_button.click()
    assert dlg.isVisible() and "busy" in dlg.general_error.text()
    dlg.reject()


def test_select_all_on_many_rows_does_not_ask_every_row(qtbot, services, db, monkeypatch):
    """Qt's own header asks flags() of every selected row on each repaint (minutes at 1M rows)."""
    from datetime import datetime

    from wadesk.ui.customers.table_model import CustomerTableModel

    t = datetime(2026, 1, 1)
    with db.session() as s:
        s.execute(Customer.__table__.insert(), [
            {"name": f"C {i:05d}", "name_key": f"c {i:05d}", "created_at": t, "updated_at": t}
            for i in range(20_000)])
    p = CustomersPage(services)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    qtbot.waitUntil(lambda: p.model.rowCount() == 20_000, timeout=5000)
    calls = []
    real = CustomerTableModel.flags
    monkeypatch.setattr(CustomerTableModel, "flags", lambda self, index: calls.append(1) or real(self, index))
    p.table.selectAll()
    p.grab()
    assert p.selected_count() == 20_000
    assert len(calls) < 2_000  # about the visible cells, not 9 x 20,000
    p.model.wait_idle()


def test_a_new_customer_gets_scores_and_segments_hear_of_it(qtbot, page, db, services):
    from wadesk.core.db.profile_models import CustomerMetrics

    heard = []
    services.bus.changed.connect(heard.append)
    page.add_action.trigger()
    dlg = page.actions_.dialog
    qtbot.keyClicks(dlg.inputs["first_name"], "Zoyaqz")
    qtbot.keyClicks(dlg.inputs["phone"], "098470 54321")
    qtbot.keyClick(dlg.inputs["phone"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.actions_.dialog is None, timeout=2000)
    with db.Session() as s:
        cid = s.scalars(select(Customer.id).where(Customer.first_name == "Zoyaqz")).one()
    qtbot.waitUntil(lambda: any(events.PROFILES in w for w in heard), timeout=10000)
    with db.Session() as s:
        row = s.get(CustomerMetrics, cid)
    assert row is not None and row.orders == 0
