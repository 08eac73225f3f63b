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
from wadesk.core.importing.errors import ImportFileError
from wadesk.core.importing.formats import FIELDS, FORMATS, FormatGuess, detect_formats
from wadesk.core.importing.history import ImportSummary, import_history, rollback_import
from wadesk.core.importing.mapping import find_saved_mapping, header_signature, save_mapping, suggest_generic
from wadesk.core.importing.readers import Table, list_sheets, open_table
from wadesk.core.importing.runner import ImportOptions, ImportPreview, ImportResult, preview_file, run_import

__all__ = [
    "FIELDS", "FORMATS", "FormatGuess", "ImportFileError", "ImportOptions", "ImportPreview", "ImportResult",
    "ImportSummary", "Table", "detect_formats", "find_saved_mapping", "header_signature", "import_history",
    "list_sheets", "open_table", "preview_file", "rollback_import", "run_import", "save_mapping",
    "suggest_generic",
]
