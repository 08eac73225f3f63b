"""The customer table model: Qt's model checks, lazy paging, SQL sort, search, formatting."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from wadesk.core.crm import customer_query as cq
from wadesk.core.db.models import CONSENT_OPTED_IN, CONSENT_OPTED_OUT, Customer
from wadesk.ui.customers import table_model as tm
from wadesk.ui.customers.table_model import CustomerTableModel

T = datetime(2026, 1, 1)


def add_customers(db, rows):
    with db.session() as s:
        for r in rows:
            name = r.get("name", "")
            s.add(Customer(name=name, name_key=cq.name_key(name), created_at=T, updated_at=T,
                           **{k: v for k, v in r.items() if k != "name"}))


@pytest.fixture
def shop(db):
    add_customers(db, [
        dict(name="Rohan Sharma", phone="+919876543210", phone_national="9876543210",
             email="rohan@example.com", city="Pune", order_count=3, total_spent=Decimal("123456.40"),
             last_order_at=datetime(2026, 3, 5, 10), consent_state=CONSENT_OPTED_IN, tag_list="cod, vip",
             last_name_key="sharma"),
        dict(name="Anita Desai", phone="+919812345678", phone_national="9812345678", city="Mumbai",
             order_count=0, total_spent=Decimal("0"), consent_state=CONSENT_OPTED_OUT, last_name_key="desai"),
        dict(name="Sharad Kulkarni", email="sharad@shop.in", city="Nashik", order_count=12,
             total_spent=Decimal("999.99"), last_order_at=datetime(2025, 12, 1), last_name_key="kulkarni"),
    ])
    return db


def texts(model, row):
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def test_model_passes_qt_checks(qtmodeltester, shop):
    model = CustomerTableModel(shop)
    qtmodeltester.check(model, force_py=True)


def test_rows_are_formatted_for_people(shop):
    model = CustomerTableModel(shop)
    assert model.rowCount() == 3
    assert [h for h in (model.headerData(c, Qt.Orientation.Horizontal) for c in range(9))] == tm.HEADERS
    assert texts(model, 1) == ["Rohan Sharma", "+91 98765 43210", "rohan@example.com", "Pune", "cod, vip",
                               "3", "₹1,23,456", "5 Mar 2026", "Opted in"]
    assert texts(model, 0)[-1] == "Opted out"
    assert texts(model, 2)[1] == "" and texts(model, 2)[-1] == "—"
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert model.data(model.index(0, tm.KEYS.index("total_spent")), Qt.ItemDataRole.TextAlignmentRole) == right
    assert model.data(model.index(0, 0), Qt.ItemDataRole.TextAlignmentRole) != right


def test_sort_requeries_in_sql(shop):
    model = CustomerTableModel(shop)
    col = tm.KEYS.index("total_spent")
    model.sort(col, Qt.SortOrder.DescendingOrder)
    assert [model.data(model.index(r, 0)) for r in range(3)] == ["Rohan Sharma", "Sharad Kulkarni", "Anita Desai"]
    with shop.Session() as s:
        expected = list(s.scalars(select(Customer.id).order_by(Customer.total_spent.desc(), Customer.id.desc())))
    assert [model.customer_id(r) for r in range(3)] == expected


def test_search_by_name_phone_and_email(shop):
    model = CustomerTableModel(shop)
    model.set_search("shar")
    assert sorted(model.data(model.index(r, 0)) for r in range(model.rowCount())) == ["Rohan Sharma", "Sharad Kulkarni"]
    model.set_search("98123")
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == ["Anita Desai"]
    model.set_search("sharad@")
    assert model.rowCount() == 1
    model.set_search("nobody")
    assert model.rowCount() == 0
    model.set_search("")
    assert model.rowCount() == 3


def test_pages_load_lazily_and_stay_bounded(db, monkeypatch):
    add_customers(db, [dict(name=f"Customer {i:04d}") for i in range(450)])
    monkeypatch.setattr(tm, "PAGE_SIZE", 50)
    monkeypatch.setattr(tm, "MAX_PAGES", 3)
    calls = []
    real = cq.page_ids
    monkeypatch.setattr(cq, "page_ids", lambda s, q, o, n: calls.append((o, n)) or real(s, q, o, n))
    model = CustomerTableModel(db)
    assert model.rowCount() == 450 and calls == []
    assert model.data(model.index(449, 0)) == "Customer 0449"
    assert calls == [(400, 50)]
    for r in range(0, 450, 10):
        model.data(model.index(r, 0))
    assert len(model._pages) == 3  # only the most recent pages are kept
    assert model.customer_id(0) is not None


def test_refresh_sees_new_and_changed_rows(shop):
    model = CustomerTableModel(shop)
    assert model.data(model.index(0, 0)) == "Anita Desai"
    with shop.session() as s:
        s.execute(Customer.__table__.update().where(Customer.name == "Anita Desai").values(city="Goa"))
    model.refresh()
    assert model.data(model.index(0, 3)) == "Goa"
    add_customers(shop, [dict(name="Zoya Khan")])
    assert model.rowCount() == 3  # until told
    model.refresh()
    assert model.rowCount() == 4


def test_background_model_passes_qt_checks(qtbot, qtmodeltester, shop):
    model = CustomerTableModel(shop, asynchronous=True)
    qtbot.waitUntil(lambda: not model.loading, timeout=3000)
    qtmodeltester.check(model, force_py=True)
    model.wait_idle()


def test_background_search_keeps_old_rows_until_counted(qtbot, shop):
    model = CustomerTableModel(shop, asynchronous=True)
    assert model.rowCount() == 0 and model.loading
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=3000)
    model.set_search("anita")
    model.set_search("shar")  # typed on before the first answer came: only the last one counts
    assert model.rowCount() == 3 and model.loading and model.wanted_query.search == "shar"
    with qtbot.waitSignal(model.refreshed, timeout=3000):
        pass
    qtbot.waitUntil(lambda: not model.loading, timeout=3000)
    assert model.search_text == "shar" and model.rowCount() == 2
    model.wait_idle()


def test_background_pages_arrive_with_data_changed(qtbot, db, monkeypatch):
    add_customers(db, [dict(name=f"Customer {i:04d}") for i in range(120)])
    monkeypatch.setattr(tm, "PAGE_SIZE", 50)
    model = CustomerTableModel(db, asynchronous=True)
    qtbot.waitUntil(lambda: model.rowCount() == 120, timeout=3000)
    assert model.data(model.index(0, 0)) == "Customer 0000"  # read with the count
    assert model.data(model.index(110, 0)) == "Loading…"
    assert model.customer_id(110) is None
    with qtbot.waitSignal(model.dataChanged, timeout=3000) as blocker:
        pass
    assert blocker.args[0].row() == 100
    assert model.data(model.index(110, 0)) == "Customer 0110"
    model.wait_idle()
