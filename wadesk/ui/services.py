"""What every page and dialog gets: the app's services, passed in so a test can build one alone."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject

from wadesk.core.clock import Clock, SystemClock
from wadesk.core.db import Database
from wadesk.core.paths import DataDir
from wadesk.ui.events import DataBus
from wadesk.ui.jobs import JobRunner
from wadesk.ui.settings_store import SettingsStore


@dataclass
class AppServices:
    db: Database  # the shop database; open a session only inside a job (services.jobs)
    data_dir: DataDir  # the shop profile folder (database, logs, backups)
    bus: DataBus  # "data changed" broadcast (+ page requests)
    jobs: JobRunner  # background work with progress, cancel and plain-words errors
    clock: Clock  # injectable time
    settings: SettingsStore  # cached shop settings (get instantly, set writes in a job)
    log_path: Path | None = None  # the log file, to show in error messages


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
