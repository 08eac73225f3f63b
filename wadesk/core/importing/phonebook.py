"""Reading a row's phones and email: who the row may be (identity.py matches and merges).

Kept apart from identity.py, which works with the database: the parse worker reads phones and
emails too and imports this without SQLAlchemy and the models."""
from __future__ import annotations

import re

from phonenumbers import SUPPORTED_REGIONS

from wadesk.core.crm.phones import PhoneResult, calling_code, normalise_phone
from wadesk.core.importing.values import normalise_email

_PLAIN_DIGITS = re.compile(r"^\+?\d{8,15}$")


class PhoneBook:
    """Phone normalising with a cache, and a shortcut for numbers already in the database.

    A plain number whose E.164 form is already stored (validated by crm.phones when it was saved)
    is not parsed again: re-imports of big lists spend most of their time here otherwise."""

    def __init__(self, region: str, known: dict[str, int]):
        self.region, self.known, self.cc = region, known, calling_code(region)
        self._cache: dict[str, PhoneResult] = {}

    def parse(self, raw: str, region: str | None = None) -> PhoneResult:
        region = region or self.region
        hit = self._cache.get((raw, region))
        if hit is not None:
            return hit
        if _PLAIN_DIGITS.match(raw) and (raw[0] == "+" or region == self.region):
            cc = self.cc
            cand = raw if raw[0] == "+" else ("+" + cc + raw if len(raw) == 10 else "+" + raw)
            if cand in self.known:  # not cached: as quick to work out again as to look up
                return PhoneResult(raw, e164=cand, is_mobile=True)
        res = normalise_phone(raw, region)
        if len(self._cache) < 500_000:
            self._cache[(raw, region)] = res
        return res

    def pick(self, raws: list[str], country: str = "") -> tuple[PhoneResult | None, list[PhoneResult], list[PhoneResult]]:
        """-> (primary: the first mobile, else the first valid; other valid; invalid).

        A row's own country (Shopify 'Billing Country' = PK) says how to read its local numbers;
        the shop's default region is only the fallback."""
        region = country.upper() if len(country) == 2 and country.upper() in SUPPORTED_REGIONS else None
        if len(raws) == 1:  # the usual row: what the general case below gives for one number
            r = self.parse(raws[0], region)
            return (r, [], []) if r.ok else (None, [], [r])
        results = [self.parse(r, region) for r in raws]
        ok = [r for r in results if r.ok]
        bad = [r for r in results if not r.ok]
        primary = next((r for r in ok if r.is_mobile), ok[0] if ok else None)
        others = [r for r in ok if r is not primary and r.e164 != (primary.e164 if primary else None)]
        return primary, others, bad


# Warnings `identify` can give, as the import's summary counts them.
EMAIL_INVALID = "emails that are not valid were left out"
EMAIL_TYPO = "emails with a likely typo in the domain (kept, flagged)"
PHONE_UNREADABLE = "phone numbers that could not be read (kept as text)"


def identify(c, phones: PhoneBook) -> tuple[tuple | None, str | None, tuple[str, ...]]:
    """A row's customer -> ((primary phone, other phones, email) or None, why it has no identity,
    warnings). Notes what it could not use in c.attributes. Runs wherever the row is parsed (the
    parse worker for a big file: phones are the slow part)."""
    primary, others, bad = phones.pick(c.phones, c.country)
    email, flag = normalise_email(c.email)
    warnings: tuple[str, ...] = ()
    if flag == "invalid":
        c.attributes["invalid_email"] = c.email
        warnings = (EMAIL_INVALID,)
    elif flag:
        c.attributes["email_flag"] = flag
        warnings = (EMAIL_TYPO,)
    if bad:
        c.attributes["invalid_phones"] = [b.raw for b in bad]
        warnings += (PHONE_UNREADABLE,)
    if not primary and not email and not c.external_id:
        why = f" (phone '{bad[0].raw}': {bad[0].error.rstrip('.')})" if bad else ""
        return None, f"No usable phone number or email{why}.", warnings
    return (primary, others, email), None, warnings
