"""Team mode beside SQLite (issue 11): a 100,000-row customer import into an empty shop, and live
segment counts (building the engine's in-memory copy, then counting every preset), on this
computer's SQLite file and on a throw-away PostgreSQL server on 127.0.0.1, runs alternated in one
process so machine noise hits both. Prints medians and the PostgreSQL/SQLite ratios.

    WADESK_PERF_TEAM_CUSTOMERS=20000 python -m pytest -q -s tests/perf/test_team_perf.py
"""
from __future__ import annotations

import csv
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import pytest

from tests.pg_server import new_database
from wadesk.core.db import open_database
from wadesk.core.paths import DataDir

N_IMPORT = 100_000
N_SHOP = int(os.environ.get("WADESK_PERF_TEAM_CUSTOMERS", "20000"))
RUNS = 3
FIRST = ["Rohan", "Priya", "Amit", "Sneha", "Zoya", "Arjun", "Meera", "Kabir", "Isha", "Dev", "Tara", "Neel"]
LAST = ["Sharma", "Verma", "Shah", "Iyer", "Das", "Khan", "Rao", "Nair", "Gill", "Bose", "Jain"]
CITIES = ["Mumbai", "Delhi", "Pune", "Bengaluru", "Chennai", "Jaipur"]


def _csv(folder: Path) -> Path:
    path = folder / "customers.csv"
    rnd = random.Random(5)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Customer Name", "Mobile No.", "Email", "City", "Tags"])
        for i in range(N_IMPORT):
            w.writerow([f"{FIRST[i % 12]} {LAST[i % 11]}", f"98{i:08d}", f"c{i}@example.com",
                        rnd.choice(CITIES), rnd.choice(["", "vip", "diwali"])])
    return path


def _open(kind: str, folder: Path, pg_admin_url: str):
    if kind == "sqlite":
        return open_database(DataDir(folder / f"shop-{time.monotonic_ns()}").ensure())
    return open_database(url=new_database(pg_admin_url))


def test_import_and_segment_counts_postgres_beside_sqlite(pg_admin_url, tmp_path):
    from wadesk.core.demo import build_sample_shop
    from wadesk.core.importing import run_import
    from wadesk.core.segments import PRESETS, SegmentEngine

    src = _csv(tmp_path)
    imports: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
    for _ in range(RUNS):
        for kind in imports:
            db = _open(kind, tmp_path, pg_admin_url)
            t = time.perf_counter()
            r = run_import(db, src, rejected_dir=tmp_path)
            imports[kind].append(time.perf_counter() - t)
            assert r.customers_created == N_IMPORT and r.rejected == 0
            db.dispose()

    builds: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
    counts: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
    matched: dict[str, list[int]] = {}
    shops = {kind: _open(kind, tmp_path, pg_admin_url) for kind in builds}
    try:
        for db in shops.values():
            build_sample_shop(db, customers=N_SHOP, seed=7)
        for _ in range(RUNS):
            for kind, db in shops.items():
                engine = SegmentEngine(db)
                t = time.perf_counter()
                engine.refresh()
                builds[kind].append(time.perf_counter() - t)
                got = []
                for p in PRESETS:
                    t = time.perf_counter()
                    got.append(engine.count(p.rules).matched)
                    counts[kind].append((time.perf_counter() - t) * 1000)
                matched[kind] = got
    finally:
        for db in shops.values():
            db.dispose()
    assert matched["sqlite"] == matched["postgresql"]  # the same shop counts the same on both

    med = {k: statistics.median(v) for k, v in imports.items()}
    bld = {k: statistics.median(v) for k, v in builds.items()}
    cnt = {k: statistics.median(v) for k, v in counts.items()}
    print(f"\n{N_IMPORT:,}-row customer CSV into an empty shop: SQLite median {med['sqlite']:.2f} s, "
          f"PostgreSQL {med['postgresql']:.2f} s (ratio {med['postgresql'] / med['sqlite']:.2f}); runs {imports}")
    print(f"Segment engine copy of a {N_SHOP:,}-customer sample shop: SQLite {bld['sqlite']:.2f} s, "
          f"PostgreSQL {bld['postgresql']:.2f} s (ratio {bld['postgresql'] / bld['sqlite']:.2f}); "
          f"a preset count: SQLite {cnt['sqlite']:.1f} ms, PostgreSQL {cnt['postgresql']:.1f} ms (median of "
          f"{len(counts['sqlite'])})")
    assert med["postgresql"] < 4 * med["sqlite"] + 5
