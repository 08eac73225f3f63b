"""Kinds of customers in the sample shop, in proportions that give every micro-segment members.

A persona decides how many orders a customer places, how recently, how big, how they pay, where
they come from and what they do on the website. Every persona appears at least once whenever the
shop has at least as many customers as there are personas.
"""
from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    key: str
    weight: int  # per mille of customers
    orders: tuple[int, int]  # inclusive range of orders placed
    last_order_days: tuple[int, int]  # how long ago the latest order was
    min_order: int  # lowest order total in rupees (after discount)
    cod_share: float  # chance an order is cash on delivery
    rto_share: float  # chance a COD order comes back (return to origin)
    discount_share: float  # chance an order uses a discount code
    cancel_share: float  # chance an order is cancelled
    channels: tuple[str, ...]
    long_delivery: bool = False  # lives in the long-delivery zone


_BUYER_CHANNELS = ("website", "website", "shopify", "shopify", "import", "ctwa", "walk_in", "newsletter")

PERSONAS: tuple[Persona, ...] = (
    # High-value repeat buyers: AOV > 2000, 3+ orders, last order < 60 days ago.
    Persona("vip", 40, (3, 8), (1, 50), 2100, 0.2, 0.0, 0.2, 0.0, _BUYER_CHANNELS),
    Persona("loyal", 80, (3, 6), (0, 120), 0, 0.35, 0.12, 0.25, 0.03, _BUYER_CHANNELS),
    Persona("regular", 200, (1, 2), (0, 540), 0, 0.5, 0.2, 0.2, 0.05, _BUYER_CHANNELS),
    # Lapsed repeat buyers: previously loyal, at risk, almost lost, dormant.
    Persona("lapsed", 80, (2, 5), (150, 540), 0, 0.5, 0.2, 0.2, 0.04, _BUYER_CHANNELS),
    # COD risk: prefers COD, has RTOs, long-delivery zone, a high-value order.
    Persona("cod_risk", 30, (2, 4), (30, 300), 0, 1.0, 0.0, 0.15, 0.0, _BUYER_CHANNELS, True),
    Persona("cod_buyer", 50, (1, 3), (0, 400), 0, 0.9, 0.3, 0.15, 0.05, _BUYER_CHANNELS),
    # Price-sensitive: every order with a discount, clicks offers, abandons carts.
    Persona("bargain", 80, (0, 3), (0, 300), 0, 0.5, 0.2, 1.0, 0.04, ("website", "shopify", "ctwa")),
    Persona("new_buyer", 50, (1, 1), (0, 30), 0, 0.5, 0.0, 0.4, 0.0, _BUYER_CHANNELS),
    # No purchase yet.
    Persona("browser", 120, (0, 0), (0, 0), 0, 0, 0, 0, 0, ("website", "website", "shopify")),
    Persona("visitor", 70, (0, 0), (0, 0), 0, 0, 0, 0, 0, ("website",)),
    Persona("ctwa_lead", 100, (0, 0), (0, 0), 0, 0, 0, 0, 0, ("ctwa",)),
    Persona("newsletter", 60, (0, 0), (0, 0), 0, 0, 0, 0, 0, ("newsletter",)),
    Persona("contest", 40, (0, 0), (0, 0), 0, 0, 0, 0, 0, ("contest",)),
)

BY_KEY: dict[str, Persona] = {p.key: p for p in PERSONAS}


def assign_personas(rng: random.Random, customers: int) -> list[Persona]:
    """One persona per customer: exact proportions (largest remainder), every persona present
    when there is room, in a shuffled order."""
    total = sum(p.weight for p in PERSONAS)
    exact = [customers * p.weight / total for p in PERSONAS]
    counts = [int(x) for x in exact]
    if customers >= len(PERSONAS):
        counts = [max(1, c) for c in counts]
    # Hand out (or take back) the remainder by largest fractional part; ties by persona order.
    order = sorted(range(len(PERSONAS)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    i = 0
    while sum(counts) < customers:
        counts[order[i % len(order)]] += 1
        i += 1
    while sum(counts) > customers:
        j = max(range(len(counts)), key=lambda k: (counts[k], -k))
        counts[j] -= 1
    out = [p for p, n in zip(PERSONAS, counts) for _ in range(n)]
    rng.shuffle(out)
    return out
