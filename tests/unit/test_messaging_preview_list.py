"""The preview's list of customers (all, or a segment's recipients), stepping and "next with a
problem"; header media uploaded once through the sandbox's real media endpoint."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests

from wadesk.core.clock import FixedClock
from wadesk.core.crm import consent, customers
from wadesk.core.messaging.errors import MediaError
from wadesk.core.messaging.mapping import TemplateMapping, VariableMapping, default_mapping
from wadesk.core.messaging.media import prepare_header_media
from wadesk.core.messaging.preview import preview_for_customer
from wadesk.core.messaging.preview_list import PreviewList, next_with_problem, render_at, segment_list
from wadesk.core.messaging.sandbox.catalog import sandbox_templates
from wadesk.core.messaging.template_spec import TemplateSpec
from wadesk.core.segments import SegmentEngine

SPECS = {(t["name"], t["language"]): TemplateSpec.from_meta(t) for t in sandbox_templates()}
NOW = datetime(2026, 11, 28, 10, 0)
PUNE = {"all": [{"field": "city", "op": "in", "value": ["Pune"]}]}
# (first name, phone, city, opted in): the Pune recipients are opted-in Pune customers with a number
PEOPLE = [("Asha", "+919876500001", "Pune", True), ("", "+919876500002", "Pune", True),
          ("Bina", "+919876500003", "Delhi", True), ("Chetan", "+919876500004", "Pune", False),
          ("Divya", "+919876500005", "Pune", True), ("", "+919876500006", "Pune", True),
          ("Esha", "+919876500007", "Pune", True)]


@pytest.fixture
def db(fresh_db):
    return fresh_db


@pytest.fixture
def shop(db):
    ids = []
    with db.session() as s:
        for first, phone, city, opted in PEOPLE:
            c = customers.create_customer(s, dict(first_name=first or None, phone=phone, city=city), now=NOW)
            if opted:
                consent.record_opt_in(s, c.id, "checkout", now=NOW)
            ids.append(c.id)
    return ids


def strict(spec: TemplateSpec) -> TemplateMapping:
    """First names with no fallback: a customer without one has a problem."""
    m = default_mapping(spec)
    m.variables = {k: (VariableMapping("field", "first_name") if v.source == "field" else v)
                   for k, v in m.variables.items()}
    return m


def test_segment_list_is_the_campaign_audience_narrowed_by_search(db, shop):
    engine = SegmentEngine(db, FixedClock(datetime(2026, 11, 28, 10, tzinfo=timezone.utc)))
    with db.session() as s:
        people = segment_list(s, engine, PUNE, "Pune shoppers")
        assert people.ids == (shop[0], shop[1], shop[4], shop[5], shop[6])  # not Delhi, not the opted-out
        assert people.count(s) == 5 and people.ids_at(s, 3, 5) == [shop[5], shop[6]]
        assert segment_list(s, engine, PUNE, "Pune shoppers", search="divya").ids == (shop[4],)
        assert segment_list(s, engine, PUNE, "Pune shoppers", search="bina").ids == ()


def test_render_at_steps_and_clamps(db, shop):
    spec = SPECS[("order_shipped", "en")]
    with db.session() as s:
        everyone = PreviewList()
        first = render_at(s, spec, default_mapping(spec), everyone, 0, NOW)
        assert first.total == 7 and first.preview is not None
        last = render_at(s, spec, default_mapping(spec), everyone, 99, NOW)
        assert last.position == 6
        empty = render_at(s, spec, default_mapping(spec), PreviewList(ids=()), 0, NOW)
        assert empty.total == 0 and empty.preview is None


def test_next_with_problem_finds_what_the_preview_shows(db, shop):
    spec = SPECS[("festive_sale", "en")]
    mapping = strict(spec)
    mapping.header_media = spec.header.example
    people = PreviewList(ids=tuple(shop))
    with db.session() as s:
        assert next_with_problem(s, spec, mapping, people, 0, NOW) == 1  # the first without a first name
        assert next_with_problem(s, spec, mapping, people, 2, NOW) == 5
        assert next_with_problem(s, spec, mapping, people, 6, NOW) is None
        found = render_at(s, spec, mapping, people, 5, NOW)
        assert [p.code for p in found.preview.problems] == ["missing_value"]
        assert render_at(s, spec, mapping, people, 4, NOW).preview.ok
        # with the fallback back, nobody has a problem
        relaxed = default_mapping(spec)
        relaxed.header_media = spec.header.example
        assert next_with_problem(s, spec, relaxed, people, 0, NOW) is None


def test_next_with_problem_scans_in_chunks_and_can_be_cancelled(db, shop, monkeypatch):
    from wadesk.core import jobs
    from wadesk.core.messaging import preview_list

    monkeypatch.setattr(preview_list, "SCAN_CHUNK", 2)
    spec = SPECS[("festive_sale", "en")]
    mapping = strict(spec)
    mapping.header_media = spec.header.example
    seen = []
    with db.session() as s:
        assert next_with_problem(s, spec, mapping, PreviewList(ids=tuple(shop)), 2, NOW,
                                 progress=lambda done, total, _m: seen.append((done, total))) == 5
        assert seen == [(2, 7), (4, 7)]
        with pytest.raises(jobs.Cancelled):
            next_with_problem(s, spec, mapping, PreviewList(ids=tuple(shop)), 2, NOW, cancelled=lambda: True)


def test_an_invalid_number_is_a_problem_in_the_preview_as_in_preflight(db, shop):
    from wadesk.core.db.models import Customer

    spec = SPECS[("order_shipped", "en")]
    with db.session() as s:
        c = s.get(Customer, shop[0])
        c.phone = "98765"  # what an old import may have left behind
        p = preview_for_customer(s, spec, default_mapping(spec), c, now=NOW)
        assert [x.message for x in p.problems if x.code == "invalid_phone"] == ["98765 is not a valid WhatsApp number."]


# ---- header media ------------------------------------------------------------------------------

def test_prepare_header_media_uploads_a_local_file_once(cloud_client, fake_cloud_api, tmp_path):
    spec = SPECS[("festive_sale", "en")]
    img = tmp_path / "diwali.png"
    img.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    mapping = default_mapping(spec)
    mapping.header_media = str(img)
    ready = prepare_header_media(cloud_client, mapping, spec.media_header)
    media_id = ready.header_media["id"]
    assert ready.header_media == {"id": media_id} and mapping.header_media == str(img)  # a copy
    assert fake_cloud_api.media[media_id]["mime_type"] == "image/png"
    assert fake_cloud_api.media[media_id]["file_size"] == img.stat().st_size
    assert fake_cloud_api.media[media_id]["filename"] == "diwali.png"
    # prepared once: preparing again (a retry, a resumed campaign) uploads nothing
    assert prepare_header_media(cloud_client, ready, spec.media_header) is ready
    assert len(fake_cloud_api.requests_to("/media")) == 1
    # the prepared mapping survives the mapping file and renders the id into the request
    again = TemplateMapping.from_json(ready.to_json())
    from wadesk.core.messaging.preview import preview_values
    from wadesk.core.messaging.render import Renderer, example_values
    payload = Renderer(spec).render(example_values(spec), to="+919876543210", header_media=again.header_media).payload
    assert payload["template"]["components"][0]["parameters"][0] == {"type": "image", "image": {"id": media_id}}
    assert preview_values(spec, header_media=None).ok
    link = default_mapping(spec)
    link.header_media = "https://cdn.example.in/a.jpg"
    assert prepare_header_media(cloud_client, link) is link


def test_prepare_header_media_document_keeps_its_name_and_refuses_bad_files(cloud_client, fake_cloud_api, tmp_path):
    spec = SPECS[("invoice_ready", "en")]
    doc = tmp_path / "price-list.pdf"
    doc.write_bytes(b"%PDF-1.4 price list")
    mapping = default_mapping(spec)
    mapping.header_media = str(doc)
    ready = prepare_header_media(cloud_client, mapping)  # the kind read from the file name
    assert ready.header_media["filename"] == "price-list.pdf"
    assert fake_cloud_api.media[ready.header_media["id"]]["mime_type"] == "application/pdf"
    mapping.header_media = str(tmp_path / "gone.pdf")
    with pytest.raises(ValueError, match="does not exist"):
        prepare_header_media(cloud_client, mapping, "DOCUMENT")
    mapping.header_media = str(doc)
    with pytest.raises(ValueError, match="does not accept price-list.pdf"):
        prepare_header_media(cloud_client, mapping, "IMAGE")
    assert len(fake_cloud_api.requests_to("/media")) == 1  # nothing sent for the refused ones


def test_sandbox_media_endpoint_checks_like_meta(cloud_client, fake_cloud_api):
    with pytest.raises(MediaError, match="could not be uploaded"):
        cloud_client.upload_media(b"PK zip", "application/zip", "photos.zip")
    with pytest.raises(MediaError):
        cloud_client.upload_media(b"\0" * (5 * 1024 * 1024 + 1), "image/png", "huge.png")
    with pytest.raises(MediaError):
        cloud_client.upload_media(b"", "image/png", "empty.png")
    # the form needs messaging_product, and a file
    url = f"{fake_cloud_api.url}/v25.0/{fake_cloud_api.phone_number_id}/media"
    auth = {"Authorization": f"Bearer {fake_cloud_api.token}"}
    r = requests.post(url, headers=auth, data={"type": "image/png"}, files={"file": ("a.png", b"png", "image/png")},
                      timeout=5)
    assert r.status_code == 400 and "messaging_product" in r.json()["error"]["error_data"]["details"]
    r = requests.post(url, headers=auth, files={"messaging_product": (None, "whatsapp")}, timeout=5)
    assert r.status_code == 400 and "file is required" in r.json()["error"]["error_data"]["details"]
    assert fake_cloud_api.media == {}
    media_id = cloud_client.upload_media(b"\x89PNG ok", "image/png", "ok.png")
    assert list(fake_cloud_api.media) == [media_id]


def test_a_hindi_template_falls_back_to_a_hindi_word(db, shop):
    from wadesk.core.db.models import Customer

    spec = SPECS[("new_arrivals_hi", "hi")]
    m = default_mapping(spec)
    assert m.variables["body.1"].fallback == "ग्राहक"
    assert default_mapping(SPECS[("back_in_stock", "en_US")]).variables["body.1"].fallback == "there"
    with db.session() as s:
        nameless = s.get(Customer, shop[1])
        m.header_media = spec.header.example
        assert preview_for_customer(s, spec, m, nameless, now=NOW).rendered.body.startswith("नमस्ते ग्राहक!")
