"""The sample shop: counts, determinism, cached totals, realism and every DESIGN.md micro-segment."""
from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import phonenumbers
import pytest
from sqlalchemy import and_, exists, func, select

from wadesk.core.clock import FixedClock
from wadesk.core.crm.totals import FIGURES, refresh_order_totals, refresh_tag_lists
from wadesk.core.db import open_database
from wadesk.core.db.models import (
    ConsentEvent, Customer, CustomerTag, Event, Message, Order, OrderItem, Tag,
)
from wadesk.core.demo import SAMPLE_SHOP_NAME, build_sample_shop, remove_sample_shop
from wadesk.core.demo import generate
from wadesk.core.demo.customers import INVALID_PHONES, PHONE_PREFIXES
from wadesk.core.demo.geography import LONG_DELIVERY_STATES
from wadesk.core.demo.personas import PERSONAS, assign_personas
from wadesk.core.jobs import Cancelled
from wadesk.core.paths import DataDir
from wadesk.core.settings import all_settings

NOW = datetime(2026, 11, 28, 10, 0)
N = 1500


def _clock() -> FixedClock:
    return FixedClock(NOW.replace(tzinfo=timezone.utc))


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """One sample shop shared by the read-only tests of this module."""
    database = open_database(DataDir(tmp_path_factory.mktemp("demo")).ensure())
    calls = []
    result = build_sample_shop(database, customers=N, seed=42, clock=_clock(), progress=lambda d, t: calls.append((d, t)))
    yield database, result, calls
    database.dispose()


def _count(s, stmt) -> int:
    return s.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def test_counts_settings_and_progress(shop):
    db, result, calls = shop
    with db.session() as s:
        assert result.customers == N == s.scalar(select(func.count(Customer.id)))
        assert result.orders == s.scalar(select(func.count(Order.id))) > N
        assert result.order_items == s.scalar(select(func.count(OrderItem.id))) > result.orders
        assert result.events == s.scalar(select(func.count(Event.id)))
        assert 3 * N <= result.events <= 5 * N
        settings = all_settings(s)
    assert settings["sample_shop"] is True and settings["first_run_done"] is True
    assert settings["shop_name"] == SAMPLE_SHOP_NAME
    assert calls[-1] == (N, N)
    assert result.as_dict() == {"customers": N, "orders": result.orders, "order_items": result.order_items,
                                "events": result.events}


def test_cached_totals_match_crm_totals(shop):
    db, _, _ = shop
    cols = (Customer.id, Customer.tag_list, *(getattr(Customer, f) for f in FIGURES))
    with db.Session() as s:
        before = s.execute(select(*cols).order_by(Customer.id)).all()
        refresh_order_totals(s)
        refresh_tag_lists(s)
        after = s.execute(select(*cols).order_by(Customer.id)).all()
        s.rollback()  # leave the shared shop as built
    assert before == after
    assert any(r.tag_list for r in before) and any(", " in r.tag_list for r in before)


def test_values_read_back_with_their_types(shop):
    db, _, _ = shop
    with db.session() as s:
        c = s.scalars(select(Customer).where(Customer.order_count > 0).limit(1)).one()
        assert isinstance(c.created_at, datetime) and isinstance(c.total_spent, Decimal)
        assert isinstance(c.attributes, dict) and c.orders[0].items
        assert c.created_at <= c.orders[0].placed_at <= NOW
        assert s.scalar(select(func.max(Order.placed_at))) <= NOW
        assert s.scalar(select(func.min(Order.placed_at))) >= NOW - timedelta(days=541)
        assert s.scalar(select(func.max(Event.occurred_at))) <= NOW
        assert s.scalar(select(func.max(Message.created_at))) <= NOW


def test_phones_valid_unique_or_kept_aside(shop):
    db, _, _ = shop
    with db.session() as s:
        rows = s.execute(select(Customer.phone, Customer.phone_national, Customer.attributes)).all()
    phones = [r.phone for r in rows if r.phone]
    assert len(phones) == len(set(phones)) > 0.8 * N
    for phone, national, attrs in rows:
        if phone:
            n = phonenumbers.parse(phone)
            assert phonenumbers.is_valid_number(n) and phone == "+91" + national and len(national) == 10
        else:
            assert national is None
    raw = [r.attributes["raw_phone"] for r in rows if "raw_phone" in r.attributes]
    assert raw and all(not r.phone for r in rows if "raw_phone" in r.attributes)
    assert sum(1 for r in rows if not r.phone and "raw_phone" not in r.attributes) > 0  # no phone at all


