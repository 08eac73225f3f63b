"""Numbers as Indian shops read them: 12,34,567 (lakh/crore grouping). No Qt."""
from __future__ import annotations

from decimal import Decimal


def group_indian(whole: int) -> str:
    """1234567 -> '12,34,567'."""
    sign, digits = ("-", str(-whole)) if whole < 0 else ("", str(whole))
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while head:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return sign + ",".join(groups + [tail])


def count_noun(n: int, singular: str, plural: str | None = None) -> str:
    """'1 customer', '12,345 customers'."""
    return f"{group_indian(n)} {singular if n == 1 else (plural or singular + 's')}"


def rupees(amount: Decimal | float | int | None) -> str:
    """₹1,23,457 (to the rupee)."""
    return f"₹{group_indian(int(round(Decimal(str(amount or 0)))))}"
