"""Import benchmarks (not in the normal run; the machine decides the numbers, so run and read):

    python -m pytest tests/perf/test_import_perf.py -s        # prints medians, ratios, peak memory
    python tests/perf/test_import_perf.py xlsx|orders         # one scenario in this process, JSON out

Targets (issue 3): a 100,000-row .xlsx customer list end to end against 100,000 existing customers
<= 4 s; a 1,000,000-line Shopify orders CSV <= 30 s. Each scenario runs in a fresh subprocess so
its peak memory (ru_maxrss) is its own. Inputs are generated once and cached.
"""
from __future__ import annotations

import csv
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

N_CUSTOMERS = 100_000
N_LINES = 1_000_000
DATA = Path(__file__).parent.parent / "data" / "imports"
CACHE = Path(os.environ.get("WADESK_PERF_CACHE", Path(tempfile.gettempdir()) / "wadesk-perf-import"))
FIRST = "Rohan Priya Amit Sneha Rahul Anjali Vikram Pooja Arjun Kavya राहुल प्रिया".split()
LAST = "Sharma Verma Gupta Patel Singh Kumar Reddy Iyer Nair Das शर्मा".split()
CITIES = "Mumbai Delhi Bengaluru Hyderabad Chennai Kolkata Pune Jaipur Lucknow Bhopal".split()


def national(i: int) -> str:
    """A valid Indian mobile number, distinct for each i (98xxxxxxxx / 97xxxxxxxx)."""
    return f"{98 - (i // 100_000_000) % 2}{i % 100_000_000:08d}"


