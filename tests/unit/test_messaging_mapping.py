"""Personalisation: mappings with fallbacks and formats, the customer context, discount code pools."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from wadesk.core.db.models import Campaign, Customer, Event, Order, OrderItem
from wadesk.core.messaging.context import customer_context
from wadesk.core.messaging.discount_codes import (
    CodeShortage, assign_codes, import_codes, peek_code, pools, read_codes_file, shortage,
)
from wadesk.core.messaging.mapping import (
    TemplateMapping, VariableMapping, check_mapping, default_mapping, resolve_values,
)
from wadesk.core.messaging.render import render_message
from wadesk.core.messaging.sandbox.catalog import sandbox_templates
from wadesk.core.messaging.template_spec import TemplateSpec


@pytest.fixture
def db(fresh_db):
    return fresh_db  # a copied, already-migrated database: fast

SPECS = {(t["name"], t["language"]): TemplateSpec.from_meta(t) for t in sandbox_templates()}
NOW = datetime(2026, 11, 28, 10, 0)

WINBACK = TemplateMapping("winback_offer", "en", {
    "header.first_name": VariableMapping("field", "first_name", fallback="there"),
    "body.discount": VariableMapping("fixed", "15%"),
    "body.code": VariableMapping("discount_code", "WINBACK"),
    "body.expiry": VariableMapping("attribute", "offer_ends", format="date"),
    "button.0": VariableMapping("discount_code", "WINBACK"),
    "button.1": VariableMapping("fixed", "collections/new"),
}, utm_campaign="Win-back Nov")


def test_resolve_with_fallbacks_formats_and_utm():
    ctx = {"field.first_name": None, "discount_code.WINBACK": "WB-7Q2K", "attribute.offer_ends": "2026-12-05"}
    values, problems = resolve_values(SPECS[("winback_offer", "en")], WINBACK, ctx)
    assert problems == []
    assert values == {"header.first_name": "there", "body.discount": "15%", "body.code": "WB-7Q2K",
                      "body.expiry": "5 Dec", "button.0": "WB-7Q2K",
                      "button.1": "collections/new?utm_source=whatsapp&utm_medium=campaign&utm_campaign=win-back-nov"}
    r = render_message(SPECS[("winback_offer", "en")], values, to="+919876543210")
    assert r.ok and r.header_text == "We miss you, there!"


def test_missing_values_and_codes_are_problems():
    values, problems = resolve_values(SPECS[("winback_offer", "en")], WINBACK, {"attribute.offer_ends": "soon"})
    codes = sorted(p.code for p in problems)
    assert codes == ["bad_value", "no_discount_code", "no_discount_code"]
    assert "header.first_name" in values  # fallback used


def test_mapping_checks_and_json_round_trip(tmp_path):
    spec = SPECS[("festive_sale", "en")]
    m = default_mapping(spec)
    assert m.variables["body.first_name"] == VariableMapping("field", "first_name", fallback="there")
    assert [p.code for p in check_mapping(spec, m)] == ["missing_media"]
    m.header_media = "https://cdn.example.in/diwali.jpg"
    m.variables["body.nope"] = VariableMapping("fixed", "x")
    m.variables["body.discount"] = VariableMapping("metric", "", format="weird")
    assert sorted(p.code for p in check_mapping(spec, m)) == ["bad_format", "unknown_variable"]
    path = tmp_path / "mapping.json"
    WINBACK.save(path)
    assert TemplateMapping.load(path) == WINBACK
    with pytest.raises(ValueError, match="format"):
        TemplateMapping.from_json({"variables": {}})


def test_customer_context_from_the_crm(db):
    with db.session() as s:
        c = Customer(phone="+919876543210", first_name=None, name="Aditi Sharma", city="Pune", order_count=2,
                     total_spent=Decimal("2998"), attributes={"size": "M"}, created_at=NOW, updated_at=NOW)
        other = Customer(phone="+919876543211", name="Rahul", created_at=NOW, updated_at=NOW)
        s.add_all([c, other])
        s.flush()
        for i, (cust, product, qty) in enumerate([(c, "Rose Serum", 1), (c, "Night Cream", 1),
                                                  (other, "Vitamin C Gel", 5), (other, "Rose Serum", 9)]):
            s.add(Order(customer_id=cust.id, source="demo", external_id=str(i), number=f"#10{i}",
                        placed_at=datetime(2026, 11, i + 1), total=Decimal("1499"), created_at=NOW, updated_at=NOW,
                        items=[OrderItem(product=product, category="skincare", quantity=qty, price=Decimal("1499"))]))
        s.add(Event(customer_id=c.id, type="added_to_cart", occurred_at=NOW, product="Kurta Set", value=Decimal("1299")))
        s.flush()
        ctx = customer_context(s, c, NOW)
    assert ctx["field.first_name"] == "Aditi" and ctx["attribute.size"] == "M"
    assert ctx["metric.aov"] == Decimal("1499.00") and ctx["metric.last_order_number"] == "#101"
    assert ctx["metric.favourite_category"] == "skincare"
    assert ctx["product.last_carted"] == "Kurta Set" and ctx["metric.cart_value"] == Decimal("1299")
    assert ctx["recommendation.top_in_favourite_category"] == "Vitamin C Gel"  # Rose Serum already bought


def test_code_pool_import_assign_and_shortage(db, tmp_path):
    f = tmp_path / "codes.csv"
    f.write_text("Code\nWB-1\nWB-2\nWB-2\nWB-3\nbad code\n", encoding="utf-8")
    with db.session() as s:
        result = import_codes(s, "WINBACK", read_codes_file(f), NOW)
        assert (result.added, result.duplicates, result.invalid) == (3, 1, ["bad code"])
        custs = [Customer(name=n, created_at=NOW, updated_at=NOW) for n in "abcd"]
        camp = Campaign(name="c", created_at=NOW, updated_at=NOW)
        s.add_all(custs + [camp])
        s.flush()
        ids = [c.id for c in custs]
        assert shortage(s, "WINBACK", 4).code == "no_discount_code"
        with pytest.raises(CodeShortage):
            assign_codes(s, "WINBACK", ids, campaign_id=camp.id, now=NOW)
        assert peek_code(s, "WINBACK") == "WB-1"
        first = assign_codes(s, "WINBACK", ids[:2], campaign_id=camp.id, now=NOW)
        again = assign_codes(s, "WINBACK", ids[:3], campaign_id=camp.id, now=NOW)  # idempotent, +1
        assert first == {ids[0]: "WB-1", ids[1]: "WB-2"} and again == {**first, ids[2]: "WB-3"}
        assert [(p.pool, p.total, p.available, p.assigned) for p in pools(s)] == [("WINBACK", 3, 0, 3)]


def test_preview_for_a_customer_and_for_the_templates_page(db, tmp_path):
    from wadesk.core.messaging.preview import preview_for_customer, preview_values

    spec = SPECS[("winback_offer", "en")]
    with db.session() as s:
        import_codes(s, "WINBACK", ["WB-1", "WB-2"], NOW)
        c = Customer(phone="+919876543210", first_name="Priya", name="Priya", attributes={"offer_ends": "2026-12-05"},
                     created_at=NOW, updated_at=NOW)
        s.add(c)
        s.flush()
        p = preview_for_customer(s, spec, WINBACK, c, now=NOW)
        assert p.ok, p.problems
        assert p.rendered.header_text == "We miss you, Priya!" and "WB-1" in p.rendered.body
        assert '"coupon_code": "WB-1"' in p.json_text and p.header_html == "We miss you, Priya!"
        assert pools(s)[0].available == 2  # peeking assigns nothing
        c.phone = None
        assert [x.code for x in preview_for_customer(s, spec, WINBACK, c, now=NOW).problems] == ["invalid_phone"]

    festive = SPECS[("festive_sale", "en")]
    p = preview_values(festive)
    assert p.ok and p.rendered.header_media == {"link": festive.header.example}
    assert p.body_html.startswith("Neha, our <b>Diwali sale</b> is live!")
    img = tmp_path / "banner.png"
    img.write_bytes(b"\x89PNG\r\n")
    p = preview_values(festive, header_media=str(img))
    assert p.ok and p.header_media_path == str(img)
    assert [x.code for x in preview_values(festive, header_media=str(tmp_path / "none.png")).problems] == ["missing_media"]


def test_preflight_counts_problems_by_reason(db):
    from wadesk.core.messaging.context import bulk_contexts
    from wadesk.core.messaging.preflight import run_preflight

    spec = SPECS[("winback_offer", "en")]
    mapping = TemplateMapping.from_json(WINBACK.to_json())
    mapping.variables["header.first_name"] = VariableMapping("field", "first_name")  # no fallback
    with db.session() as s:
        people = [Customer(phone="+919876543210", first_name="Priya", attributes={"offer_ends": "2026-12-05"}),
                  Customer(phone="+919876543211", first_name="", attributes={"offer_ends": "2026-12-05"}),
                  Customer(phone=None, first_name="Ravi", attributes={"offer_ends": "2026-12-05"}),
                  Customer(phone="+919876543213", first_name="Meena", attributes={"offer_ends": "2026-12-05"})]
        for p in people:
            p.name, p.created_at, p.updated_at = p.first_name or "", NOW, NOW
        s.add_all(people)
        s.flush()
        ids = [p.id for p in people]
        ticks = []
        result = run_preflight(spec, mapping, bulk_contexts(s, ids, NOW), codes_available={"WINBACK": 3},
                               progress=lambda d, t, x="": ticks.append(d), total=len(ids))
    assert (result.recipients, result.ok) == (4, 1)
    assert result.problems == {"missing_value": 1, "invalid_phone": 1, "no_discount_code": 1}
    assert result.customers["invalid_phone"] == [ids[2]] and result.customers["no_discount_code"] == [ids[3]]
    assert result.failing_ids == set(ids[1:]) and ticks[-1] == 4
    assert result.as_json()["problems"]["missing_value"] == 1

    from wadesk.core.jobs import Cancelled
    from wadesk.core.messaging.preflight import preflight_customers

    with db.session() as s:
        import_codes(s, "WINBACK", ["A-1", "A-2"], NOW)
        result = preflight_customers(s, spec, mapping, ids, now=NOW)
        assert result.problems["no_discount_code"] == 2 and result.recipients == 4
        with pytest.raises(Cancelled):
            preflight_customers(s, spec, mapping, ids, cancelled=lambda: True)
