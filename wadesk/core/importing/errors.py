"""Errors the import engine shows to the user: one plain sentence, never a traceback."""
from __future__ import annotations


class ImportFileError(Exception):
    """The file cannot be imported; str(exc) is one sentence for the shop owner."""
