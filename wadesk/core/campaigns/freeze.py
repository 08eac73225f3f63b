"""Planning and freezing a campaign.

`plan_campaign` answers the Review step without writing anything: the reachability funnel
(matched → valid number → opted in → not suppressed → under the frequency cap → pre-flight →
after holdout → to send), the cost, the daily-tier plan, the break-even and the time it takes.

`freeze_campaign` does the same and then, in ONE transaction, writes the campaign with its frozen
audience, template, mapping and settings, assigns discount codes, and writes one ledger row per
recipient (holdout rows included) with the fully rendered request and its not-before time.
Nothing is half-written: a code shortage or a vanished template leaves the database unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable

import numpy as np
from sqlalchemy import func, insert, select

from wadesk.core.campaigns import ledger as L
from wadesk.core.campaigns.holdout import holdout_mask, new_campaign_key
from wadesk.core.campaigns.policy import SendPolicy
from wadesk.core.campaigns.pricing import BreakEven, CostEstimate, break_even, estimate_cost, shop_aov
from wadesk.core.campaigns.schedule import SendPlan, assign_slots, next_send_time, plan_days
from wadesk.core.clock import Clock, SystemClock, utc_naive
from wadesk.core.db.models import Campaign, Message, Template
from wadesk.core.jobs import CancelledFn, ProgressFn, check_cancelled, never_cancelled, no_progress
from wadesk.core.messaging.mapping import TemplateMapping, ValueResolver, check_mapping
from wadesk.core.messaging.preflight import PreflightResult, run_preflight
from wadesk.core.messaging.render import Renderer, send_endpoint
from wadesk.core.messaging.templates import spec_of
from wadesk.core.segments.engine import SegmentEngine


class CampaignError(ValueError):
    """A campaign can't be planned or frozen as asked; the message says why and what to do."""


@dataclass
class Audience:
    """Who the campaign is for: a saved segment, a preset or a rule tree."""

    rules: dict[str, Any]
    label: str  # "segment 'Diwali buyers'" / "preset 'High-value repeat buyers'"
    segment_id: int | None = None


def find_audience(session: Any, *, segment: str | int | None = None, preset: str | None = None) -> Audience:
    """A saved segment (name or id) or a preset (name or slug); plain errors otherwise."""
    from wadesk.core.segments import SegmentNotFound, find_preset, find_segment

    if (segment is None) == (preset is None):
        raise CampaignError("Choose the customers: a saved segment or a preset (one of them).")
    if preset is not None:
        try:
            p = find_preset(preset)
        except KeyError as exc:
            raise CampaignError(exc.args[0]) from None
        return Audience(p.rules, f"preset '{p.name}'")
    try:
        seg = find_segment(session, segment)
    except SegmentNotFound as exc:
        raise CampaignError(str(exc)) from None
    return Audience(seg.rules, f"segment '{seg.name}'", seg.id)


@dataclass
class CampaignRequest:
    name: str
    audience: Audience
    template: Template
    mapping: TemplateMapping
    policy: SendPolicy
    at: datetime | None = None  # aware; None = now
    exclude_ids: frozenset[int] = frozenset()  # pre-flight "exclude them", or picked by hand
    daily_limit: int | None = 250  # the account's unique-customer tier; None = unlimited
    marketing_endpoint: bool = False
    # The holdout draw: keep one key from the Review to the freeze so both hold out the same people.
    campaign_key: str | None = None


@dataclass
class CampaignPlan:
    funnel: dict[str, int]  # stage -> customers left
    preflight: PreflightResult
    holdout_ids: np.ndarray
    send_ids: list[int]
    cost: CostEstimate
    plan: SendPlan
    break_even: BreakEven
    start: datetime
    category: str
    warnings: list[str] = field(default_factory=list)
    zone: str = ""  # the shop's time zone for day names ("" = this computer's)
    now: datetime | None = None  # when planned: "today" in the plan sentence
    countries: dict[str, int] = field(default_factory=dict)  # recipients to send by country (cost, GST toggle)
    # Each passing recipient's phone and personalisation data, for the freeze (not shown).
    keep: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {"funnel": self.funnel, "preflight": self.preflight.as_json(), "holdout": int(len(self.holdout_ids)),
                "recipients": len(self.send_ids), "estimated_cost": float(self.cost.total),
                "currency": self.cost.currency, "plan": self.plan.sentence(now=self.now, zone_name=self.zone), "days": self.plan.days,
                "duration_s": round(self.plan.duration_s, 1), "break_even": self.break_even.sentence(self.cost.currency),
                "start": self.start.isoformat(), "warnings": self.warnings}


FUNNEL = ("matched", "reachable", "opted_in", "not_suppressed", "eligible", "preflight_ok", "after_holdout")


def _country(phone: str, cache: dict[str, str]) -> str:
    """ISO country of an E.164 number from its calling code (cached per prefix; no parsing)."""
    import phonenumbers

    for n in (1, 2, 3):
        prefix = phone[1:1 + n]
        if prefix in cache:
            return cache[prefix]
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(prefix)) if prefix.isdigit() else None
        if regions:
            cache[prefix] = regions[0]
            return regions[0]
    return "*"


