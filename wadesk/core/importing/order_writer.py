"""Orders keyed by (source, external id): created once, then only moved forward.

Re-importing the same export changes nothing; a newer export moves statuses forward (paid after
pending, fulfilled after unfulfilled, cancelled stays cancelled) and fills blanks. Courier rows
(Shiprocket) update the shop order with the same number."""
from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from wadesk.core.crm.totals import tally_order
from wadesk.core.db.models import Order, OrderItem
from wadesk.core.importing.ready_orders import ORDER_COLS, READY_FIELDS, READY_ORDER, ReadyOrder, ready_order
from wadesk.core.importing.stored import datetime_value
from wadesk.core.importing.changelog import ChangeLog
from wadesk.core.importing.formats.base import OrderData, ShipmentUpdate

FIN_RANK = {"pending": 0, "authorized": 1, "partially_paid": 2, "paid": 3, "partially_refunded": 4,
            "refunded": 5, "voided": 5, "expired": 5}
FUL_RANK = {"unfulfilled": 0, "pending": 0, "partial": 1, "fulfilled": 2, "restocked": 3}
SHIP_RANK = {"pending": 0, "shipped": 1, "delivered": 2, "cancelled": 2, "lost": 3, "rto": 3}
ITEM_COLS = ("order_id", "product", "sku", "quantity", "price", "category")  # an item tuple is (product ... category)
_FILL = ("number", "payment_method", "discount_code", "utm_source", "utm_medium", "utm_campaign", "utm_content",
         "utm_term", "ship_city", "ship_state", "ship_pincode", "currency", "customer_id")
_SUFFIX = re.compile(r"-[A-Z]{1,2}\d?$")
COURIER = "shiprocket"  # source of orders first seen in a courier report
# Key, in an adopted order's values-before (change log), of the courier's line items it replaced.
LINE_ITEMS = "line_items"
# What a shop export says better than a courier report when it takes over a courier-only order.
_SHOP_TRUTH = ("customer_id", "number", "placed_at", "total", "subtotal", "discount_total", "shipping_total",
               "currency", "payment_method", "financial_status", "fulfillment_status", "cancelled_at",
               "discount_code", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
               "ship_city", "ship_state", "ship_pincode")


_TOTAL, _PLACED, _CANCELLED, _COD, _DISCOUNT, _SHIP, _RTO = (READY_FIELDS.index(c) for c in (
    "total", "placed_at", "cancelled_at", "is_cod", "discount_code", "shipping_status", "is_rto"))


def values(o: OrderData | ReadyOrder, customer_id: int | None) -> dict[str, Any]:
    """order_values for either kind of order (a ReadyOrder's stored texts and floats read back
    as datetimes, Decimals and a dict)."""
    if type(o) is not ReadyOrder:
        return order_values(o, customer_id)
    v = dict(zip(READY_FIELDS, o.ready))
    for f in ("placed_at", "cancelled_at", "delivered_at", "rto_at"):
        v[f] = datetime.fromisoformat(v[f]) if type(v[f]) is str else None
    for f in ("total", "subtotal", "discount_total", "shipping_total"):
        v[f] = Decimal(repr(v[f])) if v[f] == v[f] else None
    v["attributes"] = json.loads(v["attributes"]) if type(v["attributes"]) is str else {}
    v["customer_id"] = customer_id
    return v


def tally_ready(fig: list | None, r: tuple) -> list:
    """crm.totals.tally_order for a ready_order tuple (NULL is NaN there; money back to Decimal
    through its shortest text, the order's own figure, so sums match the row path's)."""
    t, placed = r[_TOTAL], r[_PLACED]
    return tally_order(fig, None if t != t else Decimal(repr(t)), placed if type(placed) is str else None,
                       type(r[_CANCELLED]) is str, r[_COD], r[_RTO], r[_DISCOUNT], r[_SHIP])