def test_every_generated_prefix_is_a_valid_mobile_and_bad_ones_are_bad():
    import random

    rng = random.Random(1)
    for prefix in PHONE_PREFIXES:
        for _ in range(50):
            n = phonenumbers.parse(f"+91{prefix}{rng.randrange(10**8):08d}")
            assert phonenumbers.number_type(n) == phonenumbers.PhoneNumberType.MOBILE
    for raw in INVALID_PHONES:
        try:
            assert not phonenumbers.is_valid_number(phonenumbers.parse(raw, "IN"))
        except phonenumbers.NumberParseException:
            pass


def test_names_languages_channels_and_consent(shop):
    db, _, _ = shop
    with db.session() as s:
        names = s.execute(select(Customer.name, Customer.name_key, Customer.last_name, Customer.last_name_key)).all()
        assert all(r.name_key == r.name.lower() for r in names)
        assert all(r.last_name_key == (r.last_name.lower() if r.last_name else None) for r in names)
        assert any("\u0900" <= r.name[0] <= "\u097f" for r in names)  # Devanagari
        assert set(s.scalars(select(Customer.language).distinct())) == {"en", "hi"}
        assert set(s.scalars(select(Customer.channel).distinct())) == {
            "ctwa", "website", "shopify", "import", "newsletter", "contest", "walk_in"}
        assert set(s.scalars(select(Customer.country).distinct())) == {"IN"}
        assert s.scalar(select(func.count()).where(Customer.email.is_not(None))) > N / 2
        assert set(s.scalars(select(Customer.consent_state).distinct())) == {-1, 0, 1}
        # The latest consent event is what the customer row says.
        latest = {}
        for cid, action, source, at in s.execute(select(ConsentEvent.customer_id, ConsentEvent.action,
                                                        ConsentEvent.source, ConsentEvent.occurred_at)
                                                 .order_by(ConsentEvent.occurred_at, ConsentEvent.id)):
            latest[cid] = (1 if action == "opt_in" else -1, source, at)
        for cid, state, source, at in s.execute(select(Customer.id, Customer.consent_state,
                                                       Customer.consent_source, Customer.consent_at)):
            assert latest.get(cid, (0, None, None)) == (state, source, at)


def test_orders_look_like_a_d2c_shop(shop):
    db, _, _ = shop
    with db.session() as s:
        total = s.scalar(select(func.count(Order.id)))
        cod = s.scalar(select(func.count()).where(Order.is_cod))
        rto = s.scalar(select(func.count()).where(Order.is_rto))
        assert 0.35 < cod / total < 0.55
        assert 0.12 < rto / cod < 0.3
        assert s.scalar(select(func.count()).where(Order.is_rto, Order.shipping_status == "rto",
                                                    Order.rto_at.is_not(None), Order.is_cod)) == rto
        assert s.scalar(select(func.count()).where(Order.cancelled_at.is_not(None), Order.shipping_status == "cancelled")) > 0
        assert s.scalar(select(func.count()).where(Order.delivered_at.is_not(None))) > total / 2
        assert s.scalar(select(func.count()).where(Order.discount_code.is_not(None))) > 0
        assert s.scalar(select(func.count()).where(Order.utm_source.is_not(None))) > 0
        assert set(s.scalars(select(OrderItem.category).distinct())) == {"skincare", "apparel", "electronics", "home"}
        assert s.scalar(select(func.count()).where(Order.payment_method.like("%Razorpay%"))) > 0
        # total = subtotal - discount + shipping, and the line items add up to the subtotal
        bad = s.scalar(select(func.count()).where(Order.total != Order.subtotal - Order.discount_total + Order.shipping_total))
        assert bad == 0
        sums = select(OrderItem.order_id, func.sum(OrderItem.price * OrderItem.quantity).label("s")).group_by(OrderItem.order_id).subquery()
        assert s.scalar(select(func.count()).select_from(sums).join(Order, Order.id == sums.c.order_id)
                        .where(sums.c.s != Order.subtotal)) == 0
        types = set(s.scalars(select(Event.type).distinct()))
        assert types == {"product_viewed", "added_to_cart", "checkout_started", "session", "offer_clicked",
                         "wishlisted", "size_guide_viewed", "pdp_time", "lead_created"}
        tags = set(s.scalars(select(Tag.name)))
        assert {"vip", "wholesale", "influencer", "cod-risk", "festive-2025"} <= tags


