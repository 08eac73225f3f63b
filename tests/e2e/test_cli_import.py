"""`wadesk import` end to end: a real subprocess, JSON out, exit codes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wadesk.cli import run

DATA = Path(__file__).parent.parent / "data" / "imports"
CONTRACT = ["format", "rows", "customers_created", "customers_updated", "orders_created", "orders_updated",
            "events_created", "rejected", "rejected_file", "import_id"]


def wadesk(*args, data_dir):
    """The real program in a subprocess (used once: start-up costs seconds on a busy machine)."""
    p = subprocess.run([sys.executable, "-m", "wadesk", *args, "--data-dir", str(data_dir), "--json"],
                       capture_output=True, text=True, timeout=120)
    return p.returncode, json.loads(p.stdout.strip().splitlines()[-1]), p.stderr


@pytest.fixture
def cli(capsys):
    """The same entry point in-process: (exit code, JSON, stderr)."""
    def call(*args, data_dir):
        code = run([*args, "--data-dir", str(data_dir), "--json"])
        cap = capsys.readouterr()
        return code, json.loads(cap.out.strip().splitlines()[-1]), cap.err
    return call


def test_cli_import_contract_dry_run_and_reimport(tmp_path, cli):
    f = DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv"
    code, out, _ = cli("import", str(f), "--dry-run", data_dir=tmp_path)
    assert code == 0 and list(out)[: len(CONTRACT)] == CONTRACT
    assert (out["orders_created"], out["import_id"]) == (4, None)
    code, out, _ = wadesk("import", str(f), "--format", "shopify-orders", "--country", "IN", data_dir=tmp_path)
    assert code == 0
    assert {k: out[k] for k in CONTRACT} == {
        "format": "shopify-orders", "rows": 6, "customers_created": 4, "customers_updated": 0, "orders_created": 4,
        "orders_updated": 0, "events_created": 0, "rejected": 0, "rejected_file": None, "import_id": 1}
    code, out, _ = cli("import", str(f), data_dir=tmp_path)
    assert (code, out["orders_created"], out["customers_created"], out["import_id"]) == (0, 0, 0, 2)


def test_cli_mapping_file_and_rejected_file(tmp_path, cli):
    f = tmp_path / "list.csv"
    f.write_text("Who,Digits\nAsha,9876543210\nRavi,12\n", encoding="utf-8")
    m = tmp_path / "m.json"
    m.write_text(json.dumps({"Who": "name", "Digits": "phone"}), encoding="utf-8")
    code, out, _ = cli("import", str(f), "--mapping", str(m), data_dir=tmp_path / "shop")
    assert (code, out["customers_created"], out["rejected"]) == (0, 1, 1)
    assert Path(out["rejected_file"]).exists() and Path(out["rejected_file"]).parent == (tmp_path / "shop" / "imports").resolve()


def test_cli_bad_file_exits_non_zero_with_one_line(tmp_path, cli):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"\x00\x01garbage" * 100)
    code, out, err = cli("import", str(bad), data_dir=tmp_path / "shop")
    assert code == 2 and out == {"error": "x.xlsx is not really an Excel file; open it in Excel and save it as .xlsx."}
    assert err.strip().count("\n") == 0
    good = DATA / "google_contacts_new_format_header.csv"
    code, out, _ = cli("import", str(good), "--country", "XX", data_dir=tmp_path / "shop")
    assert code == 2 and "XX" in out["error"]


def test_cli_date_order_option(tmp_path, cli):
    f = tmp_path / "sales.csv"
    f.write_text("Name,Mobile,Amount,Date\nAsha,9876543210,100,03/04/2026\n", encoding="utf-8")
    code, out, _ = cli("import", str(f), "--date-order", "mdy", "--dry-run", data_dir=tmp_path)
    assert code == 0 and out["date_order"] == "mdy" and "4 March 2026" in out["date_note"]
    code, out, _ = cli("import", str(f), "--dry-run", data_dir=tmp_path)
    assert out["date_order"] == "dmy" and "shop's setting" in out["date_note"]
