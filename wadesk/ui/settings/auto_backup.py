"""Automatic backups while the app runs: one a day (checked soon after start, then every hour) and
one when the app closes if anything was written since the last backup. A failed automatic backup
does not pop up a box: the Home page and Settings → Backups say so until a backup succeeds."""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from wadesk.core.backup import BackupResult, ChangeWatch, backup_due, create_backup, load_backup_config
from wadesk.core.jobs import JobContext

log = logging.getLogger(__name__)
BACKUPS = "backups"  # bus topic: a backup was made, failed or restored


class AutoBackup(QObject):
    def __init__(self, services, parent: QObject | None = None, *, first_check_ms: int = 30_000,
                 every_ms: int = 3_600_000):
        super().__init__(parent)
        self.services = services
        self.first_check_ms = first_check_ms
        self.watch = ChangeWatch(services.db.path) if services.db.path else None
        # Commits after this data_version are not in a backup yet (start: whatever this session writes).
        self.baseline = self.watch.version() if self.watch else None
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> "AutoBackup":
        if self.watch is not None:
            QTimer.singleShot(self.first_check_ms, self, self.check)
            self.timer.start()
        return self

    def check(self) -> None:
        """Make the daily backup if the last good one is a day old (decided in the job: it reads a file)."""
        if self.running or self.watch is None:
            return
        self.running = True
        svc = self.services

        def daily(ctx: JobContext) -> BackupResult | None:
            if not backup_due(svc.data_dir, svc.clock.now()):
                return None
            with ctx.db.session() as s:
                load_backup_config(s, svc.data_dir)  # first backup: notes the profile's id (a commit)
            mark = self.watch.version()
            result = create_backup(ctx.db, svc.data_dir, kind="daily", clock=svc.clock,
                                   progress=ctx.progress, cancelled=ctx.cancelled)
            self.baseline = mark
            return result

        # Not the database lane: the copy reads its own snapshot, so a big shop's backup (tens of
        # seconds) never holds up the owner's clicks queued behind it.
        job = svc.jobs.run(daily, title="Daily backup", lane="net", progress_dialog=False, show_errors=False)
        job.finished.connect(lambda: self._done(job))

    def _done(self, job) -> None:
        self.running = False
        if job.outcome == "ok" and job.result is None:
            return  # not due: nothing to tell
        self.services.bus.notify(BACKUPS)

    def on_close(self) -> BackupResult | None:
        """After the window closed and the jobs stopped: back up if anything was written meanwhile."""
        if self.watch is None:
            return None
        self.timer.stop()
        try:
            if self.baseline is not None and not self.watch.changed_since(self.baseline):
                log.info("Nothing changed since the last backup; no backup on close")
                return None
            svc = self.services
            return create_backup(svc.db, svc.data_dir, kind="on-close", clock=svc.clock)
        except Exception as exc:  # noqa: BLE001 - quitting must not fail; the Home page warns next time
            log.warning("The backup on close failed: %s", exc)
            return None
        finally:
            self.watch.close()
            self.watch = None
