"""Duplicate store accounts merged into one customer keep every store id, so re-imports still match."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from wadesk.core.db.models import Customer
from wadesk.core.importing import run_import

from _import_db import _migrated_template, idb  # noqa: F401

HEAD = "Customer ID,First Name,Last Name,Email,Phone,Accepts SMS Marketing,Total Spent,Total Orders\n"


@pytest.fixture
def db(idb):
    return idb


def shop_customers(path: Path, *rows: str) -> Path:
    path.write_text(HEAD + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_the_second_account_id_is_kept_and_matches_next_time(db, tmp_path):
    r = run_import(db, shop_customers(tmp_path / "a.csv",
                                      "111,Asha,Rao,asha@example.com,+919876543210,no,100,1",
                                      "222,Asha,Rao,,+919876543210,no,0,0"))  # the same person's phone-only account
    assert (r.customers_created, r.merged_in_file) == (1, 1)
    with db.Session() as s:
        assert s.scalars(select(Customer)).one().attributes["external_ids"] == {"shopify": "111", "also": {"shopify": ["222"]}}
    # Next export: account 222 now has another number and an email of its own; its store id still finds Asha.
    again = run_import(db, shop_customers(tmp_path / "b.csv", "222,Asha,Rao,asha.r@example.com,+919811122233,no,0,0"))
    assert (again.customers_created, again.customers_updated) == (0, 1)
    with db.Session() as s:
        asha = s.scalars(select(Customer)).one()
        assert asha.attributes["other_emails"] == ["asha.r@example.com"]
        assert asha.attributes["other_phones"] == ["+919811122233"]
    assert run_import(db, shop_customers(tmp_path / "c.csv", "222,Asha,Rao,,,no,0,0")).customers_created == 0
