"""The frozen app's entry point: the same `main` as the `wadesk` command and `python -m wadesk`."""
import sys

from wadesk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
