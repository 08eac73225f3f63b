"""Live counts off the UI thread: debounce edits (~200 ms), count on the database lane, discard
answers to rules that have since changed (a generation counter), and get the engine's in-memory copy
ready first ("Getting your customers ready…") without freezing the page."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal

from wadesk.core.segments import Counts, SegmentEngine, catalogue

DEBOUNCE_MS = 200
GETTING_READY = "Getting your customers ready…"  # what the funnel says until the copy is ready
CHOICE_FIELDS = tuple(f["key"] for f in catalogue() if f["type"] in ("choice", "tags") and f["kind"] == "column")


def prepare(engine: SegmentEngine, patch: bool = False) -> dict[str, list[tuple[str, int]]]:
    """Build (or patch, for a few changed customers) the in-memory copy and read every choice list
    (with counts) the value pickers show."""
    engine.refresh_changed() if patch else engine.snapshot()
    return {**{key: engine.choices(key) for key in CHOICE_FIELDS}, "attribute_names": engine.attribute_names(),
            "campaigns": engine.campaign_names()}


def show_readiness(builder: Any, funnel: Any, ready: bool) -> None:
    """The in-memory copy became ready (the builder's choice lists refill from it) or is being
    built again (the funnel says so until counts arrive)."""
    if ready:
        for row in builder.rows():
            row.refresh_choices()
    else:
        funnel.show_counts(None, GETTING_READY)


class LiveCounter(QObject):
    ready_changed = Signal(bool)
    counting = Signal()
    counted = Signal(object, object)  # Counts, the rules they answer
    failed = Signal(str)

    def __init__(self, jobs: Any, engine: SegmentEngine, parent: QObject | None = None):
        super().__init__(parent)
        self.jobs, self.engine = jobs, engine
        self.ready = False
        self.preparing = False
        self.choices: dict[str, list[tuple[str, int]]] = {}
        self.generation = 0
        self.last: tuple[dict, Counts] | None = None
        self.pending: dict | None = None
        self.stale_dropped = 0  # answers thrown away because the rules changed meanwhile
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.timer.timeout.connect(self._start)

    # -- the in-memory copy ----------------------------------------------------------------------
    def prepare(self, data_changed: bool = True, patch: bool = False) -> None:
        """(Re)build the engine's copy in a job; counts wait until it is ready. On first use a copy
        the engine already holds (another page built it) is kept. patch=True: re-read only the
        customers that changed (the engine rebuilds if it can't tell which)."""
        if data_changed and not patch:
            self.engine.invalidate()
        self.ready, self.preparing = False, True
        self.generation += 1  # a count running on old data is no longer the answer
        self.ready_changed.emit(False)
        engine = self.engine
        self.jobs.run(lambda ctx: prepare(engine, patch), title="Getting your customers ready", lane="db",
                      parent=self, on_result=self._prepared, on_error=self._prepare_failed,
                      progress_dialog=False, show_errors=False)

    def _prepared(self, choices: dict) -> None:
        self.choices, self.ready, self.preparing = choices, True, False
        self.ready_changed.emit(True)
        if self.pending is not None:
            self._start()

    def _prepare_failed(self, message: str) -> None:
        self.preparing = False
        self.failed.emit(message)

    # -- counts ----------------------------------------------------------------------------------
    def schedule(self, rules: dict) -> None:
        """Count these rules soon (edits within DEBOUNCE_MS are folded into one count)."""
        self.pending = rules
        self.generation += 1
        self.counting.emit()
        self.timer.start()

    def forget(self) -> None:
        """The rules can't be counted (a problem is shown): drop what is pending or running."""
        self.timer.stop()
        self.pending = None
        self.generation += 1

    def _start(self) -> None:
        if self.pending is None or not self.ready:
            return  # _prepared starts it
        rules, engine = self.pending, self.engine
        self.generation += 1
        gen = self.generation
        self.jobs.run(lambda ctx: engine.count(rules), title="Counting customers", lane="db", parent=self,
                      on_result=lambda c: self._done(gen, rules, c),
                      on_error=lambda m: self._error(gen, m), progress_dialog=False, show_errors=False)

    def _done(self, gen: int, rules: dict, counts: Counts) -> None:
        if gen != self.generation:
            self.stale_dropped += 1
            return
        self.pending = None
        self.last = (rules, counts)
        self.counted.emit(counts, rules)

    def _error(self, gen: int, message: str) -> None:
        if gen == self.generation:
            self.failed.emit(message)

    @property
    def busy(self) -> bool:
        return self.preparing or self.timer.isActive() or self.pending is not None

    def run_query(self, fn: Callable[[SegmentEngine], Any], on_result: Callable[[Any], None],
                  title: str, parent: Any = None) -> None:
        """A one-off question to the engine (sample, explain) on the database lane."""
        engine = self.engine
        self.jobs.run(lambda ctx: fn(engine), title=title, lane="db", parent=parent or self, on_result=on_result,
                      on_error=self.failed.emit, progress_dialog=False, show_errors=False)