def customers_db() -> Path:
    """A data folder with N_CUSTOMERS customers (phones national(0..N-1)), built once."""
    from wadesk.core.db import open_database
    from wadesk.core.paths import DataDir

    root = CACHE / f"customers-{N_CUSTOMERS}"
    if (root / "complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    d = DataDir(root).ensure()
    open_database(d).dispose()
    con = sqlite3.connect(d.db_path)
    now = datetime(2026, 11, 1)
    rows = [(i + 1, "+91" + national(i), national(i), f"c{i}@example.com", FIRST[i % 12], LAST[i % 11],
             f"{FIRST[i % 12]} {LAST[i % 11]}", f"{FIRST[i % 12]} {LAST[i % 11]}".lower(), "{}", 0, 0, 0, "", 1,
             now, now) for i in range(N_CUSTOMERS)]
    con.executemany("INSERT INTO customers (id, phone, phone_national, email, first_name, last_name, name,"
                    " name_key, attributes, consent_state, order_count, total_spent, tag_list, version,"
                    " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.commit()
    con.close()
    (root / "complete").write_text("ok")
    return root


def customers_xlsx() -> Path:
    """100,000 rows: every other row is an existing customer (phone written as Excel writes it),
    the rest are new; a title row above the header, as shop lists have."""
    path = CACHE / f"list-{N_CUSTOMERS}.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    CACHE.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Customers")
    ws.append(["Sharma Stores customer list"])
    ws.append(["Customer Name", "Mobile No.", "Email", "City", "Pincode", "Tags", "WhatsApp opt-in"])
    rnd = random.Random(3)
    for k in range(N_CUSTOMERS):
        i = k if k % 2 == 0 else N_CUSTOMERS + k  # even rows: existing customers; odd rows: new
        phone = int("91" + national(i)) if k % 3 else national(i)  # number cells and text cells
        ws.append([f"{FIRST[i % 12]} {LAST[i % 11]}", phone, f"c{i}@example.com" if k % 2 else "",
                   rnd.choice(CITIES), str(400000 + i % 99999), rnd.choice(["", "vip", "diwali"]),
                   rnd.choice(["yes", "no", ""])])
    wb.save(path)
    return path


def orders_csv() -> Path:
    """N_LINES lines of a real 79-column Shopify header: 1-4 line items per order."""
    path = CACHE / f"orders-{N_LINES}.csv"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    src = DATA / "shopify_orders_india_payu_shiprocket_fastrr_79col.csv"
    with src.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    col = {h: i for i, h in enumerate(header)}
    rnd = random.Random(5)
    base = datetime(2026, 1, 1)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        lines, n = 0, 0
        while lines < N_LINES:
            n += 1
            items = min(rnd.choice([1, 1, 1, 2, 2, 3, 4]), N_LINES - lines)
            when = (base + timedelta(minutes=n)).strftime("%Y-%m-%d %H:%M:%S +0530")
            cust = rnd.randrange(N_LINES // 4)
            cod = rnd.random() < 0.4
            for j in range(items):
                row = [""] * len(header)
                row[col["Name"]], row[col["Email"]], row[col["Created at"]] = f"#{n}", f"c{cust}@example.com", when
                row[col["Lineitem name"]], row[col["Lineitem quantity"]] = f"Product {rnd.randrange(500)}", "1"
                row[col["Lineitem price"]] = f"{rnd.randrange(199, 2999)}.00"
                if j == 0:
                    for h, v in (("Financial Status", "pending" if cod else "paid"), ("Fulfillment Status", "fulfilled"),
                                 ("Currency", "INR"), ("Subtotal", "999.00"), ("Total", f"{rnd.randrange(199, 9999)}.00"),
                                 ("Payment Method", "GoKwik Cash on Delivery" if cod else "Razorpay"),
                                 ("Billing Name", f"{FIRST[cust % 12]} {LAST[cust % 11]}"),
                                 ("Billing Phone", "'+91" + national(cust)), ("Billing City", CITIES[cust % 10]),
                                 ("Billing Zip", "'4" + str(cust % 100000).zfill(5)), ("Billing Country", "IN"),
                                 ("Id", str(6_000_000_000_000 + n)), ("Tags", "COD" if cod else ""),
                                 ("Note Attributes", "utm_source: facebook\nutm_campaign: diwali")):
                        row[col[h]] = v
                w.writerow(row)
            lines += items
    tmp.rename(path)
    return path


def _peak_mb(who=resource.RUSAGE_SELF) -> float:
    kb = resource.getrusage(who).ru_maxrss
    return round(kb / 1024 / (1024 if sys.platform == "darwin" else 1), 1)


def scenario(name: str) -> dict:
    """Runs in its own process; returns timings and peak memory."""
    from wadesk.core.db import open_database
    from wadesk.core.importing import run_import
    from wadesk.core.importing.runner import refresh_scores_after_import
    from wadesk.core.paths import DataDir

    work = Path(tempfile.mkdtemp(prefix="wadesk-perf-"))
    try:
        if name == "xlsx":
            src, template = customers_xlsx(), customers_db()
            shutil.copytree(template, work / "shop")
            db = open_database(DataDir(work / "shop"))
            t, c = time.perf_counter(), time.process_time()
            # Read, normalise, match, write, commit: what the wizard shows as "Import finished".
            r = run_import(db, src, rejected_dir=work, refresh_scores=False)
            import_s, import_cpu = time.perf_counter() - t, time.process_time() - c
            # The touched customers' scores: the wizard's follow-up job (the CLI runs it before exiting).
            t, c = time.perf_counter(), time.process_time()
            refresh_scores_after_import(db, r.score_ids, None, lambda *a: None)
            scores_s, scores_cpu = time.perf_counter() - t, time.process_time() - c
            # Next week's list: the same file again (every row matches, nothing changes).
            t = time.perf_counter()
            again = run_import(db, src, rejected_dir=work, refresh_scores=False)
            reimport_s = time.perf_counter() - t
            assert again.customers_created == 0 and again.customers_updated == 0
            db.dispose()
            peak = _peak_mb()
            import pandas as pd

            t, c = time.perf_counter(), time.process_time()
            df = pd.read_excel(src, engine="openpyxl", dtype=str, header=1)
            pandas_s, pandas_cpu = time.perf_counter() - t, time.process_time() - c
            assert len(df) == N_CUSTOMERS
            return {"import_s": round(import_s, 2), "import_cpu_s": round(import_cpu, 2),
                    "scores_s": round(scores_s, 2), "scores_cpu_s": round(scores_cpu, 2),
                    "reimport_s": round(reimport_s, 2),
                    "pandas_openpyxl_read_s": round(pandas_s, 2), "pandas_cpu_s": round(pandas_cpu, 2),
                    "peak_mb": peak, "result": r.to_json()}
        src = orders_csv()
        db = open_database(DataDir(work / "shop"))
        t, c = time.perf_counter(), time.process_time()
        r = run_import(db, src, rejected_dir=work, refresh_scores=False)  # as the xlsx scenario: the wizard's wait
        import_s, import_cpu = time.perf_counter() - t, time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        refresh_scores_after_import(db, r.score_ids, None, lambda *a: None)
        scores_s, scores_cpu = time.perf_counter() - t, time.process_time() - c
        db.dispose()
        # import_cpu_s is this process's; the parse worker (a child) runs beside it on the other core
        return {"import_s": round(import_s, 2), "import_cpu_s": round(import_cpu, 2), "scores_s": round(scores_s, 2),
                "scores_cpu_s": round(scores_cpu, 2), "peak_mb": _peak_mb(),
                "worker_peak_mb": _peak_mb(resource.RUSAGE_CHILDREN), "result": r.to_json()}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(name: str) -> dict:
    p = subprocess.run([sys.executable, __file__, name], capture_output=True, text=True, timeout=1800)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_xlsx_100k_customers_against_100k():
    customers_xlsx(), customers_db()  # build inputs outside the timings
    runs = [_run("xlsx") for _ in range(3)]
    imp = statistics.median(r["import_s"] for r in runs)
    pdx = statistics.median(r["pandas_openpyxl_read_s"] for r in runs)
    cpu = statistics.median(r["import_cpu_s"] for r in runs)
    pcpu = statistics.median(r["pandas_cpu_s"] for r in runs)
    sc, scpu = statistics.median(r["scores_s"] for r in runs), statistics.median(r["scores_cpu_s"] for r in runs)
    res = runs[0]["result"]
    print(f"\n100k .xlsx vs 100k customers: import (committed) median {imp:.2f} s wall / {cpu:.2f} s CPU "
          f"(runs {[r['import_s'] for r in runs]}); then scores of the touched customers {sc:.2f} s wall / "
          f"{scpu:.2f} s CPU; the same file again (all 100k match, nothing changes) median "
          f"{statistics.median(r['reimport_s'] for r in runs):.2f} s; "
          f"pandas+openpyxl read only {pdx:.2f} s wall / {pcpu:.2f} s CPU; "
          f"import/pandas-read ratio {imp / pdx:.2f} wall, {cpu / pcpu:.2f} CPU; "
          f"peak {max(r['peak_mb'] for r in runs)} MB; created {res['customers_created']}, "
          f"updated {res['customers_updated']}, rejected {res['rejected']}")
    assert res["customers_created"] == N_CUSTOMERS // 2 and res["rejected"] == 0
    assert imp <= 4.0


def test_orders_csv_1m_lines():
    orders_csv()
    runs = [_run("orders") for _ in range(2)]
    imp = statistics.median(r["import_s"] for r in runs)
    cpu = statistics.median(r["import_cpu_s"] for r in runs)
    sc, scpu = statistics.median(r["scores_s"] for r in runs), statistics.median(r["scores_cpu_s"] for r in runs)
    res = runs[0]["result"]
    print(f"\n1M-line Shopify orders CSV: import (committed) median {imp:.2f} s wall / {cpu:.2f} s CPU "
          f"(runs {[r['import_s'] for r in runs]}); then scores {sc:.2f} s wall / {scpu:.2f} s CPU; "
          f"peak {max(r['peak_mb'] for r in runs)} MB (parse worker {max(r['worker_peak_mb'] for r in runs)} MB); "
          f"orders {res['orders_created']}, "
          f"customers {res['customers_created']}, rejected {res['rejected']}")
    assert res["rejected"] == 0 and res["rows"] == N_LINES
    assert imp <= 30.0


if __name__ == "__main__":
    print(json.dumps(scenario(sys.argv[1]), default=str))
