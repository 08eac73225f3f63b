"""On SQLite an import writes its new customers once, at the end, with foreign keys unchecked
meanwhile: the tables come out as when they are written every chunk, nothing points nowhere,
and the connection checks foreign keys again afterwards (also after a failed import)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.unit.test_import_shopify_columns import DATA, SAMPLES, import_all, odd_file, second_db
from wadesk.core.importing import run_import, runner, upsert
from wadesk.core.importing.errors import ImportFileError


def repeat_customers(path):
    """Customers met again chunks later, with details only the later rows give."""
    lines = ["Phone,Name,City,Tags"]
    for n in range(30):
        lines.append(f"98000000{n % 10:02d},Person {n % 10},{'Pune' if n >= 20 else ''},t{n // 10}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_same_tables_as_writing_customers_every_chunk(fresh_db, migrated_db_file, request, tmp_path, monkeypatch):
    if fresh_db.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite writes customers last")
    monkeypatch.setattr(upsert, "CHUNK", 7)
    files = [repeat_customers(tmp_path / "list.csv"), *(DATA / n for n in SAMPLES), odd_file(tmp_path / "odd.csv"),
             DATA / "shopify_customers_2026_v3_whatsapp_india.csv", DATA / "shopify_checkouts_export_2023.csv"]
    last = import_all(fresh_db, tmp_path, files)
    with fresh_db.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        pune = c.execute(text("SELECT city, tag_list FROM customers WHERE name = 'Person 3'")).one()
    assert tuple(pune) == ("Pune", "t0, t1, t2")

    @contextmanager
    def checked(db, **_kw):  # as on other databases: customers written every chunk, foreign keys checked
        with db.Session() as s:
            yield s, False
    monkeypatch.setattr(runner, "import_session", checked)
    other = second_db(request, tmp_path, migrated_db_file)
    try:
        every_chunk = import_all(other, tmp_path, files)
    finally:
        other.dispose()
    assert last == every_chunk


def test_foreign_keys_are_checked_again_after_a_failed_import(fresh_db, tmp_path):
    if fresh_db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    bad = tmp_path / "bad.csv"
    bad.write_text('Phone,Name\n9800000001,"never closed\n', encoding="utf-8")
    with pytest.raises(ImportFileError):
        run_import(fresh_db, bad, rejected_dir=tmp_path)
    with fresh_db.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with pytest.raises(IntegrityError):
            c.execute(text("INSERT INTO orders (source, external_id, customer_id, placed_at, total, currency, is_cod,"
                           " attributes, is_rto, created_at, updated_at) VALUES ('x', '1', 424242,"
                           " '2026-01-01', 1, 'INR', 0, '{}', 0, '2026-01-01', '2026-01-01')"))
