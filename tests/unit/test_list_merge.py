"""The set-wise merge of a plain list (list_merge.py) leaves the database exactly as the Python path
(ImportWriter with identity.merge) would: random stored customers, random lists, both paths, whole
dumps compared (customers, tags, consent events, the change log), and an undo of either brings back
what was there."""
from __future__ import annotations

import csv
import json
import random
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from wadesk.core.clock import FixedClock
from wadesk.core.db import open_database
from wadesk.core.importing import ImportOptions, list_merge, rollback_import, run_import, upsert
from wadesk.core.importing.changelog import expand, from_json
from wadesk.core.paths import DataDir

from _import_db import _migrated_template, idb  # noqa: F401

NOW = datetime(2026, 11, 29, 10, 0, 0)
MAPPING = {"Phone": "phone", "Email": "email", "First": "first_name", "Last": "last_name", "City": "city",
           "State": "state", "Pin": "pincode", "Country": "country", "Tags": "tags", "Opt-in": "whatsapp_consent",
           "Source": "channel", "Note": "attr:Note"}
FIRST = ["Asha", "Ravi", "राहुल", "Priya", "", "Mary Ann"]
LAST = ["Rao", "Singh", "शर्मा", "", "Ann", "D'Souza"]
TAGS = ["vip", "cod", "diwali", "É-list", "B2B"]


def _stored_shop(path: Path, rnd: random.Random, n: int) -> list[tuple[str | None, str | None]]:
    """n customers with every kind of blank and odd value; -> their (national phone, email)."""
    con = sqlite3.connect(path)
    keys = []
    tag_ids = {}
    for i in range(1, n + 1):
        nat = f"98{rnd.randrange(10**8):08d}" if rnd.random() < 0.8 else None
        email = rnd.choice([f"s{i}@shop.in", f"s{i}@shop.in", f"S{i}@Shop.in", None, ""])
        first, last = rnd.choice(FIRST + [None]), rnd.choice(LAST + [None])
        name = rnd.choice(["", " ".join(x for x in (first, last) if x) or "", "Someone Else"])
        odd = rnd.random() < 0.1  # an old record: its national number kept, its phone not
        state = rnd.choice([-1, 0, 0, 1])
        when = f"2026-{rnd.randrange(1, 11):02d}-0{rnd.randrange(1, 9)} 09:30:00.000000"
        tags = sorted(set(rnd.sample(TAGS, rnd.choice([0, 0, 1, 2]))))
        try:
            con.execute(
                "INSERT INTO customers (id, phone, phone_national, email, first_name, last_name, name, name_key,"
                " city, state, pincode, country, channel, attributes, consent_state, consent_source, consent_at,"
                " order_count, total_spent, tag_list, version, created_at, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,0,?,1,?,?)",
                (i, "+91" + nat if nat and not odd else None, nat, email, first, last, name, name.lower(),
                 rnd.choice(["Pune", "", None]), rnd.choice(["MH", "", None]), rnd.choice(["411001", "", None]),
                 rnd.choice(["IN", "", None]), rnd.choice([None, "", "shopify"]),
                 rnd.choice(["{}", "{}", '{"other_phones": ["+919700000001"]}', '{"Note": "old"}']),
                 state, "manual" if state else None, when if state else None, ", ".join(tags), when, when))
        except sqlite3.IntegrityError:  # a phone drawn twice
            continue
        for t in tags:
            if t not in tag_ids:
                tag_ids[t] = con.execute("INSERT INTO tags (name) VALUES (?)", (t,)).lastrowid
            con.execute("INSERT INTO customer_tags (customer_id, tag_id) VALUES (?, ?)", (i, tag_ids[t]))
        keys.append((nat, email))
    con.commit()
    con.close()
    return keys


