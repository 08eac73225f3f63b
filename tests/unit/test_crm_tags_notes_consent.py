from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from wadesk.core.crm import consent, notes, tags
from wadesk.core.crm.bookkeeping import ValidationError
from wadesk.core.db.models import CONSENT_OPTED_IN, CONSENT_OPTED_OUT, AuditLog, ConsentEvent, Customer
from wadesk.core.jobs import Cancelled

T = datetime(2026, 1, 1)


def _bulk_customers(db, n):
    with db.session() as s:
        s.execute(insert(Customer), [{"id": i, "name": f"C{i}", "name_key": f"c{i}", "created_at": T,
                                      "updated_at": T, "attributes": {}} for i in range(1, n + 1)])


def test_bulk_add_and_remove_on_many_customers(db, clock):
    _bulk_customers(db, 12_000)
    with db.session() as s:
        tags.add_tag(s, [1, 2], "cod", clock=clock)
    with db.session() as s:
        changed = tags.add_tag(s, list(range(1, 12_001)) + [99_999], "VIP", clock=clock)
    assert len(changed) == 12_000
    with db.session() as s:  # same tag, other case: no duplicate tag, nobody changes
        assert tags.add_tag(s, [1, 5], "vip", clock=clock) == []
        assert [(t.name, t.customers) for t in tags.tag_counts(s)] == [("VIP", 12_000), ("cod", 2)]
        assert s.get(Customer, 1).tag_list == "VIP, cod"
        assert s.get(Customer, 7).tag_list == "VIP"
        assert s.get(Customer, 7).updated_at == datetime(2026, 11, 28, 10, 0)
    with db.session() as s:
        assert sorted(tags.remove_tag(s, list(range(1, 6)), "vip", clock=clock)) == [1, 2, 3, 4, 5]
        assert tags.remove_tag(s, [1], "no such tag", clock=clock) == []
    with db.Session() as s:
        assert s.get(Customer, 1).tag_list == "cod" and s.get(Customer, 3).tag_list == ""
        assert tags.tag_names(s) == ["cod", "VIP"]
        actions = s.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
        assert actions == ["tag.added", "tag.added", "tag.removed"]


def test_cancel_rolls_back_the_whole_bulk_change(db, clock):
    _bulk_customers(db, 12_000)
    calls = iter([False, False, True])
    with pytest.raises(Cancelled):
        with db.session() as s:
            tags.add_tag(s, list(range(1, 12_001)), "vip", clock=clock, cancelled=lambda: next(calls))
    with db.Session() as s:
        assert tags.tag_counts(s) == []
        assert s.scalar(select(func.count()).where(Customer.tag_list != "")) == 0


def test_tag_names_are_checked_and_set_for_one_customer(db, clock):
    _bulk_customers(db, 1)
    with db.session() as s:
        for bad, words in [("  ", "needs a name"), ("a,b", "comma"), ("x" * 65, "at most 64")]:
            with pytest.raises(ValidationError, match=words):
                tags.add_tag(s, [1], bad, clock=clock)
        assert tags.set_customer_tags(s, 1, ["vip", " Repeat  buyer "], clock=clock) == ["Repeat buyer", "vip"]
        assert tags.set_customer_tags(s, 1, ["VIP"], clock=clock) == ["vip"]
        assert tags.delete_tag(s, "vip", clock=clock) == 1
        assert s.get(Customer, 1).tag_list == ""


def test_notes(db, clock):
    _bulk_customers(db, 1)
    with db.session() as s:
        note = notes.add_note(s, 1, "  Prefers evening calls ", author="Asha", clock=clock)
        with pytest.raises(ValidationError, match="Write something"):
            notes.add_note(s, 1, "   ", clock=clock)
        with pytest.raises(ValidationError, match="no longer exists"):
            notes.add_note(s, 42, "hi", clock=clock)
    with db.session() as s:
        assert note.body == "Prefers evening calls"
        assert notes.delete_note(s, note.id, clock=clock) is True
        assert notes.delete_note(s, note.id, clock=clock) is False
        assert "evening" not in str(s.scalars(select(AuditLog.details)).all())


def test_consent_history_and_latest_state(db, clock):
    _bulk_customers(db, 1)
    now = datetime(2026, 11, 28, 10, 0)
    with db.session() as s:
        consent.record_opt_in(s, 1, "checkout", clock=clock)
        c = s.get(Customer, 1)
        assert (c.consent_state, c.consent_source, c.consent_at) == (CONSENT_OPTED_IN, "checkout", now)
    clock.advance(days=1)
    with db.session() as s:
        consent.record_opt_out(s, 1, "whatsapp_stop", clock=clock, note="Replied STOP")
        # An older opt-in found in a spreadsheet is history, not the current state.
        consent.record_opt_in(s, 1, "import", at=now - timedelta(days=30), clock=clock)
        c = s.get(Customer, 1)
        assert (c.consent_state, c.consent_source) == (CONSENT_OPTED_OUT, "whatsapp_stop")
        assert s.scalar(select(func.count()).select_from(ConsentEvent)) == 3
        with pytest.raises(ValidationError, match="how the customer agreed"):
            consent.record_opt_in(s, 1, " ", clock=clock)
        with pytest.raises(ValidationError, match="future"):
            consent.record_opt_in(s, 1, "form", at=now + timedelta(days=5), clock=clock)
