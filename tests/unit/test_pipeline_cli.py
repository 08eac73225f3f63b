"""`wadesk pipeline list | move` in process: JSON out, one-line errors, nothing changed on bad input."""
from __future__ import annotations

import json
import shutil

import pytest

from tests.unit._shop_builder import Shop
from wadesk.cli import run
from wadesk.core.db import open_database
from wadesk.core.db.pipeline_models import DealStageChange


@pytest.fixture(autouse=True)
def _shop(data_dir, migrated_db_file):
    shutil.copy(migrated_db_file, data_dir.db_path)
    db = open_database(data_dir)
    with db.session() as s:
        Shop(s).customer(7, phone="+919876543207")
    db.dispose()


def wadesk(capsys, data_dir, *argv):
    code = run(["pipeline", *argv, "--json", "--data-dir", str(data_dir.root)])
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_list_and_move_by_phone_then_by_id(capsys, data_dir):
    code, out, _ = wadesk(capsys, data_dir, "list")
    assert code == 0 and [p["name"] for p in out["pipelines"]] == ["Sales"]
    assert [st["name"] for st in out["pipelines"][0]["stages"]] == [
        "New lead", "Contacted", "Interested", "Quote sent", "Won", "Lost"]
    code, out, _ = wadesk(capsys, data_dir, "move", "98765 43207", "quote sent", "--value", "15000")
    assert code == 0 and out["created"] is True and out["to"] == "Quote sent" and out["customer_id"] == 7
    code, out, _ = wadesk(capsys, data_dir, "move", "7", "Won", "--pipeline", "sales")
    assert code == 0 and (out["from"], out["to"], out["created"]) == ("Quote sent", "Won", False)
    _, out, _ = wadesk(capsys, data_dir, "list")
    won = next(st for st in out["pipelines"][0]["stages"] if st["name"] == "Won")
    assert won["deals"] == 1 and won["value"] == "15000.00"


@pytest.mark.parametrize("argv, words", [
    (("move", "7", "Lost"), "lost reason"),
    (("move", "7", "Negotiation"), "no stage called 'Negotiation'"),
    (("move", "12345", "Won"), "No customer"),
    (("move", "7", "Won", "--pipeline", "Rentals"), "no pipeline called 'Rentals'"),
    (("move", "7"), "Give a customer"),
])
def test_bad_input_is_one_plain_line_and_changes_nothing(capsys, data_dir, argv, words):
    code, out, err = wadesk(capsys, data_dir, *argv)
    assert code == 2 and words in out["error"] and err.count("\n") == 1
    db = open_database(data_dir)
    with db.session() as s:
        assert s.query(DealStageChange).count() == 0
    db.dispose()
