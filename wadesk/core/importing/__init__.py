"""Import: any customer list or store export into the CRM, forgiving, atomic and fast.

The public API (what the wizard and the CLI use):

    list_sheets(path) -> [sheet names]                  # [] for CSV
    preview_file(path, sheet=, format=, db=) -> ImportPreview
        .table (headers, header_row, encoding, delimiter, sheet), .sheets, .guesses (detected formats,
        best first), .format, .mapping {header: field}, .mapping_source, .rows (first rows)
    FIELDS {field: label}; FORMATS {name: adapter (label)}; suggest_generic(headers) (fuzzy matching)
    run_import(db, path, ImportOptions(...), dry_run=, progress=, cancelled=, clock=, rejected_dir=)
        -> ImportResult (counts, rejected_file, import_id, warnings); one transaction
    import_history(db) -> [ImportSummary]; rollback_import(db, import_id) -> counts
    ImportFileError: the file cannot be read (str = one sentence for the user)
"""
from __future__ import annotations

import importlib

# name -> module: loaded on first use, so that a process needing only part of the package (the
# parse worker: readers and formats) does not import SQLAlchemy, the models and pandas (~0.6 s).
_WHERE = {
    "ImportFileError": "errors",
    "FIELDS": "formats", "FORMATS": "formats", "FormatGuess": "formats", "detect_formats": "formats",
    "ImportSummary": "history", "import_history": "history", "rollback_import": "history",
    "find_saved_mapping": "mapping", "header_signature": "mapping", "save_mapping": "mapping",
    "suggest_generic": "mapping",
    "Table": "readers", "list_sheets": "readers", "open_table": "readers",
    "ImportOptions": "runner", "ImportPreview": "runner", "ImportResult": "runner", "preview_file": "runner",
    "run_import": "runner",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
