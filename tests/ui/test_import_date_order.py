"""The wizard's date row: which reading of 03/04/2026 WaDesk chose, why, and switching it."""
from __future__ import annotations

import os
from datetime import datetime

import pytest
from sqlalchemy import select

from wadesk.core.db.models import Order
from wadesk.core.settings import get_setting
from wadesk.ui.importing.page import ImportPage

from test_import_page import check, do_import, idle, open_and_wait  # noqa: F401


@pytest.fixture
def page(qtbot, services):
    p = ImportPage(services)
    qtbot.addWidget(p)
    p.resize(1180, 760)
    qtbot.waitUntil(lambda: not p.history.loading, timeout=3000)
    return p


def sales(tmp_path, *dates):
    path = tmp_path / "sales.csv"
    rows = "".join(f"P{i},98765432{i:02d},100,{d}\n" for i, d in enumerate(dates))
    path.write_text("Name,Mobile,Amount,Date\n" + rows, encoding="utf-8")
    return path


def placed(db) -> list[datetime]:
    with db.Session() as s:
        return sorted(s.scalars(select(Order.placed_at)))


def test_ambiguous_dates_show_the_shop_setting_and_can_be_switched(qtbot, page, services, db, tmp_path):
    open_and_wait(qtbot, page, sales(tmp_path, "03/04/2026", "05/06/2026"))
    row = page.wizard.review.dates
    assert row.isVisibleTo(page) and row.question.text() == "&Dates like 03/04/2026 mean:"
    assert row.combo.currentText() == "3 April 2026  (day/month/year)"
    assert "shop's setting" in row.why.text() and row.remember.isHidden()
    if os.environ.get("WADESK_SHOTS"):
        page.grab().save("/tmp/shots/import-dates.png")
    row.combo.setCurrentIndex(row.combo.findData("mdy"))
    assert row.combo.currentText() == "4 March 2026  (month/day/year)" and not row.remember.isHidden()
    assert "03/04/2026 is read as 4 March 2026 (month/day/year, your choice)." in check(qtbot, page)
    row.remember.setChecked(True)
    do_import(qtbot, page)
    assert placed(db)[0].date() == datetime(2026, 3, 3).date()  # 4 March, 00:00 IST
    qtbot.waitUntil(lambda: services.settings.get("import_date_order") == "mdy", timeout=3000)
    with db.Session() as s:
        assert get_setting(s, "import_date_order") == "mdy"


def test_a_date_that_settles_it_is_shown_as_the_reason(qtbot, page, db, tmp_path):
    open_and_wait(qtbot, page, sales(tmp_path, "03/04/2026", "25/12/2026"))
    row = page.wizard.review.dates
    assert row.combo.currentData() == "dmy" and "saw 25/12/2026 in this file" in row.why.text()
    assert row.remember.isHidden()


def test_files_without_slash_dates_hide_the_row(qtbot, page, tmp_path):
    open_and_wait(qtbot, page, sales(tmp_path, "2026-04-03", "2026-06-05"))
    assert not page.wizard.review.dates.isVisibleTo(page)
