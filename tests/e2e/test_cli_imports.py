"""`wadesk imports` and `wadesk imports undo ID`: the import history and its undo from the command line."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from wadesk.cli import run


class Terminal(io.StringIO):
    """Someone at a terminal who types `answer`."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def cli(capsys):
    """The real entry point in-process: (exit code, JSON or the plain text, stderr)."""
    def call(*args, data_dir, as_json=True):
        code = run([*args, "--data-dir", str(data_dir), *(["--json"] if as_json else [])])
        cap = capsys.readouterr()
        return code, json.loads(cap.out.strip().splitlines()[-1]) if as_json else cap.out, cap.err
    return call


def customer_list(tmp_path, name="list.csv", extra=""):
    f = tmp_path / name
    f.write_text(f"Name,Mobile{',Email' if extra else ''}\n"
                 + "".join(f"{who},98765432{i:02d}{',' + who.lower() + extra if extra else ''}\n"
                           for i, who in enumerate(["Asha", "Ravi", "Meena"])), encoding="utf-8")
    return f


def customers(cli, shop) -> int:
    code, out, _ = cli("info", data_dir=shop)
    assert code == 0
    return out["customers"]


def test_list_undo_and_undo_again(tmp_path, cli, monkeypatch):
    shop = tmp_path / "shop"
    code, out, _ = cli("imports", data_dir=shop)
    assert (code, out) == (0, {"imports": [], "count": 0})
    code, out, _ = cli("import", str(customer_list(tmp_path)), data_dir=shop)
    assert (code, out["import_id"], out["customers_created"]) == (0, 1, 3)
    assert customers(cli, shop) == 3

    code, out, _ = cli("imports", data_dir=shop)
    assert code == 0 and out["count"] == 1
    item = out["imports"][0]
    assert {k: item[k] for k in ("id", "file_name", "format", "status", "rows", "customers_created",
                                 "customers_updated", "orders_created", "rejected", "can_undo", "why_not")} == {
        "id": 1, "file_name": "list.csv", "format": "generic", "status": "done", "rows": 3, "customers_created": 3,
        "customers_updated": 0, "orders_created": 0, "rejected": 0, "can_undo": True, "why_not": None}
    assert item["started_at"].endswith("Z") and item["rollback"] is None
    code, text, _ = cli("imports", data_dir=shop, as_json=False)
    head, row = text.splitlines()
    assert code == 0 and head.split()[:3] == ["ID", "When", "File"] and "Can undo" in head
    assert row.split()[0] == "1" and "list.csv" in row and "imported" in row and row.endswith("yes")

    # Not a terminal and no --yes: refused in one line, nothing changes (even with a "y" waiting on stdin).
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    code, out, err = cli("imports", "undo", "1", data_dir=shop)
    assert code == 2 and "add --yes to confirm" in out["error"] and err.count("\n") == 1
    # At a terminal, "n" (or just Enter) keeps the import.
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    code, out, err = cli("imports", "undo", "1", data_dir=shop)
    assert code == 2 and out == {"error": "Nothing was undone."} and "Undo import 1 (list.csv)? [y/N]" in err
    assert customers(cli, shop) == 3
    assert cli("imports", data_dir=shop)[1]["imports"][0]["status"] == "done"

    code, out, _ = cli("imports", "undo", "1", "--yes", data_dir=shop)
    assert code == 0 and (out["import_id"], out["file_name"], out["undone"], out["customers_removed"]) == (
        1, "list.csv", True, 3)
    assert customers(cli, shop) == 0
    item = cli("imports", data_dir=shop)[1]["imports"][0]
    assert (item["status"], item["can_undo"], item["why_not"]) == ("rolled_back", False, "This import was already undone.")
    assert item["rollback"]["customers_removed"] == 3 and item["rolled_back_at"]
    assert "undone" in cli("imports", data_dir=shop, as_json=False)[1].splitlines()[1]

    code, out, err = cli("imports", "undo", "1", "--yes", data_dir=shop)
    assert (code, out) == (2, {"error": "This import was already undone."}) and err.count("\n") == 1
    code, out, _ = cli("imports", "undo", "99", "--yes", data_dir=shop)
    assert code == 2 and out["error"].startswith("There is no import number 99;")
    code, out, _ = cli("imports", "undo", data_dir=shop)
    assert code == 2 and "wadesk imports undo ID" in out["error"]


def test_later_import_blocks_undo_until_it_is_undone(tmp_path, cli, monkeypatch):
    shop = tmp_path / "shop"
    cli("import", str(customer_list(tmp_path)), data_dir=shop)
    code, out, _ = cli("import", str(customer_list(tmp_path, "emails.csv", extra="@example.com")), data_dir=shop)
    assert (code, out["import_id"], out["customers_updated"]) == (0, 2, 3)

    code, out, _ = cli("imports", "--limit", "1", data_dir=shop)
    assert [i["id"] for i in out["imports"]] == [2]
    items = cli("imports", data_dir=shop)[1]["imports"]
    assert [(i["id"], i["can_undo"]) for i in items] == [(2, True), (1, False)]
    assert "Undo import 2 first, then import 1." in items[1]["why_not"]
    text = cli("imports", data_dir=shop, as_json=False)[1]
    assert f"1: {items[1]['why_not']}" in text.splitlines()

    code, out, _ = cli("imports", "undo", "1", "--yes", data_dir=shop)
    assert (code, out["error"]) == (2, items[1]["why_not"])
    assert customers(cli, shop) == 3

    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    code, text, err = cli("imports", "undo", "2", data_dir=shop, as_json=False)
    assert code == 0 and "Undo import 2 (emails.csv)? [y/N]" in err
    assert text.splitlines()[0] == "Undone: import 2 (emails.csv)." and "  customers restored: 3" in text.splitlines()
    code, out, _ = cli("imports", "undo", "1", "--yes", data_dir=shop)
    assert (code, out["customers_removed"]) == (0, 3)
    assert customers(cli, shop) == 0


def test_real_program_without_a_terminal_refuses_without_yes(tmp_path, cli):
    shop = tmp_path / "shop"
    cli("import", str(customer_list(tmp_path)), data_dir=shop)
    p = subprocess.run([sys.executable, "-m", "wadesk", "imports", "undo", "1", "--data-dir", str(shop)],
                       check=False, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr == ("wadesk: Undoing import 1 (list.csv) removes what it added and puts back what it changed; "
                        "add --yes to confirm.\n")
    assert customers(cli, shop) == 3
    assert cli("imports", data_dir=shop)[1]["imports"][0]["status"] == "done"
