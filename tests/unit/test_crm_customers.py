from datetime import datetime

import pytest
from sqlalchemy import select

from wadesk.core.crm import customers as crm
from wadesk.core.crm.customers import CustomerInput, ValidationError
from wadesk.core.db.models import AuditLog, Customer, CustomerNote, CustomerTag, Message, Order


def _make(db, clock, **kw):
    with db.session() as s:
        return crm.create_customer(s, CustomerInput(**kw), clock=clock).id


def test_create_normalises_and_keeps_derived_columns(db, clock):
    cid = _make(db, clock, first_name="  Rohan ", last_name="Sharma", phone="098765-43210",
                email=" Rohan.S@Example.COM ", city="Pune", pincode="411 001")
    with db.Session() as s:
        c = s.get(Customer, cid)
        assert (c.name, c.name_key, c.last_name_key) == ("Rohan Sharma", "rohan sharma", "sharma")
        assert (c.phone, c.phone_national, c.email) == ("+919876543210", "9876543210", "rohan.s@example.com")
        assert (c.pincode, c.country, c.channel, c.version) == ("411001", "IN", "manual", 1)
        assert c.created_at == c.updated_at == datetime(2026, 11, 28, 10, 0)
        log = s.scalars(select(AuditLog)).one()
        assert (log.action, log.entity_id) == ("customer.created", cid)
        assert "Rohan" not in str(log.details) and "98765" not in str(log.details)


def test_validation_reports_every_problem_in_plain_words(db, clock):
    with db.session() as s:
        with pytest.raises(ValidationError) as err:
            crm.create_customer(s, CustomerInput(first_name="A", phone="98765", email="not-an-email",
                                                 pincode="4110"), clock=clock)
    assert err.value.errors == {
        "phone": "This number has too few digits for India.",
        "email": "This email address doesn't look right; it should look like name@example.com.",
        "pincode": "An Indian pincode has 6 digits, like 411001.",
    }
    with db.session() as s:
        with pytest.raises(ValidationError) as err:
            crm.create_customer(s, CustomerInput(city="Pune"), clock=clock)
    assert "name, a phone number or an email" in err.value.errors["first_name"]
    # A phone alone (WhatsApp lead) or an email alone is enough.
    assert _make(db, clock, phone="+91 91234 56789")
    assert _make(db, clock, email="x@y.in")


def test_phone_is_unique_with_the_owner_named(db, clock):
    _make(db, clock, first_name="Priya", phone="9876543210")
    with db.session() as s:
        with pytest.raises(ValidationError) as err:
            crm.create_customer(s, {"first_name": "Other", "phone": "+91 98765 43210"}, clock=clock)
    assert err.value.errors["phone"] == "This phone number already belongs to Priya."


def test_update_bumps_version_and_partial_mapping_keeps_other_fields(db, clock):
    cid = _make(db, clock, first_name="Priya", last_name="Verma", phone="9876543210", city="Delhi")
    clock.advance(hours=1)
    with db.session() as s:
        c = crm.update_customer(s, cid, {"last_name": "Iyer", "phone": "98765 43210"}, clock=clock)
        assert (c.name, c.last_name_key, c.city, c.version) == ("Priya Iyer", "iyer", "Delhi", 2)
        assert c.updated_at == datetime(2026, 11, 28, 11, 0)
    with db.session() as s:  # saving the same values again changes nothing
        assert crm.update_customer(s, cid, {"city": "Delhi"}, clock=clock).version == 2
        with pytest.raises(ValidationError, match="Someone else changed"):
            crm.update_customer(s, cid, {"city": "Pune"}, clock=clock, expected_version=1)
    with db.Session() as s:
        logs = s.scalars(select(AuditLog).where(AuditLog.action == "customer.updated")).all()
        assert [lg.details for lg in logs] == [{"fields": ["last_name", "name"]}]


def test_update_with_customer_input_replaces_fields_but_keeps_channel_and_attributes(db, clock):
    with db.session() as s:
        cid = crm.create_customer(s, CustomerInput(first_name="A", email="a@b.in", attributes={"size": "M"}),
                                  clock=clock, source="ctwa").id
    with db.session() as s:
        c = crm.update_customer(s, cid, CustomerInput(first_name="B"), clock=clock)
        assert (c.email, c.channel, c.attributes) == (None, "ctwa", {"size": "M"})
        with pytest.raises(crm.CustomerNotFound):
            crm.update_customer(s, 999, CustomerInput(first_name="B"), clock=clock)


def test_delete_many_keeps_orders_detached(db, clock):
    ids = [_make(db, clock, first_name=f"C{i}") for i in range(5)]
    with db.session() as s:
        s.add(Order(customer_id=ids[0], source="t", external_id="1", placed_at=clock.now().replace(tzinfo=None),
                    created_at=datetime(2026, 1, 1), updated_at=datetime(2026, 1, 1)))
        s.add(CustomerNote(customer_id=ids[0], body="x", created_at=datetime(2026, 1, 1)))
        s.add(Message(customer_id=ids[1], created_at=datetime(2026, 1, 1)))
    seen = []
    with db.session() as s:
        n = crm.delete_customers(s, ids[:3] + [12345], clock=clock, progress=lambda d, t, _="": seen.append((d, t)))
    assert n == 3 and seen[-1] == (4, 4)
    with db.Session() as s:
        assert sorted(s.scalars(select(Customer.id))) == ids[3:]
        assert s.scalars(select(Order.customer_id)).one() is None
        assert s.scalars(select(Message.customer_id)).one() is None
        assert s.scalars(select(CustomerNote)).all() == []


def test_profile_has_everything_for_the_detail_pane(db, clock):
    from wadesk.core.crm import consent, notes, tags

    cid = _make(db, clock, first_name="Neha", phone="9876543210")
    with db.session() as s:
        tags.add_tag(s, [cid], "vip", clock=clock)
        notes.add_note(s, cid, "Likes cotton", author="Owner", clock=clock)
        consent.record_opt_in(s, cid, "checkout", clock=clock)
    with db.Session() as s:
        p = crm.get_profile(s, cid)
        assert (p.name, p.phone, p.tags, p.consent_state, p.consent_source) == (
            "Neha", "+919876543210", ["vip"], 1, "checkout")
        assert [n.body for n in p.notes] == ["Likes cotton"]
        assert [h.action for h in p.consent_history] == ["opt_in"]
        assert (p.order_count, p.total_spent) == (0, 0)
        assert crm.get_profile(s, 999) is None
        assert s.scalars(select(CustomerTag)).one().customer_id == cid


def test_foreign_number_sets_its_own_country(db, clock):
    cid = _make(db, clock, first_name="Tom", phone="+44 20 7946 0958", pincode="SW1A1AA")
    with db.Session() as s:
        c = s.get(Customer, cid)
        assert (c.phone, c.country, c.pincode) == ("+442079460958", "GB", "SW1A1AA")