def _list(path: Path, rnd: random.Random, stored: list, n: int) -> Path:
    """n rows: stored customers by phone or email (any case), new ones drawn from a small pool (so
    some come twice), several numbers in a cell, bad phones and emails, long texts, custom notes."""
    pool = [(f"97{rnd.randrange(10**8):08d}", f"n{k}@new.in") for k in range(n)]
    rows = []
    for _ in range(n):
        nat, email = rnd.choice(stored) if stored and rnd.random() < 0.5 else rnd.choice(pool)
        phone = rnd.choice([nat or "", nat or "", f"+91 {nat}" if nat else "", "", "12345",
                            f"{nat}, 97{rnd.randrange(10**8):08d}" if nat else ""])
        mail = rnd.choice([email or "", (email or "").upper(), "", "not-an-email", "x@gemil.com"])
        rows.append([phone, mail, rnd.choice(FIRST + ["X" * 130]), rnd.choice(LAST), rnd.choice(["Mumbai", "", "N/A"]),
                     rnd.choice(["MH", "", "Karnataka"]), rnd.choice(["400001", "", "1234567890123456"]),
                     rnd.choice(["in", "IN", "India", ""]), rnd.choice(["", "", "vip", "vip, new", "É-list"]),
                     rnd.choice(["yes", "no", "", "opted out"]), rnd.choice(["", "", "", "Instagram"]),
                     rnd.choice(["", "", "", "", "", "call later"])])
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(list(MAPPING))
        w.writerows(rows)
    return path


def _dump(path: Path, top: int, log: bool = True) -> dict:
    """The tables an import writes, with new customers named by phone and email (the two paths
    number them in a different order) and the change log decoded."""
    con = sqlite3.connect(path)
    cols = [r[1] for r in con.execute("PRAGMA table_info(customers)")]
    key, customers = {}, {}
    for row in con.execute("SELECT * FROM customers"):
        r = dict(zip(cols, row))
        key[r["id"]] = k = r["id"] if r["id"] <= top else ("new", r["phone"], r["email"])
        del r["id"]
        customers[k] = r
    tag_of = dict(con.execute("SELECT id, name FROM tags"))
    event_of = {i: (key[c], a, at) for i, c, a, at in con.execute(
        "SELECT id, customer_id, action, occurred_at FROM consent_events")}
    changes = []
    for entity, action, eid, data in con.execute("SELECT entity, action, entity_id, data FROM import_changes"
                                                 f" WHERE {int(log)}"):
        data = json.loads(data)
        if action == "updated":
            changes.append((entity, action, key.get(eid, eid), {k: from_json(v) for k, v in data.items()}))
        elif "pairs" in data:
            changes.append((entity, action, sorted(repr((key[c], tag_of[t])) for c, t in data["pairs"])))
        else:
            of = {"customer": key, "consent_event": event_of, "tag": tag_of}.get(entity)
            ids = expand(data["ranges"])
            changes.append((entity, action, sorted(repr(of[i]) for i in ids) if of else ids))
    out = {
        "customers": customers,
        "links": sorted((repr(key[c]), t) for c, t in con.execute(
            "SELECT ct.customer_id, t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id")),
        "tags": sorted(tag_of.values()),
        "consent": sorted(repr((key[c], *rest)) for c, *rest in con.execute(
            "SELECT customer_id, purpose, action, source, occurred_at, note FROM consent_events")),
        "log": sorted(changes, key=repr),
    }
    con.close()
    return out


def _import(tmp: Path, name: str, stored_file: Path, src: Path, set_wise: bool, monkeypatch):
    d = DataDir(tmp / name).ensure()
    shutil.copy(stored_file, d.db_path)
    monkeypatch.setattr(upsert, "SET_WISE", set_wise)
    db = open_database(d)
    try:
        r = run_import(db, src, ImportOptions(format="generic", mapping=MAPPING), clock=FixedClock(NOW),
                       rejected_dir=tmp / name, refresh_scores=False)
        top = sqlite3.connect(stored_file).execute("SELECT coalesce(max(id), 0) FROM customers").fetchone()[0]
        after = _dump(d.db_path, top)
        rollback_import(db, r.import_id, clock=FixedClock(NOW))
        undone = _dump(d.db_path, top, log=False)
    finally:
        db.dispose()
    result = {k: v for k, v in r.to_json().items() if k not in ("seconds", "rejected_file", "import_id")}
    return result, after, undone