def _used_last_24h(session: Any, now: datetime, sandbox: bool) -> int:
    """Unique customers already messaged in the moving 24 h window (counts toward the tier)."""
    since = utc_naive(now) - timedelta(hours=24)
    return session.scalar(select(func.count(func.distinct(Message.to_phone))).where(
        Message.direction == "out", Message.is_sandbox == sandbox, Message.status.in_(L.TAKEN),
        Message.sent_at >= since)) or 0


def plan_campaign(db: Any, engine: SegmentEngine, req: CampaignRequest, *, sandbox: bool,
                  clock: Clock | None = None, campaign_key: str | None = None,
                  progress: ProgressFn = no_progress, cancelled: CancelledFn = never_cancelled) -> CampaignPlan:
    clock = clock or SystemClock()
    now = clock.now()
    start = next_send_time(max(req.at or now, now), req.policy)
    spec = spec_of(req.template)
    if not spec.sendable:
        raise CampaignError(f"The template '{spec.name}' is {spec.status.lower()} at Meta, so it can't be sent. "
                            "Pick an approved template or re-sync templates.")
    problems = [p for p in check_mapping(spec, req.mapping) if p.code != "missing_media"]
    if problems:
        raise CampaignError("The personalisation isn't complete: " + " ".join(p.message for p in problems))
    progress(0, 0, "Finding the customers")
    engine.ensure_fresh()
    masks = engine.stage_masks(req.audience.rules, req.policy.reach_policy())
    snap = engine.snapshot()
    funnel = {k: int(masks[k].sum()) for k in ("matched", "reachable", "opted_in", "not_suppressed", "eligible")}
    eligible = snap.ids[masks["eligible"]]
    if req.exclude_ids:
        eligible = eligible[~np.isin(eligible, np.fromiter(req.exclude_ids, dtype=np.int64))]
    check_cancelled(cancelled)
    with db.session() as s:
        pre, keep = _preflight(s, spec, req.mapping, eligible.tolist(), now, progress, cancelled)
        aov = shop_aov(s)
        used = _used_last_24h(s, now, sandbox)
    ok = eligible[~np.isin(eligible, np.fromiter(pre.failing_ids, dtype=np.int64, count=len(pre.failing_ids)))]
    funnel["preflight_ok"] = int(len(ok))
    key = campaign_key or req.campaign_key or "preview"
    held = holdout_mask(key, ok, req.policy.holdout_pct) if len(ok) else np.zeros(0, dtype=bool)
    send_ids = ok[~held].tolist()
    funnel["after_holdout"] = len(send_ids)
    countries: dict[str, int] = {}
    cache: dict[str, str] = {}
    for cid in send_ids:
        cc = _country(keep[cid][0], cache)
        countries[cc] = countries.get(cc, 0) + 1
    cost = estimate_cost(req.policy.rate_card, countries, spec.category, req.policy.include_gst)
    plan = plan_days(len(send_ids), req.daily_limit, used, start, req.policy.rate_per_second)
    warnings = []
    if not req.policy.require_opt_in and spec.category == "MARKETING":
        warnings.append("Marketing opt-in is not required for this campaign: only do this if customers agreed to "
                        "WhatsApp messages elsewhere. Meta can restrict numbers that message people who didn't.")
    if plan.days > 1:
        warnings.append(f"Your WhatsApp number may message {req.daily_limit:,} new customers a day, so this "
                        f"campaign is spread over {plan.days} days.")
    if countries.get("US"):
        warnings.append(f"{countries['US']:,} US numbers: Meta does not deliver marketing templates to +1 numbers.")
    return CampaignPlan(funnel, pre, ok[held], send_ids, cost, plan, break_even(cost.total, aov, req.policy.margin_pct),
                        start, spec.category, warnings, req.policy.timezone, now, countries, keep)


def _preflight(session: Any, spec: Any, mapping: TemplateMapping, ids: list[int], now: datetime,
               progress: ProgressFn, cancelled: CancelledFn
               ) -> tuple[PreflightResult, dict[int, tuple[str, dict[str, Any]]]]:
    """Pre-flight every recipient, keeping the phone and context of those who pass."""
    from wadesk.core.messaging.context import bulk_contexts, context_keys
    from wadesk.core.messaging.discount_codes import available

    keep: dict[int, tuple[str, dict[str, Any]]] = {}
    codes = {m.name: available(session, m.name) for m in mapping.variables.values() if m.source == "discount_code"}

    def recipients() -> Iterable[tuple[int, str | None, dict[str, Any]]]:
        for cid, phone, ctx in bulk_contexts(session, ids, now, keys=context_keys(mapping)):
            keep[cid] = (phone or "", ctx)
            yield cid, phone, ctx

    res = run_preflight(spec, mapping, recipients(), codes_available=codes, progress=progress,
                        cancelled=cancelled, total=len(ids))
    for cid in res.failing_ids:
        keep.pop(cid, None)
    return res, keep