def _orders_of(*where):
    return exists().where(Order.customer_id == Customer.id, Order.cancelled_at.is_(None), *where)


def _events_of(kind, *where):
    return exists().where(Event.customer_id == Customer.id, Event.type == kind, *where)


def test_every_micro_segment_has_members(shop):
    db, _, _ = shop
    now = NOW
    ids = lambda s, *w: set(s.scalars(select(Customer.id).where(*w)))  # noqa: E731
    with db.session() as s:
        buyers = Customer.order_count > 0
        # High-value repeat buyers: AOV > 2000, 3+ orders, last purchase < 60 days ago.
        assert ids(s, Customer.order_count >= 3, Customer.total_spent > 2000 * Customer.order_count,
                   Customer.last_order_at > now - timedelta(days=60))
        # COD risk: prefers COD, RTO history, long-delivery zone, a high-value order.
        cod_orders = select(func.count(Order.id)).where(Order.customer_id == Customer.id, Order.is_cod,
                                                         Order.cancelled_at.is_(None)).scalar_subquery()
        assert ids(s, buyers, cod_orders * 2 > Customer.order_count, _orders_of(Order.is_rto),
                   Customer.state.in_(LONG_DELIVERY_STATES), _orders_of(Order.total >= 2000))
        # Price-sensitive: offer clicks; only buys with a discount; abandoned a cart during a sale.
        assert ids(s, _events_of("offer_clicked"))
        assert ids(s, buyers, ~_orders_of(Order.discount_code.is_(None)))
        assert ids(s, _events_of("added_to_cart", Event.properties["sale"].as_string().is_not(None)),
                   ~_orders_of(Order.placed_at > now - timedelta(days=120)))
        # Category interest: > 3 views of one category, wishlists, size guides.
        views = (select(Event.customer_id).where(Event.type == "product_viewed")
                 .group_by(Event.customer_id, Event.category).having(func.count() > 3))
        assert s.scalars(views).first() is not None
        assert ids(s, _events_of("wishlisted")) and ids(s, _events_of("size_guide_viewed"))
        # New WhatsApp leads from CTWA ads: no purchase, recent, some after one conversation.
        leads = ids(s, Customer.channel == "ctwa", Customer.order_count == 0, Customer.ctwa_clid.is_not(None),
                    Customer.created_at > now - timedelta(days=31))
        one_chat = set(s.scalars(select(Message.customer_id).where(Message.direction == "in")
                                 .group_by(Message.customer_id).having(func.count() == 1)))
        assert leads and leads & one_chat
        # Funnel. TOFU: leads, visitors who only browsed the site, newsletter and contest leads.
        assert ids(s, _events_of("lead_created"), ~_events_of("product_viewed"), ~buyers)
        assert ids(s, _events_of("session"), ~_events_of("product_viewed"), ~buyers)
        assert ids(s, Customer.channel == "newsletter", ~buyers) and ids(s, Customer.channel == "contest", ~buyers)
        # MOFU: viewed products, added to cart without buying, returning visitors.
        assert ids(s, _events_of("product_viewed"), ~buyers)
        assert ids(s, _events_of("added_to_cart"), ~buyers)
        sessions = select(func.count(Event.id)).where(Event.customer_id == Customer.id, Event.type == "session").scalar_subquery()
        assert ids(s, sessions >= 2)
        # BOFU: COD users, checkout abandoners, high-intent viewers, repeat buyers with high AOV.
        assert ids(s, _orders_of(Order.is_cod))
        assert ids(s, _events_of("checkout_started"), ~buyers)
        assert ids(s, _events_of("product_viewed", Event.properties["pdp_seconds"].as_integer() > 120))
        assert ids(s, _events_of("pdp_time"))


