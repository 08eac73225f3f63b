"""Writing records into the shop database, in chunks, inside the caller's one transaction.

Customers are resolved against an in-memory index of the whole database (phone, email, store id),
so a 100,000-row list costs a few dictionary lookups per row plus bulk INSERT/UPDATE statements.
Every created id and every changed value goes to the change log (rollback)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wadesk.core.crm.totals import FIGURES, NO_ORDERS, refresh_order_totals, refresh_tag_lists
from wadesk.core.db.import_models import ImportChange
from wadesk.core.db.models import ConsentEvent, Customer, CustomerTag, Event, Tag
from wadesk.core.importing.bulk import BulkWriter
from wadesk.core.importing.changelog import ChangeLog
from wadesk.core.importing.formats.base import Format, Record
from wadesk.core.importing.identity import (
    FIELDS, CustomerIndex, Draft, apply_consent, blank_values, load_drafts, merge, tag_list,
)
from wadesk.core.importing.indexes import SecondaryIndexes
from wadesk.core.importing.list_merge import ListMerge, plan
from wadesk.core.importing.order_writer import OrderWriter
from wadesk.core.importing.parse_worker import cells_of
from wadesk.core.importing.phonebook import PhoneBook, identify
from wadesk.core.importing.stored import datetime_value, json_text, money_value
from wadesk.core.importing.tagging import tag_ids

CHUNK = 5000
HOLD_ROWS = 300_000  # rows of a plain list held for the set-wise merge (list_merge.py); past it, merged as they come
SET_WISE = True  # tests turn it off to compare the two paths
_COMPARED = frozenset(FIELDS) - {"updated_at"}  # what makes a stored customer "updated"
REJECT_LIMIT = 100_000  # rows kept for the rejected-rows file
# Acquisition channel of customers an import creates, by the file's source.
CHANNELS = {"shopify": "shopify", "woocommerce": "website", "razorpay": "website", "meta": "meta_lead"}


# ready_customer's tuple: the id, FIELDS, then the rest of a new customer's columns.
READY_CUSTOMER = ("id", *FIELDS, "created_at", "tag_list", "version", *FIGURES)
assert FIELDS == ("phone", "phone_national", "email", "first_name", "last_name", "name", "name_key", "last_name_key",
                  "city", "state", "pincode", "country", "channel", "attributes", "consent_state", "consent_source",
                  "consent_at", "updated_at"), "ready_customer writes FIELDS in this order"


def ready_customer(d: Draft, fig: tuple | list, now: datetime, now_text: str) -> tuple:
    """A new customer (with the order figures `fig`) in READY_CUSTOMER order as the driver takes it."""
    v = d.values
    upd = v["updated_at"]
    first = datetime_value(fig[2])
    last = first if fig[3] is fig[2] else datetime_value(fig[3])  # one order: one datetime
    return (d.id, v["phone"], v["phone_national"], v["email"], v["first_name"], v["last_name"], v["name"],
            v["name_key"], v["last_name_key"], v["city"], v["state"], v["pincode"], v["country"], v["channel"],
            json_text(v["attributes"]), v["consent_state"], v["consent_source"], datetime_value(v["consent_at"]),
            now_text if upd is now else datetime_value(upd), now_text, tag_list(d.tags), 1,
            fig[0], money_value(fig[1]), first, last,
            fig[4], fig[5], fig[6], fig[7], fig[8])


class ImportWriter:
    def __init__(self, session: Session, fmt: Format, file_name: str, region: str, now: datetime,
                 rows_expected: int = 0, customers_last: bool = False, index: CustomerIndex | None = None):
        """index: the shop's customers as this session sees them (CustomerIndex), when already loaded."""
        self.s, self.fmt, self.source, self.now = session, fmt, fmt.source, now
        self.consent_source = f"import:{file_name}"[:64]
        self.channel = CHANNELS.get(fmt.source, "import")  # a new customer's, when the file names none
        self.index = index or CustomerIndex(session, [fmt.source])
        self.phones = PhoneBook(region, self.index.phone)
        self.drafts: dict[int, Draft] = {}  # key: real id, or a negative number for new customers
        self._temp = 0
        self.log = ChangeLog()
        self.bulk = BulkWriter(session)
        self.orders = OrderWriter(session, fmt.source, self.log, now, self.bulk)
        self.counts: Counter[str] = Counter()
        self.rejects: list[tuple[int, str, list[str]]] = []
        self.warnings: Counter[str] = Counter()
        self._buffer: list[Record] = []
        self._new: list[Draft] = []  # created since the last flush
        # customers_last: new customers get their ids at once and are written in finish() (the
        # caller has foreign keys unchecked), else written every flush and again if changed later.
        self.customers_last = customers_last
        self._unwritten: list[Draft] = []
        self._event_keys: set[tuple[int, str, datetime]] = set()
        # A list of customers only (no orders, events or courier rows so far) is held, parsed, to
        # the end on SQLite: then the rows no other row touches are merged set-wise and the rest as
        # they would have been, in file order. The first row with more ends the holding.
        self._held: list[tuple[Record, Any]] | None = [] if self.bulk.raw and SET_WISE else None
        self.indexes = SecondaryIndexes(session)  # dropped for a file much bigger than the shop
        self.indexes.drop_for_import(rows_expected)

    # --- intake ----------------------------------------------------------------------------------
    def add(self, rec: Record) -> None:
        self.counts["rows"] += 1
        self._buffer.append(rec)
        if len(self._buffer) >= CHUNK:
            self.flush()

    def reject(self, rec: Record, reason: str) -> None:
        self.counts["rejected"] += 1
        if len(self.rejects) < REJECT_LIMIT:
            self.rejects.append((rec.row, reason, cells_of(rec)))

    def _identity(self, rec: Record):
        ident, why, warnings = rec.identity or identify(rec.customer, self.phones)
        for w in warnings:
            self.warnings[w] += 1
        return ident, why

    def flush(self) -> None:
        recs, self._buffer = self._buffer, []
        parsed = self._parse(recs)
        if self._held is not None:
            if len(self._held) + len(parsed) <= HOLD_ROWS and all(
                    r.order is None and r.shipment is None and not r.events for r, _i in parsed):
                self._held += parsed
                return
            parsed, self._held = self._held + parsed, None
        self._apply(parsed)

    def _parse(self, recs: list[Record]) -> list[tuple[Record, Any]]:
        """Rejects what cannot be imported; -> the other records with their identity."""
        parsed: list[tuple[Record, Any]] = []
        for rec in recs:
            if rec.error:
                self.reject(rec, rec.error)
                continue
            if rec.shipment is not None and (why := self._courier_row(rec)):
                self.reject(rec, why)
                continue
            ident = None
            if rec.customer is not None:
                ident, why = self._identity(rec)
                if why and rec.order is None and rec.shipment is None:
                    self.reject(rec, why)
                    continue
            if rec.customer is not None and ident is None:
                self.warnings["orders without a usable phone or email (kept without a customer)"] += 1
            parsed.append((rec, ident))
        return parsed

    def _apply(self, parsed: list[tuple[Record, Any]]) -> None:
        """Merge and write parsed records (the Python path)."""
        ids = []
        if self.index.stored:  # stored customers to load (none in a first import)
            for rec, ident in parsed:
                if ident:
                    p, _o, e = ident
                    k = self.index.find(p.e164 if p else None, e, self.source, rec.customer.external_id)
                    if k and k > 0 and k not in self.drafts:
                        ids.append(k)
        self._load(ids)
        orders, events = [], []
        for rec, ident in parsed:
            key = self._merge(rec, ident) if ident else None
            if rec.order is not None:
                orders.append((rec.order, key))
            if rec.events and key is not None:
                events += [(key, ev) for ev in rec.events]
            if rec.shipment is not None and (why := self.orders.ship(rec.shipment)):
                self.reject(rec, why)
        self._insert_new()
        if orders:
            self.orders.write([(o, self.drafts[k].id if k is not None else None) for o, k in orders])
        if events:
            self._insert_events(events)

    def _courier_row(self, rec: Record) -> str | None:
        """A courier row updates the shop order it names; without one it is an order of its own (with
        its customer), or rejected when it lacks what an order needs."""
        ship = rec.shipment
        if self.orders.has_order(ship.order_ref):
            rec.customer = rec.order = None  # the shop's order and customer stay the shop's
            return None
        rec.shipment = None  # the new order carries the courier's status (OrderData.shipping)
        if rec.order is None:
            why = (ship.why_no_order or "it has no order date and no order total").rstrip(".")
            return (f"No order {ship.order_ref} in WaDesk, and this row cannot be added as an order of its own: "
                    f"{why[:1].lower()}{why[1:]}.")
        return None

    def _load(self, ids: list[int]) -> None:
        if not ids:
            return
        loaded = load_drafts(self.s, ids)
        for i in range(0, len(ids), 5000):
            q = (select(CustomerTag.customer_id, Tag.name).join(Tag, Tag.id == CustomerTag.tag_id)
                 .where(CustomerTag.customer_id.in_(ids[i:i + 5000])))
            for cid, name in self.s.execute(q):
                loaded[cid].tags.add(name)
        self.drafts.update(loaded)

    def _merge(self, rec: Record, ident) -> int:
        c = rec.customer
        primary, others, email = ident
        key = self.index.find(primary.e164 if primary else None, email, self.source, c.external_id)
        if key is None:
            self._temp -= 1
            key = self._temp
            self.drafts[key] = Draft(None, blank_values(self.now), before=None)
            self._new.append(self.drafts[key])
            self.counts["customers_created"] += 1
        d = self.drafts[key]
        d.merged_rows += 1
        if d.before is None and d.id is not None:
            d.dirty = True
        if d.merged_rows == 2 and d.before is None:
            self.counts["merged_in_file"] += 1
        merge(d, c, primary, others, email, self.source, self.now)
        if c.consent and not apply_consent(d, c.consent, c.consent_at or self.now, self.consent_source):
            self.warnings["opt-ins ignored because the customer had opted out"] += 1
        v = d.values
        if v["phone"]:
            self.index.phone.setdefault(v["phone"], key)
        if v["email"]:
            self.index.email.setdefault(v["email"], key)
        if c.external_id:
            self.index.ext.setdefault((self.source, c.external_id), key)
        return key

    def _insert_new(self) -> None:
        new, self._new = self._new, []
        if not new:
            return
        if self.customers_last:
            ids = self.bulk.new_ids(Customer.__table__, len(new))
            self._unwritten += new
        else:
            ids = self.bulk.insert(Customer, self._new_rows(new))
        for d, i in zip(new, ids):
            d.id = i
        self.log.add_created("customer", list(ids))

    def _channel(self, d: Draft) -> None:
        if not d.values["channel"]:
            d.values["channel"] = self.channel

    def _new_rows(self, drafts: list[Draft]) -> list[dict[str, Any]]:
        rows = []
        for d in drafts:
            self._channel(d)
            rows.append({**d.values, "created_at": self.now, "order_count": 0, "total_spent": 0,
                         "tag_list": tag_list(d.tags), "version": 1})
        return rows

    def _unwritten_rows(self) -> tuple[list[tuple], set[int]]:
        """customers_last (SQLite): the new customers, once, as the whole file left them, with the
        figures of their orders (all created by this import, unless another change reached them),
        each as one tuple for the driver (ready_customer), as insert() would write it from
        _new_rows. No database work. -> (the rows, the customers whose figures they carry)."""
        new, self._unwritten = self._unwritten, []
        figures, recount, counted = self.orders.figures, self.orders.recount, set()
        rows, now = [], self.now
        now_text = datetime_value(now)
        for d in new:
            d.dirty = False
            self._channel(d)
            fig = figures.get(d.id)
            if fig is not None and d.id not in recount:
                counted.add(d.id)
            else:
                fig = NO_ORDERS
            rows.append(ready_customer(d, fig, now, now_text))
        return rows, counted

    def _insert_events(self, events) -> None:
        cids = [self.drafts[k].id for k, _e in events if self.drafts[k].before is not None]
        types = {e.type for _k, e in events}
        for i in range(0, len(cids), 5000):
            q = select(Event.customer_id, Event.type, Event.occurred_at).where(
                Event.customer_id.in_(cids[i:i + 5000]), Event.type.in_(types))
            self._event_keys.update(tuple(r) for r in self.s.execute(q))
        rows = []
        for k, e in events:
            cid = self.drafts[k].id
            key = (cid, e.type, e.occurred_at)
            if key in self._event_keys:
                continue
            self._event_keys.add(key)
            rows.append({"customer_id": cid, "type": e.type, "occurred_at": e.occurred_at, "product": e.product,
                         "category": e.category, "value": e.value, "properties": e.properties,
                         "source": self.source})
        if rows:
            ids = self.bulk.insert(Event, rows)
            self.log.add_created("event", list(ids))
            self.counts["events_created"] += len(ids)

    # --- the end -------------------------------------------------------------------------------
    def finish(self, import_id: int | None) -> dict[str, int]:
        """Write what accumulates over the whole file: customer updates, tags, consent, totals."""
        self.flush()
        merged = self._merge_held()
        # The orders' indexes are built on a thread while the new customers' rows are made.
        with self.indexes.rebuilt_beside(("orders", "order_items")):
            rows, counted = self._unwritten_rows()
        if rows:
            self.bulk.insert_ready(Customer, READY_CUSTOMER, rows)
        updates = []
        for d in self.drafts.values():
            if d.before is None:  # created by this import: rewrite only if merged again later
                if d.dirty:
                    updates.append({"id": d.id, **{k: d.values[k] for k in FIELDS}, "tag_list": tag_list(d.tags)})
                continue
            before = d.before
            # Most customers of a re-imported list are unchanged: one dict comparison says so.
            ch = {} if d.values == before else {
                k: v for k, v in d.values.items() if k in _COMPARED and before.get(k) != v}
            # tag_list is what refresh_tag_lists would write (tags sorted by name, as SQLite sorts
            # them); it is not a field the log restores (an undo rebuilds it from the tags).
            tags = {"tag_list": tag_list(d.tags)} if d.new_tags else {}
            if not ch:
                if tags:
                    updates.append({"id": d.id, **tags})
                continue
            self.log.add_updated("customer", d.id, {k: before[k] for k in ch} | {"updated_at": before["updated_at"]})
            self.counts["customers_updated"] += 1
            updates.append({"id": d.id, **ch, "updated_at": self.now, **tags})
        self.bulk.update(Customer, updates)
        if merged:
            merged.write(import_id, self.log, self.counts, self.warnings)
            merged.close()
        tagged = self._write_tags()
        self._write_consent()
        if not self.bulk.raw:  # a server database sorts names by its own collation: let it build them
            refresh_tag_lists(self.s, tagged)
        refresh_order_totals(self.s, sorted(self.orders.touched_customers - counted))
        self.touched = sorted({d.id for d in self.drafts.values()} | set(self.orders.touched_customers)
                              | set(merged.ids if merged else ()))
        if import_id is not None:
            self.log.touched = self.touched
            self.bulk.insert(ImportChange, self.log.rows(import_id))
        self.counts["orders_created"], self.counts["orders_updated"] = self.orders.created, self.orders.updated
        # The other indexes (the customers') are built on a thread while what only the writing
        # needed is let go: freeing a million-line file's drafts, orders and new customers' rows
        # takes ~0.6 s.
        with self.indexes.rebuilt_beside():
            del self.drafts, self.index, self.phones, self.orders, self.log, self._event_keys, rows, updates
        return dict(self.counts)

    def _merge_held(self) -> ListMerge | None:
        """The held rows of a plain list: the solo ones to list_merge (its load writes the new
        customers, finish the rest), the others merged here as they would have been, in file order."""
        held, self._held = self._held, None
        if not held:
            return None
        solo, rest = plan(held, self.index, self.source)
        merged = None
        if solo:
            merged = ListMerge(self.bulk, self.now, self.consent_source, self.channel)
            rest = sorted(rest + merged.load(held, solo))
        self._apply([held[i] for i in rest])
        return merged

    def _write_tags(self) -> list[int]:
        wanted = {t for d in self.drafts.values() for t in d.new_tags}
        if not wanted:
            return []
        ids = tag_ids(self.s, self.bulk, self.log, wanted)
        pairs = [[d.id, ids[t]] for d in self.drafts.values() for t in sorted(d.new_tags)]
        self.bulk.insert(CustomerTag, [{"customer_id": c, "tag_id": t} for c, t in pairs], with_ids=False)
        self.log.pairs += pairs
        return sorted({c for c, _t in pairs})

    def _write_consent(self) -> None:
        rows = [{"customer_id": d.id, "purpose": "marketing", "action": action, "source": self.consent_source,
                 "occurred_at": at, "note": None} for d in self.drafts.values() for action, at in d.consent_events]
        if rows:
            ids = self.bulk.insert(ConsentEvent, rows)
            self.log.add_created("consent_event", list(ids))
            self.counts["consent_changes"] += len(ids)
