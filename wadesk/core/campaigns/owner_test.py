"""Test send: the campaign's message to the owner's own numbers before the real send.

Each test message is a ledger row (purpose "test") committed as `sending` before the call, like
every other send, so a crash can't make a test message go twice either. The message is
personalised with the customer who has that number if there is one, else with a sample recipient.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from wadesk.core.campaigns import ledger as L
from wadesk.core.clock import Clock, SystemClock, utc_naive
from wadesk.core.crm.phones import normalise_phone
from wadesk.core.db.models import Customer, Message, Template
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.messaging.errors import CloudApiError
from wadesk.core.messaging.mapping import TemplateMapping, ValueResolver
from wadesk.core.messaging.media import is_link
from wadesk.core.messaging.render import Renderer, send_endpoint
from wadesk.core.messaging.templates import spec_of


@dataclass(frozen=True)
class TestSendResult:
    phone: str
    ok: bool
    message: str  # "Sent (wamid …)" or the reason in plain words

    def as_json(self) -> dict[str, Any]:
        return {"phone": self.phone, "ok": self.ok, "message": self.message}


def send_test(db: Any, client: CloudClient, template: Template, mapping: TemplateMapping, phones: list[str], *,
              sandbox: bool, sample_customer_id: int | None = None, default_region: str = "IN",
              campaign_id: int | None = None, marketing_endpoint: bool = False,
              clock: Clock | None = None) -> list[TestSendResult]:
    from wadesk.core.messaging.context import bulk_contexts, context_keys

    clock = clock or SystemClock()
    spec = spec_of(template)
    resolver, renderer = ValueResolver(spec, mapping), Renderer(spec)
    media = mapping.header_media
    if isinstance(media, str):  # a local file is uploaded by the caller before a test send
        media = {"link": media.strip()} if is_link(media) else None
    results: list[TestSendResult] = []
    for raw in phones:
        num = normalise_phone(raw, default_region)
        if not num.ok:
            results.append(TestSendResult(raw, False, num.error or "Not a phone number."))
            continue
        with db.session() as s:
            cid = s.scalar(select(Customer.id).where(Customer.phone == num.e164)) or sample_customer_id
            ctx = next((c for _, _, c in bulk_contexts(s, [cid], clock.now(), keys=context_keys(mapping))), {}) \
                if cid else {}
            values, problems = resolver.resolve(ctx)
            rendered = renderer.render(values, to=num.e164, header_media=media)
            if problems or rendered.problems:
                results.append(TestSendResult(num.e164, False, "; ".join(
                    p.message for p in problems + rendered.problems)))
                continue
            row = Message(direction="out", customer_id=cid if cid and cid != sample_customer_id else None,
                          campaign_id=campaign_id, purpose="test", idempotency_key=f"test:{uuid.uuid4().hex}",
                          to_phone=num.e164, template_name=spec.name, category=spec.category, body=rendered.body,
                          payload=rendered.payload, status=L.SENDING, attempts=1, is_sandbox=sandbox,
                          created_at=utc_naive(clock.now()))
            s.add(row)
            s.flush()
            mid = row.id
        try:  # the row is committed as `sending` before the call
            sent = client.send_template(dict(rendered.payload, biz_opaque_callback_data=L.callback_data(mid)),
                                        endpoint=send_endpoint(spec, marketing_endpoint))
        except CloudApiError as exc:
            with db.session() as s:
                m = s.get(Message, mid)
                if m.status == L.SENDING:
                    m.status = L.UNKNOWN if exc.kind == "unknown_outcome" else L.FAILED
                    m.error_code, m.error_title = exc.code, exc.plain
            results.append(TestSendResult(num.e164, False, str(exc)))
            continue
        with db.session() as s:
            m = s.get(Message, mid)
            if m.status == L.SENDING:  # a status webhook may have settled it already
                m.status, m.wamid, m.sent_at = L.ACCEPTED, sent.wamid, utc_naive(clock.now())
        results.append(TestSendResult(num.e164, True, f"Sent — check WhatsApp on {num.e164}."))
    return results
