"""`wadesk` (and `python -m wadesk`): no subcommand opens the app, a subcommand runs headless."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from wadesk.cli import build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    if any(a in commands for a in argv) or any(a in ("-h", "--help", "--version") for a in argv):
        from wadesk.cli import run

        return run(argv)
    from wadesk.ui.app import run_gui

    return run_gui(argv)


if __name__ == "__main__":
    sys.exit(main())
