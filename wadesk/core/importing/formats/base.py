"""What a format adapter produces, and the machinery every adapter shares.

An adapter turns rows of a `Table` into `Record`s: a customer (who), and optionally an order, events
and a shipment update (what happened). Columns are reached by *field* ("phone", "order_total"), never
by position: a mapping says which columns (in priority order) hold each field.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterable, Iterator

from wadesk.core.importing.readers.table import Table, clean_cell
from wadesk.core.importing.values import BLANKS, clean_name, parse_consent, parse_datetime, parse_money, split_name

# Field catalogue: what a column can be mapped to (the wizard lists these; "attr:<name>" keeps a
# column as a custom attribute, "" skips it).
FIELDS: dict[str, str] = {
    "phone": "Phone / mobile / WhatsApp number", "email": "Email", "name": "Full name",
    "first_name": "First name", "last_name": "Last name", "city": "City", "state": "State",
    "pincode": "Pincode / ZIP", "country": "Country", "tags": "Tags / labels",
    "whatsapp_consent": "WhatsApp opt-in", "sms_consent": "SMS opt-in", "email_consent": "Email opt-in",
    "customer_id": "Customer id (in the store)", "note": "Note", "channel": "Channel / lead source",
    "store_total_spent": "Total spent (as the store reports)", "store_order_count": "Order count (store)",
    "order_id": "Order id", "order_number": "Order number", "order_date": "Order date",
    "order_total": "Order total", "subtotal": "Subtotal", "discount": "Discount amount",
    "shipping": "Shipping amount", "currency": "Currency", "payment_method": "Payment method",
    "financial_status": "Payment status", "fulfillment_status": "Fulfilment status",
    "order_status": "Order status", "cancelled_at": "Cancelled at", "discount_code": "Discount code",
    "item_name": "Product", "item_sku": "SKU", "item_qty": "Quantity", "item_price": "Item price",
    "item_category": "Product category", "ship_city": "Shipping city", "ship_state": "Shipping state",
    "ship_pincode": "Shipping pincode", "note_attributes": "Note attributes (Shopify)",
    "order_tags": "Order tags", "source_name": "Sales channel", "refunded": "Refunded amount",
    "utm_source": "UTM source", "utm_medium": "UTM medium", "utm_campaign": "UTM campaign",
    "utm_content": "UTM content", "utm_term": "UTM term", "line_items": "Line items (packed in one cell)",
    "event_type": "Event type", "event_time": "Event time", "value": "Value",
    # Sales pipeline (issue 9; CRM exports): applied by core.pipeline.imported after the customers.
    "lead_status": "Lead status", "lifecycle_stage": "Lifecycle stage (HubSpot)", "deal_stage": "Deal stage",
    "deal_value": "Deal value / amount", "owner": "Owner (staff member)", "lost_reason": "Lost reason",
}
# import field -> key under the customer's attributes["pipeline"]
PIPELINE_FIELDS = {"lead_status": "lead_status", "lifecycle_stage": "lifecycle_stage", "deal_stage": "stage",
                   "deal_value": "value", "owner": "owner", "lost_reason": "lost_reason"}

_PHONE_SPLIT = re.compile(r"\s*(?::::|[/,;|&\n]|\bor\b)\s*", re.I)
_ONE_PHONE = re.compile(r"[\d+\-(). ]+")  # no separator fits in it (most cells: one number)


def split_phones(*cells: str) -> list[str]:
    """'+91 98000 00001 ::: +91 98000 00002', '98765 43210 / 91234 56789' -> each number."""
    if len(cells) == 1 and _ONE_PHONE.fullmatch(one := cells[0]):
        return [one] if one not in BLANKS else []
    out: list[str] = []
    for c in cells:
        for part in _PHONE_SPLIT.split(c):
            if part and part.lower() not in BLANKS and part not in out:
                out.append(part)
    return out


@dataclass
class CustomerData:
    phones: list[str] = field(default_factory=list)  # raw texts, priority order
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    city: str = ""
    state: str = ""
    pincode: str = ""
    country: str = ""
    tags: list[str] = field(default_factory=list)
    channel: str | None = None
    external_id: str | None = None  # the store's customer id (source = the format's source)
    consent: str | None = None  # in | out | no (WhatsApp marketing, see values.parse_consent)
    consent_at: datetime | None = None
    as_of: datetime | None = None  # when the store last saw these details (newer wins on merge)
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class OrderData:
    external_id: str
    number: str | None = None
    placed_at: datetime | None = None
    total: Decimal = Decimal("0")
    subtotal: Decimal | None = None
    discount_total: Decimal | None = None
    shipping_total: Decimal | None = None
    currency: str | None = None
    payment_method: str | None = None
    is_cod: bool = False
    financial_status: str | None = None
    fulfillment_status: str | None = None
    cancelled_at: datetime | None = None
    discount_code: str | None = None
    utm: dict[str, str] = field(default_factory=dict)
    ship_city: str | None = None
    ship_state: str | None = None
    ship_pincode: str | None = None
    items: list[tuple[str, str | None, int, Decimal, str | None]] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    continuation: bool = False  # only line items for an order met earlier in the file
    shipping: "ShipmentUpdate | None" = None  # a courier's view, for an order only the courier knows


@dataclass
class EventData:
    type: str
    occurred_at: datetime
    product: str | None = None
    category: str | None = None
    value: Decimal | None = None
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class ShipmentUpdate:
    """A courier's view of a shop order (Shiprocket): applied to the matching order only."""

    order_ref: str
    shipping_status: str | None = None
    is_rto: bool = False
    rto_at: datetime | None = None
    delivered_at: datetime | None = None
    is_cod: bool | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    why_no_order: str | None = None  # why the row cannot be an order of its own (no date, no total ...)


