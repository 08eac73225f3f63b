"""Normalising cell text: money, dates, emails, names, yes/no.

Each parser takes the text of one cell and returns a value or None for blank; it raises
ValueError with a plain reason when the text is not blank but cannot be read (the row is then
rejected or the field flagged; we never guess).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache

BLANKS = {"", "-", "--", "n/a", "na", "null", "none", "nil", "#n/a", "."}
IST = timedelta(hours=5, minutes=30)

# --- money -------------------------------------------------------------------------------------
_CURRENCY = re.compile(r"(₹|rs\.?|inr|rupees?|/-|\$|usd|pkr|bdt|৳)", re.I)
_MONEY = re.compile(r"^-?\d+(\.\d+)?$")


def parse_money(text: str) -> Decimal | None:
    """'₹1,23,456.50', 'Rs. 1,234/-', 'INR 500', '(250.00)' -> Decimal. Indian grouping is just commas."""
    t = (text or "").strip()
    if t.lower() in BLANKS:
        return None
    neg = t.startswith("(") and t.endswith(")")
    t = _CURRENCY.sub("", t.strip("()")).replace(",", "").replace(" ", "").replace("\u00a0", "")
    if t.startswith("-"):
        neg, t = True, t[1:]
    if not _MONEY.match(t):
        raise ValueError(f"'{text}' is not an amount of money.")
    try:
        value = Decimal(t)
    except InvalidOperation:  # pragma: no cover - regex guarantees a number
        raise ValueError(f"'{text}' is not an amount of money.") from None
    return -value if neg else value


# --- dates -------------------------------------------------------------------------------------
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|UTC|[+-]\d{2}:?\d{2})?$",
    re.I,
)
_DMY = re.compile(
    r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2,4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?$", re.I
)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_WORDY = re.compile(r"^(\d{1,2})[\s\-/]*([a-z]{3})[a-z]*[\s\-/,]*(\d{2,4})(?:[ ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)?)?$", re.I)
_WORDY_US = re.compile(r"^([a-z]{3})[a-z]*\s+(\d{1,2}),?\s+(\d{4})(?:[ ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]m)?)?$", re.I)
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
EXCEL_EPOCH = datetime(1899, 12, 30)


def _year(y: str) -> int:
    n = int(y)
    return n + 2000 if n < 100 else n


def _hour(h: str | None, ampm: str | None) -> int:
    n = int(h or 0)
    if ampm:
        pm = ampm.lower().startswith("p")
        n = (n % 12) + (12 if pm else 0)
    return n


def _offset(tz: str | None, local: timedelta) -> timedelta:
    if not tz:
        return local
    if tz.upper() in ("Z", "UTC"):
        return timedelta(0)
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))


def parse_datetime(text: str, dayfirst: bool = True, local_offset: timedelta = IST) -> datetime | None:
    """Any date a shop export holds -> naive UTC. Times without a zone are the shop's local time.

    ISO and Shopify's '2026-06-24 22:58:34 +0530'; dd/mm/yyyy (or mm/dd when dayfirst=False);
    '24 Jun 2026'; Excel serials (45678 or 45678.5); Unix seconds (Razorpay API dumps)."""
    t = (text or "").strip()
    if t.lower() in BLANKS:
        return None
    parts = None
    tz = None
    if m := _ISO.match(t):
        y, mo, d, hh, mi, ss, tz = m.groups()
        parts = (int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
    elif m := _DMY.match(t):
        a, b, y, hh, mi, ss, ap = m.groups()
        d, mo = (a, b) if dayfirst else (b, a)
        if int(mo) > 12 and int(d) <= 12:  # 13/25 can only be one way round
            d, mo = mo, d
        parts = (_year(y), int(mo), int(d), _hour(hh, ap), int(mi or 0), int(ss or 0))
    elif (m := _WORDY.match(t)) or (m2 := _WORDY_US.match(t)):
        if m:
            d, mon, y, hh, mi, ss, ap = m.groups()
        else:
            mon, d, y, hh, mi, ss, ap = m2.groups()
        if mon.lower()[:3] not in _MONTHS:
            raise ValueError(f"'{text}' is not a date.")
        parts = (_year(y), _MONTHS[mon.lower()[:3]], int(d), _hour(hh, ap), int(mi or 0), int(ss or 0))
    elif _SERIAL.match(t) and 20000 <= float(t) <= 80000:  # Excel serial: 1954 .. 2119
        local = EXCEL_EPOCH + timedelta(days=float(t))
        return (local - local_offset).replace(microsecond=0)
    elif t.isdigit() and len(t) == 10:
        return datetime.fromtimestamp(int(t), timezone.utc).replace(tzinfo=None)
    if parts is None:
        raise ValueError(f"'{text}' is not a date.")
    try:
        local = datetime(*parts)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date.") from None
    return local - _offset(tz, local_offset)


# --- emails ------------------------------------------------------------------------------------
_EMAIL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")
TYPO_DOMAINS = {
    "gemil.com": "gmail.com", "gmial.com": "gmail.com", "gmai.com": "gmail.com", "gmal.com": "gmail.com",
    "gamil.com": "gmail.com", "gnail.com": "gmail.com", "gmaill.com": "gmail.com", "gmail.co": "gmail.com",
    "gmail.con": "gmail.com", "gmail.cm": "gmail.com", "gmail.om": "gmail.com", "gmail.in": "gmail.com",
    "yaho.com": "yahoo.com", "yahooo.com": "yahoo.com", "yahoo.co": "yahoo.com", "yhoo.com": "yahoo.com",
    "hotmial.com": "hotmail.com", "hotmal.com": "hotmail.com", "outlok.com": "outlook.com",
    "rediffmail.co": "rediffmail.com", "redifmail.com": "rediffmail.com", "iclod.com": "icloud.com",
}


def normalise_email(text: str) -> tuple[str | None, str | None]:
    """-> (email or None, flag). Flag: None, 'invalid' (email dropped), or 'typo:<likely domain>'
    (kept as written: we flag obvious typos, we never silently change an address)."""
    t = (text or "").strip().lower()
    if t.startswith("mailto:"):
        t = t[7:]
    if t in BLANKS:
        return None, None
    if not _EMAIL.match(t) or ".." in t:
        return None, "invalid"
    domain = t.rsplit("@", 1)[1]
    if domain in TYPO_DOMAINS:
        return t, f"typo:{TYPO_DOMAINS[domain]}"
    return t, None


# --- names -------------------------------------------------------------------------------------
_HAS_DIGIT_ONLY = re.compile(r"^[\d\s+\-()]+$")


@lru_cache(maxsize=1 << 16)  # names and cities repeat down a list; the result depends on the text only
def clean_name(text: str) -> str:
    """Trim and collapse spaces; NFC so Devanagari matras stay joined to their letters.

    Placeholders ('.', '-', 'NA') and phone numbers typed into a name cell become ''. An all-lower
    or ALL-UPPER Latin name is title-cased (it is printed in greetings); other scripts are untouched."""
    if not text:
        return ""
    t = " ".join((text if text.isascii() else unicodedata.normalize("NFC", text)).split()).strip(" .,-_")
    if t.lower() in BLANKS or _HAS_DIGIT_ONLY.match(t or "x"):
        return ""
    if t.isascii() and (t.islower() or t.isupper()):
        t = t.title()
    return t


@lru_cache(maxsize=1 << 16)
def split_name(full: str) -> tuple[str, str]:
    full = clean_name(full)
    if not full:
        return "", ""
    first, _, last = full.partition(" ")
    return first, last


# --- yes / no ----------------------------------------------------------------------------------
_YES = {"yes", "y", "true", "1", "subscribed", "opted in", "opt-in", "opt in", "optin", "accepted", "confirmed"}
_NO = {"no", "n", "false", "0", "not subscribed", "never subscribed", "pending"}
_OUT = {"unsubscribed", "opted out", "opt-out", "opt out", "optout", "stop", "revoked", "withdrawn", "redacted"}


def parse_consent(text: str) -> str | None:
    """'in' (opted in), 'out' (explicitly opted out), 'no' (never asked / not subscribed) or None."""
    t = (text or "").strip().lower()
    if t in _YES:
        return "in"
    if t in _OUT:
        return "out"
    if t in _NO:
        return "no"
    return None


def parse_bool(text: str) -> bool | None:
    c = parse_consent(text)
    return None if c is None else c == "in"


def parse_int(text: str) -> int | None:
    t = (text or "").strip().replace(",", "")
    if t.lower() in BLANKS:
        return None
    try:
        return int(Decimal(t))
    except (InvalidOperation, ValueError):
        raise ValueError(f"'{text}' is not a whole number.") from None
