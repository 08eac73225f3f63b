"""Running an import: the one entry point the wizard, the CLI and tests use.

    preview = preview_file(path)                 # sheets, detected formats, mapping, first rows
    result = run_import(db, path, ImportOptions(format=preview.format, mapping=preview.mapping),
                        dry_run=True)            # the summary, nothing kept
    result = run_import(db, path, options, progress=..., cancelled=...)

The whole import is one transaction: a cancel or an error leaves the database as it was.
"""
from __future__ import annotations

import gc
import hashlib
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers
from sqlalchemy.orm import Session

from wadesk.core.clock import Clock, SystemClock, utc_naive
from wadesk.core.db.engine import Database
from wadesk.core.db.models import ImportRun
from wadesk.core.importing.dates import DateOrder
from wadesk.core.importing.dates import decide as decide_dates
from wadesk.core.importing.errors import ImportFileError
from wadesk.core.importing.formats import FORMATS, FormatGuess, ParseContext, detect_formats, get_format
from wadesk.core.importing.formats.base import PIPELINE_FIELDS
from wadesk.core.importing.identity import CustomerIndex
from wadesk.core.importing.mapping import find_saved_mapping, save_mapping
from wadesk.core.importing.parse_worker import start_parse_worker
from wadesk.core.importing.readers import EXCEL_SUFFIXES, Table, list_sheets, open_table
from wadesk.core.importing.rejects import prune_rejects, rejects_path, write_rejects
from wadesk.core.importing.upsert import ImportWriter
from wadesk.core.jobs import CancelledFn, ProgressFn, check_cancelled, never_cancelled, no_progress
from wadesk.core.settings import get_setting

log = logging.getLogger(__name__)
CHECK_EVERY = 500  # rows between cancel checks / progress reports
CHECKPOINT_LATER_BYTES = 1_000_000  # a file this big (~20,000 rows) commits without SQLite's checkpoint (Database.checkpoint_later)


@dataclass
class ImportOptions:
    format: str = "auto"
    mapping: dict[str, str] | None = None  # {file header: field}; None = saved or suggested
    sheet: str | int | None = None
    country: str | None = None  # default region for phones; None = the shop setting
    date_order: str | None = None  # "dmy" | "mdy" for 03/04/2026; None = what the file proves, else the setting
    remember_mapping: bool = True


@dataclass
class ImportPreview:
    table: Table
    sheets: list[str]
    guesses: list[FormatGuess]
    format: str
    mapping: dict[str, str]
    mapping_source: str  # "saved", "format" or "suggested"
    rows: list[list[str]]
    dates: DateOrder | None = None  # how slash dates are read (for the mapping shown)