@pytest.mark.parametrize("seed", range(16))
def test_set_wise_merge_leaves_what_the_python_path_leaves(seed, _migrated_template, tmp_path, monkeypatch):
    rnd = random.Random(seed)
    shop = tmp_path / "stored.sqlite3"
    shutil.copy(_migrated_template, shop)
    n_stored = 0 if seed % 8 == 0 else rnd.choice([30, 60])  # some first imports into an empty shop
    stored = _stored_shop(shop, rnd, n_stored)
    src = _list(tmp_path / "list.csv", rnd, stored, rnd.choice([20, 80]))
    before = _dump(shop, 10**6, log=False)
    seen = {"solo": 0, "back": 0}
    real_plan, real_load = upsert.plan, upsert.ListMerge.load

    def plan(*a):
        solo, rest = real_plan(*a)
        seen["solo"] += len(solo)
        return solo, rest

    def load(self, *a):
        back = real_load(self, *a)
        seen["back"] += len(back)
        return back
    monkeypatch.setattr(upsert, "plan", plan)
    monkeypatch.setattr(upsert.ListMerge, "load", load)
    if seed % 2:  # new customers inserted a few at a time
        monkeypatch.setattr(list_merge, "NEW_STEP", 3)
    py, py_after, py_undone = _import(tmp_path, "python", shop, src, False, monkeypatch)
    assert seen["solo"] == 0
    sw, sw_after, sw_undone = _import(tmp_path, "set", shop, src, True, monkeypatch)
    assert seen["solo"] > 0  # the set-wise path took rows (else this test compares nothing)
    assert sw == py
    for table in py_after:
        assert sw_after[table] == py_after[table], table
    before.pop("log")
    for table in before:
        assert sw_undone[table] == before[table], table
        assert py_undone[table] == before[table], table


def test_the_set_wise_path_is_exercised_in_all_its_branches(_migrated_template, tmp_path, monkeypatch):
    """Across the seeds above: rows sent back by their stored customer, stored customers updated,
    new customers created, opt-ins refused."""
    seen = {"back": 0, "solo": 0}
    real_load = upsert.ListMerge.load

    def load(self, held, solo):
        back = real_load(self, held, solo)
        seen["back"] += len(back)
        seen["solo"] += len(solo)
        return back
    monkeypatch.setattr(upsert.ListMerge, "load", load)
    totals = {"customers_updated": 0, "customers_created": 0, "refused": 0}
    for seed in (1, 2, 3):
        rnd = random.Random(seed)
        shop = tmp_path / f"stored{seed}.sqlite3"
        shutil.copy(_migrated_template, shop)
        stored = _stored_shop(shop, rnd, 60)
        src = _list(tmp_path / f"list{seed}.csv", rnd, stored, 80)
        r, _after, _undone = _import(tmp_path, f"s{seed}", shop, src, True, monkeypatch)
        totals["customers_updated"] += r["customers_updated"]
        totals["customers_created"] += r["customers_created"]
        totals["refused"] += r["warnings"].get("opt-ins ignored because the customer had opted out", 0)
    assert seen["back"] > 0 and seen["solo"] > seen["back"]
    assert all(totals.values()), totals


def test_a_list_naming_its_customers_by_phone_and_email_goes_set_wise(idb, tmp_path, monkeypatch):
    """Next week's list again: every row names one stored customer by both phone and email."""
    src = tmp_path / "list.csv"
    src.write_text("Phone,Email,City\n" + "".join(f"98765432{i:02d},c{i}@x.in,Pune\n" for i in range(40)))
    options = ImportOptions(format="generic", mapping={"Phone": "phone", "Email": "email", "City": "city"})
    first = run_import(idb, src, options, refresh_scores=False)
    seen = []
    real_load = upsert.ListMerge.load
    monkeypatch.setattr(upsert.ListMerge, "load", lambda self, held, solo: seen.append(len(solo)) or real_load(self, held, solo))
    src.write_text("Phone,Email,City\n" + "".join(f"98765432{i:02d},c{i}@x.in,Mumbai\n" for i in range(40)))
    again = run_import(idb, src, options, refresh_scores=False)
    assert first.customers_created == 40 and again.customers_created == 0 and again.customers_updated == 0
    assert seen == [40]


