"""Rate card, cost estimate, break-even and the shop's AOV: Decimal money, plain errors."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from wadesk.core.campaigns.pricing import RateCard, break_even, estimate_cost, shop_aov
from wadesk.core.db.models import Customer, Order
from wadesk.core.settings import SettingError


@pytest.fixture
def db(fresh_db):
    return fresh_db


def card_with_uae() -> RateCard:
    data = RateCard.default().as_json()
    data["rates"]["AE"] = {"MARKETING": "3.50", "UTILITY": "1.25", "AUTHENTICATION": "1.00"}
    return RateCard.from_json(data)


def test_default_card_has_the_reference_india_rates():
    card = RateCard.default()
    assert card.currency == "INR" and card.gst_pct == 18
    assert card.rate("IN", "MARKETING") == Decimal("0.8631")
    assert card.rate("in", "utility") == Decimal("0.115")
    assert card.rate("IN", "AUTHENTICATION") == Decimal("0.115")
    assert card.rate("US", "MARKETING") == card.rate("*", "MARKETING") == Decimal("0.8631")  # "*" row
    assert card.rate(None, "MARKETING") == Decimal("0.8631")
    with pytest.raises(SettingError, match="not a WhatsApp template category"):
        card.rate("IN", "SERVICE_PROMO")


def test_json_round_trip_keeps_exact_decimals():
    card = card_with_uae()
    data = card.as_json()
    assert data["rates"]["IN"]["UTILITY"] == "0.115"  # a string: no float noise
    again = RateCard.from_json(data)
    assert again == card and again.rate("AE", "MARKETING") == Decimal("3.50")
    import json
    assert RateCard.from_json(json.dumps(data)) == card  # the JSON text is accepted too


@pytest.mark.parametrize("change, words", [
    (lambda d: d["rates"].pop("*"), "row for other countries"),
    (lambda d: d["rates"].update({"XX": d["rates"]["IN"]}), "'XX' is not a country code"),
    (lambda d: d["rates"]["IN"].update(MARKETING="abc"), "IN marketing rate: 'abc' is not a number"),
    (lambda d: d["rates"]["IN"].update(UTILITY="-1"), "IN utility rate must be between 0"),
    (lambda d: d["rates"]["IN"].pop("AUTHENTICATION"), "IN authentication rate is missing"),
    (lambda d: d.update(gst_pct="118"), "GST must be between 0 and 100"),
    (lambda d: d.update(currency="rupees"), "not a currency code"),
    (lambda d: d["rates"].update({"in": d["rates"]["IN"]}), "lists IN twice"),
])
def test_bad_cards_are_refused_in_plain_words(change, words):
    data = RateCard.default().as_json()
    change(data)
    with pytest.raises(SettingError, match=words):
        RateCard.from_json(data)


def test_not_json_is_refused():
    with pytest.raises(SettingError, match="not readable"):
        RateCard.from_json("{rates: ")


def test_estimate_by_country_with_and_without_gst():
    card = card_with_uae()
    est = estimate_cost(card, {"IN": 1000, "AE": 10, "US": 2}, "MARKETING", include_gst=False)
    # 1000 × 0.8631 + 10 × 3.50 + 2 × 0.8631 ("*") = 863.1 + 35 + 1.7262 = 899.8262
    assert est.total == Decimal("899.83") and est.gst == 0 and est.currency == "INR"
    assert est.by_country == {"IN": Decimal("863.10"), "AE": Decimal("35.00"), "US": Decimal("1.73")}
    assert est.per_message == Decimal("0.8892")  # 899.8262 / 1012 = 0.88916
    assert est.messages == 1012

    with_gst = estimate_cost(card, {"IN": 1000, "AE": 10, "US": 2}, "MARKETING", include_gst=True)
    assert with_gst.total == Decimal("1061.79")  # 899.8262 × 1.18 = 1061.794916
    assert with_gst.gst == Decimal("161.96")  # 1061.79 − 899.83
    assert with_gst.by_country["IN"] == Decimal("1018.46")
    assert all(isinstance(v, Decimal) for v in (with_gst.total, with_gst.per_message, with_gst.gst))


def test_estimate_of_nobody_costs_nothing():
    est = estimate_cost(RateCard.default(), {}, "UTILITY", include_gst=True)
    assert est.total == 0 and est.per_message == 0 and est.by_country == {}


def test_break_even_sentence_matches_the_issue():
    be = break_even(Decimal("862"), Decimal("1240"), 30)
    assert be.orders_needed == 3  # 862 / (1240 × 0.30 = 372) = 2.3 → 3
    assert be.sentence("INR") == ("This costs ₹862; at your AOV of ₹1,240 and a 30% margin it pays for itself "
                                  "with 3 orders.")


def test_break_even_edges():
    assert break_even(Decimal("372"), Decimal("1240"), 30).orders_needed == 1  # exactly one order
    assert break_even(Decimal("372.01"), Decimal("1240"), 30).orders_needed == 2
    assert break_even(Decimal("0"), Decimal("0"), 0).orders_needed == 0
    no_aov = break_even(Decimal("100"), Decimal("0"), 30)
    assert no_aov.orders_needed is None and "no orders yet" in no_aov.sentence()
    no_margin = break_even(Decimal("100"), Decimal("500"), 0)
    assert no_margin.orders_needed is None and "margin" in no_margin.sentence()
    one = break_even(Decimal("8.63"), Decimal("125000"), 12.5)
    assert one.sentence() == ("This costs ₹8.63; at your AOV of ₹1,25,000 and a 12.5% margin it pays for "
                              "itself with 1 order.")
    assert "USD 40.00" in break_even(Decimal("40"), Decimal("20"), 50).sentence("USD")


def test_shop_aov_leaves_cancelled_orders_out(db):
    t = datetime(2026, 1, 1)
    with db.session() as s:
        assert shop_aov(s) == 0  # no orders yet
        c = Customer(name="Asha", name_key="asha", created_at=t, updated_at=t)
        s.add(c)
        s.flush()
        for i, (total, cancelled) in enumerate([(1000, None), (1480, None), (9999, datetime(2026, 1, 2))]):
            s.add(Order(customer_id=c.id, source="manual", external_id=str(i), placed_at=t, created_at=t, updated_at=t,
                        total=Decimal(total), cancelled_at=cancelled))
        s.flush()
        assert shop_aov(s) == Decimal("1240.00")
