"""A CRM export (HubSpot contacts with lead status, owner, deal stage and amount) of 20,000 rows,
imported into an empty shop and then again (moves and value changes), beside the same file with
the CRM columns dropped (a plain contact list: the least the import can do). Not in the normal run:

    python -m pytest tests/perf/test_crm_import_perf.py -s
"""
from __future__ import annotations

import random
import shutil
import time

N = 20_000
STAGES = ["appointmentscheduled", "qualifiedtobuy", "contractsent", "Closed Won", "Closed Lost", ""]


def _files(folder):
    rnd = random.Random(3)
    crm = ["Record ID,First Name,Last Name,Phone Number,Email,Contact owner,Lead Status,Deal Stage,Amount"]
    plain = ["Record ID,First Name,Last Name,Phone Number,Email"]
    for i in range(N):
        base = f"{i},F{i},L{i},98{i:08d},u{i}@example.com"
        plain.append(base)
        crm.append(f"{base},{rnd.choice(['Asha Rao', 'Vikram', ''])},NEW,{rnd.choice(STAGES)},{rnd.randint(100, 90000)}")
    (folder / "crm.csv").write_text("\n".join(crm))
    (folder / "plain.csv").write_text("\n".join(plain))
    return folder / "crm.csv", folder / "plain.csv"


def _timed(db, path) -> tuple[float, float]:
    from wadesk.core.importing import run_import

    t, c = time.perf_counter(), time.process_time()
    run_import(db, path, refresh_scores=False)
    return time.perf_counter() - t, time.process_time() - c


def test_crm_export_of_20k_contacts(tmp_path, migrated_db_file):
    from wadesk.core.db import open_database
    from wadesk.core.paths import DataDir

    crm, plain = _files(tmp_path)
    out = {}
    for name, path in (("plain list", plain), ("CRM export", crm)):
        data_dir = DataDir(tmp_path / name.replace(" ", "-")).ensure()
        shutil.copy(migrated_db_file, data_dir.db_path)
        db = open_database(data_dir)
        try:
            out[name] = (_timed(db, path), _timed(db, path))
        finally:
            db.dispose()
    for name, ((w1, c1), (w2, c2)) in out.items():
        print(f"\n{name}: first import {w1:.2f} s wall / {c1:.2f} s CPU; again {w2:.2f} s / {c2:.2f} s CPU")
    (_w, crm_cpu), (_w2, plain_cpu) = out["CRM export"][0], out["plain list"][0]
    print(f"CRM export ÷ plain list (first import, CPU): {crm_cpu / plain_cpu:.2f}")
