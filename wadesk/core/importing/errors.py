"""Errors the import engine shows to the user: one plain sentence, never a traceback."""
from __future__ import annotations


class ImportFileError(ValueError):
    """The file cannot be imported; str(exc) is one sentence for the shop owner.

    A ValueError, like every "tell the user" error the CLI and the job runner show as it is."""
