"""The field catalogue: every field a rule can use, its type, category and operators.

The builder UI draws its field picker (search + categories) and its operator/value widgets from
this catalogue; the validator and the evaluator use the same one, so a field the picker offers is
a field the engine can evaluate.
"""
from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = ("Profile", "Orders", "Behaviour", "Messages", "Scores", "Pipeline")
TYPES = ("text", "number", "money", "date", "boolean", "choice", "tags", "list")

OPERATORS: dict[str, tuple[str, ...]] = {
    "text": ("is", "is_not", "contains", "not_contains", "starts_with", "in", "not_in", "is_set", "is_not_set"),
    "number": ("=", "!=", ">", ">=", "<", "<=", "between", "is_set", "is_not_set"),
    "date": ("before", "after", "between", "in_last_days", "more_than_days_ago", "yearly_in_next_days", "is_set",
             "is_not_set"),
    "boolean": ("is_true", "is_false"),
    "choice": ("in", "not_in", "is_set", "is_not_set"),
    "tags": ("has_any", "has_all", "has_none"),
    "list": ("in", "not_in", "is_set", "is_not_set"),
}
OPERATORS["money"] = OPERATORS["number"]
# Operators whose answer is true for a customer with no value ("not in Mumbai" includes no city).
NEGATIVE = frozenset({"is_not", "not_contains", "not_in", "!=", "is_not_set", "has_none"})
NO_VALUE = frozenset({"is_set", "is_not_set", "is_true", "is_false"})
# Date operators whose value is a number of days; the last one is a birthday or anniversary check
# ("comes round in the next 7 days", whatever the year).
DAYS_OPS = ("in_last_days", "more_than_days_ago", "yearly_in_next_days")
LABELS = {
    "is": "is", "is_not": "is not", "contains": "contains", "not_contains": "does not contain",
    "starts_with": "starts with", "in": "is one of", "not_in": "is none of", "is_set": "is known",
    "is_not_set": "is unknown", "=": "=", "!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤",
    "between": "between", "before": "before", "after": "after", "in_last_days": "in the last … days",
    "more_than_days_ago": "more than … days ago", "yearly_in_next_days": "comes round in the next … days",
    "is_true": "yes", "is_false": "no",
    "has_any": "has any of", "has_all": "has all of", "has_none": "has none of",
}

EVENT_OPS = ("at_least", "at_most", "exactly", "not_since")
MESSAGE_OPS = ("received", "not_received", "read", "not_read", "replied", "clicked", "failed")
ORDER_MEASURES = ("count", "sum")
ORDER_FILTERS = {  # key -> value type
    "payment": "choice", "payment_method": "list", "status": "list", "rto": "boolean",
    "category": "list", "sku": "list", "product": "list", "discount": "boolean",
    "discount_code": "list", "min_total": "money", "max_total": "money",
}
EVENT_FILTERS = {"category": "list", "product": "list", "min_value": "money", "max_value": "money",
                 "sale": "boolean", "min_pdp_seconds": "number"}
ORDER_STATUSES = ("pending", "shipped", "delivered", "rto", "cancelled", "lost")
EVENT_TYPES = ("product_viewed", "added_to_cart", "checkout_started", "session", "offer_clicked",
               "wishlisted", "size_guide_viewed", "pdp_time", "lead_created")
CONSENT_CHOICES = ("opted_in", "unknown", "opted_out")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    category: str
    type: str
    # column: a per-customer value; orders / event / message: windows over those tables;
    # attribute: a custom attribute from imports (condition carries "key").
    kind: str = "column"
    choices: tuple[str, ...] | None = None  # fixed choices; None for choice fields = from the data
    keyed: bool = False  # the condition names a category / attribute in "key"
    unit: str = ""  # "₹", "%", "days"
    help: str = ""

    @property
    def operators(self) -> tuple[str, ...]:
        if self.kind == "event":
            return EVENT_OPS
        if self.kind == "message":
            return MESSAGE_OPS
        return OPERATORS[self.type]


def _f(*args, **kw) -> Field:
    return Field(*args, **kw)


