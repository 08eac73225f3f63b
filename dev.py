#!/usr/bin/env python3
"""Set up and run WaDesk from a fresh clone with nothing but Python (Windows, macOS, Linux).

    python dev.py app     install into .venv and open WaDesk on a sample shop
    python dev.py test    install into .venv (with test tools) and run the tests

Extra arguments after `app` go to wadesk; after `test` they go to pytest.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
SAMPLE_DIR = ROOT / ".sample-shop"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_installed(extras: str) -> Path:
    """Create .venv and install the project; skipped when pyproject.toml has not changed."""
    if sys.version_info < (3, 10):
        sys.exit(f"WaDesk needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    if not venv_python().exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    py = venv_python()
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".wadesk-installed-{extras or 'app'}"
    if not stamp.exists() or stamp.read_text() != digest:
        print("Installing WaDesk and its dependencies into .venv ...", flush=True)
        subprocess.check_call([str(py), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        target = f".[{extras}]" if extras else "."
        subprocess.check_call([str(py), "-m", "pip", "install", "--quiet", "-e", target], cwd=ROOT)
        stamp.write_text(digest)
    return py


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("app", "test"):
        print(__doc__)
        return 2
    what, rest = argv[0], argv[1:]
    if what == "app":
        py = ensure_installed("")
        args = rest or ["--data-dir", str(SAMPLE_DIR), "--sample-shop"]
        return subprocess.call([str(py), "-m", "wadesk", *args], cwd=ROOT)
    py = ensure_installed("test")
    return subprocess.call([str(py), "-m", "pytest", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
