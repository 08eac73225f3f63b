"""Ready-made flows: one click, then editable. Template names are the built-in sandbox's; a real
account's owner picks their own template per step (a step without one keeps the flow off)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wadesk.core.automations.definition import FlowDefinition, Step, Wait


@dataclass(frozen=True)
class Recipe:
    key: str
    name: str
    description: str
    definition: FlowDefinition


def _var(source: str, name: str, fallback: str | None = None, fmt: str = "text", utm: bool = True) -> dict[str, Any]:
    v: dict[str, Any] = {"source": source, "name": name, "format": fmt}
    if fallback is not None:
        v["fallback"] = fallback
    if not utm:
        v["utm"] = False
    return v


def _mapping(template: str, language: str = "en", **variables: dict[str, Any]) -> dict[str, Any]:
    return {"template": template, "language": language,
            "variables": {k.replace("__", "."): v for k, v in variables.items()}}


def _cart_step(wait: Wait) -> Step:
    return Step("cart_reminder", "en", _mapping(
        "cart_reminder", body__1=_var("field", "first_name", "there"),
        body__2=_var("product", "last_carted", "your picks"),
        body__3=_var("metric", "cart_value", "your cart", "inr"),
        button__0=_var("fixed", "checkout", utm=False)), wait)


def _no_orders(days: int) -> dict[str, Any]:
    return {"field": "order_activity", "measure": "count", "op": "=", "value": 0, "days": days}


RECIPES: tuple[Recipe, ...] = (
    Recipe("abandoned_cart", "Abandoned cart",
           "Added to cart and did not order: a reminder after 1 hour and another after 24 hours; "
           "stops as soon as they buy or reply.",
           FlowDefinition({"all": [{"field": "event", "event": "added_to_cart", "op": "at_least", "value": 1,
                                    "days": 2}, _no_orders(2)]},
                          (_cart_step(Wait(hours=1)), _cart_step(Wait(hours=23))),
                          ("purchased", "replied", "opted_out"), reentry_days=14)),
    Recipe("cod_to_prepaid", "COD → prepaid nudge",
           "A cash-on-delivery order not yet shipped: pay online now and save. Utility message, kept "
           "apart from marketing caps.",
           FlowDefinition({"all": [{"field": "order_activity", "measure": "count", "op": ">=", "value": 1, "days": 2,
                                    "where": {"payment": "cod", "status": ["pending"]}}]},
                          (Step("cod_confirmation", "en", _mapping(
                              "cod_confirmation", body__first_name=_var("field", "first_name", "there"),
                              body__order_number=_var("metric", "last_order_number", "your order"),
                              body__order_total=_var("metric", "last_order_total", "your order", "inr"),
                              body__prepaid_discount=_var("fixed", "₹50"),
                              button__2=_var("metric", "last_order_number", "order", utm=False)), Wait(hours=0.5)),),
                          ("replied", "left_segment"), reentry_days=1, holdout_pct=0)),
    Recipe("cross_sell", "Post-purchase cross-sell",
           "A week after an order is delivered: a product from their favourite category they haven't bought.",
           FlowDefinition({"all": [{"field": "order_activity", "measure": "count", "op": ">=", "value": 1, "days": 3,
                                    "where": {"status": ["delivered"]}}]},
                          (Step("back_in_stock", "en_US", _mapping(
                              "back_in_stock", "en_US", header__1=_var("recommendation", "top_in_favourite_category", "New in"),
                              body__1=_var("field", "first_name", "there"),
                              body__2=_var("recommendation", "top_in_favourite_category", "our bestsellers"),
                              body__3=_var("fixed", "great prices"),
                              button__0=_var("fixed", "bestsellers")), Wait(days=7, at="11:00")),),
                          ("replied", "opted_out"), reentry_days=30)),
    Recipe("ctwa_welcome", "Welcome for new ad leads",
           "New customers from a click-to-WhatsApp ad: a welcome with your best-sellers straight away.",
           FlowDefinition({"all": [{"field": "channel", "op": "in", "value": ["ctwa"]},
                                   {"field": "orders", "op": "=", "value": 0}]},
                          (Step("back_in_stock", "en_US", _mapping(
                              "back_in_stock", "en_US", header__1=_var("fixed", "Our bestsellers"),
                              body__1=_var("field", "first_name", "there"),
                              body__2=_var("recommendation", "top_in_favourite_category", "bestseller"),
                              body__3=_var("fixed", "special launch prices"),
                              button__0=_var("fixed", "bestsellers")), Wait(hours=0)),),
                          ("purchased", "opted_out"), reentry_days=None)),
    Recipe("price_drop", "Offer for price-sensitive prospects",
           "Customers who click offers or only buy with a discount: an offer the next morning.",
           FlowDefinition({"any": [{"field": "event", "event": "offer_clicked", "op": "at_least", "value": 1,
                                    "days": 30}, {"all": [{"field": "orders", "op": ">=", "value": 1},
                                                          {"field": "discount_share", "op": ">=", "value": 50}]}]},
                          (Step("winback_offer", "en", _mapping(
                              "winback_offer", header__first_name=_var("field", "first_name", "there"),
                              body__discount=_var("fixed", "15%"), body__code=_var("fixed", "SAVE15"),
                              body__expiry=_var("fixed", "Sunday"), button__0=_var("fixed", "SAVE15"),
                              button__1=_var("fixed", "offers")), Wait(days=1, at="10:00")),),
                          ("purchased", "opted_out"), reentry_days=30)),
    Recipe("win_back", "Win-back after 60 / 90 days",
           "Bought before but not for 60 days: an offer, and another 30 days later if they still haven't ordered.",
           FlowDefinition({"all": [{"field": "orders", "op": ">=", "value": 1},
                                   {"field": "days_since_last_order", "op": ">=", "value": 60}]},
                          tuple(Step("winback_offer", "en", _mapping(
                              "winback_offer", header__first_name=_var("field", "first_name", "there"),
                              body__discount=_var("fixed", pct), body__code=_var("fixed", code),
                              body__expiry=_var("fixed", "this week"), button__0=_var("fixed", code),
                              button__1=_var("fixed", "new")), wait)
                                for pct, code, wait in (("10%", "MISSYOU10", Wait(days=0, at="10:00")),
                                                        ("20%", "MISSYOU20", Wait(days=30, at="10:00")))),
                          ("purchased", "replied", "opted_out", "left_segment"), reentry_days=180)),
    Recipe("review_request", "Review request after delivery",
           "Two days after an order is delivered, ask for a review (pick your review template).",
           FlowDefinition({"all": [{"field": "order_activity", "measure": "count", "op": ">=", "value": 1, "days": 3,
                                    "where": {"status": ["delivered"]}}]},
                          (Step(None, "en", {}, Wait(days=2, at="11:00")),), ("replied", "opted_out"),
                          reentry_days=30, holdout_pct=0)),
)


def find_recipe(key: str) -> Recipe:
    for r in RECIPES:
        if key.strip().lower() in (r.key, r.name.lower()):
            return r
    raise KeyError(f"There is no recipe '{key}'. Recipes: " + ", ".join(r.key for r in RECIPES))
