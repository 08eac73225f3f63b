"""Shared set-up for the Campaigns page tests: the unit tests' small shop, in sandbox mode (no account
is connected in tests), with the fake Cloud API's templates synced for the sandbox too."""
from __future__ import annotations

import dataclasses

from sqlalchemy import select

from tests.conftest import FAKE_TOKEN
from tests.unit._campaign_shop import EVERYONE, build_shop
from wadesk.core.campaigns import ledger as L
from wadesk.core.campaigns.freeze import Audience, CampaignRequest, freeze_campaign
from wadesk.core.campaigns.policy import SendPolicy
from wadesk.core.db.models import Campaign, Message
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.messaging.mapping import TemplateMapping
from wadesk.core.messaging.templates import find_template, sync_templates
from wadesk.core.segments.engine import SegmentEngine
from wadesk.core.settings import set_setting

CART = {"template": "cart_reminder", "language": "en", "variables": {
    "body.1": {"source": "field", "name": "first_name", "fallback": "there"},
    "body.2": {"source": "fixed", "name": "Rose Gold Hoops"},
    "body.3": {"source": "fixed", "name": "₹899"},
    "button.0": {"source": "fixed", "name": "abc123", "utm": False}}}


def make_shop(db, server, clock, n: int = 12, rate: int = 200) -> None:
    """n opted-in customers, no quiet hours, `rate` messages a second, templates for the sandbox."""
    client = CloudClient(access_token=FAKE_TOKEN, phone_number_id=server.phone_number_id, waba_id=server.waba_id,
                         base_url=server.url, max_retries=0, sleep=lambda s: None)
    try:
        build_shop(db, n, clock=clock, client=client)
        sync_templates(db, client, sandbox=True, clock=clock)
    finally:
        client.close()
    with db.session() as s:
        set_setting(s, "quiet_hours_start", "09:00")
        set_setting(s, "quiet_hours_end", "09:00")  # start = end: no quiet hours
        set_setting(s, "send_rate_per_second", rate)


def freeze(db, clock, name: str = "Cart reminder", holdout: int = 0) -> int:
    """A sandbox campaign to everyone, made by core (as the wizard's last button does)."""
    mapping = TemplateMapping.from_json(CART)
    with db.session() as s:
        template = find_template(s, "cart_reminder", "en", sandbox=True)
        s.expunge(template)
        policy = dataclasses.replace(SendPolicy.from_settings(s), holdout_pct=holdout)
    req = CampaignRequest(name=name, audience=Audience(EVERYONE, "everyone"), template=template, mapping=mapping,
                          policy=policy, daily_limit=None)
    cid, _plan = freeze_campaign(db, SegmentEngine(db, clock), req, sandbox=True, clock=clock)
    return cid


def counts(db, cid: int) -> dict:
    with db.session() as s:
        return L.status_counts(s, cid)


def state(db, cid: int) -> str:
    with db.session() as s:
        return s.get(Campaign, cid).status


def set_rows(db, cid: int, status: str, limit: int) -> list[int]:
    """Put `limit` of the campaign's queued rows in `status` (as a crash or a webhook would)."""
    with db.session() as s:
        rows = list(s.scalars(select(Message).where(Message.campaign_id == cid, Message.status == L.QUEUED)
                              .order_by(Message.id).limit(limit)))
        for m in rows:
            m.status = status
        return [m.id for m in rows]
