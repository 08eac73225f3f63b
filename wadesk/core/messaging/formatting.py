"""How values look inside a WhatsApp message: ₹ with Indian grouping, short dates, UTM-tagged links,
and WhatsApp's own *bold* / _italic_ / ~strike~ / ```monospace``` markup turned into safe HTML for
the preview bubble. Locale-independent on purpose: the same output on every Windows and Mac.
"""
from __future__ import annotations

import html
import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FORMATS = ("text", "inr", "number", "date", "date_year", "percent", "first_word", "title")


def indian_grouping(digits: str) -> str:
    """'1234567' -> '12,34,567' (lakh/crore grouping: last three, then pairs)."""
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    pairs = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head] + pairs + [tail]) if head else ",".join(pairs + [tail])


def _decimal(value: Any) -> Decimal:
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"'{value}' is not a number") from None


def format_number(value: Any, decimals: int | None = None) -> str:
    """Indian-grouped number; decimals shown only when the value has paise unless fixed."""
    d = _decimal(value)
    if decimals is None:
        decimals = 0 if d == d.to_integral_value() else 2
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    return sign + indian_grouping(whole) + (f".{frac}" if decimals else "")


def format_inr(value: Any, decimals: int | None = None) -> str:
    """₹1,23,456 ; ₹899.50 ; -₹1,200."""
    s = format_number(value, decimals)
    return f"-₹{s[1:]}" if s.startswith("-") else f"₹{s}"


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value).strip().replace("Z", "+00:00")).date()


def format_short_date(value: Any, with_year: bool = False) -> str:
    """'24 Jun' (or '24 Jun 2026'): how Indian shops write dates in messages."""
    d = _as_date(value)
    return f"{d.day} {_MONTHS[d.month - 1]}" + (f" {d.year}" if with_year else "")


def format_value(value: Any, fmt: str = "text") -> str:
    """Format a mapped value for a template variable. Raises ValueError when it does not fit."""
    if fmt == "inr":
        return format_inr(value)
    if fmt == "number":
        return format_number(value)
    if fmt == "percent":
        return f"{format_number(value)}%"
    if fmt == "date":
        return format_short_date(value)
    if fmt == "date_year":
        return format_short_date(value, with_year=True)
    text = " ".join(str(value).split())
    if fmt == "first_word":
        return text.split(" ")[0] if text else ""
    if fmt == "title":
        return text.title()
    if fmt == "text":
        return text
    raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")


def slugify(name: str, max_len: int = 60) -> str:
    """'Diwali Sale – 2026!' -> 'diwali-sale-2026' (for utm_campaign)."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "campaign"


def utm_tag(suffix: str, campaign: str, *, source: str = "whatsapp", medium: str = "campaign") -> str:
    """Add UTM parameters to a URL-button suffix so later orders can be attributed.

    Keeps an existing query and fragment; leaves a suffix that already has utm_ tags alone."""
    if "utm_source=" in suffix:
        return suffix
    path, hash_, fragment = suffix.partition("#")
    query = _utm_query(campaign, source, medium)
    joiner = "&" if "?" in path else "?"
    if path.endswith(("?", "&")):
        joiner = ""
    return f"{path}{joiner}{query}{hash_}{fragment}"


@lru_cache(maxsize=64)
def _utm_query(campaign: str, source: str, medium: str) -> str:
    # Same for every recipient of a campaign: computed once, not 100,000 times.
    return urlencode({"utm_source": source, "utm_medium": medium, "utm_campaign": slugify(campaign)})


# WhatsApp markup: the marker must hug non-space text and not sit inside a word.
_MONO = re.compile(r"```(.+?)```", re.S)
_STYLES = [
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", re.S), "b"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])", re.S), "i"),
    (re.compile(r"(?<![\w~])~(?=\S)(.+?)(?<=\S)~(?![\w~])", re.S), "s"),
]


def whatsapp_to_html(text: str) -> str:
    """Message text -> HTML (escaped) as WhatsApp shows it; for a QLabel/QTextBrowser bubble."""
    parts = _MONO.split(text or "")
    out = []
    for i, part in enumerate(parts):
        esc = html.escape(part, quote=False)
        if i % 2:  # inside ``` ```: no further formatting
            out.append(f"<tt>{esc}</tt>")
            continue
        for pat, tag in _STYLES:
            esc = pat.sub(lambda m, t=tag: f"<{t}>{m.group(1)}</{t}>", esc)
        out.append(esc)
    return "".join(out).replace("\n", "<br>")