def order_values(o: OrderData, customer_id: int | None) -> dict[str, Any]:
    u = o.utm
    v = {
        "customer_id": customer_id, "number": o.number, "placed_at": o.placed_at, "total": o.total,
        "subtotal": o.subtotal, "discount_total": o.discount_total, "shipping_total": o.shipping_total,
        "currency": o.currency or "INR", "payment_method": o.payment_method, "is_cod": o.is_cod,
        "financial_status": o.financial_status, "fulfillment_status": o.fulfillment_status,
        "cancelled_at": o.cancelled_at, "discount_code": o.discount_code, "ship_city": o.ship_city,
        "ship_state": o.ship_state, "ship_pincode": o.ship_pincode, "attributes": o.attributes,
        "utm_source": u.get("source"), "utm_medium": u.get("medium"), "utm_campaign": u.get("campaign"),
        "utm_content": u.get("content"), "utm_term": u.get("term"),
    }
    if (sh := o.shipping) is not None:  # an order only the courier knows
        v.update(shipping_status=sh.shipping_status, is_rto=sh.is_rto, rto_at=sh.rto_at, delivered_at=sh.delivered_at,
                 attributes={**o.attributes, **sh.attributes})
    return v


def _forward(rank: dict[str, int], old: str | None, new: str | None) -> bool:
    return bool(new) and new != old and (old is None or rank.get(new, 0) >= rank.get(old, 0))


def order_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    ch: dict[str, Any] = {}
    for f in _FILL:
        if new.get(f) is not None and old.get(f) is None:
            ch[f] = new[f]
    if _forward(FIN_RANK, old["financial_status"], new["financial_status"]):
        ch["financial_status"] = new["financial_status"]
    if _forward(FUL_RANK, old["fulfillment_status"], new["fulfillment_status"]):
        ch["fulfillment_status"] = new["fulfillment_status"]
    if new["cancelled_at"] and not old["cancelled_at"]:
        ch["cancelled_at"] = new["cancelled_at"]
    for f in ("total", "subtotal", "discount_total", "shipping_total"):
        if new[f] is not None and old[f] is not None and new[f] != old[f]:
            ch[f] = new[f]  # an edited order: the store's figure is the truth
    if new["is_cod"] and not old["is_cod"]:
        ch["is_cod"] = True
    extra = {k: v for k, v in (new.get("attributes") or {}).items() if k not in (old["attributes"] or {})}
    if extra:
        ch["attributes"] = {**(old["attributes"] or {}), **extra}
    return ch