@dataclass
class ImportResult:
    format: str
    rows: int = 0
    customers_created: int = 0
    customers_updated: int = 0
    orders_created: int = 0
    orders_updated: int = 0
    events_created: int = 0
    rejected: int = 0
    rejected_file: str | None = None
    import_id: int | None = None
    dry_run: bool = False
    merged_in_file: int = 0
    consent_changes: int = 0
    warnings: dict[str, int] = field(default_factory=dict)
    rejected_reasons: dict[str, int] = field(default_factory=dict)  # reason (without row details) -> rows
    date_order: str | None = None  # dmy | mdy when the file has slash dates (03/04/2026)
    date_note: str = ""  # how they were read and why, in one sentence
    seconds: float = 0.0
    # Customers whose scores the caller still has to refresh (run_import(refresh_scores=False)).
    score_ids: list[int] = field(default_factory=list, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The CLI contract (issue 3) first, then the extras."""
        out = asdict(self)
        del out["score_ids"]
        return out


def choose_mapping(table: Table, fmt_name: str, session: Session | None) -> tuple[str, dict[str, str], str]:
    saved = find_saved_mapping(session, table.headers) if session is not None else None
    if saved is not None and (fmt_name in ("auto", saved.format)):
        return saved.format, {h: f for h, f in saved.mapping.items() if h in table.headers}, "saved"
    name = detect_formats(table)[0].name if fmt_name == "auto" else get_format(fmt_name).name
    fmt = FORMATS[name]
    return name, fmt.default_mapping(table.headers), "suggested" if name in ("generic", "events") else "format"


def preview_file(path: str | Path, *, sheet: str | int | None = None, format: str = "auto",
                 db: Database | None = None, rows: int = 20) -> ImportPreview:
    """Everything the wizard's first pages show. Raises ImportFileError for unreadable files."""
    table = open_table(path, sheet)
    if db is not None:
        with db.Session() as s:
            name, mapping, src = choose_mapping(table, format, s)
            dates = decide_dates(table, mapping, None, s)
    else:
        name, mapping, src = choose_mapping(table, format, None)
        dates = decide_dates(table, mapping, None, None)
    return ImportPreview(table, list_sheets(path) if table.kind == "excel" else [], detect_formats(table),
                         name, mapping, src, table.preview(rows), dates)


def _region(country: str | None, session: Session) -> str:
    region = (country or get_setting(session, "default_region") or "IN").strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"'{country}' is not a country code WaDesk knows (use two letters, e.g. IN).")
    return region


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@contextmanager
def paused_gc():
    """Python's cycle collector off while an import runs. An import allocates millions of small
    objects that live until it ends (drafts, rows, order values) and makes no reference cycles worth
    collecting; each full collection walks all of them, which cost ~30% of a 100,000-row import.
    Memory is still freed by reference counting; one collection runs at the end."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
            gc.collect(0)


@contextmanager
def import_session(db: Database, checkpoint_later: bool = False):
    """-> (the import's session, whether foreign keys go unchecked in it). On SQLite they do: every
    id an import writes is one it read or gave out while holding the write lock, so none can point
    nowhere, and the new customers can be written once, at the end, with all the file says about
    them (their orders, written earlier, already carry their ids): no second write of each customer
    met again later in the file, no lookup per order and line item. Set before the transaction:
    SQLite ignores the pragma inside one.

    checkpoint_later: the commit leaves its pages in the write-ahead log (automatic checkpoints
    off for this connection until it is given back); the caller then asks for db.checkpoint_later()."""
    if db.engine.dialect.name != "sqlite":
        with db.Session() as s:
            yield s, False
        return
    with db.engine.connect() as conn:
        before = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
        auto = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        if checkpoint_later:
            conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        conn.commit()
        try:
            with db.Session(bind=conn) as s:
                yield s, True
        finally:
            conn.rollback()
            conn.exec_driver_sql(f"PRAGMA foreign_keys={int(before)}")
            conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={int(auto)}")
            conn.commit()


def run_import(db: Database, path: str | Path, options: ImportOptions | None = None, *, dry_run: bool = False,
               progress: ProgressFn = no_progress, cancelled: CancelledFn = never_cancelled,
               clock: Clock | None = None, rejected_dir: str | Path | None = None,
               refresh_scores: bool = True) -> ImportResult:
    """Import one file in one transaction. Raises ImportFileError (unreadable file), ValueError
    (bad options) or Cancelled; in every such case the database is unchanged.

    The scores of the customers it touched are refreshed after the commit; with
    refresh_scores=False that is left to the caller (`result.score_ids`), so a screen can say
    "Import finished" first and refresh them as a job of their own."""
    with paused_gc():
        result, touched = _run_import(db, path, options, dry_run=dry_run, progress=progress, cancelled=cancelled,
                                      clock=clock, rejected_dir=rejected_dir)
    if touched:
        if refresh_scores:
            refresh_scores_after_import(db, touched, clock, progress)
        else:
            result.score_ids = touched
    progress(result.rows, result.rows, "Done")
    return result


def _run_import(db: Database, path: str | Path, options: ImportOptions | None, *, dry_run: bool,
                progress: ProgressFn, cancelled: CancelledFn, clock: Clock | None,
                rejected_dir: str | Path | None) -> tuple[ImportResult, list[int]]:
    """-> (the result, customers whose scores are now stale: none for a dry run)."""
    started = time.perf_counter()
    opts = options or ImportOptions()
    path = Path(path)
    now = utc_naive((clock or SystemClock()).now()).replace(microsecond=0)
    progress(0, 0, "Reading the file")
    counter = {"rows": 0}

    def counted(table: Table) -> Table:
        plain_rows = table.rows

        def counted_rows():  # counts data rows of the pass that feeds the records
            counter["rows"] = 0
            for item in plain_rows():
                counter["rows"] += 1
                if counter["rows"] % CHECK_EVERY == 0:
                    check_cancelled(cancelled)
                    progress(counter["rows"], table.size_hint, "Importing rows")
                yield item
        table.rows = counted_rows  # type: ignore[method-assign]
        return table

    def rows_read(n: int) -> None:  # rows the parse worker has read
        counter["rows"] = n
        check_cancelled(cancelled)
        progress(n, table.size_hint, "Importing rows")
    try:
        big = not dry_run and path.stat().st_size >= CHECKPOINT_LATER_BYTES
    except OSError:  # open_table says what is wrong with the path
        big = False
    with ThreadPoolExecutor(1, thread_name_prefix="wadesk-import-read") as pool, \
            import_session(db, checkpoint_later=big) as (s, unchecked):
        # The file is read on a thread (calamine parses a workbook without holding the interpreter
        # lock: ~0.5 s for 100,000 rows) while this one starts the transaction and, for a workbook,
        # loads the shop's customers (a text file is read as it is imported: its parse worker, if
        # any, should start first). The import's first write comes first: it holds the write lock
        # from there on, so no other writer changes the customers loaded meanwhile.
        reading = pool.submit(open_table, path, opts.sheet)
        s.begin()
        try:
            run = ImportRun(file_name=path.name[:255], file_sha256="", format="", status="running", started_at=now,
                            summary={})
            s.add(run)
            s.flush()
            index = CustomerIndex(s) if path.suffix.lower() in EXCEL_SUFFIXES else None
            table = counted(reading.result())
            run.file_sha256 = _sha256(path)
            name, mapping, _src = choose_mapping(table, opts.format, s)
            if opts.mapping is not None:
                mapping = {h: f for h, f in opts.mapping.items() if f}
            fmt = FORMATS[name]
            run.format = name
            if name in ("generic", "events") and not {"phone", "email", "customer_id"} & set(mapping.values()):
                raise ImportFileError(
                    f"WaDesk found no phone or email column in {path.name}; choose which column holds them "
                    "(the import wizard, or --mapping)."
                )
            dates = decide_dates(table, mapping, opts.date_order, s)
            ctx = ParseContext(path.name, dayfirst=dates.dayfirst)
            region = _region(opts.country, s)
            # A big text file is parsed by a second process, started first: it has the longer way to go.
            worker = start_parse_worker(table, name, mapping, ctx, region, on_rows=rows_read,
                                        ready=db.engine.dialect.name == "sqlite")
            with closing(worker or fmt.records(table, fmt.compile(table.headers, mapping), ctx)) as records:
                writer = ImportWriter(s, fmt, path.name, region, now, rows_expected=table.size_hint,
                                      customers_last=unchecked, index=index)
                for rec in records:
                    writer.add(rec)
            check_cancelled(cancelled)
            progress(counter["rows"], counter["rows"], "Saving")
            counts = writer.finish(None if dry_run else run.id)
            check_cancelled(cancelled)
            result = ImportResult(format=name, dry_run=dry_run, import_id=None if dry_run else run.id,
                                  warnings=dict(writer.warnings),
                                  **{k: v for k, v in counts.items() if k in ImportResult.__dataclass_fields__})
            result.rows = counter["rows"]
            if dates.has_dates:
                result.date_order, result.date_note = dates.order, dates.note()
            for _row, reason, _cells in writer.rejects:
                key = re.sub(r"'[^']*'", "…", reason.split(" (")[0]).rstrip(".") + "."  # group like rows
                result.rejected_reasons[key] = result.rejected_reasons.get(key, 0) + 1
            if writer.rejects:
                folder = Path(rejected_dir) if rejected_dir else path.parent
                out = rejects_path(folder, path.stem, now, check=dry_run)
                try:
                    result.rejected_file = str(write_rejects(out, table.headers, writer.rejects))
                except OSError as exc:  # the import itself is still good
                    log.warning("Could not write the rejected rows to %s: %s", out, exc)
                    result.warnings["rejected rows file could not be written"] = 1
            result.seconds = round(time.perf_counter() - started, 3)
            finished = utc_naive((clock or SystemClock()).now()).replace(microsecond=0)
            run.status, run.finished_at, run.rows_total = "done", finished, result.rows
            run.inserted, run.updated, run.rejected = result.customers_created, result.customers_updated, result.rejected
            run.summary = {**result.to_json(), "mapping": mapping, "sheet": table.sheet}
            if opts.remember_mapping and (opts.mapping is not None or name in ("generic", "events")):
                save_mapping(s, table.headers, name, mapping, now)
            if not PIPELINE_FIELDS.keys().isdisjoint(mapping.values()):  # CRM columns (issue 9)
                from wadesk.core.pipeline.imported import apply_imported

                apply_imported(s, writer.touched, now, None if dry_run else run.id)
            if dry_run:
                s.rollback()
            else:
                s.commit()
        except BaseException:
            s.rollback()
            raise
    if big:
        db.checkpoint_later()
    if rejected_dir is not None:  # WaDesk's own folder: old files and a superseded check's file go
        prune_rejects(Path(rejected_dir), imported_stem=None if dry_run else path.stem,
                      keep=Path(result.rejected_file) if result.rejected_file else None)
    return result, [] if dry_run else writer.touched


def refresh_scores_after_import(db: Database, ids: list[int], clock: Clock | None, progress) -> None:
    """Metrics, RFM and funnel stage of the customers this import touched. The import is already
    committed: a failure here is logged and fixed by the next refresh, never undoes the import."""
    from wadesk.core.profile import refresh_profiles

    progress(0, 0, "Updating customer scores")
    try:
        refresh_profiles(db, ids, clock=clock)
    except Exception:  # noqa: BLE001
        log.exception("Scores were not refreshed after the import")
