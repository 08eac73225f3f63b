"""Phone numbers: whatever a shop's spreadsheet holds -> E.164 ("+919876543210"), or a plain reason.

Accepts "+91 98765 43210", "098765-43210", "9876543210", "919876543210", "0091...", and what Excel
does to long numbers ("9.19876543210E+11", "919876543210.0"). The default region (setting
`default_region`, IN by default) says how to read a number typed without its country code.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult
from phonenumbers.phonemetadata import PhoneMetadata

DEFAULT_REGION = "IN"

# "9.19876543210E+11", "9,19876543210E+11" (comma decimal locales), "919876543210.0"
_SCIENTIFIC = re.compile(r"^\s*\+?(\d)[.,](\d+)\s*[eE]\s*\+?(\d{1,2})\s*$")
_TRAILING_ZERO_DECIMAL = re.compile(r"^\s*(\+?\d{6,})[.,]0+\s*$")
# What a phone fragment typed into a search box may contain.
_PHONE_LIKE = re.compile(r"^[\s\d+\-().]*\d[\s\d+\-().]*$")
# The commonest shapes in Indian shop lists: a 10-digit mobile-range number, bare or with +91 / 91 / 0.
# For these, phonenumbers.parse(text, "IN") always gives country code 91 and these 10 digits, so the
# parse (the slowest step) is skipped; validation below is the same calls either way.
_PLAIN_IN = re.compile(r"(?:\+91|91|0)?([6-9]\d{9})")
_IN_ALONE = tuple(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(91, ())) == ("IN",)  # so +91 numbers are India's


class PhoneResult(NamedTuple):
    """The outcome of reading one phone number. `ok` is True when e164 is set. A named tuple: an
    import makes one per row, and a frozen dataclass took twice as long to build."""

    raw: str
    e164: str | None = None
    national: str | None = None  # national significant number: "9876543210"
    region: str | None = None  # "IN"
    is_mobile: bool = False
    error: str | None = None  # plain words for the shop owner

    @property
    def ok(self) -> bool:
        return self.e164 is not None


def country_name(region: str | None) -> str:
    """'IN' -> 'India' (falls back to the code itself)."""
    if not region:
        return "this country"
    from phonenumbers import geocoder  # ~1 s of location data: loaded only when a message needs it

    return geocoder._region_display_name(region, "en") or region  # noqa: SLF001 - no public API


def _unmangle_excel(text: str) -> tuple[str, str | None]:
    """Undo Excel's number formatting. Returns (text, error) where error means digits were lost."""
    m = _SCIENTIFIC.match(text)
    if m:
        lead, frac, exp = m.group(1), m.group(2), int(m.group(3))
        # Excel keeps 15 significant digits; if it showed fewer than the number has, digits are gone.
        if len(frac) < exp:
            return text, (
                f"This number was shortened by a spreadsheet ({text.strip()}), so some digits are lost. "
                "Format the column as text and export again."
            )
        try:
            value = Decimal(f"{lead}.{frac}E{exp}")
        except InvalidOperation:  # pragma: no cover - regex guarantees a valid decimal
            return text, None
        return format(value.to_integral_value(), "f"), None
    m = _TRAILING_ZERO_DECIMAL.match(text)
    if m:
        return m.group(1), None
    return text, None


def normalise_phone(text: object, default_region: str = DEFAULT_REGION) -> PhoneResult:
    """Read one phone number. Never raises; look at `.ok` / `.error`."""
    raw = "" if text is None else str(text)
    if isinstance(text, float) and text.is_integer():
        raw = str(int(text))  # a number cell read straight from Excel
    cleaned = raw.strip()
    region = (default_region or DEFAULT_REGION).upper()
    if not cleaned:
        return PhoneResult(raw, error="No phone number given.")
    if region == "IN" and _IN_ALONE and (m := _PLAIN_IN.fullmatch(cleaned)):  # nothing for Excel to have mangled
        return _verdict(raw, 91, m.group(1), "IN")
    cleaned, lost = _unmangle_excel(cleaned)
    if lost:
        return PhoneResult(raw, error=lost)
    if not any(ch.isdigit() for ch in cleaned):
        return PhoneResult(raw, error="This doesn't look like a phone number (it has no digits).")
    try:
        num = phonenumbers.parse(cleaned, region)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            return PhoneResult(raw, error="The country code of this number is not one we recognise.")
        if exc.error_type in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
            # Typed with its own country code: the default country says nothing about it.
            foreign = cleaned.lstrip().startswith(("+", "00"))
            return PhoneResult(raw, error="This number has too few digits." if foreign
                               else f"This number has too few digits for {country_name(region)}.")
        if exc.error_type == NumberParseException.TOO_LONG:
            return PhoneResult(raw, error="This number has too many digits.")
        return PhoneResult(raw, error="This doesn't look like a phone number.")
    return _checked(raw, num)