def test_rfm_spread(shop):
    db, _, _ = shop
    with db.session() as s:
        def n(*w):
            return s.scalar(select(func.count()).where(Customer.order_count > 0, *w))
        days = lambda d: NOW - timedelta(days=d)  # noqa: E731
        recency = [n(Customer.last_order_at > days(30)),
                   n(Customer.last_order_at <= days(30), Customer.last_order_at > days(90)),
                   n(Customer.last_order_at <= days(90), Customer.last_order_at > days(180)),
                   n(Customer.last_order_at <= days(180), Customer.last_order_at > days(365)),
                   n(Customer.last_order_at <= days(365))]
        frequency = [n(Customer.order_count == 1), n(Customer.order_count == 2),
                     n(Customer.order_count.between(3, 4)), n(Customer.order_count >= 5)]
        monetary = [n(Customer.total_spent < 1000), n(Customer.total_spent.between(1000, 5000)),
                    n(Customer.total_spent > 15000)]
        assert all(x > 10 for x in recency + frequency + monetary), (recency, frequency, monetary)
        assert s.scalar(select(func.count()).where(Customer.order_count == 0)) > N / 4  # prospects


def _digest(path) -> str:
    con = sqlite3.connect(path)
    h = hashlib.sha256()
    for table in ("customers", "orders", "order_items", "events", "consent_events", "customer_tags", "messages", "tags"):
        for row in con.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
            h.update(repr(row).encode())
    con.close()
    return h.hexdigest()


def test_same_seed_and_clock_give_the_same_shop(tmp_path):
    digests = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        d = DataDir(tmp_path / name).ensure()
        database = open_database(d)
        build_sample_shop(database, customers=300, seed=seed, clock=_clock())
        database.dispose()
        digests.append(_digest(d.db_path))
    assert digests[0] == digests[1] != digests[2]


def test_refuses_a_shop_with_customers_and_remove_needs_the_sample(db, clock):
    with pytest.raises(ValueError, match="sample shop"):
        remove_sample_shop(db)
    build_sample_shop(db, customers=50, clock=clock)
    with pytest.raises(ValueError, match="already has 50 customers"):
        build_sample_shop(db, customers=50, clock=clock)
    removed = remove_sample_shop(db)
    assert removed.customers == 50
    with db.session() as s:
        for model in (Customer, Order, OrderItem, Event, Tag, CustomerTag, ConsentEvent, Message):
            assert s.scalar(select(func.count()).select_from(model)) == 0
        assert all_settings(s)["sample_shop"] is False and all_settings(s)["shop_name"] == ""
    assert build_sample_shop(db, customers=20, clock=clock).customers == 20  # empty again: allowed


def test_cancel_leaves_the_database_as_it_was(db, clock, monkeypatch):
    monkeypatch.setattr(generate, "CHUNK", 100)
    checks = []

    def cancelled() -> bool:
        checks.append(1)
        return len(checks) > 2  # after two chunks were written

    with pytest.raises(Cancelled):
        build_sample_shop(db, customers=500, clock=clock, cancelled=cancelled)
    with db.session() as s:
        for model in (Customer, Order, OrderItem, Event, Tag, ConsentEvent):
            assert s.scalar(select(func.count()).select_from(model)) == 0
        assert all_settings(s)["sample_shop"] is False
    assert build_sample_shop(db, customers=500, clock=clock).customers == 500


def test_bad_sizes_are_refused(db):
    for n in (0, -5, 10**8):
        with pytest.raises(ValueError):
            build_sample_shop(db, customers=n)


def test_personas_exact_and_all_present():
    import random

    for n in (13, 100, 2001):
        got = assign_personas(random.Random(1), n)
        assert len(got) == n and {p.key for p in got} == {p.key for p in PERSONAS}
    assert len(assign_personas(random.Random(1), 5)) == 5


@pytest.mark.sqlite_only("PRAGMA cache_size")
def test_page_cache_is_put_back_after_the_build(db, clock):
    with db.engine.connect() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    build_sample_shop(db, customers=30, clock=clock)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before
