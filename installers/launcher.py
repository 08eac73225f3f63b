"""The frozen app's entry point: the same `main` as the `wadesk` command and `python -m wadesk`."""
import multiprocessing
import sys

from wadesk.__main__ import main

if __name__ == "__main__":
    # A big import parses its file in a second process (core/importing/parse_worker.py); frozen,
    # that process is this executable again, and this call runs its work instead of the app.
    multiprocessing.freeze_support()
    sys.exit(main())
