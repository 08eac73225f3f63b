"""A small shop ready for campaigns: customers with WhatsApp numbers and opt-in, metrics computed,
the fake Cloud API's templates synced, and helpers to freeze a campaign and send it."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from wadesk.core.campaigns.freeze import Audience, CampaignRequest, freeze_campaign
from wadesk.core.campaigns.pacing import PairGap
from wadesk.core.campaigns.policy import SendPolicy
from wadesk.core.campaigns.sender import CampaignSender
from wadesk.core.db.models import Customer
from wadesk.core.messaging.mapping import TemplateMapping
from wadesk.core.messaging.templates import find_template, sync_templates
from wadesk.core.profile import refresh_profiles
from wadesk.core.segments.engine import SegmentEngine

EVERYONE = {"all": [{"field": "orders", "op": ">=", "value": 0}]}

CART_MAPPING = {"template": "cart_reminder", "language": "en", "variables": {
    "body.1": {"source": "field", "name": "first_name", "fallback": "there"},
    "body.2": {"source": "fixed", "name": "Rose Gold Hoops"},
    "body.3": {"source": "fixed", "name": "₹899"},
    "button.0": {"source": "fixed", "name": "abc123", "utm": False}}}

WINBACK_MAPPING = {"template": "winback_offer", "language": "en", "variables": {
    "header.first_name": {"source": "field", "name": "first_name", "fallback": "there"},
    "body.discount": {"source": "fixed", "name": "15%"},
    "body.code": {"source": "discount_code", "name": "WINBACK"},
    "body.expiry": {"source": "fixed", "name": "30 Nov"},
    "button.0": {"source": "discount_code", "name": "WINBACK"},
    "button.1": {"source": "fixed", "name": "collections/new"}}}


def phone(i: int) -> str:
    """Distinct Indian mobile numbers; none ends in 00 or 13 (the sandbox's failing endings)."""
    n = 9_800_000_000 + i * 7 + 1
    while str(n).endswith(("00", "13")):
        n += 1
    return f"+91{n}"


def build_shop(db, n: int = 20, *, clock, client, phones: dict[int, str] | None = None,
               consent: dict[int, int] | None = None, sandbox: bool = False) -> None:
    """Customers 1..n with numbers and marketing opt-in (overrides by id), metrics, templates."""
    now = clock.now().replace(tzinfo=None)
    with db.session() as s:
        for i in range(1, n + 1):
            p = (phones or {}).get(i, phone(i))
            s.add(Customer(id=i, name=f"Customer {i}", name_key=f"customer {i}", first_name=f"Name{i}",
                           phone=p, phone_national=p[3:] if p else None, country="IN",
                           consent_state=(consent or {}).get(i, 1), created_at=now - timedelta(days=30),
                           updated_at=now))
    refresh_profiles(db, clock=clock)
    sync_templates(db, client, sandbox=sandbox, clock=clock)


def request(db, name: str = "Test campaign", mapping: dict | None = None, rules: dict | None = None,
            at: datetime | None = None, daily_limit: int | None = None, **policy) -> CampaignRequest:
    mapping_obj = TemplateMapping.from_json(mapping or CART_MAPPING)
    with db.session() as s:
        template = find_template(s, mapping_obj.template, mapping_obj.language, sandbox=False)
        s.expunge(template)
        base = SendPolicy.from_settings(s)
    policy.setdefault("holdout_pct", 0)
    policy.setdefault("quiet_start", base.quiet_end)  # no quiet hours unless a test asks
    return CampaignRequest(name=name, audience=Audience(rules or EVERYONE, "everyone"), template=template,
                           mapping=mapping_obj, policy=dataclasses.replace(base, **policy), at=at,
                           daily_limit=daily_limit)


def freeze(db, clock, **kw) -> int:
    cid, _plan = freeze_campaign(db, SegmentEngine(db, clock), request(db, **kw), sandbox=False, clock=clock)
    return cid


def sender(db, client, cid, clock, **kw) -> CampaignSender:
    kw.setdefault("sleep", lambda s: clock.advance(seconds=s))  # waits move the test clock instead
    kw.setdefault("pair_gap", PairGap(0))
    return CampaignSender(db, client, cid, clock=clock, rate=kw.pop("rate", 1000), **kw)