# The order in which phonenumbers' number_type tries the special types (_number_type_helper).
_SPECIAL_TYPES = (("premium_rate", PhoneNumberType.PREMIUM_RATE), ("toll_free", PhoneNumberType.TOLL_FREE),
                  ("shared_cost", PhoneNumberType.SHARED_COST), ("voip", PhoneNumberType.VOIP),
                  ("personal_number", PhoneNumberType.PERSONAL_NUMBER), ("pager", PhoneNumberType.PAGER),
                  ("uan", PhoneNumberType.UAN), ("voicemail", PhoneNumberType.VOICEMAIL))


def _pattern(desc, length: int) -> re.Pattern | None:
    """A number description's pattern when it can match a number of this length, else None
    (phonenumbers' _is_number_matching_desc: the possible lengths first, then the pattern)."""
    if desc is None or (desc.possible_length and length not in desc.possible_length):
        return None
    return re.compile(desc.national_number_pattern) if desc.national_number_pattern else None


@lru_cache(maxsize=None)
def _type_plan(region: str, country_code: int, length: int):
    """phonenumbers.number_type's checks for one region and number length, compiled once: it runs the
    same patterns in the same order for every number (about 11 regex calls through several Python
    layers each), which was most of the cost of reading 50,000 new numbers."""
    meta = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    if meta is None:
        return None
    special = tuple((p, t) for a, t in _SPECIAL_TYPES if (p := _pattern(getattr(meta, a), length)) is not None)
    return (_pattern(meta.general_desc, length), special, _pattern(meta.fixed_line, length),
            _pattern(meta.mobile, length), meta.same_mobile_and_fixed_line_pattern)


def number_type(nsn: str, region: str, country_code: int) -> int:
    """phonenumbers.number_type for a number whose region is known, from its national significant
    number (identical results; tests/unit/test_phones_fast.py compares the two)."""
    plan = _type_plan(region, country_code, len(nsn))
    if plan is None:
        return PhoneNumberType.UNKNOWN
    general, special, fixed, mobile, same = plan
    if general is None or not general.fullmatch(nsn):
        return PhoneNumberType.UNKNOWN
    for p, kind in special:
        if p.fullmatch(nsn):
            return kind
    if fixed is not None and fixed.fullmatch(nsn):
        if same or (mobile is not None and mobile.fullmatch(nsn)):
            return PhoneNumberType.FIXED_LINE_OR_MOBILE
        return PhoneNumberType.FIXED_LINE
    if not same and mobile is not None and mobile.fullmatch(nsn):
        return PhoneNumberType.MOBILE
    return PhoneNumberType.UNKNOWN


@lru_cache(maxsize=4096)
def _possible(country_code: int, length: int) -> int:
    """is_possible_number_with_reason depends only on the calling code and the national number's
    length; asked once per pair."""
    return phonenumbers.is_possible_number_with_reason(
        phonenumbers.PhoneNumber(country_code=country_code, national_number=int("1" * length)))


def _checked(raw: str, num: phonenumbers.PhoneNumber) -> PhoneResult:
    """Validate a parsed number: its region, length and type decide the result."""
    return _verdict(raw, num.country_code, phonenumbers.national_significant_number(num),
                    phonenumbers.region_code_for_number(num))


def _verdict(raw: str, country_code: int, nsn: str, exact_region: str | None) -> PhoneResult:
    """_checked from the parts of the number (calling code, national significant number, region)."""
    num_region = exact_region or phonenumbers.region_code_for_country_code(country_code)
    reason = _possible(country_code, len(nsn))
    if reason == ValidationResult.TOO_SHORT:
        return PhoneResult(raw, error=f"This number has too few digits for {country_name(num_region)}.")
    if reason == ValidationResult.INVALID_LENGTH:
        return PhoneResult(raw, error=f"This number has the wrong number of digits for {country_name(num_region)}.")
    if reason == ValidationResult.TOO_LONG:
        return PhoneResult(raw, error=f"This number has too many digits for {country_name(num_region)}.")
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        return PhoneResult(raw, error="The country code of this number is not one we recognise.")
    # is_valid_number() is "has a region and a known type"; asking number_type() once does both.
    kind = number_type(nsn, exact_region, country_code) if exact_region else PhoneNumberType.UNKNOWN
    if kind == PhoneNumberType.UNKNOWN:
        return PhoneResult(raw, error=f"This is not a valid phone number for {country_name(num_region)}.")
    return PhoneResult(
        raw,
        e164=f"+{country_code}{nsn}",  # format_number(E164) of a valid number
        national=nsn,
        region=num_region,
        is_mobile=kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE),
    )


def format_phone(e164: str | None) -> str:
    """'+919876543210' -> '+91 98765 43210' for display; unparseable values are returned as is."""
    if not e164:
        return ""
    try:
        num = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def search_digits(text: str) -> str:
    """The digits of a search text that looks like (part of) a phone number, else "".

    "+91 98765" -> "9198765", "98765-4" -> "987654", "rohan" -> "", "a1" -> "".
    """
    if not text or not _PHONE_LIKE.match(text):
        return ""
    return "".join(ch for ch in text if ch.isdigit())


def calling_code(region: str) -> str:
    """'IN' -> '91'."""
    return str(phonenumbers.country_code_for_region(region.upper()) or "")