FIELDS: dict[str, Field] = {f.key: f for f in (
    _f("name", "Name", "Profile", "text"),
    _f("phone", "Phone", "Profile", "text"),
    _f("email", "Email", "Profile", "text"),
    _f("city", "City", "Profile", "choice"),
    _f("state", "State", "Profile", "choice"),
    _f("pincode", "Pincode", "Profile", "list", help="paste a list, e.g. long-delivery pincodes"),
    _f("language", "Language", "Profile", "choice"),
    _f("channel", "Acquisition channel", "Profile", "choice", help="ctwa, website, shopify, import ..."),
    _f("tags", "Tags", "Profile", "tags"),
    _f("consent", "Marketing consent", "Profile", "choice", choices=CONSENT_CHOICES),
    _f("has_whatsapp", "Has a valid WhatsApp number", "Profile", "boolean"),
    _f("created_at", "Customer since", "Profile", "date"),
    _f("attribute", "Custom attribute", "Profile", "text", kind="attribute", keyed=True,
       help="a column you imported, compared as text, e.g. skin type"),
    _f("attribute_number", "Custom attribute (number)", "Profile", "number", kind="attribute", keyed=True,
       help="a column you imported, compared as a number, e.g. loyalty_points > 500"),
    _f("attribute_date", "Custom attribute (date)", "Profile", "date", kind="attribute", keyed=True,
       help="a column you imported, read as a date, e.g. birthday or anniversary"),
    _f("orders", "Orders", "Orders", "number", help="not counting cancelled orders"),
    _f("total_spent", "Total spent", "Orders", "money", unit="₹"),
    _f("aov", "Average order value", "Orders", "money", unit="₹"),
    _f("first_order_at", "First order", "Orders", "date"),
    _f("last_order_at", "Last order", "Orders", "date"),
    _f("days_since_last_order", "Days since last order", "Orders", "number", unit="days"),
    _f("avg_days_between_orders", "Average days between orders", "Orders", "number", unit="days"),
    _f("cod_orders", "COD orders", "Orders", "number"),
    _f("cod_share", "COD share", "Orders", "number", unit="%"),
    _f("rto_count", "RTO orders", "Orders", "number"),
    _f("rto_rate", "RTO rate", "Orders", "number", unit="%"),
    _f("cancelled_orders", "Cancelled orders", "Orders", "number"),
    _f("discount_share", "Orders with a discount code", "Orders", "number", unit="%"),
    _f("favourite_category", "Favourite category", "Orders", "choice"),
    _f("category_purchases", "Orders in category", "Orders", "number", keyed=True),
    _f("order_activity", "Orders in a period", "Orders", "number", kind="orders",
       help="count or sum of orders in the last N days or between dates, with filters"),
    _f("last_seen_at", "Last seen", "Behaviour", "date"),
    _f("product_views", "Product views", "Behaviour", "number"),
    _f("category_views", "Product views in category", "Behaviour", "number", keyed=True),
    _f("funnel_stage", "Funnel stage", "Behaviour", "choice",
       choices=("TOFU", "MOFU", "BOFU", "Customer", "Repeat", "At risk", "Lost")),
    _f("event", "Did something", "Behaviour", "number", kind="event",
       help="did EVENT at least / at most / exactly N times in the last N days, or not since"),
    _f("last_read_at", "Last message read", "Messages", "date"),
    _f("last_replied_at", "Last reply", "Messages", "date"),
    _f("days_since_last_message", "Days since last message", "Messages", "number", unit="days"),
    _f("messages_in", "Messages from the customer", "Messages", "number", help="WhatsApp messages they sent"),
    _f("message", "Campaign messages", "Messages", "number", kind="message",
       help="received / read / replied to / clicked a button of / failed: a campaign or any, in a time window"),
    _f("r", "Recency score (R)", "Scores", "number", help="1-5; 0 = no purchase"),
    _f("f", "Frequency score (F)", "Scores", "number", help="1-5; 0 = no purchase"),
    _f("m", "Monetary score (M)", "Scores", "number", help="1-5; 0 = no purchase"),
    _f("rfm_group", "RFM group", "Scores", "choice",
       choices=("Champions", "Loyal", "Active", "Needs attention", "Promising", "New", "At risk",
                "Previously loyal", "Almost lost", "Dormant", "Prospects")),
    # Sales pipeline (issue 9): lead status and owner of the customer; the rest of their current deal
    # (the open one, else the latest closed).
    _f("lead_status", "Lead status", "Pipeline", "choice", choices=("New", "Qualified", "Unqualified", "Customer")),
    _f("owner", "Owner", "Pipeline", "choice", help="the staff member responsible (the customer's, else the deal's)"),
    _f("pipeline", "Pipeline", "Pipeline", "choice"),
    _f("stage", "Deal stage", "Pipeline", "choice", help="e.g. Quote sent"),
    _f("stage_entered_at", "Entered the stage", "Pipeline", "date"),
    _f("days_in_stage", "Days in stage", "Pipeline", "number", unit="days"),
    _f("deal_value", "Deal value", "Pipeline", "money", unit="₹"),
    _f("lost_reason", "Lost reason", "Pipeline", "choice", help="only for lost deals"),
)}


def catalogue() -> list[dict]:
    """JSON-able catalogue for the builder: fields with types, operators, choices, units."""
    return [{"key": f.key, "label": f.label, "category": f.category, "type": f.type, "kind": f.kind,
             "operators": [{"op": o, "label": LABELS.get(o, o.replace("_", " "))} for o in f.operators],
             "choices": list(f.choices) if f.choices else None, "keyed": f.keyed, "unit": f.unit,
             "help": f.help} for f in FIELDS.values()]
