"""Builds (and removes) the sample shop: a deterministic, realistic Indian D2C customer base.

Same seed and same clock give the same rows. Everything is written in ONE transaction with
explicit ids and driver-level bulk inserts, so a cancel or a crash leaves the database as it was
and a million customers take minutes, not hours. The customers' cached figures (the order figures
and tag_list) are computed while generating, exactly as wadesk.core.crm.totals would compute them,
so no refresh pass over a million rows is needed.
"""
from __future__ import annotations

import queue
import threading
from bisect import bisect
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any, Callable, Iterator

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from wadesk.core.clock import Clock, SystemClock, utc_naive
from wadesk.core.db import Database
from wadesk.core.db.models import (
    ConsentEvent, Customer, CustomerNote, CustomerTag, Event, Message, Order, OrderItem, Tag,
)
from wadesk.core.db.pipeline_models import Deal, DealStageChange
from wadesk.core.db.sequences import move_sequences_past_ids
from wadesk.core.demo.bulk import TableWriter, roomy_cache
from wadesk.core.demo.catalog import CATEGORIES, CATEGORY_WEIGHTS
from wadesk.core.demo.customers import TAGS, add_consent, add_profile_attributes, add_tags, identity
from wadesk.core.demo.events import BUYERS, add_events
from wadesk.core.demo.geography import pick_city, pincode_in
from wadesk.core.demo.orders import add_orders
from wadesk.core.demo.personas import Persona, assign_personas
from wadesk.core.demo.state import (
    CONSENT_COLS, CUSTOMER_COLS, CUSTOMER_TAG_COLS, DAY, EVENT_COLS, ITEM_COLS, MESSAGE_COLS,
    NOTE_COLS, ORDER_COLS, ShopState,
)
from wadesk.core.jobs import Cancelled
from wadesk.core.settings import get_setting, set_setting

SAMPLE_SHOP_NAME = "Sample shop — Kesari Naturals (demo data)"
MAX_CUSTOMERS = 5_000_000
CHUNK = 5000  # customers per write round: progress and cancel are checked this often
_CATEGORY_CUM = [sum(CATEGORY_WEIGHTS[: i + 1]) for i in range(len(CATEGORY_WEIGHTS))]

# Parents before children: foreign keys are checked row by row.
_TABLES = (
    ("customers", Customer, CUSTOMER_COLS), ("orders", Order, ORDER_COLS),
    ("order_items", OrderItem, ITEM_COLS), ("events", Event, EVENT_COLS),
    ("consent_events", ConsentEvent, CONSENT_COLS), ("customer_tags", CustomerTag, CUSTOMER_TAG_COLS),
    ("customer_notes", CustomerNote, NOTE_COLS), ("messages", Message, MESSAGE_COLS),
)


@dataclass(frozen=True)
class DemoResult:
    customers: int
    orders: int
    order_items: int
    events: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _customer(st: ShopState, cid: int, persona: Persona) -> None:
    channel = st.pick(persona.channels)
    city = pick_city(st.random, persona.long_delivery)
    pincode = pincode_in(st.random, city)
    fav = CATEGORIES[bisect(_CATEGORY_CUM, st.random() * _CATEGORY_CUM[-1])]
    who = identity(st, cid, persona, channel)
    add_profile_attributes(st, who["attributes"], fav)
    orders = add_orders(st, cid, persona, city, pincode, fav, channel)
    events = add_events(st, cid, persona, fav, orders, who["phone"])
    starts = [t for t in (orders.first_at, events.first) if t is not None]
    first = min(starts) if starts else st.ago(0, 540)
    # Buyers signed up some time before they first came back; leads are created by the lead.
    created = first - timedelta(seconds=int(st.random() * (DAY if persona.key in BUYERS else 600)))
    consent = add_consent(st, cid, persona, channel, created)
    tag_list = add_tags(st, cid, persona, orders.festive, orders.rto, created)
    updated = max(t for t in (created, orders.last_at, events.last, consent[2]) if t is not None)
    ctwa_clid = f"ARA{st.rng.getrandbits(120):030x}" if channel == "ctwa" else None
    st.add("customers", [
        cid, who["phone"], who["phone_national"], who["email"], who["first_name"], who["last_name"],
        who["name"], who["name_key"], who["last_name_key"], city.name, city.state, pincode, "IN",
        who["language"], channel, ctwa_clid, who["attributes"], consent[0], consent[1], consent[2],
        *orders.figures(), tag_list, 1, created, updated,
    ])


def _refuse_if_not_empty(session: Session) -> None:
    existing = session.scalar(select(func.count()).select_from(Customer)) or 0
    if existing:
        raise ValueError(
            f"This database already has {existing:,} customers; the sample shop needs an empty one "
            "(use another data folder)."
        )
    if session.scalar(select(func.count()).select_from(Order)):
        raise ValueError("This database already has orders; the sample shop needs an empty one.")


