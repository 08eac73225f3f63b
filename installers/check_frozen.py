"""Check a frozen WaDesk bundle: run it the way a shop owner's computer would, and look inside it.

    python installers/check_frozen.py dist/WaDesk                       (Linux, Windows)
    python installers/check_frozen.py dist/WaDesk.app/Contents/MacOS    (macOS)
    … --expect-keychain      also require a usable OS keychain (Windows and macOS runners)

1. `WaDesk --smoke-test`: the sample shop in a temporary folder, every page of the registry, exit 0,
   nothing on stderr, and the same pages built as from source (a page module missing from the
   bundle would quietly become a placeholder).
2. `wadesk-cli demo --customers 1000 --json`, an import of a Shopify orders file big enough to be
   parsed by a second process (the frozen executable started again), `--version` and `account show
   --json` (is the OS keychain reachable from the bundle?) in a temporary data folder.
3. Inside: every wadesk module, the keyring backends for Windows and macOS, the team database
   driver (psycopg), QtCharts; no test packages,
   WebEngine or Qt translations; the Qt platform plugins (offscreen + this OS's).
Run with the Python the bundle was built from (it reads the page registry from source).
Exits 1 with one line per problem; prints one JSON line of figures when all is well.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IS_WIN = sys.platform == "win32"
EXE = ".exe" if IS_WIN else ""
OS_PLATFORM = {"win32": "qwindows", "darwin": "qcocoa"}.get(sys.platform, "qxcb")
FORBIDDEN_MODULES = ("pytest", "_pytest", "pytestqt", "hypothesis", "PySide6.QtWebEngineCore",
                     "PySide6.QtWebEngineWidgets", "tkinter")
REQUIRED_MODULES = ("keyring.backends.Windows", "keyring.backends.macOS", "keyring.backends.SecretService",
                    "alembic.op", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql.psycopg",
                    "psycopg")
TIMEOUT = 600  # a shared, slow CI machine; a healthy run takes well under a minute


def expected_pages() -> tuple[list[str], list[str]]:
    """The registry's page keys and which of them are placeholders, read from source."""
    from wadesk.ui.pages.registry import PAGE_KEYS, default_factories

    factories = default_factories()
    return list(PAGE_KEYS), [k for k in PAGE_KEYS if factories[k].__qualname__.startswith("_placeholder.")]


def source_modules() -> set[str]:
    names = set()
    for path in (ROOT / "wadesk").rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        if "migrations" in rel.parts:
            continue  # Alembic reads these as files (checked below)
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        names.add(".".join(parts))
    return names


def bundled_modules(exe: Path) -> set[str]:
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(exe))
    pyz_name = next(name for name in archive.toc if name.endswith(".pyz"))
    return set(archive.open_embedded_archive(pyz_name).toc)


BIG_ORDERS = 50_000


