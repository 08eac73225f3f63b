"""Website behaviour, lead captures and first WhatsApp messages for one sample customer.

About 3-4 events per customer on average: enough for every behavioural segment (category
interest, price sensitivity, high intent, abandoned checkout, new leads) without making the
million-customer shop's events table the bottleneck.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from wadesk.core.demo.catalog import BY_CATEGORY, DISCOUNT_CODE_LIST, SALES, Product
from wadesk.core.demo.orders import OrderSummary
from wadesk.core.demo.personas import Persona
from wadesk.core.demo.state import ShopState

BUYERS = frozenset({"vip", "loyal", "regular", "lapsed", "cod_risk", "cod_buyer", "new_buyer"})
_REFERRERS = ("instagram", "google", "facebook", "direct", "whatsapp")
_CTWA_ADS = (("Diwali glow kit", "120210000000001"), ("Kurta sale reel", "120210000000002"),
             ("Earbuds at 999", "120210000000003"))
_FIRST_MESSAGES = (
    "Hi, I saw your ad. Is this available in COD?", "Price kya hai?", "Do you deliver to my pincode?",
    "क्या यह ऑफर अभी चालू है?", "Is the Diwali offer still on?", "Hello",
)


class _Events:
    """Appends one customer's events and remembers the earliest and latest times."""

    def __init__(self, st: ShopState, cid: int, fav: str):
        self.st, self.cid, self.fav = st, cid, fav
        self.first: datetime | None = None
        self.last: datetime | None = None

    def product(self, category: str | None = None) -> Product:
        products = BY_CATEGORY[category or self.fav]
        return self.st.pick(products)

    def add(self, kind: str, at: datetime, p: Product | None = None, value: int | None = None,
            props: dict | None = None, source: str = "website") -> None:
        self.st.add("events", [
            self.st.new_id("events"), self.cid, kind, at, p.name if p else None, p.category if p else None,
            value, props or {}, source,
        ])
        self.first = at if self.first is None or at < self.first else self.first
        self.last = at if self.last is None or at > self.last else self.last

    def views(self, n: int, lo: float, hi: float, pdp: tuple[int, int] = (8, 110), category: str | None = None) -> None:
        for _ in range(n):
            secs = self.st.randint(*pdp)
            self.add("product_viewed", self.st.ago(lo, hi), self.product(category), props={"pdp_seconds": secs})

    def sessions(self, n: int, lo: float, hi: float) -> None:
        st = self.st
        for _ in range(n):
            props = {"pages": st.randint(1, 9), "referrer": st.pick(_REFERRERS)}
            self.add("session", self.st.ago(lo, hi), props=props)


def add_events(st: ShopState, cid: int, persona: Persona, fav: str, orders: OrderSummary,
               phone: str | None) -> _Events:
    ev = _Events(st, cid, fav)
    key = persona.key
    if key in BUYERS:
        # Browsing around the latest order (lapsed buyers have not been back since).
        last_days = (st.now - orders.last_at).days if orders.last_at else 60
        ev.sessions(st.randint(0, 2), max(0, last_days - 20), last_days + 1)
        ev.views(st.randint(1, 3), max(0, last_days - 20), last_days + 1)
        if key == "vip":  # high intent: long product-page reads
            ev.views(1, 0, 30, pdp=(121, 420))
        elif key == "cod_risk" and st.random() < 0.5:
            p = ev.product()
            ev.add("checkout_started", st.ago(0, 60), p, p.price, {"products": [p.sku], "payment": "cod"})
        return ev
    if key == "bargain":
        sale = st.pick(SALES)
        for _ in range(st.randint(1, 2)):
            code = st.pick(DISCOUNT_CODE_LIST)
            ev.add("offer_clicked", st.ago(0, 120), props={"offer": code, "sale": sale})
        ev.views(st.randint(1, 2), 0, 120)
        p = ev.product()
        ev.add("added_to_cart", st.ago(0, 120), p, p.price, {"quantity": 1, "sale": sale})
        if st.random() < 0.5:  # abandoned the checkout during the sale
            ev.add("checkout_started", st.ago(0, 120), p, p.price, {"products": [p.sku], "sale": sale})
        return ev
    if key == "browser":
        # Category interest: more than three views of one category, wishlists, size guides.
        ev.views(st.randint(4, 6), 0, 180, pdp=(8, 240))
        ev.sessions(st.randint(1, 2), 0, 180)
        if st.random() < 0.6:
            ev.add("wishlisted", st.ago(0, 180), ev.product())
        if fav == "apparel" or st.random() < 0.3:
            ev.add("size_guide_viewed", st.ago(0, 180), ev.product("apparel"))
        if st.random() < 0.4:
            p = ev.product()
            ev.add("added_to_cart", st.ago(0, 90), p, p.price, {"quantity": 1})
        if st.random() < 0.3:
            ev.add("pdp_time", st.ago(0, 90), ev.product(), props={"seconds": st.randint(130, 400)})
        return ev
    if key == "visitor":
        ev.sessions(st.randint(1, 3), 0, 120)
        return ev
    if key == "ctwa_lead":
        # New leads from click-to-WhatsApp ads: recent, no purchase, at most one conversation.
        ad, ad_id = st.pick(_CTWA_ADS)
        at = st.ago(0.01, 30)  # a few minutes ago at the latest, so the reply is not in the future
        ev.add("lead_created", at, props={"ad": ad, "ad_id": ad_id}, source="ctwa")
        if st.random() < 0.3:
            ev.views(1, 0, 30)
        if phone and st.random() < 0.5:
            msg_at = at + timedelta(seconds=st.randint(5, 600))
            mid = st.new_id("messages")
            st.add("messages", [
                mid, "in", cid, None, st.pick(_FIRST_MESSAGES),
                {"from": phone.lstrip("+"), "type": "text", "referral": {"source_type": "ad", "source_id": ad_id}},
                "received", False, f"wamid.DEMO{mid:012d}", 0, msg_at,
            ])
        return ev
    # Newsletter and contest sign-ups: top of the funnel.
    ev.add("lead_created", st.ago(0, 400), props={"form": key}, source=key)
    if st.random() < 0.3:
        ev.sessions(1, 0, 60)
    return ev
