"""Backup and restore of a big shop: wall medians, against a plain file copy in the same process.

    python -m pytest tests/perf/test_backup_perf.py -s
    WADESK_PERF_BACKUP_DB=/path/wadesk.sqlite3   measure a copy of this database (e.g. a 1 M demo shop)
    WADESK_PERF_CUSTOMERS=200000                 else big_customers.py's cached customers-only database
    WADESK_PERF_REPS=3                           repetitions per measurement (median)

Not part of the normal run (pyproject ignores tests/perf).
"""
from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from big_customers import big_database  # noqa: E402

from wadesk.core.backup import copy_database, create_backup, inspect_database, restore_backup  # noqa: E402
from wadesk.core.db.engine import Database, make_engine, migrate  # noqa: E402
from wadesk.core.paths import DataDir  # noqa: E402

REPS = int(os.environ.get("WADESK_PERF_REPS", "3"))


def median_s(fn, reps: int = REPS) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def test_backup_and_restore_against_a_plain_copy(tmp_path):
    source = Path(os.environ.get("WADESK_PERF_BACKUP_DB") or
                  big_database(int(os.environ.get("WADESK_PERF_CUSTOMERS", "1000000"))) / "wadesk.sqlite3")
    data_dir = DataDir(tmp_path / "shop").ensure()
    shutil.copyfile(source, data_dir.db_path)  # never touch the cached original
    engine = make_engine(f"sqlite:///{data_dir.db_path}")
    migrate(engine, None, None)  # to head, without the pre-migration copy
    db = Database(engine, data_dir.db_path)
    db.dispose()
    size = data_dir.db_path.stat().st_size
    plain = median_s(lambda: shutil.copyfile(data_dir.db_path, tmp_path / "plain.sqlite3"))
    online = median_s(lambda: copy_database(data_dir.db_path, tmp_path / "online.sqlite3"))
    check = median_s(lambda: inspect_database(tmp_path / "online.sqlite3"))
    made = []
    full = median_s(lambda: made.append(create_backup(db, data_dir, prune=False).backup))
    restore = median_s(lambda: restore_backup(db, data_dir, made[0].path), reps=1)
    db.dispose()
    print(f"\nbackup perf: {size / 1e9:.2f} GB, {made[0].customers:,} customers, {made[0].orders:,} orders; "
          f"plain file copy {plain:.1f} s | online copy {online:.1f} s ({online / plain:.1f}x) | "
          f"integrity check + counts {check:.1f} s | whole backup (copy, check, sha256, note) {full:.1f} s "
          f"({full / plain:.1f}x) | restore (check, safety backup, swap) {restore:.1f} s ({restore / plain:.1f}x)")
    assert made[0].verified and inspect_database(data_dir.db_path, integrity=False).ok
