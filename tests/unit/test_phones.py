import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import phonenumbers

from wadesk.core.crm.phones import format_phone, normalise_phone, search_digits


@pytest.mark.parametrize(
    "text",
    [
        "+91 98765 43210",
        "098765-43210",
        "9876543210",
        "919876543210",
        "0091 98765 43210",
        "9.19876543210E+11",
        "9,19876543210E+11",
        "919876543210.0",
        "+91-987-654-3210",
        "(+91) 98765 43210",
        919876543210,
        919876543210.0,
        " 98765 43210 ",
    ],
)
def test_indian_formats_become_e164(text):
    r = normalise_phone(text, "IN")
    assert r.ok, r.error
    assert (r.e164, r.national, r.region, r.is_mobile) == ("+919876543210", "9876543210", "IN", True)


@pytest.mark.parametrize(
    "text, words",
    [
        ("98765", "too few digits for India"),
        ("", "No phone number given"),
        (None, "No phone number given"),
        ("call me", "no digits"),
        ("98765432101234567", "too many digits"),
        ("9.19877E+11", "shortened by a spreadsheet"),
        ("+999 1234567", "country code"),
        ("987654321012", "not a valid phone number for India"),
    ],
)
def test_bad_numbers_get_plain_reasons(text, words):
    r = normalise_phone(text, "IN")
    assert not r.ok and r.e164 is None
    assert words in r.error


def test_default_region_decides_numbers_without_country_code():
    assert normalise_phone("020 7946 0958", "GB").e164 == "+442079460958"
    assert normalise_phone("+44 20 7946 0958", "IN").region == "GB"
    assert normalise_phone("+44 20", "IN").error == "This number has too few digits for United Kingdom."
    assert "United Kingdom" in normalise_phone("+44 20 7946 09581234", "IN").error


def test_search_digits_and_format():
    assert search_digits("+91 98765") == "9198765"
    assert search_digits("(987) 65-4") == "987654"
    assert search_digits("rohan") == ""
    assert search_digits("a1") == ""
    assert format_phone("+919876543210") == "+91 98765 43210"
    assert format_phone(None) == ""


def _formats(national: str) -> list[str]:
    a, b = national[:5], national[5:]
    return [
        national,
        f"+91 {a} {b}",
        f"0{a}-{b}",
        f"91{national}",
        f"0091{national}",
        f"+91-{national[:3]}-{national[3:6]}-{national[6:]}",
        f"91{national}.0",
        f"9.1{national}E+11",
        f"  ({a}) {b} ",
    ]


@given(st.from_regex(r"[6-9][0-9]{9}", fullmatch=True), st.data())
def test_any_valid_indian_mobile_in_any_format_gives_the_same_e164(national, data):
    num = phonenumbers.parse(national, "IN")
    assume(phonenumbers.is_valid_number(num))
    text = data.draw(st.sampled_from(_formats(national)))
    r = normalise_phone(text, "IN")
    assert r.e164 == "+91" + national
    assert r.national == national


# --- the fast path for plain Indian numbers gives exactly what phonenumbers.parse gives ---------

def _slow(text, region="IN"):
    """normalise_phone with the plain-Indian-number shortcut switched off (the original path)."""
    import re

    from wadesk.core.crm import phones

    fast = phones._PLAIN_IN
    phones._PLAIN_IN = re.compile(r"(?!)")
    try:
        return normalise_phone(text, region)
    finally:
        phones._PLAIN_IN = fast


_ten = st.builds(lambda first, rest: first + rest, st.sampled_from("6789"),
                 st.text(alphabet="0123456789", min_size=9, max_size=9))


@given(_ten, st.sampled_from(["", "+91", "91", "0", "+9", "9", "00", "+910", "0091"]),
       st.sampled_from(["", " ", "\t"]), st.sampled_from(["IN", "in", "US", ""]))
def test_plain_indian_fast_path_matches_phonenumbers(ten, prefix, pad, region):
    text = pad + prefix + ten + pad
    assert normalise_phone(text, region) == _slow(text, region)


@given(st.text(alphabet="0123456789+", min_size=8, max_size=14))
def test_fast_path_matches_phonenumbers_for_near_shapes(text):
    assert normalise_phone(text, "IN") == _slow(text, "IN")


@given(_ten, st.sampled_from(["91", ""]))
def test_fast_path_matches_for_excel_number_cells(ten, prefix):
    n = int(prefix + ten)
    assert normalise_phone(n) == _slow(n)
    assert normalise_phone(float(n)) == _slow(float(n))
