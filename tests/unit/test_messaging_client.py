"""CloudClient against the fake Cloud API over real HTTP: paging, every error class, retries."""
from __future__ import annotations

import socket

import pytest

from wadesk.core.messaging import errors
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.messaging.render import render_message
from wadesk.core.messaging.sandbox import Fault
from wadesk.core.messaging.template_spec import TemplateSpec


def _payload(server, name="order_shipped", lang="en", to="+919876543210", **values):
    tpl = next(t for t in server.templates if t["name"] == name and t["language"] == lang)
    spec = TemplateSpec.from_meta(tpl)
    vals = {k: "x" for k in spec.variable_keys()} | values
    return render_message(spec, vals, to=to, header_media="https://cdn.example.in/a.jpg").payload


def test_phone_number_info(cloud_client):
    info = cloud_client.get_phone_number_info()
    assert info.verified_name == "Sandbox Shop"
    assert (info.quality_rating, info.throughput_level, info.messaging_limit_tier) == ("GREEN", "STANDARD", "TIER_2K")
    assert info.messages_per_second == 80 and info.daily_unique_limit == 2000


def test_list_templates_follows_every_page(cloud_client, fake_cloud_api):
    templates = cloud_client.list_templates()
    assert len(templates) == len(fake_cloud_api.templates) == 13
    pages = fake_cloud_api.requests_to("/message_templates")
    assert len(pages) == 3  # page size 5
    assert all(r["authorized"] for r in pages)
    assert "components" in pages[-1]["query"]["fields"]


def test_paging_link_to_another_server_is_not_followed(cloud_client, fake_cloud_api, monkeypatch):
    original = fake_cloud_api._templates_page

    def evil(path, query):
        out = original(path, query)
        out["paging"]["next"] = "https://evil.example/steal"
        return out

    monkeypatch.setattr(fake_cloud_api, "_templates_page", evil)
    with pytest.raises(errors.CloudApiError, match="another server"):
        cloud_client.list_templates()


def test_send_template_returns_wamid(cloud_client, fake_cloud_api):
    result = cloud_client.send_template(_payload(fake_cloud_api))
    assert result.wamid.startswith("wamid.") and result.message_status == "accepted"
    assert result.wa_id == "919876543210"
    assert fake_cloud_api.sent[0]["wamid"] == result.wamid


def test_marketing_endpoint_is_switchable(cloud_client, fake_cloud_api):
    cloud_client.send_template(_payload(fake_cloud_api, "cart_reminder"), endpoint="marketing_messages")
    assert fake_cloud_api.requests_to("/marketing_messages")


def test_bad_token_is_a_token_error_with_plain_advice(fake_cloud_api):
    client = CloudClient(access_token="wrong-token-123456", phone_number_id=fake_cloud_api.phone_number_id,
                         base_url=fake_cloud_api.url, sleep=lambda s: None)
    with pytest.raises(errors.TokenError) as exc:
        client.get_phone_number_info()
    e = exc.value
    assert (e.code, e.http_status, e.action) == (190, 401, errors.STOP)
    assert "system user" in str(e).lower() and "never" in str(e).lower()
    assert e.fbtrace_id
    assert len(fake_cloud_api.requests) == 1  # not retried


def test_expired_token_mid_way(cloud_client, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.token_expired())
    with pytest.raises(errors.TokenError) as exc:
        cloud_client.send_template(_payload(fake_cloud_api))
    assert exc.value.subcode == 463


@pytest.mark.parametrize("code,cls,words", [
    (10, errors.PermissionMissing, "whatsapp_business_messaging"),
    (200, errors.PermissionMissing, "permission"),
    (368, errors.AccountBlocked, "restricted"),
    (131042, errors.AccountBlocked, "payment"),
    (131053, errors.MediaError, "media"),
])
def test_error_classes_by_code(cloud_client, fake_cloud_api, code, cls, words):
    fake_cloud_api.faults.append(Fault.error(code, 403 if code in (10, 200) else 400))
    with pytest.raises(cls) as exc:
        cloud_client.get_phone_number_info()
    assert words in str(exc.value).lower() and exc.value.code == code


def test_throughput_limit_is_raised_not_retried(cloud_client, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.throughput())
    with pytest.raises(errors.RateLimited) as exc:
        cloud_client.send_template(_payload(fake_cloud_api))
    assert exc.value.code == 130429 and exc.value.retry_after and exc.value.retryable
    assert len(fake_cloud_api.requests_to("/messages")) == 1
    assert fake_cloud_api.sent == []


def test_invalid_phone_is_invalid_parameter(cloud_client, fake_cloud_api):
    with pytest.raises(errors.InvalidParameter) as exc:
        cloud_client.send_template(_payload(fake_cloud_api, to="12ab"))
    assert exc.value.code == 100 and "phone" in exc.value.details


def test_undeliverable_number_is_a_recipient_error(cloud_client, fake_cloud_api):
    with pytest.raises(errors.RecipientError) as exc:
        cloud_client.send_template(_payload(fake_cloud_api, to="+919876543200"))
    assert exc.value.code == 131026 and exc.value.action == errors.UNDELIVERABLE


