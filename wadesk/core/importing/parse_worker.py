"""Reading and parsing a big text export in a second process while this one merges and writes.

A million-line Shopify CSV spends ~14 s turning lines into records and ~38 s matching customers
and writing; the two halves share nothing but the records, so a second process (a second core)
takes the first half. Records cross as plain tuples (a batch of dataclass objects pickles ~5x
slower); a row's cells only when this process may reject it, as one joined text; a SQLite shop's
new orders as their stored values (ready_orders.ReadyOrder). The worker also reads each row's
phones and email (phonebook.identify), the slowest per-row step left.

Only text files past WORKER_MIN_BYTES use it: a process start costs ~0.3 s, and a workbook is
already read whole by the time the mapping is chosen. Anything that stops the worker from starting
falls back to parsing here; an unreadable file raises the same ImportFileError either way; a
cancel or an error stops the worker.
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import pickle
import queue
import threading
import traceback
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Callable, Iterator

from wadesk.core.crm.phones import PhoneResult
from wadesk.core.importing.errors import ImportFileError
from wadesk.core.importing.formats import FORMATS
from wadesk.core.importing.formats.base import (
    CustomerData, EventData, OrderData, ParseContext, Record, ShipmentUpdate,
)
from wadesk.core.importing.phonebook import PhoneBook, identify
from wadesk.core.importing.ready_orders import ReadyOrder, ready_order
from wadesk.core.importing.readers import Table, open_table

log = logging.getLogger(__name__)
WORKER_MIN_BYTES = 20_000_000  # ~90,000 lines of a Shopify orders export
BATCH = 2000  # records per message
QUEUED = 50  # messages the worker may be ahead (~2 MB each at most for a Shopify export)
SEP = "\x1f"  # between a row's cells on the wire


def _getter(cls):
    return attrgetter(*[f.name for f in fields(cls)])


_ORDER, _EVENT, _SHIPMENT = (_getter(c) for c in (OrderData, EventData, ShipmentUpdate))
_PHONE = tuple  # PhoneResult is a named tuple: its plain tuple crosses
# A customer crosses with its date (as_of, one per order of an export) as ISO text: a datetime
# pickles by a call to its constructor, which cost a third of unpickling a Shopify batch.
_NAMES = [f.name for f in fields(CustomerData)]
_AS_OF = _NAMES.index("as_of")
_BEFORE_AS_OF, _AFTER_AS_OF = attrgetter(*_NAMES[:_AS_OF]), attrgetter(*_NAMES[_AS_OF + 1:])
assert _AS_OF == len(_NAMES) - 2  # _AFTER_AS_OF gives one value (attributes), not a tuple
assert fields(OrderData)[-1].name == "shipping"  # to_wire turns the last value of an order into a tuple


def rejectable(rec: Record) -> bool:
    """Whether ImportWriter may reject this parsed row (its error, a courier row, a row without an
    identity or an order): only such rows need their cells, for the rejected-rows file."""
    return bool(rec.error or rec.shipment is not None
                or (rec.identity is not None and rec.identity[1] and rec.order is None))


def to_wire(rec: Record) -> tuple:
    joined = None  # most rows: their cells would cross for nothing (a fifth of the unpickling)
    if rejectable(rec):
        cells = rec.cells
        joined = SEP.join(cells)
        if joined.count(SEP) != len(cells) - 1 and cells:  # a cell holding the separator: send the list
            joined = list(cells)
    order = None
    if type(o := rec.order) is ReadyOrder:
        order = (o.external_id, o.items, o.ready)
    elif o is not None:
        order = _ORDER(o)
        if o.shipping is not None:
            order = (*order[:-1], _SHIPMENT(o.shipping))
    identity = None
    if rec.identity is not None:
        ident, why, warnings = rec.identity
        if ident is not None:
            primary, others, email = ident
            ident = (primary and _PHONE(primary), [_PHONE(p) for p in others], email)
        identity = (ident, why, warnings)
    customer = None
    if (c := rec.customer) is not None:
        customer = (*_BEFORE_AS_OF(c), c.as_of and c.as_of.isoformat(), _AFTER_AS_OF(c))
    return (rec.row, joined, customer, order,
            [_EVENT(e) for e in rec.events], rec.shipment and _SHIPMENT(rec.shipment), rec.error, rec.warnings,
            identity)


def from_wire(t: tuple) -> Record:
    row, cells, customer, order, events, shipment, error, warnings, identity = t
    rec = Record(row, cells, error=error, warnings=warnings)
    if identity is not None:
        ident, why, notes = identity
        if ident is not None:
            primary, others, email = ident
            ident = (primary and PhoneResult(*primary), [PhoneResult(*p) for p in others], email)
        rec.identity = (ident, why, notes)
    if customer is not None:
        c = rec.customer = CustomerData(*customer)
        if c.as_of is not None:
            c.as_of = datetime.fromisoformat(c.as_of)
    if order is not None and len(order) == 3:
        rec.order = ReadyOrder(*order)
    elif order is not None:
        o = rec.order = OrderData(*order)
        if o.shipping is not None:
            o.shipping = ShipmentUpdate(*o.shipping)
    if events:
        rec.events = [EventData(*e) for e in events]
    if shipment is not None:
        rec.shipment = ShipmentUpdate(*shipment)
    return rec


def cells_of(rec: Record) -> list[str]:
    """A record's cells as a list (a record from the worker carries them joined, or not at all
    when it cannot be rejected)."""
    return rec.cells.split(SEP) if isinstance(rec.cells, str) else rec.cells or []


def _work(conn, path: str, sheet, headers: list[str], fmt_name: str, mapping: dict[str, str],
          file_name: str, dayfirst: bool, region: str, ready: bool) -> None:
    """The worker process: parse the file and read each row's phones and email (without the
    database's known numbers: every number is parsed here), send batches of records, then
    ("done", rows). ready (a SQLite shop): an order goes as a ReadyOrder (its stored values, not
    the Decimals and datetimes they came from: a quarter of the pickling) and line item prices as
    floats, as the writer binds them."""
    gc.disable()  # as in the importing process: millions of small objects, no cycles to collect
    # A pipe holds ~64 KB: without a queue the parser would wait whenever the importing process
    # is busy writing a chunk, and that process then waits for the parser.
    out: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)

    def pass_on() -> None:
        while (data := out.get()) is not None:
            conn.send_bytes(data)
    sender = threading.Thread(target=pass_on, daemon=True)
    sender.start()

    def send(*msg) -> None:
        out.put(pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL))
    try:
        table = open_table(path, sheet)
        if table.headers != headers:
            raise ImportFileError(f"{file_name} changed while it was being imported; import it again.")
        fmt = FORMATS[fmt_name]
        rows = 0
        source = table.rows

        def counted():
            nonlocal rows
            for item in source():
                rows += 1
                yield item
        table.rows = counted  # type: ignore[method-assign]
        batch = []
        phones = PhoneBook(region, {})
        for rec in fmt.records(table, fmt.compile(headers, mapping), ParseContext(file_name, dayfirst=dayfirst)):
            if rec.customer is not None and rec.error is None:
                rec.identity = identify(rec.customer, phones)
            if ready and (o := rec.order) is not None:
                o.items = [(p, sku, q, float(price) if type(price) is Decimal else price, cat)
                           for p, sku, q, price, cat in o.items]
                if not o.continuation:
                    rec.order = ReadyOrder(o.external_id, o.items, ready_order(o))
            batch.append(to_wire(rec))
            if len(batch) >= BATCH:
                send("records", rows, batch)
                batch = []
        send("done", rows, batch)
    except ImportFileError as exc:
        send("file-error", str(exc))
    except BaseException:  # a bug: the importing process logs it, says so and rolls back
        send("error", traceback.format_exc())
    finally:
        out.put(None)
        sender.join()
        conn.close()


class WorkerFailed(ImportFileError):
    """The parsing process stopped without finishing (killed, out of memory, a bug): one sentence
    for the shop owner, like any file that cannot be imported (the import changed nothing)."""


def start_parse_worker(table: Table, fmt_name: str, mapping: dict[str, str], ctx: ParseContext, region: str,
                       on_rows: Callable[[int], None], ready: bool = False) -> ParseWorker | None:
    """A worker process parsing the file, or None when this file is not worth one (or one cannot
    start): the caller then parses here. on_rows(rows read so far) runs after every batch and while
    waiting; an exception it raises (a cancel) stops the worker. ready: see _work."""
    path = Path(table.path)
    try:
        if table.kind != "text" or path.stat().st_size < WORKER_MIN_BYTES:
            return None
        mp = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads
        receive, send = mp.Pipe(duplex=False)
        proc = mp.Process(target=_work, name="wadesk-import-parse", daemon=True, args=(
            send, str(path), table.sheet, list(table.headers), fmt_name, dict(mapping), ctx.file_name, ctx.dayfirst, region, ready))
        proc.start()
        send.close()
    except Exception as exc:  # no second process here (a locked-down machine, a frozen build without it)
        log.warning("Parsing in this process: the parse worker did not start (%s)", exc)
        return None
    return ParseWorker(proc, receive, on_rows, ctx.file_name)


class ParseWorker:
    """The records as they arrive (iterate once); close() stops the worker if it still runs."""

    def __init__(self, proc, conn, on_rows: Callable[[int], None], file_name: str):
        self.proc, self.conn, self.on_rows, self.file_name = proc, conn, on_rows, file_name

    def __iter__(self) -> Iterator[Record]:
        conn, proc, rows = self.conn, self.proc, 0
        while True:
            while not conn.poll(0.25):  # a slow disk: keep answering a cancel
                self.on_rows(rows)
            try:
                msg = pickle.loads(conn.recv_bytes())
            except (EOFError, OSError):  # it ended without a word, maybe mid-message
                proc.join(5)
                log.error("The parse worker for %s stopped (exit code %s)", self.file_name, proc.exitcode)
                raise WorkerFailed(
                    f"WaDesk's file reader stopped before the end of {self.file_name} (the computer may be short of "
                    "memory); nothing was imported. Close other programs and try again.") from None
            kind = msg[0]
            if kind == "file-error":
                raise ImportFileError(msg[1])
            if kind == "error":
                log.error("The parse worker failed on %s:\n%s", self.file_name, msg[1])
                raise WorkerFailed(f"Something went wrong reading {self.file_name}; nothing was imported. "
                                   "The details were written to the log file.")
            _, rows, batch = msg
            for t in batch:
                yield from_wire(t)
            self.on_rows(rows)
            if kind == "done":
                return

    def close(self) -> None:
        self.conn.close()
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(5)
