"""Names and the version shared by the PyInstaller spec and the build script (one place to change)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "WaDesk"  # the window app: WaDesk.exe, WaDesk.app, dist/WaDesk/WaDesk
CLI_NAME = "wadesk-cli"  # the same program as a console executable, for `wadesk-cli demo --json` etc.
BUNDLE_ID = "in.wadesk.WaDesk"  # macOS CFBundleIdentifier
PUBLISHER = "WaDesk"
MIN_MACOS = "13.0"  # PySide6 6.11 wheels are built for macOS 13 (Ventura) and newer


def version() -> str:
    """The package's version (wadesk/__init__.py, which pyproject.toml matches)."""
    text = (ROOT / "wadesk" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not match:
        raise SystemExit("wadesk/__init__.py has no __version__")
    return match.group(1)


def version_tuple() -> tuple[int, int, int, int]:
    """'0.1.0' -> (0, 1, 0, 0) for Windows file version info (four numbers, non-numbers dropped)."""
    numbers = [int(n) for n in re.findall(r"\d+", version())[:4]]
    return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]
