"""Normalisers: money, dates, emails, names, consent words and the COD / RTO / status vocabularies."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wadesk.core.importing.formats.base import split_phones
from wadesk.core.importing.values import clean_name, normalise_email, parse_consent, parse_datetime, parse_money
from wadesk.core.importing.vocab import courier_status, is_cod, woo_financial, woo_status


@pytest.mark.parametrize("text, value", [
    ("₹1,23,456.50", "123456.50"), ("Rs. 1,234/-", "1234"), ("INR 500", "500"), ("(250.00)", "-250.00"),
    ("1299", "1299"), ("  ₹ 99.9 ", "99.9"), ("-", None), ("", None),
])
def test_money(text, value):
    assert parse_money(text) == (Decimal(value) if value else None)


def test_money_rejects_text():
    with pytest.raises(ValueError, match="not an amount"):
        parse_money("call me")


def _indian(n: int) -> str:
    s = str(n)
    head, tail = s[:-3], s[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join(([head] if head else []) + groups + [tail]) if len(s) > 3 else s


@given(st.integers(min_value=0, max_value=10**11), st.integers(min_value=0, max_value=99))
def test_money_indian_grouping_roundtrip(rupees, paise):
    assert parse_money(f"₹{_indian(rupees)}.{paise:02d}") == Decimal(f"{rupees}.{paise:02d}")


@pytest.mark.parametrize("text, utc", [
    ("2026-06-24 22:58:34 +0530", datetime(2026, 6, 24, 17, 28, 34)),
    ("2026-07-16T00:12:13+03:00", datetime(2026, 7, 15, 21, 12, 13)),
    ("2022-01-04 01:08:37 -0500", datetime(2022, 1, 4, 6, 8, 37)),
    ("24/06/2026", datetime(2026, 6, 23, 18, 30)),  # midnight IST
    ("03/04/2026", datetime(2026, 4, 2, 18, 30)),  # 3 April (Indian default)
    ("24-06-2026 10:30 PM", datetime(2026, 6, 24, 17, 0)),
    ("24 Jun 2026", datetime(2026, 6, 23, 18, 30)),
    ("45678", datetime(2025, 1, 20, 18, 30)),  # Excel serial
    ("N/A", None),
])
def test_dates(text, utc):
    assert parse_datetime(text) == utc


def test_month_first_setting_and_bad_dates():
    assert parse_datetime("03/04/2026", dayfirst=False) == datetime(2026, 3, 3, 18, 30)
    with pytest.raises(ValueError):
        parse_datetime("31/02/2026")
    with pytest.raises(ValueError):
        parse_datetime("next tuesday")


def test_emails():
    assert normalise_email(" Asha@Example.COM ") == ("asha@example.com", None)
    assert normalise_email("x@gemil.com") == ("x@gemil.com", "typo:gmail.com")
    assert normalise_email("x@gmial.com")[1] == "typo:gmail.com"
    assert normalise_email("not an email") == (None, "invalid")
    assert normalise_email("") == (None, None)


def test_names_keep_scripts_intact():
    assert clean_name("  राहुल   शर्मा ") == "राहुल शर्मा"
    assert clean_name("SAMANTRAY") == "Samantray" and clean_name("McDonald") == "McDonald"
    assert clean_name(".") == "" and clean_name("9898600010") == ""
    decomposed = "ा".join(["क", ""])  # a consonant + vowel sign stays one cluster
    assert clean_name(decomposed) == decomposed


def test_consent_words():
    assert [parse_consent(w) for w in ["yes", "TRUE", "subscribed", "no", "unsubscribed", "", "maybe"]] == [
        "in", "in", "in", "no", "out", None, None]


def test_cod_vocabulary():
    assert is_cod("GoKwik Cash on Delivery") and is_cod("Cash on Delivery (COD)") and is_cod("cod")
    assert is_cod("Gift card + Cash on Delivery (COD)") and is_cod("", "Confirmed, releasit_cod_form")
    assert is_cod("PayU", "COD, direct")
    assert not is_cod("1Razorpay - UPI, Cards, Wallets, NB") and not is_cod("", "codes, barcode")


def test_status_vocabularies():
    assert [courier_status(s) for s in ["RTO_DELIVERED", "RTO IN TRANSIT", "DELIVERED", "CANCELED", "LOST",
                                        "IN TRANSIT", "NEW"]] == [
        "rto", "rto", "delivered", "cancelled", "lost", "shipped", "pending"]
    assert woo_status("wc-on-hold") == "on-hold" and woo_status("Completed") == "completed"
    assert woo_financial("processing") == "paid" and woo_financial("cancelled") == "voided"


def test_several_numbers_in_one_cell():
    assert split_phones("+91 98000 00001 ::: +91 98000 00002") == ["+91 98000 00001", "+91 98000 00002"]
    assert split_phones("98765 43210 / 91234 56789", "98765 43210") == ["98765 43210", "91234 56789"]


def test_one_plain_number_is_split_as_the_general_rule_splits_it():
    from wadesk.core.importing.formats import base

    def general(cell):  # the rule without the shortcut for a cell holding one plain number
        out = []
        for part in base._PHONE_SPLIT.split(cell):
            if part and part.lower() not in base.BLANKS and part not in out:
                out.append(part)
        return out
    for cell in ("+919800066963", "98000 00001", "(022) 2345-6789", "+91-98000-00001", "-", "--", ".", "0",
                 "9.19876543210E+11", "919876543210.0", " 98000 00001 ", "98000 or 97000", "98000/97000",
                 "+91 98000 00001 ::: +91 98000 00002", "n/a", "call 98000"):
        assert split_phones(cell) == general(cell), cell


def test_bulk_datetime_text_is_exactly_what_sqlalchemy_stores():
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.dialects.sqlite import DATETIME

    from wadesk.core.importing.stored import datetime_text

    stored = DATETIME().bind_processor(sqlite.dialect())
    for v in (datetime(2026, 6, 24, 17, 28, 34), datetime(2026, 6, 24, 17, 28, 34, 5), datetime(202, 1, 2, 3, 4, 5),
              datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)):
        assert datetime_text(v) == stored(v)


def test_bulk_column_conversion_reuses_the_text_of_a_repeated_value_only():
    from wadesk.core.importing.bulk import _adapt_column
    from wadesk.core.importing.stored import datetime_text, json_dump
    from wadesk.core.sqlnull import NULL

    now, later, attrs = datetime(2026, 11, 1), datetime(2026, 11, 2), {"a": 1}
    rows = [{"t": now, "j": attrs}, {"t": now, "j": attrs}, {"t": None, "j": {}}, {"t": later, "j": {"a": 2}},
            {"t": now, "j": None}]
    _adapt_column(rows, "t", datetime_text)
    _adapt_column(rows, "j", json_dump)
    # None goes to the driver as NULL (a NaN, which SQLite stores as NULL; binding None is slower)
    assert [None if r["t"] is NULL else r["t"] for r in rows] == [datetime_text(now), datetime_text(now), None, datetime_text(later), datetime_text(now)]
    assert [None if r["j"] is NULL else r["j"] for r in rows] == ['{"a": 1}', '{"a": 1}', "{}", '{"a": 2}', None]
