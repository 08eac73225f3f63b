"""Campaign report benchmark (issue 7: the report for a 100,000-recipient campaign opens <= 1 s).
Not in the normal run:

    python -m pytest tests/perf/test_report_perf.py -s      # prints medians and the ratio to a baseline
    python tests/perf/test_report_perf.py [runs]             # the same, JSON out

The shop: 120,000 customers with 240,000 earlier orders; one campaign of 100,000 recipients (10,000
held out) sent over two hours: 2% failed, 85% delivered, 55% read; 3,000 replies and 1,000 button
taps; 60,000 discount codes; 9,000 orders in the week after (some with the code, some with the UTM
campaign, some cancelled) and 2,000 later ones. Measured in one process, median of N runs:
- report: `build_report` (funnel, failures, replies, taps, attribution, cost, uplift, daily);
- customers: `stage_customers(..., "read_not_converted")` (a click on a number);
- xlsx: the Excel export with its 100,000-row Recipients sheet (one run);
- baseline: a plain `SELECT COUNT(*) ... GROUP BY status` over the same campaign's rows, the least
  any report can do, to quote a machine-independent ratio.
Wall and CPU medians are both reported: on a loaded machine wall time is several times the CPU time.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

N_CUSTOMERS = 120_000
N_RECIPIENTS = 100_000
N_HOLDOUT = 10_000
CACHE = Path(os.environ.get("WADESK_PERF_CACHE", Path(tempfile.gettempdir()) / "wadesk-perf-report"))
START = datetime(2026, 11, 20, 10, 0)
FMT = "%Y-%m-%d %H:%M:%S.%f"


def _t(dt: datetime) -> str:
    return dt.strftime(FMT)


def shop_db() -> Path:
    """A data folder with the campaign, built once and cached."""
    from wadesk.core.campaigns.policy import SendPolicy
    from wadesk.core.db import open_database
    from wadesk.core.paths import DataDir

    root = CACHE / f"report-{N_RECIPIENTS}"
    if (root / "complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    d = DataDir(root).ensure()
    open_database(d).dispose()
    rnd = random.Random(7)
    con = sqlite3.connect(d.db_path)
    now = _t(START - timedelta(days=400))
    con.executemany("INSERT INTO customers (id, phone, name, name_key, attributes, consent_state, order_count, "
                    "total_spent, tag_list, version, created_at, updated_at, country) "
                    "VALUES (?,?,?,?,'{}',1,0,0,'',1,?,?,'IN')",
                    ((i, f"+9198{i:08d}", f"C{i}", f"c{i}", now, now) for i in range(1, N_CUSTOMERS + 1)))
    oid = 0

    def orders(rows):
        nonlocal oid
        out = []
        for cid, at, total, code, utm, cancelled in rows:
            oid += 1
            out.append((oid, cid, "shopify", f"o{oid}", _t(at), total, code, utm, _t(at) if cancelled else None, _t(at), _t(at)))
        con.executemany("INSERT INTO orders (id, customer_id, source, external_id, placed_at, total, currency, is_cod, "
                        "is_rto, discount_code, utm_campaign, cancelled_at, attributes, created_at, updated_at) "
                        "VALUES (?,?,?,?,?,?,'INR',0,0,?,?,?,'{}',?,?)", out)

    orders((rnd.randint(1, N_CUSTOMERS), START - timedelta(days=rnd.uniform(1, 700)), rnd.randint(300, 3000),
            None, None, False) for _ in range(240_000))
    policy = json.dumps({"policy": SendPolicy().as_json(), "category": "MARKETING", "audience": "Everyone"})
    con.execute("INSERT INTO campaigns (id, name, status, mapping, holdout_pct, is_sandbox, settings, estimated_cost, "
                "frozen_at, created_at, updated_at) VALUES (1, 'Diwali sale', 'done', '{}', 10, 0, ?, 93000, ?, ?, ?)",
                (policy, _t(START), _t(START), _t(START)))
    msgs, sent_at = [], {}
    for i in range(1, N_RECIPIENTS + 1):
        cid = i
        if i <= N_HOLDOUT:
            msgs.append((i, cid, None, "holdout", 1, None, None, None, None, None))
            continue
        at = START + timedelta(seconds=(i - N_HOLDOUT) * 0.08)
        sent_at[cid] = at
        r = rnd.random()
        if r < 0.02:
            msgs.append((i, cid, f"+9198{cid:08d}", "failed", 0, f"wamid.{i}", _t(at), None, None, 131026))
            continue
        status = "read" if r < 0.57 else "delivered" if r < 0.87 else "sent"
        deliv = _t(at + timedelta(seconds=5)) if status != "sent" else None
        read = _t(at + timedelta(minutes=30)) if status == "read" else None
        msgs.append((i, cid, f"+9198{cid:08d}", status, 0, f"wamid.{i}", _t(at), deliv, read, None))
    con.executemany("INSERT INTO messages (id, direction, customer_id, campaign_id, purpose, to_phone, category, "
                    "status, is_holdout, is_sandbox, wamid, attempts, created_at, sent_at, delivered_at, read_at, "
                    "error_code) VALUES (?, 'out', ?, 1, 'campaign', ?, 'MARKETING', ?, ?, 0, ?, 1, "
                    f"'{_t(START)}', ?, ?, ?, ?)", msgs)
    inbound = []
    for k, cid in enumerate(rnd.sample(sorted(sent_at), 4_000)):
        at = _t(sent_at[cid] + timedelta(hours=rnd.uniform(0.1, 100)))
        payload = ({"type": "button", "button": {"payload": "SHOP", "text": "Shop now"},
                    "context": {"id": f"wamid.{cid}"}} if k < 1000 else {"type": "text", "text": {"body": "hi"}})
        inbound.append((N_RECIPIENTS + 1 + k, cid, json.dumps(payload), f"wamid.in{k}", at))
    con.executemany("INSERT INTO messages (id, direction, customer_id, purpose, payload, status, is_holdout, "
                    "is_sandbox, wamid, attempts, created_at) VALUES (?, 'in', ?, 'reply', ?, 'received', 0, 0, ?, 0, ?)",
                    inbound)
    con.executemany("INSERT INTO discount_codes (id, pool, code, customer_id, campaign_id, assigned_at, imported_at) "
                    "VALUES (?, 'DIWALI', ?, ?, 1, ?, ?)",
                    ((k, f"DIW{k:06d}", cid, _t(START), _t(START))
                     for k, cid in enumerate(range(N_HOLDOUT + 1, N_HOLDOUT + 60_001), start=1)))
    later = []
    for k in range(11_000):
        cid = rnd.randint(1, N_CUSTOMERS)
        days = rnd.uniform(0, 7) if k < 9_000 else rnd.uniform(7, 30)
        code = f"DIW{cid - N_HOLDOUT:06d}" if k % 5 == 0 and N_HOLDOUT < cid <= N_HOLDOUT + 60_000 else None
        utm = "diwali-sale" if k % 7 == 0 else None
        later.append((cid, START + timedelta(days=days, hours=3), rnd.randint(300, 3000), code, utm, k % 20 == 0))
    orders(later)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    (root / "complete").touch()
    return root


def _median(fn, runs: int) -> tuple[float, float, object]:
    """Median wall time, median CPU time of this process, and the last result."""
    wall, cpu, out = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu), out


def measure(runs: int = 5) -> dict:
    from sqlalchemy import func, select

    from wadesk.core.db import open_database
    from wadesk.core.db.models import Message
    from wadesk.core.paths import DataDir
    from wadesk.core.reports.campaign_report import build_report, stage_customers
    from wadesk.core.reports.export_xlsx import write_xlsx

    db = open_database(DataDir(shop_db()))
    try:
        with db.session() as s:
            build_report(s, 1)  # warm the page cache and imports once, as an open app has

            def baseline():
                return s.execute(select(Message.status, func.count()).where(Message.campaign_id == 1)
                                 .group_by(Message.status)).all()

            base, base_cpu, _ = _median(baseline, runs)
            rep_s, rep_cpu, rep = _median(lambda: build_report(s, 1), runs)
            cust_s, cust_cpu, ids = _median(lambda: stage_customers(s, 1, "read_not_converted"), runs)
            out = Path(tempfile.mkdtemp()) / "report.xlsx"
            xlsx_s, xlsx_cpu, _ = _median(lambda: write_xlsx(s, rep, out), 1)  # 100,000 recipient rows
        j = rep.as_json()
        return {"recipients": N_RECIPIENTS, "runs": runs, "load_avg": os.getloadavg()[0],
                "report_s": round(rep_s, 3), "report_cpu_s": round(rep_cpu, 3),
                "customers_s": round(cust_s, 3), "customers_cpu_s": round(cust_cpu, 3),
                "xlsx_s": round(xlsx_s, 2), "xlsx_cpu_s": round(xlsx_cpu, 2), "xlsx_mb": round(out.stat().st_size / 1e6, 1),
                "baseline_count_s": round(base, 4), "baseline_cpu_s": round(base_cpu, 4),
                "ratio": round(rep_s / base, 1), "ratio_cpu": round(rep_cpu / max(base_cpu, 1e-4), 1),
                "conversions": j["conversions"], "orders": j["orders"], "holdout_conversions": j["holdout_conversions"],
                "replied": j["replied"], "clicked": j["clicked"], "read_not_converted": len(ids)}
    finally:
        db.dispose()


def test_report_opens_within_a_second():
    out = measure()
    print(json.dumps(out))
    assert out["conversions"] > 0 and 950 < out["clicked"] <= 1000  # taps on failed sends do not count
    # CPU time is the machine-independent budget (the shared test machine runs at load 7+ on 2
    # cores, which multiplies wall time); wall time is printed and recorded in docs/PERFORMANCE.md.
    assert out["report_cpu_s"] <= 1.0


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 5)))