@dataclass
class Record:
    row: int  # first file row (as Excel numbers it)
    cells: list[str]
    customer: CustomerData | None = None
    order: OrderData | None = None
    events: list[EventData] = field(default_factory=list)
    shipment: ShipmentUpdate | None = None
    error: str | None = None  # set -> the row is rejected with this reason
    warnings: list[str] = field(default_factory=list)
    identity: tuple | None = None  # phonebook.identify(customer), when the parse worker worked it out


Mapping = dict[str, list[int]]  # field -> column indexes in priority order


class FieldMap(dict):
    """A compiled Mapping that also keeps what is asked of it on every row (built on first use,
    after compile has filled it in)."""

    @property
    def customer_steps(self) -> tuple:
        if not hasattr(self, "_steps"):
            self._steps = customer_steps(self)
        return self._steps


class Row:
    """One file row seen through a mapping."""

    __slots__ = ("n", "cells", "m")

    def __init__(self, n: int, cells: list[str], m: Mapping):
        self.n, self.cells, self.m = n, cells, m

    def get(self, f: str) -> str:
        """The first non-empty cell mapped to field f, cleaned (trimmed, Shopify apostrophe gone)."""
        cols = self.m.get(f)
        if cols:
            cells = self.cells
            for i in cols:
                v = cells[i]
                if v:
                    v = v.strip()
                    if v[:1] == "'":
                        v = v[1:].strip()
                    if v:
                        return v
        return ""

    def all(self, f: str) -> list[str]:
        return [v for i in self.m.get(f, ()) if self.cells[i] and (v := clean_cell(self.cells[i]))]


@dataclass
class ParseContext:
    file_name: str
    dayfirst: bool = True
    options: dict[str, Any] = field(default_factory=dict)

    def date(self, text: str) -> datetime | None:
        return parse_datetime(text, self.dayfirst)


class Format:
    """Base of the adapters. Subclasses set the class attributes and override `records`."""

    name = "generic"
    label = "Customer list"
    source = "import"  # Order.source / external-id namespace
    # field -> header names (case-insensitive), best first. Several columns may feed one field.
    aliases: dict[str, list[str]] = {}
    # Headers that identify the format; score = share of them present.
    signature: list[str] = []

    def score(self, table: Table) -> float:
        if not self.signature:
            return 0.0
        have = {h.lower() for h in table.headers}
        return sum(1 for s in self.signature if s.lower() in have) / len(self.signature)

    def default_mapping(self, headers: list[str]) -> dict[str, str]:
        """{header: field} from the aliases (the wizard shows and edits this)."""
        lower = {h.lower(): h for h in headers}
        out: dict[str, str] = {}
        for f, names in self.aliases.items():
            for n in names:
                h = lower.get(n.lower())
                if h is not None and h not in out:
                    out[h] = f
        return out

    def compile(self, headers: list[str], mapping: dict[str, str]) -> Mapping:
        """{header: field} -> {field: [column, ...]} ordered by alias priority, then file order."""
        m: Mapping = FieldMap()
        for h, f in mapping.items():
            if f and h in headers:
                m.setdefault(f, []).append(headers.index(h))
        for f, cols in m.items():
            prio = [a.lower() for a in self.aliases.get(f, [])]
            cols.sort(key=lambda i: (prio.index(headers[i].lower()) if headers[i].lower() in prio else 99, i))
        return m

    def records(self, table: Table, m: Mapping, ctx: ParseContext) -> Iterator[Record]:
        if type(self).record is Format.record:  # a customer per row: converted a column at a time
            from wadesk.core.importing.formats.columns import customer_records

            yield from customer_records(table, m)
            return
        for n, cells in table.rows():
            yield self.record(Row(n, cells, m), ctx)

    def record(self, row: Row, ctx: ParseContext) -> Record:
        rec = Record(row.n, row.cells)
        rec.customer = customer_from(row, ctx)
        return rec


def customer_from(row: Row, ctx: ParseContext) -> CustomerData:
    """The customer fields every format shares. Only mapped fields are read (a Shopify orders row
    maps a dozen of the fields below; this runs once per order of a million-line file): the steps
    for a mapping are chosen once (`customer_steps`) and each row runs just those."""
    c = CustomerData()
    m = row.m
    steps = m.customer_steps if isinstance(m, FieldMap) else customer_steps(m)
    for step in steps:
        step(row, c)
    return c