@pytest.mark.parametrize("why", ["an order", "the hold limit"])
def test_held_rows_released_midway_merge_as_the_python_path(why, _migrated_template, tmp_path, monkeypatch):
    """Holding ends at the first row with an order (a mixed list) or past HOLD_ROWS: the rows held
    so far are merged then, in file order, exactly as without holding."""
    rnd = random.Random(7)
    shop = tmp_path / "stored.sqlite3"
    shutil.copy(_migrated_template, shop)
    stored = _stored_shop(shop, rnd, 40)
    src = _list(tmp_path / "list.csv", rnd, stored, 60)
    if why == "an order":  # an order date on a late row: that row is an order, the ones before customers only
        lines = src.read_text(encoding="utf-8").splitlines()
        lines = [lines[0] + ",Order Date,Total"] + [x + ",," for x in lines[1:50]] + [
            lines[50] + ",2026-11-01,499"] + [x + ",," for x in lines[51:]]
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        monkeypatch.setitem(MAPPING, "Order Date", "order_date")
        monkeypatch.setitem(MAPPING, "Total", "order_total")
    else:
        monkeypatch.setattr(upsert, "HOLD_ROWS", 25)
    monkeypatch.setattr(upsert, "CHUNK", 7)  # flushes (and hold decisions) every few rows
    held_at_end = []
    real = upsert.ImportWriter._merge_held
    monkeypatch.setattr(upsert.ImportWriter, "_merge_held", lambda self: held_at_end.append(self._held) or real(self))
    py, py_after, _ = _import(tmp_path, "python", shop, src, False, monkeypatch)
    held_at_end.clear()
    sw, sw_after, _ = _import(tmp_path, "set", shop, src, True, monkeypatch)
    assert held_at_end == [None]  # released before the end
    assert sw == py and sw_after == py_after


def test_a_filled_phone_logs_only_what_changed(_migrated_template, tmp_path, monkeypatch):
    """An old record kept its national number but not its phone: the row fills the phone, and the
    change log (as the Python path's) holds the phone, not the national number it already had."""
    shop = tmp_path / "stored.sqlite3"
    shutil.copy(_migrated_template, shop)
    con = sqlite3.connect(shop)
    con.execute("INSERT INTO customers (id, phone, phone_national, email, first_name, name, name_key, attributes,"
                " consent_state, order_count, total_spent, tag_list, version, created_at, updated_at) VALUES"
                " (1, NULL, '9876500001', 'odd@x.in', 'Odd', 'Odd', 'odd', '{}', 0, 0, 0, '', 1,"
                " '2026-10-01 09:30:00.000000', '2026-10-01 09:30:00.000000')")
    con.commit()
    con.close()
    src = tmp_path / "list.csv"
    src.write_text("Phone,Email\n9876500001,odd@x.in\n9876500002,new@x.in\n", encoding="utf-8")
    monkeypatch.setattr(upsert, "plan", lambda *a: seen.append(1) or real_plan(*a))
    seen, real_plan = [], list_merge.plan
    py, py_after, _ = _import(tmp_path, "python", shop, src, False, monkeypatch)
    sw, sw_after, _ = _import(tmp_path, "set", shop, src, True, monkeypatch)
    assert seen and sw == py and sw_after == py_after
    assert [c for c in sw_after["log"] if c[1] == "updated"] == [
        ("customer", "updated", 1, {"phone": None, "updated_at": datetime(2026, 10, 1, 9, 30)})]
