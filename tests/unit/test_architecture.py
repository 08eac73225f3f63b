"""House rules that keep the code livable."""
import ast
import subprocess
import sys
from pathlib import Path

import wadesk

CORE = Path(wadesk.__file__).parent / "core"
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pytestqt")


def test_core_source_imports_no_qt():
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] in QT_MODULES]
    assert offenders == []


def test_importing_core_and_cli_loads_no_qt():
    code = (
        "import sys, pkgutil, importlib, wadesk.core, wadesk.cli, wadesk.commands\n"
        "for m in pkgutil.walk_packages(wadesk.core.__path__, 'wadesk.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