def big_orders_csv(path: Path) -> Path:
    """A Shopify orders export past the size at which an import parses it in a second process."""
    import csv

    from wadesk.core.importing.parse_worker import WORKER_MIN_BYTES

    sample = ROOT / "tests" / "data" / "imports" / "shopify_orders_india_payu_shiprocket_fastrr_79col.csv"
    with sample.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    col = {h: i for i, h in enumerate(header)}
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for n in range(BIG_ORDERS):
            row = [""] * len(header)
            for h, v in (("Name", f"#{n}"), ("Id", str(7_000_000 + n)), ("Created at", "2026-03-01 10:00:00 +0530"),
                         ("Financial Status", "paid"), ("Total", "499.00"), ("Billing Phone", f"'+9198{n:08d}"),
                         ("Lineitem name", "Kurta"), ("Lineitem price", "499.00"),
                         ("Note Attributes", "x" * (WORKER_MIN_BYTES // BIG_ORDERS))):  # past the size
                row[col[h]] = v
            w.writerow(row)
    return path


def run(cmd: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace",
                          env=env, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    return proc, round(time.monotonic() - started, 1)


def last_json(proc: subprocess.CompletedProcess) -> dict:
    lines = proc.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def check(folder: Path, expect_keychain: bool = False) -> tuple[list[str], dict]:
    problems: list[str] = []
    app, cli = folder / f"WaDesk{EXE}", folder / f"wadesk-cli{EXE}"
    for exe in (app, cli):
        if not exe.is_file():
            return [f"{exe} is missing"], {}
    # The windowed WaDesk.exe has no stdout on Windows, so there the report comes from wadesk-cli.
    smoke_exe = cli if IS_WIN else app
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="wadesk-frozen-") as tmp:
        users_shop = Path(tmp) / "users-own-shop"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WADESK_DATA_DIR=str(users_shop))
        env.pop("PYTHON_KEYRING_BACKEND", None)  # the bundle's own keyring backends, as installed

        smoke, figures["smoke_seconds"] = run([str(smoke_exe), "--smoke-test"], env)
        report = last_json(smoke) if smoke.returncode == 0 else {}
        keys, placeholders = expected_pages()
        if smoke.returncode != 0:
            problems.append(f"--smoke-test exited {smoke.returncode}: {smoke.stdout[-2000:]}")
        if smoke.stderr:
            problems.append(f"--smoke-test wrote to stderr: {smoke.stderr[-2000:]}")
        if report and (report.get("smoke_test") != "ok" or report.get("pages") != keys
                       or report.get("placeholders") != placeholders or not report.get("customers")):
            problems.append(f"--smoke-test report differs from source (pages {keys}, placeholders "
                            f"{placeholders}): {report}")
        if users_shop.exists():
            problems.append("--smoke-test without --data-dir touched the default data folder")
        figures["smoke_window_shown_ms"] = report.get("window_shown_ms")
        if IS_WIN:  # the windowed launcher itself: exit code only
            windowed, _ = run([str(app), "--smoke-test"], env)
            if windowed.returncode != 0:
                problems.append(f"WaDesk.exe --smoke-test exited {windowed.returncode}")

        shop = str(Path(tmp) / "demo-shop")
        demo, figures["demo_seconds"] = run([str(cli), "demo", "--customers", "1000", "--json",
                                             "--data-dir", shop], env)
        if demo.returncode != 0 or demo.stderr or last_json(demo).get("customers") != 1000:
            problems.append(f"demo --customers 1000 --json: exit {demo.returncode}, stdout "
                            f"{demo.stdout[-1000:]!r}, stderr {demo.stderr[-2000:]!r}")
        big = big_orders_csv(Path(tmp) / "orders.csv")
        imported, figures["import_seconds"] = run([str(cli), "import", str(big), "--dry-run", "--json",
                                                   "--data-dir", shop], env)
        if imported.returncode != 0 or imported.stderr or last_json(imported).get("orders_created") != BIG_ORDERS:
            problems.append(f"import of a {big.stat().st_size // 1_000_000} MB orders file (parsed by a second "
                            f"process): exit {imported.returncode}, stdout {imported.stdout[-1000:]!r}, "
                            f"stderr {imported.stderr[-2000:]!r}")
        version, _ = run([str(cli), "--version"], env)
        from wadesk import __version__

        if version.stdout.strip() != f"wadesk {__version__}" or version.returncode != 0:
            problems.append(f"--version said {version.stdout.strip()!r}, expected wadesk {__version__}")
        account, _ = run([str(cli), "account", "show", "--json", "--data-dir", shop], env)
        figures["keychain_usable"] = last_json(account).get("keychain_usable") if account.returncode == 0 else None
        if account.returncode != 0 or account.stderr:
            problems.append(f"account show --json: exit {account.returncode}, stderr {account.stderr[-1000:]!r}")
        elif expect_keychain and not figures["keychain_usable"]:
            problems.append(f"the OS keychain is not usable from the bundle: {last_json(account).get('keychain')}")

    modules = bundled_modules(cli)
    missing = sorted((source_modules() | set(REQUIRED_MODULES)) - modules)
    if missing:
        problems.append(f"modules missing from the bundle: {missing}")
    extra = sorted(m for m in modules if m.split(".")[0] in FORBIDDEN_MODULES or m in FORBIDDEN_MODULES)
    if extra:
        problems.append(f"modules that should not be in the bundle: {extra[:20]}")
    top = folder.parent if folder.name == "MacOS" else folder  # macOS: the whole WaDesk.app/Contents
    files = [p for p in top.rglob("*") if p.is_file() and not p.is_symlink()]  # links: same file twice
    rel = [p.as_posix().lower() for p in files]
    if any("webengine" in r for r in rel):
        problems.append("QtWebEngine files are in the bundle")
    if any("/translations/" in r and r.endswith(".qm") for r in rel):
        problems.append("Qt translations are in the bundle")
    if not any("/pyside6/qtcharts." in r for r in rel):  # an extension module: a file, not in the archive
        problems.append("QtCharts (the Reports page's charts) is not in the bundle")
    if not any(r.endswith("core/db/migrations/env.py") for r in rel):
        problems.append("the Alembic migrations folder is not in the bundle")
    for plugin in ("qoffscreen", OS_PLATFORM):
        if not any("/platforms/" in r and plugin in r.rsplit("/", 1)[-1] for r in rel):
            problems.append(f"Qt platform plugin {plugin} is not in the bundle")
    figures["bundle_mb"] = round(sum(p.stat().st_size for p in files) / 1e6, 1)
    figures["files"] = len(files)
    return problems, figures


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Check a frozen WaDesk bundle (see the module doc).")
    parser.add_argument("folder", help="the folder holding WaDesk and wadesk-cli")
    parser.add_argument("--expect-keychain", action="store_true",
                        help="fail unless the OS keychain is usable (Windows/macOS runners)")
    args = parser.parse_args(argv)
    problems, figures = check(Path(args.folder).resolve(), args.expect_keychain)
    for problem in problems:
        print(f"frozen check: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(json.dumps({"frozen_check": "ok", **figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
