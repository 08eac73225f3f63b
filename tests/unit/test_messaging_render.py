"""Rendering: the exact send payload, the text shown, limits; and value formatting."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wadesk.core.messaging.formatting import (
    format_inr, format_short_date, format_value, indian_grouping, slugify, utm_tag, whatsapp_to_html,
)
from wadesk.core.messaging.render import Renderer, example_values, render_message, send_endpoint
from wadesk.core.messaging.sandbox.catalog import sandbox_templates
from wadesk.core.messaging.template_spec import TemplateSpec

SPECS = {(t["name"], t["language"]): TemplateSpec.from_meta(t) for t in sandbox_templates()}
TO = "+919876543210"


def test_positional_payload_is_exactly_what_meta_expects():
    r = render_message(SPECS[("cart_reminder", "en")],
                       {"body.1": "Aditi", "body.2": "Rose Gold Hoops", "body.3": "₹899", "button.0": "abc 123/ü"},
                       to=TO, callback_data="m=42")
    assert r.ok
    assert r.payload == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": TO, "type": "template",
        "biz_opaque_callback_data": "m=42",
        "template": {"name": "cart_reminder", "language": {"code": "en"}, "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "Aditi"}, {"type": "text", "text": "Rose Gold Hoops"},
                                            {"type": "text", "text": "₹899"}]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "abc%20123/%C3%BC"}]},
            {"type": "button", "sub_type": "quick_reply", "index": "1",
             "parameters": [{"type": "payload", "payload": "STOP_PROMOTIONS"}]},
        ]}}
    assert r.header_text == "You left something behind"
    assert r.body.startswith("Hi Aditi, your cart with *Rose Gold Hoops* is still waiting")
    assert r.buttons[0].url == "https://shop.example.in/cart/abc%20123/%C3%BC"
    assert r.footer and r.buttons[1].payload == "STOP_PROMOTIONS"


def test_named_parameters_carry_parameter_name_and_coupon():
    spec = SPECS[("winback_offer", "en")]
    values = {"header.first_name": "Priya", "body.discount": "15%", "body.code": "COMEBACK15",
              "body.expiry": "30 Nov", "button.0": "COMEBACK15", "button.1": utm_tag("collections/new", "Win back")}
    r = render_message(spec, values, to=TO)
    comps = r.payload["template"]["components"]
    assert comps[0] == {"type": "header", "parameters": [{"type": "text", "parameter_name": "first_name", "text": "Priya"}]}
    assert comps[1]["parameters"][1] == {"type": "text", "parameter_name": "code", "text": "COMEBACK15"}
    assert comps[2] == {"type": "button", "sub_type": "copy_code", "index": "0",
                        "parameters": [{"type": "coupon_code", "coupon_code": "COMEBACK15"}]}
    assert r.buttons[1].url == ("https://shop.example.in/collections/new?utm_source=whatsapp&utm_medium=campaign"
                                "&utm_campaign=win-back")
    assert r.header_text == "We miss you, Priya!"


def test_image_header_link_or_uploaded_id():
    spec = SPECS[("festive_sale", "en")]
    vals = example_values(spec)
    r = render_message(spec, vals, to=TO, header_media="https://cdn.example.in/diwali.jpg")
    assert r.payload["template"]["components"][0] == {
        "type": "header", "parameters": [{"type": "image", "image": {"link": "https://cdn.example.in/diwali.jpg"}}]}
    r = render_message(spec, vals, to=TO, header_media={"id": "1234", "filename": "x.jpg"})
    assert r.header_media == {"id": "1234"}  # filename only for documents
    assert [p.code for p in render_message(spec, vals, to=TO).problems] == ["missing_media"]


def test_problems_in_plain_words():
    spec = SPECS[("back_in_stock", "en_US")]
    r = render_message(spec, {"header.1": "A" * 70, "body.1": "Aditi", "body.2": "x" * 1100, "body.3": "",
                              "button.0": "https://shop.example.in/p/x"}, to=TO)
    codes = {p.code: p for p in r.problems}
    assert set(codes) == {"header_too_long", "body_too_long", "missing_value", "invalid_url_suffix"}
    assert codes["missing_value"].key == "body.3" and "Message {{3}}" in codes["missing_value"].message
    assert "60" in codes["header_too_long"].message and "1024" in codes["body_too_long"].message
    assert [p.code for p in render_message(SPECS[("summer_sale", "en")], {}, to=TO).problems][0] == "not_approved"


def test_values_are_cleaned_of_newlines_and_runs_of_spaces():
    r = render_message(SPECS[("order_shipped", "en")], {"body.1": " Aditi\n\tK  ", "body.2": "#1", "body.3": "x",
                                                       "button.0": "1"}, to=TO)
    assert r.payload["template"]["components"][0]["parameters"][0]["text"] == "Aditi K"


def test_every_sandbox_template_renders_and_is_accepted(cloud_client):
    for spec in SPECS.values():
        if not spec.sendable:
            continue
        r = Renderer(spec).render(example_values(spec), to=TO, header_media="https://cdn.example.in/f.pdf")
        assert r.ok, (spec.name, r.problems)
        assert cloud_client.send_template(r.payload).wamid


def test_send_endpoint_switch():
    assert send_endpoint(SPECS[("cart_reminder", "en")]) == "messages"
    assert send_endpoint(SPECS[("cart_reminder", "en")], marketing_endpoint=True) == "marketing_messages"
    assert send_endpoint(SPECS[("order_shipped", "en")], marketing_endpoint=True) == "messages"


def test_renderer_is_fast_enough_for_preflight():
    import time

    renderer = Renderer(SPECS[("winback_offer", "en")])
    vals = example_values(renderer.spec)
    start = time.perf_counter()
    for i in range(10_000):
        renderer.render(vals, to=f"+9198765{i:05d}")
    assert time.perf_counter() - start < 1.0  # 100,000 in well under the 5 s budget


@pytest.mark.parametrize("value,expected", [
    (0, "₹0"), (899, "₹899"), (1499.5, "₹1,499.50"), (123456, "₹1,23,456"), ("1234567.891", "₹12,34,567.89"),
    (-1200, "-₹1,200"), (10000000, "₹1,00,00,000"),
])
def test_format_inr(value, expected):
    assert format_inr(value) == expected


@given(st.integers(min_value=0, max_value=10**15))
def test_indian_grouping_keeps_digits(n):
    grouped = indian_grouping(str(n))
    assert grouped.replace(",", "") == str(n)
    groups = grouped.split(",")
    assert len(groups[-1]) <= 3 and all(len(g) == 2 for g in groups[1:-1])


def test_dates_and_values():
    assert format_short_date(date(2026, 6, 24)) == "24 Jun"
    assert format_short_date("2026-01-05T10:00:00Z", with_year=True) == "5 Jan 2026"
    assert format_value("  Aditi  Sharma ", "first_word") == "Aditi"
    assert format_value(15, "percent") == "15%"
    with pytest.raises(ValueError):
        format_value("abc", "inr")


def test_utm_tag():
    assert utm_tag("sale/diwali", "Diwali Sale – 2026!") == (
        "sale/diwali?utm_source=whatsapp&utm_medium=campaign&utm_campaign=diwali-sale-2026")
    assert utm_tag("p/x?ref=1#top", "c") == "p/x?ref=1&utm_source=whatsapp&utm_medium=campaign&utm_campaign=c#top"
    assert utm_tag("p?utm_source=x", "c") == "p?utm_source=x"
    assert slugify("दिवाली") == "campaign"


def test_whatsapp_markup_to_html():
    assert whatsapp_to_html("Hi *Aditi*, _new_ ~old~\n```a *b*```") == (
        "Hi <b>Aditi</b>, <i>new</i> <s>old</s><br><tt>a *b*</tt>")
    assert whatsapp_to_html("2*3*4 <b>") == "2*3*4 &lt;b&gt;"
    assert whatsapp_to_html("snake_case_name") == "snake_case_name"


@pytest.mark.parametrize("values", [
    {}, {"body.1": "x" * 1100}, {"header.1": "y" * 61, "body.1": "a", "body.2": "b", "body.3": "c"},
    {"header.1": "y", "body.1": "a", "body.2": "b", "body.3": "c", "button.0": "https://evil.example"},
    {"header.1": "y", "body.1": "a", "body.2": "b", "body.3": "c", "button.0": "p/kurta set"},
])
def test_check_agrees_with_render(values):
    renderer = Renderer(SPECS[("back_in_stock", "en_US")])
    full = {p.code for p in renderer.render(values, to=TO).problems}
    assert renderer.check(values) == full
