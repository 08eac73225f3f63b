"""A big text file parsed by a second process gives exactly what parsing in the importing process
gives; its errors, a cancel and a worker that cannot start all end as they would without it."""
from __future__ import annotations

import csv
import multiprocessing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.unit.test_import_order_figures import SHIPROCKET, courier_report, shopify_orders
from tests.unit.test_import_shopify_columns import DATA, HEADER, SAMPLES, dump, import_all, odd_file, second_db
from wadesk.core.crm.phones import PhoneResult
from wadesk.core.importing import run_import
from wadesk.core.importing import parse_worker
from wadesk.core.importing.errors import ImportFileError
from wadesk.core.importing.formats.base import CustomerData, EventData, OrderData, Record, ShipmentUpdate
from wadesk.core.importing.ready_orders import ReadyOrder
from wadesk.core.jobs import Cancelled


@pytest.fixture
def worker_for_every_file(monkeypatch):
    monkeypatch.setattr(parse_worker, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(parse_worker, "BATCH", 3)  # many messages even for a sample file
    started = []
    real = parse_worker.start_parse_worker

    def spy(*args, **kwargs):
        w = real(*args, **kwargs)
        started.append(w)
        return w
    monkeypatch.setattr("wadesk.core.importing.runner.start_parse_worker", spy)
    return started


def many_orders(path: Path, orders: int) -> Path:
    col = {h: i for i, h in enumerate(HEADER)}
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for n in range(orders):
            for j in range(2):
                row = [""] * len(HEADER)
                row[col["Name"]], row[col["Lineitem name"]], row[col["Lineitem price"]] = f"#{n}", f"Item {j}", "99.00"
                if j == 0:
                    row[col["Id"]], row[col["Billing Phone"]] = str(5000 + n), f"'+9198{n:08d}"
                    row[col["Created at"]] = "2026-03-01 10:00:00 +0530" if n % 50 else "yesterday"  # rejected
                    row[col["Financial Status"]], row[col["Total"]] = "paid", "198.00"
                    if n % 7 == 0:  # the warnings identify() gives, counted the same either way
                        row[col["Email"]] = f"p{n}@gmial.com" if n % 14 else "not an email"
                    if n % 11 == 0:
                        row[col["Billing Phone"]] = "12345" if n % 22 else f"'+9198{n:08d} / 0201234567"
                w.writerow(row)
    return path


def test_records_cross_unchanged():
    rec = Record(7, ["a", "b\x1fc", ""], customer=CustomerData(phones=["98"], tags=["x"], attributes={"k": 1}),
                 order=OrderData("o1", items=[("Kurta", None, 2, 10, None)], utm={"source": "ig"},
                                 shipping=ShipmentUpdate("o1", shipping_status="rto", is_rto=True)),
                 events=[EventData("checkout_started", datetime(2026, 1, 1))],
                 shipment=ShipmentUpdate("#5", attributes={"awb": "1"}), error=None, warnings=["w"])
    rec.identity = ((PhoneResult("98", "+9198", "98", "IN", True), [PhoneResult("x", error="no")], "a@b.in"),
                    None, ("w",))
    back = parse_worker.from_wire(parse_worker.to_wire(rec))
    assert repr(back) == repr(rec)  # a cell holding the separator went as a list
    for when in (datetime(2026, 6, 24, 17, 28, 34), datetime(2026, 6, 24, 17, 28, 34, 120),
                 datetime(2026, 6, 24, 22, 58, tzinfo=timezone(timedelta(hours=5, minutes=30)))):
        rec.customer.as_of = rec.customer.consent_at = when  # the date crosses as text, comes back the same
        back = parse_worker.from_wire(parse_worker.to_wire(rec)).customer
        assert (back.as_of, back.as_of.tzinfo, back.consent_at) == (when, when.tzinfo, when)
    ready = Record(4, ["a"], order=ReadyOrder("o2", [("Kurta", None, 1, 99.5, None)], ("#2", "2026-01-01 10:00:00.000000",
                                                                                     99.5, float("nan"))))
    back = parse_worker.from_wire(parse_worker.to_wire(ready)).order
    assert type(back) is ReadyOrder and (back.external_id, back.items, back.number) == ("o2", ready.order.items, "#2")
    assert back.ready[:3] == ready.order.ready[:3] and back.ready[3] != back.ready[3]  # NaN: NULL on SQLite
    bad = Record(3, ["a", "", "c"], error="No date.")
    wired = parse_worker.from_wire(parse_worker.to_wire(bad))
    assert isinstance(wired.cells, str) and parse_worker.cells_of(wired) == ["a", "", "c"]
    fine = Record(5, ["a", "b"], customer=CustomerData(phones=["98"]), order=OrderData("o5"))
    fine.identity = (None, "No usable phone number or email.", ())  # rejected only when it has no order
    assert parse_worker.cells_of(parse_worker.from_wire(parse_worker.to_wire(fine))) == []
    fine.order = None
    assert parse_worker.cells_of(parse_worker.from_wire(parse_worker.to_wire(fine))) == ["a", "b"]


def test_imports_give_the_same_tables_with_the_worker(fresh_db, migrated_db_file, request, tmp_path, monkeypatch,
                                                      worker_for_every_file):
    many = many_orders(tmp_path / "many.csv", 120)
    newer = tmp_path / "newer.csv"  # the same orders later: refunded, totals edited (the orders' stored values read back)
    newer.write_text(many.read_text(encoding="utf-8").replace(",paid,", ",refunded,").replace("198.00", "150.00"),
                     encoding="utf-8")
    courier = courier_report(tmp_path / "courier.csv")  # courier-only orders, then updates and a rejected row
    with open(courier, "a", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for ref, status, when, total in (("#5", "DELIVERED", "", ""), ("#7", "RTO DELIVERED", "", ""),
                                         ("77777", "NEW", "", "")):
            w.writerow([{"Order ID": ref, "Status": status, "Channel Created At": when, "Order Total": total,
                         "Customer Mobile": "9700000099"}.get(h, "") for h in SHIPROCKET])
    shop = shopify_orders(tmp_path / "shop.csv", [  # the shop's export of two courier-only orders takes them over
        dict(Name=f"#{ref}", Id=str(ref), Created_at="2026-04-01 09:00:00 +0530", Billing_Phone=f"982000000{k}",
             Currency="INR", Total="999.00", Financial_Status="pending", Payment_Method="Cash on Delivery (COD)",
             Lineitem_name="Saree", Lineitem_price="999") for k, ref in enumerate((9001, 9002, 7777))])
    files = [DATA / n for n in SAMPLES] + [odd_file(tmp_path / "odd.csv"), many, newer, courier, shop]
    with_worker = import_all(fresh_db, tmp_path, files)
    assert len(worker_for_every_file) == len(files) and all(worker_for_every_file)
    monkeypatch.setattr(parse_worker, "WORKER_MIN_BYTES", 10**12)
    other = second_db(request, tmp_path, migrated_db_file)
    try:
        here = import_all(other, tmp_path, files)
    finally:
        other.dispose()
    assert with_worker[0] == here[0]  # counts, warnings, rejected rows with their cells
    assert with_worker[1] == here[1]  # every table
    counts = with_worker[0]
    assert counts[-4]["rejected"] == 3 and counts[-4]["rows"] == 240 and len(counts[-4]["warnings"]) == 4
    assert counts[-3]["orders_updated"] == counts[-4]["orders_created"] > 100
    assert counts[-2]["rejected"] == 1 and counts[-2]["orders_updated"] >= 2
    assert (counts[-1]["orders_updated"], counts[-1]["orders_created"]) == (2, 1)  # two taken over, one new
    assert not multiprocessing.active_children()


def test_a_file_cut_short_is_the_same_sentence_and_changes_nothing(fresh_db, tmp_path, worker_for_every_file):
    path = many_orders(tmp_path / "cut.csv", 3000)  # past the rows the importing process reads itself
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('#99,"never closed')
    before = dump(fresh_db)
    with pytest.raises(ImportFileError, match="cut short or damaged"):
        run_import(fresh_db, path, rejected_dir=tmp_path)
    assert worker_for_every_file and worker_for_every_file[0] is not None
    assert dump(fresh_db) == before
    assert not multiprocessing.active_children()


def test_a_cancel_stops_the_worker_and_changes_nothing(fresh_db, tmp_path, worker_for_every_file):
    path = many_orders(tmp_path / "big.csv", 300)
    seen = []

    def progress(done, total, what):
        seen.append(done)

    with pytest.raises(Cancelled):
        run_import(fresh_db, path, rejected_dir=tmp_path, progress=progress, cancelled=lambda: len(seen) > 2)
    assert worker_for_every_file[0].proc.exitcode is not None  # stopped, not left running
    with fresh_db.Session() as s:
        assert s.execute(text("SELECT count(*) FROM orders")).scalar() == 0
        assert s.execute(text("SELECT count(*) FROM imports")).scalar() == 0


def test_no_second_process_parses_here(fresh_db, tmp_path, monkeypatch, worker_for_every_file, caplog):
    def refuse(self):
        raise OSError("not allowed here")
    monkeypatch.setattr(multiprocessing.get_context("spawn").Process, "start", refuse)
    r = run_import(fresh_db, many_orders(tmp_path / "m.csv", 30), rejected_dir=tmp_path)
    assert worker_for_every_file == [None]
    assert r.orders_created == 29 and r.rejected == 1
    assert "parse worker did not start" in caplog.text


def test_small_files_and_workbooks_are_parsed_here(fresh_db, tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr("wadesk.core.importing.runner.start_parse_worker",
                        lambda *a, **k: started.append(parse_worker.start_parse_worker(*a, **k)))
    run_import(fresh_db, DATA / "shopify_orders_2022_73col.csv", rejected_dir=tmp_path)
    run_import(fresh_db, DATA / "shop_list_merged_headers.xlsx", rejected_dir=tmp_path)
    assert started == [None, None]


def test_a_worker_that_dies_ends_the_import_in_plain_words(fresh_db, tmp_path, worker_for_every_file, caplog):
    path = many_orders(tmp_path / "big.csv", 3000)

    def progress(done, total, what):
        if done and worker_for_every_file and worker_for_every_file[0].proc.is_alive():
            worker_for_every_file[0].proc.kill()  # as the OS does to a process short of memory

    with pytest.raises(parse_worker.WorkerFailed, match="stopped before the end of big.csv.*nothing was imported"):
        run_import(fresh_db, path, rejected_dir=tmp_path, progress=progress)
    assert "parse worker for big.csv stopped" in caplog.text
    with fresh_db.Session() as s:
        assert s.execute(text("SELECT count(*) FROM orders")).scalar() == 0
        assert s.execute(text("SELECT count(*) FROM imports")).scalar() == 0


def test_a_bug_in_the_worker_is_logged_and_told_in_plain_words(tmp_path, monkeypatch, caplog):
    from wadesk.core.importing.formats import ParseContext
    from wadesk.core.importing.readers import open_table

    monkeypatch.setattr(parse_worker, "WORKER_MIN_BYTES", 0)
    path = many_orders(tmp_path / "orders.csv", 5)
    worker = parse_worker.start_parse_worker(open_table(path), "no-such-format", {}, ParseContext(path.name), "IN",
                                             on_rows=lambda n: None)
    with pytest.raises(parse_worker.WorkerFailed, match="Something went wrong reading orders.csv"):
        list(worker)
    worker.close()
    assert "KeyError: 'no-such-format'" in caplog.text  # the worker's traceback, in this process's log


def test_the_worker_starts_without_the_database_layers():
    """The worker process imports only what parsing needs: SQLAlchemy, the models and pandas cost
    ~0.6 s of start, and every line waits for the worker's first batch (a spawned process imports
    what its target's module imports)."""
    import subprocess
    import sys

    code = ("import sys, wadesk.core.importing.parse_worker; "
            "print(sorted(m for m in ('sqlalchemy', 'pandas', 'wadesk.core.db.models') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
