"""A measurement sketch, not product code: the SQL side of merging the benchmark's 100k-row list
set-wise (one statement per step) instead of a Python draft per customer.

    python tests/perf/sketch_set_merge.py

Same shop and rows as test_import_perf's .xlsx scenario (the Python side, reading and phones, is
left out: its rows are built here ready). Only the fill-the-blanks rule of an undated row and a
change log of before-values are sketched; see docs/PERFORMANCE.md (session 21) for what a real
path would still have to do and the figures measured.
"""
from __future__ import annotations

import random
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import test_import_perf as T

from wadesk.core.db import open_database
from wadesk.core.paths import DataDir

NOW = "2026-11-29 10:00:00.000000"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="wadesk-sketch-"))
    try:
        shutil.copytree(T.customers_db(), work / "shop")
        open_database(DataDir(work / "shop")).dispose()  # migrated as an import would find it
        con = sqlite3.connect(work / "shop" / "wadesk.sqlite3", isolation_level=None)
        con.execute("PRAGMA cache_size=-65536")
        rnd, n = random.Random(3), T.N_CUSTOMERS
        rows = []
        for k in range(n):  # as customers_xlsx: even rows stored customers (matched by phone), odd rows new
            i = k if k % 2 == 0 else n + k
            nat, name = T.national(i), f"{T.FIRST[i % 12]} {T.LAST[i % 11]}"
            rows.append((k + 3, "+91" + nat, nat, f"c{i}@example.com" if k % 2 else None, T.FIRST[i % 12],
                         T.LAST[i % 11], name, name.lower(), rnd.choice(T.CITIES), str(400000 + i % 99999),
                         rnd.choice(["", "vip", "diwali"]), rnd.choice([1, 0, None])))
        steps: list[tuple[str, float]] = []
        t0 = last = time.perf_counter()

        def step(label: str, sql: str, params=()) -> None:
            nonlocal last
            con.execute(sql, params)
            steps.append((label, time.perf_counter() - last))
            last = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("CREATE TEMP TABLE incoming (n INTEGER, phone TEXT, phone_national TEXT, email TEXT, first_name TEXT,"
                    " last_name TEXT, name TEXT, name_key TEXT, city TEXT, pincode TEXT, tags TEXT, consent INTEGER,"
                    " cid INTEGER)")
        con.executemany("INSERT INTO incoming VALUES (?,?,?,?,?,?,?,?,?,?,?,?,NULL)", rows)
        steps.append(("rows into a temp table", time.perf_counter() - last))
        last = time.perf_counter()
        step("its phone index", "CREATE INDEX temp.ix_incoming_phone ON incoming (phone)")
        step("match by phone", "UPDATE incoming SET cid = c.id FROM customers c WHERE c.phone = incoming.phone")
        step("match by email", "UPDATE incoming SET cid = c.id FROM customers c WHERE incoming.cid IS NULL"
             " AND incoming.email IS NOT NULL AND c.email = incoming.email")
        step("before-values (change log)", "CREATE TEMP TABLE before AS SELECT c.id, json_object('city', c.city,"
             " 'pincode', c.pincode, 'updated_at', c.updated_at) AS b FROM customers c JOIN incoming i ON i.cid = c.id"
             " WHERE coalesce(c.city, '') <> i.city OR coalesce(c.pincode, '') <> i.pincode")
        step("update the stored 50k", "UPDATE customers SET"
             " city = CASE WHEN coalesce(customers.city, '') = '' THEN i.city ELSE customers.city END,"
             " pincode = CASE WHEN coalesce(customers.pincode, '') = '' THEN i.pincode ELSE customers.pincode END,"
             " updated_at = ? FROM incoming i WHERE i.cid = customers.id", (NOW,))
        top = con.execute("SELECT max(id) FROM customers").fetchone()[0]
        step("insert the new 50k", "INSERT INTO customers (id, phone, phone_national, email, first_name, last_name,"
             " name, name_key, city, pincode, attributes, consent_state, order_count, total_spent, tag_list, version,"
             " created_at, updated_at, channel, cod_orders, rto_orders, cancelled_orders, discount_orders,"
             " settled_orders) SELECT ? + n, phone, phone_national, email, first_name, last_name, name, name_key,"
             " city, pincode, '{}', coalesce(consent, 0), 0, 0, tags, 1, ?, ?, 'import', 0, 0, 0, 0, 0"
             " FROM incoming WHERE cid IS NULL ORDER BY n", (top, NOW, NOW))
        step("commit", "COMMIT")
        for label, s in steps:
            print(f"{label:28s} {s:.3f} s")
        print(f"{'total':28s} {last - t0:.3f} s")
        con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