class OrderWriter:
    def __init__(self, session: Session, source: str, log: ChangeLog, now, bulk):
        self.s, self.source, self.log, self.now, self.bulk = session, source, log, now, bulk
        self.known: dict[str, dict[str, Any]] | None = None  # external_id -> current values (+ "id")
        self.by_number: dict[str, list[dict[str, Any]]] | None = None
        self.courier: dict[str, dict[str, Any]] | None = None  # courier-only orders by number
        self.created = self.updated = 0
        self.touched_customers: set[int] = set()
        # Order figures (crm.totals.FIGURES) of the orders created here, by customer; only the
        # customers no other change reached (`recount`) can take them instead of the query.
        self.figures: dict[int, list] = {}
        self.recount: set[int] = set()

    def _load(self) -> None:
        cols = [getattr(Order, c) for c in ORDER_COLS]
        self.known = {}
        for row in self.s.execute(select(Order.id, Order.external_id, *cols).where(Order.source == self.source)):
            self.known[row[1]] = {"id": row[0], **dict(zip(ORDER_COLS, row[2:]))}

    def write(self, batch: list[tuple[OrderData | ReadyOrder, int | None]]) -> None:
        """Create or update a chunk of orders (customer ids already resolved)."""
        if self.known is None:
            self._load()
        known = self.known
        new: list[tuple[OrderData | ReadyOrder, int | None, dict[str, Any]]] = []
        extra_items = []
        for o, cid in batch:
            old = known.get(o.external_id)
            if o.continuation:  # line items only, for an order met earlier in this file
                if old is not None and "id" not in old:
                    old["_items"] = old.get("_items", []) + o.items
                elif old is not None and (old.get("_new") or old.get("_shop_items")):
                    extra_items.append((old["id"], o.items))
                continue
            if old is None and (courier := self._courier_order(o)) is not None:
                if self._adopt(courier, o, values(o, cid)):
                    extra_items.append((courier["id"], o.items))
                continue
            if old is None:
                known[o.external_id] = pending = {}  # its repeats in this chunk: only their line items
                new.append((o, cid, pending))
            elif "id" not in old or old.get("_new"):
                continue  # the same order twice in one file: the first occurrence wins
            else:
                ch = order_changes(old, values(o, cid))
                if ch:
                    self.log.add_updated("order", old["id"], {k: old[k] for k in [*ch, "updated_at"]})
                    self.s.execute(update(Order).where(Order.id == old["id"]).values(**ch, updated_at=self.now))
                    old.update(ch, updated_at=self.now)
                    self.updated += 1
                    self._touch(old["customer_id"], cid)
        if new:
            ids = self._insert(new)
            for (o, _cid, pending), oid in zip(new, ids):
                # Orders created by this import are not updated again (only given more items):
                # keep just their id, so a million-line file does not hold every order in memory.
                known[o.external_id] = {"id": oid, "_new": True}
                more = pending.get("_items")
                extra_items.append((oid, o.items + more if more else o.items))
            self.touched_customers.update(cid for _o, cid, _p in new if cid)
            self.log.add_created("order", list(ids))
            self.created += len(ids)
        if extra_items and self.bulk.raw:  # SQLite: ready tuples, ids from SQLite (nothing refers to them)
            self.bulk.insert_ready(OrderItem, ITEM_COLS, [
                (oid, p, sku, q, float(price) if type(price) is Decimal else price, cat)
                for oid, items in extra_items for p, sku, q, price, cat in items])
        elif extra_items:
            self.bulk.insert(OrderItem, [dict(zip(ITEM_COLS, (oid, *item))) for oid, items in extra_items for item in items])

    def _insert(self, new: list[tuple[OrderData | ReadyOrder, int | None, dict[str, Any]]]) -> list[int]:
        """Insert new orders; -> their ids. On SQLite each goes as one ready tuple, and the order
        figures of its customer are added up (`figures`: only SQLite's imports write customers last)."""
        source, now = self.source, self.now
        if not self.bulk.raw:
            rows = []
            for o, cid, _p in new:
                vals = values(o, cid)
                vals["source"], vals["external_id"], vals["created_at"], vals["updated_at"] = source, o.external_id, now, now
                rows.append(vals)
            return self.bulk.insert(Order, rows)
        ids = self.bulk.new_ids(Order.__table__, len(new))
        now_text, figures, rows = datetime_value(now), self.figures, []
        for (o, cid, _p), oid in zip(new, ids):
            r = o.ready if type(o) is ReadyOrder else ready_order(o)
            rows.append((oid, source, o.external_id, cid, *r, now_text, now_text))
            if cid is not None:
                figures[cid] = tally_ready(figures.get(cid), r)
        self.bulk.insert_ready(Order, READY_ORDER, rows)
        return ids

    # --- orders first known from a courier report ---------------------------------------------
    def _courier_order(self, o: OrderData) -> dict[str, Any] | None:
        """The courier-only order (source shiprocket) with this shop order's number, if any."""
        if self.source == COURIER:
            return None
        if self.courier is None:
            self.courier = {}
            cols = [getattr(Order, c) for c in ORDER_COLS]
            for row in self.s.execute(select(Order.id, Order.external_id, *cols).where(Order.source == COURIER)):
                vals = {"id": row[0], "external_id": row[1], **dict(zip(ORDER_COLS, row[2:]))}
                for key in {_num(row[1]), _SUFFIX.sub("", _num(row[1]))} - {""}:
                    self.courier.setdefault(key, vals)
        if not self.courier:
            return None
        return self.courier.get(_num(o.number or "")) or self.courier.get(_num(o.external_id))

    def _adopt(self, old: dict[str, Any], o: OrderData, vals: dict[str, Any]) -> bool:
        """The shop's export of an order the courier report brought first: the shop's keys and figures
        take over the same row (no second order); the courier's status and dates stay. The shop's
        line items, when it lists any, replace the courier's (returns True: the caller adds them);
        the courier's are kept in the change log with the order's values before, so an undo puts
        them back (history.rollback_import)."""
        ch: dict[str, Any] = {"source": self.source, "external_id": o.external_id}
        for f in _SHOP_TRUTH:
            if vals.get(f) is not None and vals[f] != old[f]:
                ch[f] = vals[f]
        if vals["is_cod"] and not old["is_cod"]:
            ch["is_cod"] = True
        ch["attributes"] = {**(vals.get("attributes") or {}), **(old["attributes"] or {})}
        before = {k: old.get(k) for k in ch} | {"source": COURIER, "external_id": old["external_id"],
                                               "updated_at": old["updated_at"]}
        if o.items:
            before[LINE_ITEMS] = self._take_items(old["id"])
            old["_shop_items"] = True  # line items of it further down the file are added too
        self.log.add_updated("order", old["id"], before)
        self.s.execute(update(Order).where(Order.id == old["id"]).values(**ch, updated_at=self.now))
        old.update(ch, updated_at=self.now)
        for key in [k for k, v in self.courier.items() if v is old]:  # its other keys ("1741-C")
            del self.courier[key]
        self.known[o.external_id] = old  # repeats of it in this file change nothing more
        self.updated += 1
        self._touch(old["customer_id"], before.get("customer_id"))
        return bool(o.items)

    def _take_items(self, order_id: int) -> list[list[Any]]:
        """Delete an order's line items; -> them as [id, product, sku, category, quantity, price text]."""
        rows = self.s.execute(select(OrderItem.id, OrderItem.product, OrderItem.sku, OrderItem.category,
                                     OrderItem.quantity, OrderItem.price)
                              .where(OrderItem.order_id == order_id).order_by(OrderItem.id)).all()
        self.s.execute(delete(OrderItem).where(OrderItem.order_id == order_id))
        return [[i, p, sku, cat, q, None if price is None else str(price)] for i, p, sku, cat, q, price in rows]

    # --- courier updates -------------------------------------------------------------------------
    def has_order(self, ref: str) -> bool:
        if self.by_number is None:
            self._load_numbers()
        n = _num(ref)
        return bool(self.by_number.get(n) or self.by_number.get(_SUFFIX.sub("", n)))

    def _load_numbers(self) -> None:
        self.by_number = {}
        cols = [getattr(Order, c) for c in ORDER_COLS]
        for row in self.s.execute(select(Order.id, Order.external_id, *cols)):
            vals = {"id": row[0], **dict(zip(ORDER_COLS, row[2:]))}
            for key in {_num(row[1]), _num(vals["number"] or "")} - {""}:
                self.by_number.setdefault(key, []).append(vals)

    def ship(self, u: ShipmentUpdate) -> str | None:
        """Apply a courier row; returns a reason when no shop order matches."""
        if self.by_number is None:
            self._load_numbers()
        ref = _num(u.order_ref)
        matches = self.by_number.get(ref) or self.by_number.get(_SUFFIX.sub("", ref)) or []
        if not matches:
            return f"No order {u.order_ref} in WaDesk yet; import the shop's orders first, then this file again."
        for old in matches:
            ch: dict[str, Any] = {}
            if u.shipping_status and u.shipping_status != old["shipping_status"] and \
                    SHIP_RANK.get(u.shipping_status, 0) >= SHIP_RANK.get(old["shipping_status"] or "pending", 0):
                ch["shipping_status"] = u.shipping_status
            if u.is_rto and not old["is_rto"]:
                ch["is_rto"] = True
            for f in ("rto_at", "delivered_at"):
                if getattr(u, f) and not old[f]:
                    ch[f] = getattr(u, f)
            if u.is_cod and not old["is_cod"]:
                ch["is_cod"] = True
            extra = {k: v for k, v in u.attributes.items() if (old["attributes"] or {}).get(k) != v}
            if extra:
                ch["attributes"] = {**(old["attributes"] or {}), **extra}
            if ch:
                self.log.add_updated("order", old["id"], {k: old[k] for k in [*ch, "updated_at"]})
                self.s.execute(update(Order).where(Order.id == old["id"]).values(**ch, updated_at=self.now))
                old.update(ch, updated_at=self.now)
                self.updated += 1
                self._touch(old["customer_id"])
        return None

    def _touch(self, *customer_ids: int | None) -> None:
        """Customers whose existing orders changed: their figures come from the database."""
        for c in customer_ids:
            if c:
                self.touched_customers.add(c)
                self.recount.add(c)


def _num(text: str) -> str:
    return text.strip().lstrip("#").upper()
