"""What every page and dialog gets: the app's services, passed in so a test can build one alone."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

import wadesk.core.campaigns.policy  # noqa: F401  (registers the sending settings before the cache is built)
from wadesk.core.clock import Clock, SystemClock
from wadesk.core.db import Database
from wadesk.core.paths import DataDir
from wadesk.ui.events import DataBus
from wadesk.ui.jobs import JobRunner
from wadesk.ui.settings_store import SettingsStore

if TYPE_CHECKING:
    from wadesk.core.segments import SegmentEngine


@dataclass
class AppServices:
    db: Database  # the shop database; open a session only inside a job (services.jobs)
    data_dir: DataDir  # the shop profile folder (database, logs, backups)
    bus: DataBus  # "data changed" broadcast (+ page requests)
    jobs: JobRunner  # background work with progress, cancel and plain-words errors
    clock: Clock  # injectable time
    settings: SettingsStore  # cached shop settings (get instantly, set writes in a job)
    log_path: Path | None = None  # the log file, to show in error messages
    _segment_engine: Any = field(default=None, init=False, repr=False, compare=False)
    _engine_lock: Any = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    @property
    def segment_engine(self) -> "SegmentEngine":
        """The one segment evaluator of this shop (Segments page, campaigns), made on first use so
        start-up does not import numpy/pandas for it; its in-memory copy is built later, in a job."""
        if self._segment_engine is None:
            with self._engine_lock:
                if self._segment_engine is None:
                    from wadesk.core.segments import SegmentEngine

                    self._segment_engine = SegmentEngine(self.db, self.clock)
        return self._segment_engine


def build_services(db: Database, data_dir: DataDir, *, clock: Clock | None = None,
                   log_path: Path | None = None, parent: QObject | None = None,
                   load_settings: bool = True) -> AppServices:
    bus = DataBus(parent)
    jobs = JobRunner(db, parent, log_path=log_path)
    settings = SettingsStore(db, bus, jobs, parent)
    if load_settings:
        settings.load()
    return AppServices(db=db, data_dir=data_dir, bus=bus, jobs=jobs, clock=clock or SystemClock(),
                       settings=settings, log_path=log_path)
