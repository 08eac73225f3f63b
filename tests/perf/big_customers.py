"""Build (or reuse) a database with N synthetic customers, fast, for the customer-table benchmark.

Independent of the demo generator on purpose: only the customers table is filled, with the
columns the table shows and searches. Indexes are dropped during the bulk insert and rebuilt
after (much faster than maintaining 15 b-trees row by row).

    python tests/perf/big_customers.py [N]   # prints the database path
"""
from __future__ import annotations

import os
import random
import sqlite3
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import platformdirs

from wadesk.core.db import open_database
from wadesk.core.paths import DataDir

FIRST = ("Rohan Priya Amit Sneha Rahul Anjali Vikram Pooja Arjun Kavya Suresh Neha Karan Divya Aditya "
         "Meera Sanjay Ritu Manish Swati Deepak Nisha Rajesh Aarti Varun Shreya Nikhil Isha Harsh Tanvi "
         "राहुल प्रिया अमित सुनीता").split()
LAST = ("Sharma Verma Gupta Patel Singh Kumar Reddy Iyer Nair Das Mehta Joshi Rao Shah Kapoor Malhotra "
        "Chopra Bose Banerjee Mukherjee Agarwal Jain Pillai Menon Khan Ali Fernandes D'Souza शर्मा वर्मा").split()
CITIES = ("Mumbai Delhi Bengaluru Hyderabad Chennai Kolkata Pune Ahmedabad Jaipur Lucknow Surat Kanpur "
          "Nagpur Indore Bhopal Patna Kochi Guwahati").split()
TAGS = ["", "", "", "vip", "cod", "cod, rto", "newsletter", "vip, wholesale", "contest", "skincare"]
DOMAINS = ["gmail.com", "yahoo.co.in", "outlook.com", "rediffmail.com", "hotmail.com"]


def cache_dir() -> Path:
    env = os.environ.get("WADESK_PERF_CACHE")
    return Path(env) if env else Path(platformdirs.user_cache_dir("WaDesk-perf", appauthor=False))


def build(n: int, path: Path, seed: int = 7) -> None:
    rnd = random.Random(seed)
    data_dir = DataDir(path).ensure()
    open_database(data_dir).dispose()  # the real schema, through the real migrations
    con = sqlite3.connect(data_dir.db_path)
    idx = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='customers' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in idx:
        con.execute(f'DROP INDEX "{name}"')
    base = datetime(2026, 11, 1)
    # Unique national numbers: a random permutation slice of a 10-digit mobile range.
    nationals = rnd.sample(range(6_000_000_000, 9_999_999_999), n)
    rows = []
    for i in range(1, n + 1):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        name = f"{first} {last}"
        has_phone = rnd.random() > 0.03
        has_email = rnd.random() > 0.35
        nat = str(nationals[i - 1])
        orders = rnd.choice([0, 0, 0, 1, 1, 2, 3, 5, 8])
        spent = round(sum(rnd.uniform(199, 4999) for _ in range(orders)), 2)
        last_order = base - timedelta(days=rnd.randint(0, 540), minutes=rnd.randint(0, 1440)) if orders else None
        created = base - timedelta(days=rnd.randint(0, 600), seconds=rnd.randint(0, 86400))
        rows.append((
            i, f"+91{nat}" if has_phone else None, nat if has_phone else None,
            f"{first.lower()}.{last.lower()}{i}@{rnd.choice(DOMAINS)}" if has_email else None,
            first, last, name, name.lower(), last.lower(), rnd.choice(CITIES), "IN", "{}",
            rnd.choice([0, 0, 1, 1, 1, -1]), orders, spent, last_order, rnd.choice(TAGS), 1, created, created,
        ))
        if len(rows) == 50_000:
            _insert(con, rows)
            rows = []
    if rows:
        _insert(con, rows)
    for _, sql in idx:
        con.execute(sql)
    con.execute("ANALYZE")
    con.commit()
    con.close()


def _insert(con: sqlite3.Connection, rows: list[tuple]) -> None:
    con.executemany(
        "INSERT INTO customers (id, phone, phone_national, email, first_name, last_name, name, name_key,"
        " last_name_key, city, country, attributes, consent_state, order_count, total_spent, last_order_at,"
        " tag_list, version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )


def big_database(n: int = 1_000_000) -> Path:
    """Path of the data folder holding n customers; built once and cached."""
    root = cache_dir() / f"customers-{n}-v1"
    done = root / "complete"
    if not done.exists():
        if root.exists():
            for f in root.rglob("*"):
                if f.is_file():
                    f.unlink()
        t0 = time.perf_counter()
        build(n, root)
        done.write_text(f"built in {time.perf_counter() - t0:.1f} s\n")
    return root


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    t = time.perf_counter()
    print(big_database(count), f"{time.perf_counter() - t:.1f} s")
