"""An import writes customers.tag_list itself (with the customer rows); it must be exactly what
crm.totals.refresh_tag_lists builds from the tags tables, on SQLite and on PostgreSQL."""
from __future__ import annotations

from datetime import datetime

from openpyxl import Workbook
from sqlalchemy import select

from wadesk.core.crm.totals import refresh_tag_lists
from wadesk.core.db.models import Customer, CustomerTag, Tag
from wadesk.core.importing import run_import


def test_tag_lists_written_by_the_import_are_the_rebuilt_ones(db, tmp_path):
    now = datetime(2026, 11, 1)
    with db.Session() as s:
        s.add_all([Tag(id=1, name="cod"), Tag(id=2, name="VIP")])
        s.add(Customer(id=1, phone="+919800000001", phone_national="9800000001", name="Asha", name_key="asha",
                       attributes={}, created_at=now, updated_at=now, tag_list="VIP, cod"))
        s.add(Customer(id=2, phone="+919800000002", phone_national="9800000002", name="Ravi", name_key="ravi",
                       attributes={}, created_at=now, updated_at=now, tag_list="cod"))
        s.flush()
        s.add_all([CustomerTag(customer_id=1, tag_id=1), CustomerTag(customer_id=1, tag_id=2),
                   CustomerTag(customer_id=2, tag_id=1)])
        s.commit()
    wb = Workbook()
    for row in [["Name", "Mobile", "Tags"],
                ["Asha", "9800000001", "diwali, Émile"],  # existing, new tags only
                ["Ravi", "9800000002", "cod"],  # existing, a tag it has: nothing to write
                ["Neha", "9800000003", "zeta, Alpha, alpha, VIP"],  # new customer
                ["Neha", "9800000003", "beta"],  # the same new customer again (rewritten at the end)
                ["Om", "9800000004", ""]]:
        wb.active.append(row)
    wb.save(tmp_path / "list.xlsx")
    result = run_import(db, tmp_path / "list.xlsx")
    assert result.customers_created == 2 and result.rejected == 0
    with db.Session() as s:
        written = dict(s.execute(select(Customer.phone, Customer.tag_list)).all())
        refresh_tag_lists(s)
        s.flush()
        rebuilt = dict(s.execute(select(Customer.phone, Customer.tag_list)).all())
        s.rollback()
    assert written == rebuilt
    assert written["+919800000002"] == "cod" and written["+919800000004"] == ""
    assert set(written["+919800000003"].split(", ")) == {"zeta", "Alpha", "alpha", "VIP", "beta"}
