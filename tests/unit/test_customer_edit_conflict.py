"""Two people editing one customer (team mode): the second save is refused and told what the first
changed, never silently overwriting it; runs on SQLite and, with WADESK_TEST_DB=postgresql, on PostgreSQL."""
from __future__ import annotations

import threading

import pytest

from wadesk.core.crm import customers as crm


@pytest.fixture
def cid(db, clock):
    with db.session() as s:
        return crm.create_customer(s, crm.CustomerInput(first_name="Asha", city="Mumbai"), clock=clock).id


def test_the_second_save_of_the_same_version_is_refused(db, cid, clock):
    with db.session() as s:
        crm.update_customer(s, cid, {"city": "Pune"}, clock=clock, expected_version=1)
    with pytest.raises(crm.EditConflict) as caught, db.session() as s:
        crm.update_customer(s, cid, {"city": "Nashik"}, clock=clock, expected_version=1)
    assert caught.value.current["city"] == "Pune" and caught.value.current["version"] == 2
    with db.session() as s:
        crm.update_customer(s, cid, {"city": "Nashik"}, clock=clock, expected_version=2)  # seen now: saved
        assert crm.get_profile(s, cid).city == "Nashik"


def test_two_saves_at_the_same_moment_one_wins(db, cid, clock):
    """Both read version 1 before either writes: exactly one is saved, the other told."""
    read = threading.Barrier(2, timeout=10)
    outcome: dict[str, str] = {}

    def edit(city: str) -> None:
        try:
            with db.session() as s:
                crm.get_profile(s, cid)  # the row is read in this transaction ...
                read.wait()  # ... by both, before either saves
                crm.update_customer(s, cid, {"city": city}, clock=clock, expected_version=1)
            outcome[city] = "saved"
        except crm.EditConflict:
            outcome[city] = "told"
        except Exception as exc:  # noqa: BLE001 - SQLite: the second writer may find the file locked
            outcome[city] = f"refused: {type(exc).__name__}"

    threads = [threading.Thread(target=edit, args=(c,)) for c in ("Pune", "Nashik")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(outcome) == 2 and list(outcome.values()).count("saved") == 1, outcome
    with db.session() as s:
        p = crm.get_profile(s, cid)
    assert p.version == 2 and p.city == next(c for c, o in outcome.items() if o == "saved")
