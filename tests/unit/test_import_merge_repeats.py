"""merge() skips a row that repeats the draft's last merge (a customer's every order in a shop export):
the drafts must end exactly as merging every row in full leaves them."""
from __future__ import annotations

import copy
import random
from datetime import datetime, timedelta

from wadesk.core.importing.formats.base import CustomerData
from wadesk.core.importing.identity import Draft, blank_values, merge
from wadesk.core.importing.phonebook import PhoneBook, identify

NOW = datetime(2026, 11, 1, 12, 0)


def stored(updated_at: datetime) -> Draft:
    v = blank_values(updated_at)
    v.update(phone="+919876543210", phone_national="9876543210", first_name="Asha", name="Asha", name_key="asha",
             city="Delhi", attributes={"note": "stored"})
    return Draft(7, copy.deepcopy(v), before=copy.deepcopy(v))


CONTENTS = [
    dict(phones=["9876543210"], first_name="Asha", last_name="Rao", city="Mumbai", email="asha@example.com"),
    dict(phones=["9876543210"], first_name="Asha", last_name="Rao", city="Pune", email="asha@example.com"),
    dict(phones=["9876543210"], first_name="Asha", last_name="Rao", city="Pune", tags=["vip"]),
    dict(phones=["9876543210", "9811122233"], email="a.rao@example.com", external_id="111",
         attributes={"utm": {"source": "fb"}, "note": "file"}),
    dict(phones=["9876543210"], external_id="222", state="MH", country="in"),
]


def rows(rnd: random.Random, n: int) -> list[CustomerData]:
    out, base = [], datetime(2026, 6, 1)
    for _ in range(n):
        kind = rnd.randrange(len(CONTENTS))
        when = rnd.choice([None, base + timedelta(days=rnd.randrange(-200, 300))])
        for _ in range(rnd.choice([1, 1, 2, 4])):  # runs of the same details, dated differently
            out.append(CustomerData(**copy.deepcopy(CONTENTS[kind]), as_of=when))
            when = when and when + timedelta(days=rnd.randrange(-30, 30))
    return out


def fold(d: Draft, data: list[CustomerData], skip: bool) -> Draft:
    phones = PhoneBook("IN", {})
    for c in data:
        c = copy.deepcopy(c)
        (primary, others, email), _why, _w = identify(c, phones)
        if not skip:
            d.merged = None  # every row merged in full
        merge(d, c, primary, others, email, "shopify", NOW)
    return d


def state(d: Draft):
    return d.values, d.tags, d.new_tags, d.as_of


def test_skipping_repeated_rows_ends_where_merging_every_row_does():
    for seed in range(300):
        rnd = random.Random(seed)
        data = rows(rnd, rnd.randrange(1, 8))
        for make in (lambda: stored(datetime(2026, 6, 1)), lambda: Draft(None, blank_values(NOW), before=None)):
            assert state(fold(make(), data, skip=True)) == state(fold(make(), data, skip=False)), seed


def test_a_repeat_dated_later_than_the_stored_customer_wins_where_the_first_was_older():
    d = stored(datetime(2026, 6, 1))
    older = CustomerData(phones=["9876543210"], city="Mumbai", as_of=datetime(2026, 5, 1))
    newer = CustomerData(phones=["9876543210"], city="Mumbai", as_of=datetime(2026, 7, 1))
    fold(d, [older], skip=True)
    assert d.values["city"] == "Delhi"  # the stored value is newer than the row
    fold(d, [newer], skip=True)
    assert d.values["city"] == "Mumbai" and d.as_of == datetime(2026, 7, 1)


def test_a_repeat_moves_the_date_on():
    d = Draft(None, blank_values(NOW), before=None)
    fold(d, [CustomerData(phones=["9876543210"], city="Pune", as_of=datetime(2026, 5, d)) for d in (1, 9, 3)],
         skip=True)
    assert d.values["attributes"]["as_of"] == "2026-05-09T00:00:00" and d.as_of == datetime(2026, 5, 9)
