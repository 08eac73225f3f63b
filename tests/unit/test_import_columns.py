"""Rows converted a column at a time (formats/columns.py) give exactly what the row path gives."""
from __future__ import annotations

import random

import pytest

from wadesk.core.importing.formats import FORMATS, ParseContext
from wadesk.core.importing.formats.base import FIELDS, PIPELINE_FIELDS, Format, Row, customer_from
from wadesk.core.importing.formats.columns import CustomerColumns, clean_column, pick_columns

CUSTOMER_FIELDS = ["phone", "email", "first_name", "last_name", "name", "city", "state", "pincode", "country", "tags",
                   "customer_id", "channel", "whatsapp_consent", "sms_consent", "email_consent", "note",
                   "store_total_spent", "store_order_count", *PIPELINE_FIELDS, "attr:Colour", "attr:Size"]
# Cells that test every rule: blanks and placeholders, apostrophes, odd spaces, several numbers in
# one cell, names in other scripts, consent words, amounts that are not amounts.
CELLS = ["", " ", "'", "' 9800000001", "+91 98000 00002", "98000 00003 / 98000 00004", "n/a", "-", "NA",
         "PRIYA SHARMA", " rahul  verma ", "राहुल शर्मा", "Dr. A. B. C", "a@b.com", " X@Y.COM ", "yes", "no",
         "unsubscribed", "opted in", "pending", "Facebook Ads", "₹1,23,456.50", "lots", "vip, diwali ,vip",
         "a ::: b", "9800000005", "\u00a0Mumbai\u3000", "400001", "'400001", "IN", "0"]


def test_every_customer_field_is_read_column_wise_as_row_by_row():
    assert set(CUSTOMER_FIELDS) - {"attr:Colour", "attr:Size"} <= set(FIELDS)
    rnd = random.Random(7)
    for _case in range(300):
        width = rnd.randrange(1, 9)
        m: dict[str, list[int]] = {}
        for f in rnd.sample(CUSTOMER_FIELDS, rnd.randrange(1, len(CUSTOMER_FIELDS))):
            m[f] = rnd.sample(range(width), rnd.randrange(1, min(3, width) + 1))
        if rnd.random() < 0.3:
            m["order_total"] = [0]  # not a customer field: ignored by both
        rows = [[rnd.choice(CELLS) for _ in range(width)] for _ in range(rnd.randrange(1, 12))]
        cc = CustomerColumns(m)
        got = cc.build(pick_columns(rows, cc.columns), len(rows))
        want = [customer_from(Row(n, r, m), None) for n, r in enumerate(rows)]
        assert [repr(c) for c in got] == [repr(c) for c in want], (m, rows)
        assert [list(c.attributes) for c in got] == [list(c.attributes) for c in want]  # key order kept


def test_a_customer_field_the_columns_do_not_know_is_caught():
    """customer_steps and CustomerColumns must grow together."""
    import wadesk.core.importing.formats.columns as columns

    CustomerColumns({"lead_status": [0]})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(columns, "PIPELINE_FIELDS", {})  # as if the columns did not know the pipeline fields
        with pytest.raises(AssertionError):
            CustomerColumns({"lead_status": [0]})


def test_clean_column_finds_every_cell_to_trim():
    cells = ["a", " b", "c\u00a0", "'d", "e\u3000", "f", "\x1cg", ""]
    assert clean_column(cells) == ["a", "b", "c", "d", "e", "f", "g", ""]
    clean = ["a", "b c", "d'e", ""]
    assert clean_column(clean) is clean  # nothing to do: the same list back


@pytest.mark.parametrize("chunk", [1, 3, 500])
def test_customer_lists_give_the_row_paths_records(tmp_path, monkeypatch, chunk):
    import wadesk.core.importing.formats.columns as columns
    from wadesk.core.importing.readers import open_table

    monkeypatch.setattr(columns, "CHUNK_ROWS", chunk)
    path = tmp_path / "list.csv"
    rnd = random.Random(11)
    lines = ["Customer Name,Mobile No.,Email,City,Tags,WhatsApp opt-in,Favourite colour"]
    for _ in range(40):
        lines.append(",".join(f'"{rnd.choice(CELLS)}"' for _ in range(7)))
    lines.insert(10, "")  # a blank line: its row number is skipped by both
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = open_table(path)
    for name in ("generic", "shopify-customers"):
        fmt = FORMATS[name]
        m = fmt.compile(table.headers, fmt.default_mapping(table.headers) | {"Mobile No.": "phone"})
        ctx = ParseContext(path.name)
        rows = [repr(Format.record(fmt, Row(n, cells, m), ctx)) for n, cells in table.rows()]
        assert [repr(r) for r in fmt.records(table, m, ctx)] == rows
