"""The Cloud API simulator: Meta-like validation, and statuses/replies as webhook payloads."""
from __future__ import annotations

import hashlib
import hmac
import json

import pytest
import requests

from wadesk.core.messaging import errors
from wadesk.core.messaging.render import example_values, render_message
from wadesk.core.messaging.sandbox import SandboxServer, sign
from wadesk.core.messaging.template_spec import TemplateSpec


class Clock:
    def __init__(self):
        self.t = 1_790_000_000.0

    def __call__(self):
        return self.t


def _send(client, server, name, to, lang="en"):
    tpl = next(t for t in server.templates if t["name"] == name and t["language"] == lang)
    spec = TemplateSpec.from_meta(tpl)
    r = render_message(spec, example_values(spec), to=to, callback_data="ledger=7",
                       header_media="https://cdn.example.in/b.jpg")
    return client.send_template(r.payload).wamid


def _flatten(payloads):
    statuses, messages = [], []
    for p in payloads:
        assert p["object"] == "whatsapp_business_account"
        for entry in p["entry"]:
            for change in entry["changes"]:
                assert change["field"] == "messages"
                statuses += change["value"].get("statuses", [])
                messages += change["value"].get("messages", [])
    return statuses, messages


@pytest.fixture
def timed():
    clock = Clock()
    with SandboxServer(clock=clock) as server:
        from wadesk.core.messaging.cloud_client import CloudClient

        client = CloudClient(access_token=server.token, phone_number_id=server.phone_number_id,
                             waba_id=server.waba_id, base_url=server.url, sleep=lambda s: None)
        yield server, client, clock
        client.close()


def test_statuses_come_later_in_webhook_shape(timed):
    server, client, clock = timed
    wamid = _send(client, server, "order_shipped", "+919876543210")
    assert server.drain_events() == []  # nothing is due yet
    clock.t += 5
    statuses, _ = _flatten(server.drain_events())
    assert [s["status"] for s in statuses] == ["sent", "delivered"]
    assert statuses[0]["id"] == wamid and statuses[0]["biz_opaque_callback_data"] == "ledger=7"
    assert statuses[0]["pricing"]["category"] == "utility" and statuses[0]["recipient_id"] == "919876543210"
    clock.t += 100
    statuses, _ = _flatten(server.drain_events())
    assert all(s["status"] in ("read",) for s in statuses)
    assert server.events.pending_count() == 0


def test_a_share_of_recipients_read_and_reply_with_stop(timed):
    server, client, clock = timed
    phones = [f"+9198765{i:05d}" for i in range(1, 200) if not str(i).endswith(("00", "13"))]
    for p in phones:
        _send(client, server, "cart_reminder", p)
    statuses, messages = _flatten(server.drain_events(everything=True))
    reads = sum(s["status"] == "read" for s in statuses)
    assert 0.4 < reads / len(phones) < 0.8
    stops = [m for m in messages if m["type"] == "button"]
    assert stops and all(m["button"] == {"payload": "STOP_PROMOTIONS", "text": "Stop promotions"} for m in stops)
    assert any(m["type"] == "text" for m in messages)
    sent = {s["wamid"] for s in server.sent}
    assert all(m["context"]["id"] in sent for m in messages)


def test_async_failures_and_sync_rejections(timed):
    server, client, clock = timed
    with pytest.raises(errors.RecipientError):
        _send(client, server, "order_shipped", "+919876500000")  # ends in 00: rejected now
    _send(client, server, "order_shipped", "+919876500013")  # ends in 13: fails later
    _send(client, server, "cart_reminder", "+12025550123")  # US + marketing: not delivered
    statuses, _ = _flatten(server.drain_events(everything=True))
    failed = {s["recipient_id"]: s["errors"][0]["code"] for s in statuses if s["status"] == "failed"}
    assert failed == {"919876500013": 131026, "12025550123": 131049}
    assert errors.classify(131049).action == errors.DEFER


def test_validation_like_meta(cloud_client, fake_cloud_api):
    base = {"messaging_product": "whatsapp", "to": "+919876543210", "type": "template"}
    cases = [
        ({**base, "template": {"name": "nope", "language": {"code": "en"}}}, 132001),
        ({**base, "template": {"name": "back_in_stock", "language": {"code": "en"}}}, 132001),  # only en_US
        ({**base, "template": {"name": "diwali_teaser", "language": {"code": "en"}}}, 132001),  # pending
        ({**base, "template": {"name": "festive_sale", "language": {"code": "en"}}}, 131008),  # image missing
        ({**base, "type": "text", "text": {"body": "hi"}}, 131047),
    ]
    for payload, code in cases:
        with pytest.raises(errors.CloudApiError) as exc:
            cloud_client.send_template(payload)
        assert exc.value.code == code, payload
    named = render_message(TemplateSpec.from_meta(next(t for t in fake_cloud_api.templates
                                                       if t["name"] == "cod_confirmation")),
                           {"body.first_name": "A", "body.order_number": "1", "body.order_total": "2",
                            "body.prepaid_discount": "3", "button.2": "1"}, to="+919876543210").payload
    named["template"]["components"][0]["parameters"][0]["parameter_name"] = "name"
    with pytest.raises(errors.TemplateError):
        cloud_client.send_template(named)
    assert fake_cloud_api.sent == []


def test_unknown_object_and_missing_token_over_plain_http(fake_cloud_api):
    r = requests.get(f"{fake_cloud_api.url}/v25.0/{fake_cloud_api.phone_number_id}")
    assert r.status_code == 401 and r.json()["error"]["code"] == 190
    r = requests.get(f"{fake_cloud_api.url}/v25.0/42", headers={"Authorization": f"Bearer {fake_cloud_api.token}"})
    assert r.json()["error"]["code"] == 100 and r.json()["error"]["error_subcode"] == 33


def test_events_endpoint_and_signature(cloud_client, fake_cloud_api):
    _send(cloud_client, fake_cloud_api, "order_shipped", "+919876543210")
    events = requests.get(f"{fake_cloud_api.url}/_sandbox/events?everything=1").json()["events"]
    assert _flatten(events)[0]
    body = json.dumps(events[0]).encode()
    expected = "sha256=" + hmac.new(fake_cloud_api.app_secret.encode(), body, hashlib.sha256).hexdigest()
    assert sign(body, fake_cloud_api.app_secret) == expected
    assert requests.get(f"{fake_cloud_api.url}/_sandbox/events?everything=1").json()["events"] == []


def test_pending_events_survive_a_restart(tmp_path):
    from wadesk.core.messaging.cloud_client import CloudClient

    state = tmp_path / "sandbox-events.json"
    with SandboxServer(state_path=state) as server:
        client = CloudClient(access_token=server.token, phone_number_id=server.phone_number_id,
                             base_url=server.url, sleep=lambda s: None)
        wamid = _send(client, server, "order_shipped", "+919876543210")
        client.close()
    with SandboxServer(state_path=state) as again:  # a later command of the same shop
        statuses, _ = _flatten(again.drain_events(everything=True))
    assert {s["id"] for s in statuses} == {wamid} and "delivered" in {s["status"] for s in statuses}
    with SandboxServer(state_path=state) as third:
        assert third.events.pending_count() == 0
