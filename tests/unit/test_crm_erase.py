"""A privacy erase leaves the person nowhere in the database, yet the shop's revenue stays."""
import sqlite3
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from wadesk.core.crm import consent, customers, erase, notes, tags
from wadesk.core.crm.customers import CustomerInput
from wadesk.core.crm.totals import refresh_order_totals
from wadesk.core.db.import_models import ImportChange
from wadesk.core.db.models import (AuditLog, Event, ImportRun, Message, Order, OrderItem, WebhookEvent)

T = datetime(2026, 10, 1)
SECRETS = ["Zubeida", "Quraishi", "9123456789", "zubeida.q@example.org", "Bandra West 400050"]


def _person(s, clock):
    c = customers.create_customer(s, CustomerInput(
        first_name="Zubeida", last_name="Quraishi", phone="+91 91234 56789", email="Zubeida.Q@example.org",
        city="Mumbai", pincode="400050", attributes={"address": "Bandra West 400050"}), clock=clock)
    other = customers.create_customer(s, CustomerInput(first_name="Kept", phone="9876543210"), clock=clock)
    tags.add_tag(s, [c.id, other.id], "vip", clock=clock)
    notes.add_note(s, c.id, "Zubeida wants the blue one", clock=clock)
    consent.record_opt_in(s, c.id, "checkout", clock=clock)
    o = Order(customer_id=c.id, source="shopify", external_id="1042", number="1042", placed_at=T,
              total=Decimal("2340"), ship_city="Mumbai", ship_state="MH", ship_pincode="400050",
              attributes={"address": "Bandra West 400050"}, created_at=T, updated_at=T)
    s.add(o)
    s.flush()
    s.add(OrderItem(order_id=o.id, product="Kurta", quantity=1, price=Decimal("2340")))
    s.add(Event(customer_id=c.id, type="product_viewed", occurred_at=T, properties={"q": "Zubeida"}))
    s.add(Message(customer_id=c.id, to_phone="+919123456789", body="Hi Zubeida, 10% off", payload={"to": "919123456789"},
                  status="read", created_at=T, template_name="offer"))
    s.add(Message(customer_id=None, to_phone="+919123456789", body="Hi Zubeida", created_at=T))
    s.add(WebhookEvent(dedupe_key="w1", received_at=T, source="receiver",
                       payload={"contacts": [{"wa_id": "919123456789", "profile": {"name": "Zubeida"}}]}))
    run = ImportRun(file_name="list.xlsx", started_at=T)
    s.add(run)
    s.flush()
    s.add(ImportChange(import_id=run.id, entity="customer", action="updated", entity_id=c.id,
                       data={"first_name": "Zubeida", "email": "zubeida.q@example.org"}))
    s.add(ImportChange(import_id=run.id, entity="order", action="updated", entity_id=o.id,
                       data={"ship_pincode": "Bandra West 400050"}))
    s.add(AuditLog(occurred_at=T, action="webhook.stop", details={"from": "919123456789"}))
    refresh_order_totals(s, [c.id])
    return c.id, other.id


def _all_text(db_path) -> str:
    con = sqlite3.connect(db_path)
    out = []
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        for row in con.execute(f'SELECT * FROM "{table}"'):
            out.append(" ".join(map(str, row)))
    con.close()
    return "\n".join(out)


@pytest.mark.sqlite_only("reads the erased bytes back out of the SQLite file and its WAL")
def test_erase_removes_the_person_everywhere(db, data_dir, clock):
    # Many SQLite builds (Windows, macOS) leave deleted bytes in free pages; behave like them.
    db.engine.dispose()
    event.listen(db.engine, "connect", lambda con, _rec: con.execute("PRAGMA secure_delete = OFF"))
    with db.session() as s:
        cid, other = _person(s, clock)
    text = _all_text(data_dir.db_path)
    assert all(secret.lower() in text.lower() for secret in SECRETS)  # the check can see them

    with db.session() as s:
        result = erase.erase_customer(s, cid, clock=clock)
    assert (result.erased, result.orders_detached, result.messages_scrubbed, result.webhook_payloads_blanked) == (
        True, 1, 2, 1)

    text = _all_text(data_dir.db_path).lower()
    for secret in SECRETS:
        assert secret.lower() not in text, secret
    with db.Session() as s:
        order = s.scalars(select(Order)).one()  # revenue is still there, anonymous
        assert (order.customer_id, order.total, order.ship_city, order.attributes) == (None, Decimal("2340"), None, {})
        assert s.scalars(select(OrderItem.product)).one() == "Kurta"
        assert [m.status for m in s.scalars(select(Message))] == ["read", "queued"]
        last = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert (last.action, last.entity_id, last.details) == ("customer.erased", cid, {})
        assert customers.get_profile(s, other).tags == ["vip"]  # nobody else touched

    # And in the file itself. Without secure_delete on every connection, fragments of earlier
    # versions of the row can sit in free space, so only a rebuilt file is clean for sure.
    db.dispose()
    erase.compact_after_erase(db.engine, vacuum=True)
    raw = data_dir.db_path.read_bytes().lower()
    for secret in SECRETS:
        assert secret.lower().encode() not in raw, secret


def test_erasing_someone_already_gone_is_harmless(db, clock):
    with db.session() as s:
        assert erase.erase_customer(s, 404, clock=clock).erased is False
