"""Rejected-rows files in WaDesk's own folder do not pile up: checks overwrite theirs, an import
removes its check's file, and old files go (never other files, never beside the user's file)."""
from __future__ import annotations

import os
import time

import pytest

from wadesk.core.importing import rejects, run_import

from _import_db import _migrated_template, idb  # noqa: F401

LIST = "Name,Mobile\nAsha,9876543210\nNobody,12\n"  # the second row is rejected


@pytest.fixture
def db(idb):
    return idb


def names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_checks_overwrite_and_the_import_removes_the_check_file(db, tmp_path):
    src, folder = tmp_path / "list.csv", tmp_path / "rejected rows"
    src.write_text(LIST, encoding="utf-8")
    first = run_import(db, src, dry_run=True, rejected_dir=folder)
    second = run_import(db, src, dry_run=True, rejected_dir=folder)
    assert first.rejected_file == second.rejected_file and names(folder) == ["list-check-rejected.xlsx"]
    done = run_import(db, src, rejected_dir=folder)
    assert names(folder) == [os.path.basename(done.rejected_file)] and "-rejected-" in done.rejected_file
    assert not list(tmp_path.glob("*rejected*.xlsx"))  # nothing beside the user's file


def test_old_files_go_and_other_files_stay(db, tmp_path, monkeypatch):
    folder = tmp_path / "rejected rows"
    folder.mkdir()
    day = 86400
    ages = {"a-check-rejected.xlsx": 3, "b-check-rejected.xlsx": 1, "c-rejected-20260101-000000.xlsx": 91,
            "d-rejected-20261101-000000.xlsx": 30, "my own notes.xlsx": 400}
    for name, days in ages.items():
        (folder / name).write_bytes(b"x")
        os.utime(folder / name, (time.time() - days * day, time.time() - days * day))
    assert rejects.prune_rejects(folder) == 2
    assert names(folder) == ["b-check-rejected.xlsx", "d-rejected-20261101-000000.xlsx", "my own notes.xlsx"]
    monkeypatch.setattr(rejects, "KEEP_MAX", 1)  # never more than KEEP_MAX files: the newest stay
    assert rejects.prune_rejects(folder) == 1 and names(folder) == ["b-check-rejected.xlsx", "my own notes.xlsx"]


def test_a_file_written_beside_the_users_file_is_never_pruned(db, tmp_path):
    src = tmp_path / "list.csv"
    src.write_text(LIST, encoding="utf-8")
    old = tmp_path / "list-rejected-20200101-000000.xlsx"
    old.write_bytes(b"x")
    os.utime(old, (0, 0))
    r = run_import(db, src)  # no WaDesk folder given: written next to the file, nothing removed
    assert old.exists() and os.path.dirname(r.rejected_file) == str(tmp_path)
