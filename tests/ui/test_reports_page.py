"""The Reports page over a campaign sent against the fake Cloud API: the report's numbers and verdict,
click-through to customers (cards, funnel bars, failures, the comparison table), "make this a
segment", exports to Excel and PDF, and the empty state."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from tests.conftest import FAKE_TOKEN
from tests.unit._report_shop import sent_campaign
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.segments.saved import find_segment
from wadesk.core.settings import get_setting
from wadesk.ui.reports.charts import funnel_stage_at, funnel_stages
from wadesk.ui.reports.page import ReportsPage


@pytest.fixture
def sent(db, clock, fake_cloud_api):
    with CloudClient(access_token=FAKE_TOKEN, phone_number_id=fake_cloud_api.phone_number_id,
                     waba_id=fake_cloud_api.waba_id, base_url=fake_cloud_api.url, timeout=(2.0, 10.0),
                     max_retries=0, sleep=lambda s: None) as client:
        return sent_campaign(db, clock, client)


def _open(qtbot, services) -> ReportsPage:
    page = ReportsPage(services)
    qtbot.addWidget(page)
    page.resize(1200, 900)
    page.show()
    page.on_page_shown()
    qtbot.waitUntil(lambda: page.data is not None, timeout=15000)
    return page


def _dialog(qtbot, page, before):
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog is not before, timeout=10000)
    return page.dialog


def test_report_numbers_and_click_through(qtbot, services, sent, db):
    messaged, held = sent
    page = _open(qtbot, services)
    assert page.stack.currentWidget() is page.tabs and page.picker.count() == 1
    v = page.view
    assert v.cards["revenue"].number.text() == "₹3,000" and v.cards["orders"].number.text() == "4"
    assert v.cards["converted"].number.text() == "3" and v.cards["failed"].number.text() == "1"
    assert v.cards["incremental"].number.text() == "not yet"
    assert v.verdict.text().startswith("Not enough data yet")
    assert "131026" in v.failures.item(0, 0).text() and v.failures.item(0, 1).text() == "1"

    v.cards["read_not_converted"].click()
    dlg = _dialog(qtbot, page, None)
    expected = sorted(set(messaged[:12]) - {messaged[0], messaged[3], messaged[5]})
    assert dlg.data.ids == expected and dlg.table.model().rowCount() == len(expected)
    assert "Read but didn't buy" in dlg.windowTitle()
    dlg.make_segment("Diwali readers to remind")
    qtbot.waitUntil(lambda: dlg.saved is not None, timeout=10000)
    with db.session() as s:
        assert find_segment(s, "Diwali readers to remind").rules["all"][0]["field"] == "tags"
    dlg.close()

    # A funnel bar, a failure reason and a count in the comparison table open their customers too.
    bar = next(i for i in range(len(funnel_stages(v.report))) if funnel_stage_at(v.report, i) == "holdout")
    v._funnel_bars.clicked.emit(bar)
    dlg2 = _dialog(qtbot, page, dlg)
    assert dlg2.data.ids == sorted(held)
    dlg2.close()
    v.failures.cellDoubleClicked.emit(0, 0)
    dlg3 = _dialog(qtbot, page, dlg2)
    assert dlg3.data.ids == [messaged[-1]]
    dlg3.close()
    page.tabs.setCurrentIndex(1)
    table = page.compare.table
    assert table.model().rowCount() == 1
    bought = next(i for i in range(table.model().columnCount()) if table.model().headerData(
        i, Qt.Orientation.Horizontal) == "Bought")
    page.compare._clicked(table.model().index(0, bought))
    dlg4 = _dialog(qtbot, page, dlg3)
    assert dlg4.data.ids == sorted([messaged[0], messaged[3], messaged[5]])
    dlg4.close()


def test_exports_excel_and_pdf(qtbot, services, sent, tmp_path):
    from PySide6.QtPdf import QPdfDocument

    page = _open(qtbot, services)
    page.export("xlsx", str(tmp_path / "report"))  # the suffix is added
    qtbot.waitUntil(lambda: (tmp_path / "report.xlsx").exists(), timeout=15000)
    wb = load_workbook(tmp_path / "report.xlsx")
    assert wb.sheetnames == ["Summary", "Recipients"] and wb["Recipients"].max_row == 81
    page.export("pdf", str(tmp_path / "report.pdf"))
    data = (tmp_path / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    doc = QPdfDocument()
    doc.load(str(tmp_path / "report.pdf"))
    assert doc.pageCount() == 2
    assert "Diwali glow" in doc.getAllText(0).text()
    doc.close()
    assert page.last_export == str(tmp_path / "report.pdf")


def test_attribution_window_is_a_setting_the_page_changes(qtbot, services, sent, db):
    page = _open(qtbot, services)
    assert page.window_box.value() == 7 and page.view.cards["orders"].number.text() == "4"
    first = page.data
    page.window_box.setValue(14)
    page.window_box.editingFinished.emit()
    qtbot.waitUntil(lambda: page.data is not first and page.data.reports[0].window_days == 14, timeout=15000)
    assert page.view.cards["orders"].number.text() == "5"  # the order on day 10 counts now
    with db.session() as s:
        assert get_setting(s, "attribution_window_days") == 14


def test_no_campaign_yet(qtbot, services):
    page = _open(qtbot, services)
    assert page.stack.currentWidget() is page.empty
    assert "No campaign has gone out yet" in page.empty_text.text()
    assert not page.xlsx_button.isEnabled() and not page.pdf_button.isEnabled()