def freeze_campaign(db: Any, engine: SegmentEngine, req: CampaignRequest, *, sandbox: bool,
                    clock: Clock | None = None, upload_media: Callable[[Any], Any] | None = None,
                    progress: ProgressFn = no_progress, cancelled: CancelledFn = never_cancelled
                    ) -> tuple[int, CampaignPlan]:
    """Plan, then write the campaign and its whole ledger in one transaction. Returns (id, plan)."""
    from wadesk.core.messaging.discount_codes import CodeShortage, assign_codes
    from wadesk.core.messaging.media import is_link

    clock = clock or SystemClock()
    key = req.campaign_key or new_campaign_key()
    plan = plan_campaign(db, engine, req, sandbox=sandbox, clock=clock, campaign_key=key, progress=progress,
                         cancelled=cancelled)
    if not plan.send_ids:
        raise CampaignError("Nobody is left to send to after the checks; see the numbers on the review page.")
    spec = spec_of(req.template)
    mapping = req.mapping
    media = mapping.header_media
    if spec.media_header and isinstance(media, str) and not is_link(media):
        if upload_media is None:
            raise CampaignError("The header file must be uploaded to WhatsApp first; connect and try again.")
        media = upload_media(media)
    header = media if isinstance(media, dict) else ({"link": media.strip()} if media else None)
    now = clock.now()
    stamp = utc_naive(now)
    slots = assign_slots(len(plan.send_ids), plan.plan)
    pools = sorted({m.name for m in mapping.variables.values() if m.source == "discount_code"})
    resolver, renderer = ValueResolver(spec, mapping), Renderer(spec)
    endpoint = send_endpoint(spec, req.marketing_endpoint)
    with db.session() as s:
        camp = Campaign(
            name=req.name.strip() or "Campaign", status=L.SCHEDULED if plan.start > now else L.READY,
            segment_id=req.audience.segment_id, rules_snapshot=req.audience.rules, template_id=req.template.id,
            mapping=mapping.to_json(), holdout_pct=req.policy.holdout_pct, is_sandbox=sandbox,
            scheduled_at=utc_naive(plan.start), frozen_at=stamp, created_at=stamp, updated_at=stamp,
            estimated_cost=plan.cost.total,
            settings={"policy": req.policy.as_json(), "key": key, "endpoint": endpoint, "category": spec.category,
                      "audience": req.audience.label, "funnel": plan.funnel, "plan": plan.plan.sentence(now=plan.now, zone_name=req.policy.timezone),
                      "daily_limit": req.daily_limit,
                      "template": {"name": spec.name, "language": spec.language},
                      "preflight": plan.preflight.as_json()})
        s.add(camp)
        s.flush()
        codes: dict[str, dict[int, str]] = {}
        try:
            for pool in pools:
                codes[pool] = assign_codes(s, pool, plan.send_ids, campaign_id=camp.id, now=now)
        except CodeShortage as exc:
            raise CampaignError(f"{exc} Import more codes (wadesk codes import) or exclude recipients.") from None
        rows = []
        for i, cid in enumerate(plan.send_ids):
            if i % 5000 == 0:
                check_cancelled(cancelled)
                progress(i, len(plan.send_ids), "Preparing every message")
            phone, ctx = plan.keep[cid]
            if pools:
                ctx = dict(ctx, **{f"discount_code.{p}": codes[p][cid] for p in pools})
            values, problems = resolver.resolve(ctx)
            rendered = renderer.render(values, to=phone, header_media=header)
            if problems or rendered.problems:  # pre-flight passed it, so only a code could do this
                raise CampaignError(f"The message for customer {cid} could not be prepared: "
                                    + "; ".join(p.message for p in (problems + rendered.problems)))
            rows.append(_row(camp.id, cid, phone, spec, rendered.body, rendered.payload, L.QUEUED, sandbox,
                             stamp, utc_naive(max(slots[i], plan.start))))
        rows += [_row(camp.id, int(cid), None, spec, None, None, L.HOLDOUT, sandbox, stamp, None)
                 for cid in plan.holdout_ids.tolist()]
        for chunk in range(0, len(rows), 20_000):
            s.execute(insert(Message), rows[chunk:chunk + 20_000])
        progress(len(plan.send_ids), len(plan.send_ids), "Saved")
        return camp.id, plan


def _row(campaign_id: int, cid: int, phone: str | None, spec: Any, body: str | None, payload: Any, status: str,
         sandbox: bool, stamp: datetime, not_before: datetime | None) -> dict[str, Any]:
    return {"direction": "out", "customer_id": cid, "campaign_id": campaign_id, "purpose": "campaign",
            "idempotency_key": L.idempotency_key(campaign_id, cid), "to_phone": phone, "template_name": spec.name,
            "category": spec.category, "body": body, "payload": payload, "status": status,
            "is_holdout": status == L.HOLDOUT, "is_sandbox": sandbox, "attempts": 0, "created_at": stamp,
            "next_attempt_at": not_before}

