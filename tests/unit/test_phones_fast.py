"""crm.phones checks number types with phonenumbers' patterns compiled once per region and length:
it must agree with phonenumbers itself on every number, valid or not."""
from __future__ import annotations

import random

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from wadesk.core.crm import phones
from wadesk.core.crm.phones import normalise_phone, number_type

REGIONS = ["IN", "PK", "BD", "AE", "GB", "US", "CA", "SG", "DE", "IT", "AU", "NP", "LK", "SA", "BR", "CI", "SM"]


def _reference(raw: str, region: str) -> tuple:
    """normalise_phone's outcome computed with phonenumbers' own calls (the code before the shortcut)."""
    try:
        num = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    exact = phonenumbers.region_code_for_number(num)
    reason = phonenumbers.is_possible_number_with_reason(num)
    if reason not in (phonenumbers.ValidationResult.IS_POSSIBLE, phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        return ("impossible", reason)
    kind = phonenumbers.number_type(num) if exact else PhoneNumberType.UNKNOWN
    if kind == PhoneNumberType.UNKNOWN:
        return ("invalid",)
    return (phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164),
            phonenumbers.national_significant_number(num),
            kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE))


def _outcome(raw: str, region: str) -> tuple | None:
    r = normalise_phone(raw, region)
    if r.ok:
        return (r.e164, r.national, r.is_mobile)
    return r.error


def _numbers(rnd: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        length = rnd.randint(4, 14)
        lead = rnd.choice("0123456789")
        out.append(lead + "".join(rnd.choice("0123456789") for _ in range(length - 1)))
    return out


def test_number_type_matches_phonenumbers_on_random_and_example_numbers():
    rnd = random.Random(11)
    checked, kinds = 0, set()
    for region in REGIONS:
        cc = phonenumbers.country_code_for_region(region)
        nsns = _numbers(rnd, 3000)
        # Every example number of every type, and each one off by a digit or a length.
        for kind in range(12):
            ex = phonenumbers.example_number_for_type(region, kind)
            if ex is not None:
                s = phonenumbers.national_significant_number(ex)
                nsns += [s, s[:-1], s + "7", s[:-1] + str((int(s[-1]) + 1) % 10), "1" + s[1:], "9" + s[1:]]
        for nsn in nsns:
            num = phonenumbers.PhoneNumber(country_code=cc, national_number=int(nsn),
                                           italian_leading_zero=nsn.startswith("0") or None)
            if nsn.startswith("0"):
                num.number_of_leading_zeros = len(nsn) - len(nsn.lstrip("0")) if nsn.strip("0") else None
            region_of = phonenumbers.region_code_for_number(num)
            if region_of is None:
                continue
            real = phonenumbers.national_significant_number(num)
            kind = number_type(real, region_of, cc)
            assert kind == phonenumbers.number_type(num), (region, real)
            kinds.add(kind)
            assert phones._possible(cc, len(real)) == phonenumbers.is_possible_number_with_reason(num), (region, real)
            checked += 1
    assert checked > 30_000 and len(kinds) >= 8  # most types were met, not only "unknown"


@pytest.mark.parametrize("region", ["IN", "PK", "GB", "US", "AE"])
def test_normalise_phone_agrees_with_phonenumbers(region):
    rnd = random.Random(region)
    cc = str(phonenumbers.country_code_for_region(region))
    raws = []
    for nsn in _numbers(rnd, 1500):
        raws += [nsn, "0" + nsn, "+" + cc + nsn, cc + nsn, "+" + cc + " " + nsn[:5] + " " + nsn[5:]]
    for kind in range(12):
        ex = phonenumbers.example_number_for_type(region, kind)
        if ex is not None:
            raws.append(phonenumbers.format_number(ex, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
            raws.append(phonenumbers.format_number(ex, phonenumbers.PhoneNumberFormat.NATIONAL))
    for raw in raws:
        ref = _reference(raw, region)
        got = _outcome(raw, region)
        if ref is None or ref[0] in ("impossible", "invalid"):
            assert isinstance(got, str), (raw, got)  # an error message
        else:
            assert got == ref, raw
