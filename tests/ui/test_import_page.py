"""The Import page built alone over a real database: the wizard driven by its widgets, cancel, undo."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from sqlalchemy import func, select

from wadesk.core.db.models import Customer, ImportRun, Order
from wadesk.core.importing import find_saved_mapping, import_history
from wadesk.ui.importing import wizard as wizard_module
from wadesk.ui.importing.page import ImportPage
from wadesk.ui.importing.wording import summary_text

DATA = Path(__file__).parent.parent / "data" / "imports"
SHOPIFY_ORDERS = "shopify_orders_india_gokwik_cod_razorpay_75col.csv"


@pytest.fixture
def page(qtbot, services):
    p = ImportPage(services)
    qtbot.addWidget(p)
    p.resize(1180, 760)
    qtbot.waitUntil(lambda: not p.history.loading, timeout=3000)
    return p


def copy(tmp_path: Path, name: str, as_name: str | None = None) -> Path:
    """Tests import copies, so the rejected-rows files never land in tests/data."""
    target = tmp_path / (as_name or name)
    shutil.copy(DATA / name, target)
    return target


def count(db, model) -> int:
    with db.Session() as s:
        return s.scalar(select(func.count()).select_from(model))


def idle(qtbot, page) -> None:
    qtbot.waitUntil(lambda: page.wizard.running is None, timeout=10_000)


def open_and_wait(qtbot, page, path: Path) -> None:
    page.open_file(path)
    idle(qtbot, page)


def check(qtbot, page) -> str:
    page.wizard.review.check_button.click()
    idle(qtbot, page)
    return page.wizard.outcome.summary.text()


def do_import(qtbot, page) -> None:
    page.wizard.outcome.import_button.click()
    idle(qtbot, page)


def test_shopify_orders_through_the_wizard(qtbot, page, services, db, tmp_path):
    path = copy(tmp_path, SHOPIFY_ORDERS, "orders_export.csv")
    open_and_wait(qtbot, page, path)
    w = page.wizard
    assert w.stack.currentWidget() is w.review and not w.error.isVisible()
    assert w.review.format.currentData() == "shopify-orders" and "(detected)" in w.review.format.currentText()
    assert w.review.preview_table.rowCount() == 6 and w.review.preview_table.columnCount() == 75
    assert w.review.mapping.value("Email") == "email" and w.review.mapping.value("Total") == "order_total"
    assert "matched 38 of 75 columns" in w.review.mapping_note.text()

    summary = check(qtbot, page)
    assert w.stack.currentWidget() is w.outcome and w.outcome.import_button.isVisibleTo(page)
    assert "4 new customers will be added" in summary and "4 new orders will be added" in summary
    assert "Nothing has been saved yet" in summary
    assert count(db, Customer) == 0 and count(db, ImportRun) == 0  # a check keeps nothing

    with qtbot.waitSignal(services.bus.changed, timeout=5000,
                          check_params_cb=lambda what: {"customers", "orders"} <= what):
        do_import(qtbot, page)
    assert count(db, Customer) == 4 and count(db, Order) == 4
    text = w.outcome.summary.text()
    assert "4 new customers were added" in text and "4 new orders were added" in text
    assert w.outcome.title.text() == "✔ Import finished" and w.outcome.another_button.isVisibleTo(page)
    assert not w.outcome.rejected_button.isVisibleTo(page)  # nothing rejected
    with db.Session() as s:  # the mapping used is remembered for the next file with these columns
        assert find_saved_mapping(s, w.review.preview.table.headers) is not None
    qtbot.waitUntil(lambda: len(page.history.items) == 1, timeout=3000)
    assert page.history.table.item(0, 2).text() == "orders_export.csv"
    assert page.history.table.item(0, 3).text() == "Shopify orders"
    assert page.history.table.item(0, 6).text() == "Imported"


def test_free_form_list_mapping_is_edited_and_remembered(qtbot, page, db, tmp_path):
    path = tmp_path / "diwali list.csv"
    path.write_text("Cust Name,Mobile No.,City,Fav colour\nRavi Kumar,98765 43210,Pune,red\n"
                    "Sita Devi,91234 56789,Nashik,blue\nNo Number,,Delhi,green\n", encoding="utf-8")
    open_and_wait(qtbot, page, path)
    r = page.wizard.review
    assert r.format.currentData() == "generic" and r.keep.isChecked()
    assert [r.mapping.value(h) for h in r.mapping.headers] == ["name", "phone", "city", "attr:Fav colour"]
    r.skip.setChecked(True)  # unmatched columns: skip them
    assert r.mapping.value("Fav colour") == "" and "Fav colour" not in r.mapping.mapping()
    r.mapping.set_value("City", "state")  # the user corrects one suggestion

    summary = check(qtbot, page)
    assert "2 new customers will be added" in summary
    assert "1 row can't be used" in summary
    do_import(qtbot, page)
    assert count(db, Customer) == 2
    with db.Session() as s:
        states = set(s.scalars(select(Customer.state)))
    assert states == {"Pune", "Nashik"}

    again = tmp_path / "next list.csv"  # same columns, new file: the saved matching comes back
    again.write_text("Cust Name,Mobile No.,City,Fav colour\nAsha,99887 76655,Goa,pink\n", encoding="utf-8")
    open_and_wait(qtbot, page, again)
    assert r.preview.mapping_source == "saved" and "saved" in r.mapping_note.text()
    assert r.mapping.value("City") == "state" and r.mapping.value("Fav colour") == ""


def test_rejected_rows_button_opens_the_spreadsheet(qtbot, page, db, tmp_path, monkeypatch):
    opened: list[QUrl] = []
    monkeypatch.setattr(wizard_module.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    open_and_wait(qtbot, page, copy(tmp_path, "meta_lead_ads_leads_export_sample.csv"))
    assert page.wizard.review.format.currentData() == "meta-leads"
    assert "This is Meta's test lead. (1 row)" in check(qtbot, page)
    do_import(qtbot, page)
    out = page.wizard.outcome
    assert out.rejected_button.isVisibleTo(page) and "1 row can't be used" in out.summary.text()
    out.rejected_button.click()
    assert len(opened) == 1 and opened[0].isLocalFile()
    rejected = Path(opened[0].toLocalFile())
    assert rejected.suffix == ".xlsx" and rejected.exists() and rejected.parent.name == "rejected rows"
    assert not list(tmp_path.glob("*rejected*"))  # nothing written beside the user's file


@pytest.mark.parametrize("name, content", [
    ("broken.xlsx", b"PK\x03\x04" + b"\x00garbage" * 40),
    ("empty.csv", b""),
])
def test_unreadable_file_gets_one_sentence_and_changes_nothing(qtbot, page, db, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    open_and_wait(qtbot, page, path)
    w = page.wizard
    message = w.error.text()
    assert w.error.isVisibleTo(page) and w.stack.currentWidget() is w.choose
    assert name in message and message.endswith(".") and "\n" not in message and "Traceback" not in message
    assert count(db, Customer) == 0 and import_history(db) == []


def test_cancel_in_the_middle_leaves_the_database_as_it_was(qtbot, page, db, tmp_path, monkeypatch):
    open_and_wait(qtbot, page, copy(tmp_path, "shopify_customers_2026_v3_whatsapp_india.csv"))
    check(qtbot, page)
    do_import(qtbot, page)
    before = (count(db, Customer), count(db, ImportRun))
    assert before == (13, 1)

    big = tmp_path / "big list.csv"
    big.write_text("Name,Mobile\n" + "".join(f"Person {i},98{i:08d}\n" for i in range(1500)), encoding="utf-8")
    reached, go_on = threading.Event(), threading.Event()
    real = wizard_module.run_import

    def paused_import(db_, path, opts, *, dry_run=False, progress, **kw):
        def report(done, total, text=""):
            progress(done, total, text)
            if text == "Importing rows" and not dry_run and not reached.is_set():
                reached.set()  # the worker waits here, mid-file, until the test pressed Cancel
                go_on.wait(5)
        return real(db_, path, opts, dry_run=dry_run, progress=report, **kw)

    monkeypatch.setattr(wizard_module, "run_import", paused_import)
    open_and_wait(qtbot, page, big)
    assert "1,500 new customers will be added" in check(qtbot, page)
    page.wizard.outcome.import_button.click()
    qtbot.waitUntil(reached.is_set, timeout=5000)
    out = page.wizard.outcome
    assert out.cancel_button.isVisibleTo(page) and out.progress.isVisibleTo(page)
    out.cancel_button.click()
    go_on.set()
    idle(qtbot, page)
    assert out.title.text() == "Import cancelled" and "was saved" in out.summary.text()
    assert (count(db, Customer), count(db, ImportRun)) == before


def test_undo_from_the_history_removes_what_the_import_added(qtbot, page, services, db, tmp_path, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr("wadesk.ui.dialogs.confirm", lambda parent, title, text, yes: asked.append(text) or True)
    open_and_wait(qtbot, page, copy(tmp_path, SHOPIFY_ORDERS, "orders_export.csv"))
    check(qtbot, page)
    do_import(qtbot, page)
    assert count(db, Customer) == 4
    page.tabs.setCurrentIndex(1)
    h = page.history
    qtbot.waitUntil(lambda: len(h.items) == 1 and not h.loading, timeout=3000)
    assert not h.undo_button.isEnabled()  # nothing selected yet
    assert h.select_import(h.items[0].id) and h.undo_button.isEnabled()
    with qtbot.waitSignal(services.bus.changed, timeout=5000, check_params_cb=lambda what: "customers" in what):
        h.undo_button.click()
    qtbot.waitUntil(lambda: "Undone" in h.status.text(), timeout=5000)
    assert asked and "orders_export.csv" in asked[0]
    assert count(db, Customer) == 0 and count(db, Order) == 0
    qtbot.waitUntil(lambda: h.items and h.items[0].status == "rolled_back", timeout=3000)
    assert h.table.item(0, 6).text() == "Undone"
    h.table.selectRow(0)
    assert not h.undo_button.isEnabled()


def test_undo_asks_first_and_no_keeps_everything(qtbot, page, db, tmp_path, monkeypatch):
    monkeypatch.setattr("wadesk.ui.dialogs.confirm", lambda *a: False)
    open_and_wait(qtbot, page, copy(tmp_path, SHOPIFY_ORDERS))
    check(qtbot, page)
    do_import(qtbot, page)
    qtbot.waitUntil(lambda: len(page.history.items) == 1, timeout=3000)
    page.history.select_import(page.history.items[0].id)
    page.history.undo_button.click()
    assert count(db, Customer) == 4 and page.history.items[0].status == "done"


def test_dropping_a_file_on_the_page_starts_the_wizard(qtbot, page, tmp_path):
    path = copy(tmp_path, "shopify_customers_2022_v2.csv")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    page.dropEvent(drop)
    idle(qtbot, page)
    assert page.wizard.stack.currentWidget() is page.wizard.review
    assert page.wizard.review.format.currentData() == "shopify-customers"


def test_changing_the_format_reloads_the_matching(qtbot, page, tmp_path):
    open_and_wait(qtbot, page, copy(tmp_path, SHOPIFY_ORDERS))
    r = page.wizard.review
    r.format.setCurrentIndex(r.format.findData("generic"))
    idle(qtbot, page)
    assert r.preview.format == "generic" and r.format.currentData() == "generic"
    assert "WaDesk thought it was Shopify orders" in r.format_note.text()


def test_summary_words_are_singular_and_plural():
    class R:
        format, rows, rejected = "generic", 1, 0
        customers_created, customers_updated, merged_in_file = 1, 2, 0
        orders_created = orders_updated = events_created = consent_changes = 0
        rejected_reasons, warnings = {}, {}

    R.warnings = {"emails with a likely typo in the domain (kept, flagged)": 1}
    text = summary_text(R(), "a.csv", future=False)
    assert "Emails with a likely typo in the domain (kept, flagged): 1" in text
    assert "1 new customer was added" in text and "2 customers already in WaDesk were updated" in text
    assert "orders" not in text


def test_workbook_with_several_sheets_offers_a_sheet_picker(qtbot, page, db, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["Diwali campaign plan"])
    ws.append(["call everyone by Friday"])
    leads = wb.create_sheet("Leads")
    leads.append(["Cust Name", "WhatsApp Number"])
    leads.append(["Kavya", "98450 12345"])
    path = tmp_path / "leads.xlsx"
    wb.save(path)
    open_and_wait(qtbot, page, path)
    r = page.wizard.review
    assert r.sheet.isVisibleTo(page) and [r.sheet.itemText(i) for i in range(r.sheet.count())] == ["Notes", "Leads"]
    r.sheet.setCurrentIndex(1)
    idle(qtbot, page)
    assert r.preview.table.sheet == "Leads" and r.sheet.currentText() == "Leads"
    assert r.mapping.value("WhatsApp Number") == "phone"
    assert "1 new customer will be added" in check(qtbot, page)
    do_import(qtbot, page)
    assert count(db, Customer) == 1


def test_list_without_a_phone_or_email_column_says_what_to_choose(qtbot, page, db, tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text("Item,Qty left\nSaree,4\nKurti,9\n", encoding="utf-8")
    open_and_wait(qtbot, page, path)
    r = page.wizard.review
    assert "No column goes into Phone or Email yet" in r.mapping_note.text()
    check(qtbot, page)
    w = page.wizard
    assert w.stack.currentWidget() is w.review and w.error.isVisibleTo(page)
    assert "no phone or email column in stock.csv" in w.error.text()
    assert count(db, Customer) == 0 and import_history(db) == []
