"""`wadesk` (and `python -m wadesk`): no subcommand opens the app, a subcommand runs headless."""
from __future__ import annotations

import sys

# Options of the app itself (see wadesk.ui.app.parse_args); the value-taking ones list True.
_GUI_OPTIONS = {"--data-dir": True, "--sample-shop": False, "--smoke-test": False}


def _plainly_gui(argv: list[str]) -> bool:
    """True for `wadesk`, `wadesk --data-dir DIR`, `--sample-shop`, `--smoke-test`: decided
    without importing the command modules, which would slow the app's start by seconds."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        name = arg.split("=", 1)[0]
        if name not in _GUI_OPTIONS:
            return False
        i += 2 if _GUI_OPTIONS[name] and "=" not in arg else 1
    return True


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not _plainly_gui(argv):
        from wadesk.cli import build_parser

        commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
        if any(a in commands for a in argv) or any(a in ("-h", "--help", "--version") for a in argv):
            from wadesk.cli import run

            return run(argv)
    from wadesk.ui.app import run_gui

    return run_gui(argv)


if __name__ == "__main__":
    sys.exit(main())
