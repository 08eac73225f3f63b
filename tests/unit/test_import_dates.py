"""Day first or month first: the file decides when it can, else the shop setting, else staff's choice."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from wadesk.core.db.models import Order
from wadesk.core.importing import ImportOptions, preview_file, run_import
from wadesk.core.settings import SettingError, set_setting

from _import_db import _migrated_template, idb  # noqa: F401


@pytest.fixture
def db(idb):
    return idb


def sales(tmp_path, *dates, name="sales.csv"):
    path = tmp_path / name
    path.write_text("Name,Mobile,Amount,Date\n" + "".join(
        f"P{i},98765432{i:02d},100,{d}\n" for i, d in enumerate(dates)), encoding="utf-8")
    return path


def days(db) -> list[date]:
    with db.Session() as s:  # placed_at is UTC; +5:30 gives the shop's calendar day
        return [(d + timedelta(hours=5, minutes=30)).date() for d in s.scalars(select(Order.placed_at).order_by(Order.id))]


def test_ambiguous_file_uses_the_shop_setting(db, tmp_path):
    f = sales(tmp_path, "03/04/2026", "05/06/2026")
    p = preview_file(f, db=db)
    assert (p.dates.order, p.dates.source, p.dates.example) == ("dmy", "setting", "03/04/2026")
    r = run_import(db, f)
    assert (r.date_order, r.date_note) == ("dmy", "03/04/2026 is read as 3 April 2026 (day/month/year, your shop's setting).")
    assert days(db) == [date(2026, 4, 3), date(2026, 6, 5)]


def test_the_setting_month_first_is_used_for_ambiguous_files(db, tmp_path):
    with db.session() as s:
        set_setting(s, "import_date_order", "mm/dd")  # staff may type it the way they think of it
    r = run_import(db, sales(tmp_path, "03/04/2026"))
    assert r.date_order == "mdy" and days(db) == [date(2026, 3, 4)]


def test_a_file_that_proves_its_order_wins_over_the_setting(db, tmp_path):
    with db.session() as s:
        set_setting(s, "import_date_order", "dmy")
    f = sales(tmp_path, "03/04/2026", "12/25/2026")  # 25 can only be the day: month first
    assert preview_file(f, db=db).dates.source == "file"
    r = run_import(db, f)
    assert r.date_note == "Dates are read as month/day/year: the file has 12/25/2026."
    assert days(db) == [date(2026, 3, 4), date(2026, 12, 25)]


def test_staff_choice_wins_for_one_file(db, tmp_path):
    r = run_import(db, sales(tmp_path, "03/04/2026"), ImportOptions(date_order="mdy"))
    assert r.date_note.endswith("(month/day/year, your choice).") and days(db) == [date(2026, 3, 4)]


def test_mixed_file_falls_back_to_the_setting_and_iso_dates_are_not_asked_about(db, tmp_path):
    p = preview_file(sales(tmp_path, "25/03/2026", "03/25/2026"), db=db)
    assert (p.dates.order, p.dates.source) == ("dmy", "setting")
    r = run_import(db, sales(tmp_path, "2026-04-03", name="iso.csv"))
    assert (r.date_order, r.date_note) == (None, "")


def test_a_bad_date_order_is_one_plain_sentence(db, tmp_path):
    with pytest.raises(SettingError, match="not a date order"):
        run_import(db, sales(tmp_path, "03/04/2026"), ImportOptions(date_order="ymd"))
    with db.session() as s, pytest.raises(SettingError):
        set_setting(s, "import_date_order", "sometimes")