def _prepare_ids(session: Session, st: ShopState) -> None:
    """Continue after any ids already used (e.g. ledger rows kept from before) and reuse tags."""
    for name, model, _cols in _TABLES:
        if name != "customer_tags":
            st.next_id[name] = session.scalar(select(func.max(model.id))) or 0
    st.tag_ids = {t.name: t.id for t in session.scalars(select(Tag))}
    next_tag = max(st.tag_ids.values(), default=0)
    for name in TAGS:
        if name not in st.tag_ids:
            next_tag += 1
            st.tag_ids[name] = next_tag
            session.add(Tag(id=next_tag, name=name))
    session.flush()


def _produce(st: ShopState, personas: list[Persona], first_id: int, writers: dict[str, TableWriter],
             out: queue.Queue, stop: threading.Event) -> None:
    try:
        for start in range(0, len(personas), CHUNK):
            if stop.is_set():
                return
            for i in range(start, min(start + CHUNK, len(personas))):
                _customer(st, first_id + i + 1, personas[i])
            rows, st.rows = st.rows, {}
            params = {name: writers[name].prepare(rows.get(name, [])) for name, _m, _c in _TABLES}
            out.put((min(start + CHUNK, len(personas)), params))
        out.put(None)
    except BaseException as exc:  # handed to the writing thread, which raises it
        out.put(exc)


def _generated(st: ShopState, personas: list[Persona], first_id: int, writers: dict[str, TableWriter],
               cancelled: Callable[[], bool] | None) -> Iterator[tuple[int, dict[str, list[Any]]]]:
    """Chunks of driver parameters, generated and converted on a helper thread while this one
    writes the previous chunk (SQLite does its B-tree work with the GIL released, so the two
    overlap). The helper never touches the connection."""
    out: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()
    producer = threading.Thread(target=_produce, args=(st, personas, first_id, writers, out, stop),
                                name="sample-shop-generator", daemon=True)
    producer.start()
    try:
        while True:
            if cancelled is not None and cancelled():
                raise Cancelled()  # raised inside the transaction: everything rolls back
            item = out.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while producer.is_alive():  # unblock a producer waiting to put
            try:
                out.get(timeout=0.05)
            except queue.Empty:
                pass
        producer.join()


def build_sample_shop(
    db: Database,
    customers: int = 2000,
    seed: int = 42,
    clock: Clock | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DemoResult:
    """Fill an empty database with the sample shop. Raises ValueError if it is not empty and
    `Cancelled` (leaving the database untouched) when `cancelled()` turns true."""
    if not 1 <= customers <= MAX_CUSTOMERS:
        raise ValueError(f"The sample shop can have 1 to {MAX_CUSTOMERS:,} customers, not {customers:,}.")
    now = utc_naive((clock or SystemClock()).now()).replace(microsecond=0)
    st = ShopState(seed, now)
    personas = assign_personas(st.rng, customers)
    with db.Session() as session, session.begin():
        _refuse_if_not_empty(session)
        _prepare_ids(session, st)
        first_id = st.next_id["customers"]
        conn = session.connection()
        writers = {name: TableWriter(conn, model.__table__, cols) for name, model, cols in _TABLES}
        with roomy_cache(conn), closing(_generated(st, personas, first_id, writers, cancelled)) as chunks:
            for done, params in chunks:
                for name, _model, _cols in _TABLES:
                    writers[name].execute(params[name])
                if progress is not None:
                    progress(done, customers)
        from wadesk.core.pipeline.sample import add_sample_deals  # a board with cards (issue 9)

        add_sample_deals(session, now, count=min(150, max(1, customers // 15)), seed=seed)
        set_setting(session, "sample_shop", True)
        set_setting(session, "first_run_done", True)
        set_setting(session, "shop_name", SAMPLE_SHOP_NAME)
        move_sequences_past_ids(conn)  # the rows were written with their ids
    # Scores and funnel stages, so segments and the customer page have them from the first look.
    from wadesk.core.profile import refresh_profiles

    refresh_profiles(db, clock=clock)
    return DemoResult(
        customers=writers["customers"].count, orders=writers["orders"].count,
        order_items=writers["order_items"].count, events=writers["events"].count,
    )


def remove_sample_shop(db: Database) -> DemoResult:
    """Delete every customer and what hangs off them, and the sample-shop label. Only when the
    database holds the sample shop; returns how many rows went."""
    with db.session() as session:
        if not get_setting(session, "sample_shop"):
            raise ValueError("This database does not hold the sample shop, so nothing was removed.")

        def count(model) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        result = DemoResult(count(Customer), count(Order), count(OrderItem), count(Event))
        # Children first, so no cascade has to search for them.
        for model in (DealStageChange, Deal, Message, ConsentEvent, CustomerNote, CustomerTag, Event, OrderItem,
                      Order, Tag, Customer):
            session.execute(delete(model))
        set_setting(session, "sample_shop", False)
        if get_setting(session, "shop_name") == SAMPLE_SHOP_NAME:
            set_setting(session, "shop_name", "")
        from wadesk.core.pipeline.sample import STAFF, set_staff_names, staff_names

        if tuple(staff_names(session)) == STAFF:  # the sample's made-up staff go with it
            set_staff_names(session, [])
    return result