def test_template_errors(cloud_client, fake_cloud_api):
    payload = _payload(fake_cloud_api)
    payload["template"]["language"]["code"] = "hi"
    with pytest.raises(errors.TemplateError) as exc:
        cloud_client.send_template(payload)
    assert exc.value.code == 132001
    payload = _payload(fake_cloud_api)
    payload["template"]["components"][0]["parameters"].pop()
    with pytest.raises(errors.TemplateError) as exc:
        cloud_client.send_template(payload)
    assert exc.value.code == 132000
    fake_cloud_api.set_template_status("order_shipped", "en", "PAUSED")
    with pytest.raises(errors.TemplateError) as exc:
        cloud_client.send_template(_payload(fake_cloud_api))
    assert exc.value.code == 132015 and exc.value.action == errors.STOP


def test_transient_errors_are_retried_then_succeed(fake_cloud_api):
    delays = []
    client = CloudClient(access_token=fake_cloud_api.token, phone_number_id=fake_cloud_api.phone_number_id,
                         base_url=fake_cloud_api.url, sleep=delays.append, backoff=0.5)
    fake_cloud_api.faults.append(Fault.server_error(count=2, path="/messages"))
    result = client.send_template(_payload(fake_cloud_api))
    assert result.wamid and len(fake_cloud_api.requests_to("/messages")) == 3
    assert len(delays) == 2 and 0.25 <= delays[0] <= 0.5 and 0.5 <= delays[1] <= 1.0  # exponential, jittered
    assert len(fake_cloud_api.sent) == 1


def test_retries_are_bounded(cloud_client, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.error(131000, 500, count=10))
    with pytest.raises(errors.TransientError):
        cloud_client.get_phone_number_info()
    assert len(fake_cloud_api.requests) == 1 + cloud_client.max_retries


def test_permanent_errors_are_not_retried(cloud_client, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.error(131049, 400, count=5))
    with pytest.raises(errors.RecipientError) as exc:
        cloud_client.send_template(_payload(fake_cloud_api))
    assert exc.value.action == errors.DEFER and len(fake_cloud_api.requests) == 1


def test_read_timeout_on_get_is_retried(cloud_client, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.timeout(0.5))
    assert cloud_client.get_phone_number_info().verified_name
    assert len(fake_cloud_api.requests) == 2


def test_read_timeout_on_send_is_outcome_unknown_never_resent(cloud_client, fake_cloud_api):
    fake_cloud_api.faults.append(Fault.timeout(0.5, path="/messages"))
    with pytest.raises(errors.OutcomeUnknown):
        cloud_client.send_template(_payload(fake_cloud_api))
    assert len(fake_cloud_api.requests_to("/messages")) == 1  # one attempt only


def test_unreachable_server_is_a_network_error():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    delays = []
    client = CloudClient(access_token="tok-123456789", phone_number_id="1", base_url=f"http://127.0.0.1:{port}",
                         sleep=delays.append, max_retries=2)
    with pytest.raises(errors.NetworkError, match="internet"):
        client.send_template({"messaging_product": "whatsapp"})  # not sent at all: safe to retry
    assert len(delays) == 2


def test_upload_media(cloud_client, fake_cloud_api):
    media_id = cloud_client.upload_media(b"\x89PNG fake", "image/png", "banner.png")
    assert media_id.isdigit()
    assert fake_cloud_api.requests_to("/media")[0]["body"]["_form_bytes"] > 0


def test_classify_table_covers_reference_codes():
    for code in (130429, 131056, 4, 80007, 1, 2, 131000, 131016, 131049, 131050, 131026, 131047, 131021, 131030,
                 100, 131008, 131009, 132000, 132001, 132005, 132007, 132008, 132012, 132015, 132016, 0, 190, 3,
                 10, 250, 131005, 368, 131031, 131042, 131048, 133010, 131053):
        assert errors.classify(code).kind != "unknown", code
    assert errors.classify(None, 503).action == errors.RETRY
    assert errors.classify(131056).action == errors.PAIR_LIMIT


def test_media_uploader_uploads_each_file_once(cloud_client, fake_cloud_api, tmp_path):
    from wadesk.core.messaging.media import MediaUploader, check_media

    img = tmp_path / "banner.jpg"
    img.write_bytes(b"\xff\xd8\xff fake jpeg")
    up = MediaUploader(cloud_client)
    first = up.media_for(str(img), "IMAGE")
    assert first == up.media_for(str(img), "IMAGE") and "id" in first
    assert len(fake_cloud_api.requests_to("/media")) == 1
    assert up.media_for("https://cdn.example.in/b.jpg", "IMAGE") == {"link": "https://cdn.example.in/b.jpg"}
    doc = tmp_path / "invoice.pdf"
    doc.write_bytes(b"%PDF-1.4")
    assert up.media_for(str(doc), "DOCUMENT")["filename"] == "invoice.pdf"
    assert "does not accept invoice.pdf" in check_media(str(doc), "IMAGE").message
    assert "https" in check_media("http://cdn.example.in/b.jpg", "IMAGE").message
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (5 * 1024 * 1024 + 1))
    assert "5 MB" in check_media(str(big), "IMAGE").message