def customer_steps(m: Mapping) -> tuple:
    """The per-row steps of `customer_from` for the fields mapping m maps, in the order their values
    are set (attribute keys are inserted in this order, which the stored JSON keeps)."""
    steps: list = []
    if "phone" in m:
        steps.append(_phones)
    if "email" in m:
        steps.append(_email)
    steps.append(_names("first_name" in m, "last_name" in m, "name" in m))
    if "city" in m:
        steps.append(_city)
    for f in ("state", "pincode", "country"):
        if f in m:
            steps.append(_plain(f))
    if "tags" in m:
        steps.append(_tags)
    if "customer_id" in m:
        steps.append(_external_id)
    if "channel" in m:
        steps.append(_channel)
    for f in ("whatsapp_consent", "sms_consent"):
        if f in m:
            steps.append(_consent(f))
    for f, key in (("email_consent", "accepts_email_marketing"), ("note", "note")):
        if f in m:
            steps.append(_attribute(f, key))
    for f in ("store_total_spent", "store_order_count"):
        if f in m:
            steps.append(_store_figure(f))
    if not PIPELINE_FIELDS.keys().isdisjoint(m):
        steps.append(_pipeline([(f, k) for f, k in PIPELINE_FIELDS.items() if f in m]))
    for f in [f for f in m if f.startswith("attr:")]:
        steps.append(_custom(f))
    return tuple(steps)


def _phones(row: Row, c: CustomerData) -> None:
    c.phones = split_phones(*row.all("phone"))


def _email(row: Row, c: CustomerData) -> None:
    c.email = row.get("email")


def _names(has_first: bool, has_last: bool, has_name: bool):
    def step(row: Row, c: CustomerData) -> None:
        first = clean_name(row.get("first_name")) if has_first else ""
        last = clean_name(row.get("last_name")) if has_last else ""
        if not first and not last and has_name:
            first, last = split_name(row.get("name"))
        c.first_name, c.last_name = first, last
    return step


def _city(row: Row, c: CustomerData) -> None:
    c.city = clean_name(row.get("city"))


def _plain(f: str):
    def step(row: Row, c: CustomerData) -> None:
        setattr(c, f, row.get(f))
    return step


def _tags(row: Row, c: CustomerData) -> None:
    c.tags = split_tags(*row.all("tags"))


def _external_id(row: Row, c: CustomerData) -> None:
    c.external_id = row.get("customer_id") or None


def channel_name(text: str) -> str | None:
    """A channel column's text as stored ('Facebook Ads' -> 'facebook_ads')."""
    return text.lower().replace(" ", "_")[:32] if text else None


def _channel(row: Row, c: CustomerData) -> None:
    if channel := row.get("channel"):
        c.channel = channel_name(channel)


def consent_after(current: str | None, v: str | None) -> str | None:
    """A row's consent once one more consent column (v, parse_consent's answer) is read: an
    opt-out wins, an opt-in unless opted out, 'no' only over nothing."""
    if v == "out" or (v == "in" and current != "out"):
        return v
    if v == "no" and current is None:
        return "no"
    return current


def _consent(f: str):
    def step(row: Row, c: CustomerData) -> None:
        c.consent = consent_after(c.consent, parse_consent(row.get(f)))
    return step


def _attribute(f: str, key: str):
    def step(row: Row, c: CustomerData) -> None:
        if v := row.get(f):
            c.attributes[key] = v
    return step


def store_figure(text: str) -> str | None:
    """A store's total or count as kept in attributes; None when it is not a number."""
    try:
        return str(parse_money(text))
    except ValueError:
        return None


def _store_figure(f: str):
    def step(row: Row, c: CustomerData) -> None:
        if (v := row.get(f)) and (fig := store_figure(v)) is not None:
            c.attributes[f] = fig
    return step


def _pipeline(pairs: list[tuple[str, str]]):
    def step(row: Row, c: CustomerData) -> None:
        c.attributes["pipeline"] = {k: v for f, k in pairs if (v := row.get(f))}
    return step


def _custom(f: str):
    name = f[5:]

    def step(row: Row, c: CustomerData) -> None:
        if v := row.get(f):
            c.attributes.setdefault("custom", {})[name] = v
    return step


_TAG_SPLIT = re.compile(r"\s*(?:,|:::|;)\s*")


def split_tags(*cells: str) -> list[str]:
    out: list[str] = []
    for cell in cells:
        for t in _TAG_SPLIT.split(cell):
            t = t.strip().lstrip("*").strip()
            if t and t.lower() not in ("mycontacts", "starred") and t not in out:
                out.append(t[:64])
    return out


def money(text: str, rec: Record, what: str) -> Decimal | None:
    try:
        return parse_money(text)
    except ValueError as exc:
        rec.warnings.append(f"{what}: {exc}")
        return None


def first_nonempty(values: Iterable[str]) -> str:
    return next((v for v in values if v), "")
