"""The job runner: results, progress, cancel and errors arrive on the UI thread; slow jobs get a dialog."""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThread, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton
from sqlalchemy import select

from wadesk.core.db.models import Setting
from wadesk.core.jobs import Cancelled, JobContext
from wadesk.core.settings import set_setting
from wadesk.ui.jobs import JobRunner


def _dialogs() -> list[QProgressDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QProgressDialog) and w.isVisible()]


def test_result_and_progress_arrive_on_ui_thread(qtbot, services):
    seen_threads = []

    def work(ctx: JobContext) -> str:
        seen_threads.append(QThread.currentThread())
        for i in range(3):
            ctx.progress(i + 1, 3, f"step {i + 1}")
        return "done"

    got = []
    ui_thread = QThread.currentThread()
    job = services.jobs.run(work, title="Testing", on_result=got.append)
    job.progress.connect(lambda d, t, s: got.append((d, t, QThread.currentThread() is ui_thread)))
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert got[-1] == "done"
    assert seen_threads[0] is not ui_thread
    assert job.outcome == "ok" and job.result == "done"
    assert all(p[2] for p in got[:-1])  # progress handled on the UI thread


def test_session_job_writes_in_its_own_transaction(qtbot, services, db):
    job = services.jobs.run_in_session(lambda s, ctx: set_setting(s, "shop_name", "Chai Co"))
    with qtbot.waitSignal(job.succeeded, timeout=5000):
        pass
    with db.session() as s:
        assert s.get(Setting, "shop_name").value == "Chai Co"


def test_cancel_stops_the_job_and_rolls_back(qtbot, services, db):
    started = threading.Event()

    def slow(session, ctx: JobContext):
        set_setting(session, "shop_name", "Half done")
        session.flush()
        started.set()
        while True:
            ctx.check()
            time.sleep(0.01)

    job = services.jobs.run_in_session(slow, title="Slow work", progress_dialog=False)
    assert started.wait(5)
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        job.cancel()
    assert job.outcome == "cancelled"
    with db.session() as s:
        assert s.scalars(select(Setting).where(Setting.key == "shop_name")).first() is None


def test_jobs_on_the_database_lane_run_one_at_a_time(qtbot, services):
    running, overlaps = [], []

    def work(ctx):
        running.append(1)
        overlaps.append(len(running))
        time.sleep(0.02)
        running.pop()

    jobs = [services.jobs.run(work, progress_dialog=False) for _ in range(4)]
    qtbot.waitUntil(lambda: all(j.is_finished for j in jobs), timeout=5000)
    assert max(overlaps) == 1
    assert services.jobs.db_pool.maxThreadCount() == 1


def test_error_is_delivered_in_plain_words(qtbot, services, monkeypatch):
    shown = []
    monkeypatch.setattr("wadesk.ui.jobs.show_error", lambda parent, title, msg: shown.append(msg))

    def broken(ctx):
        raise ValueError("The file has no phone or email column.")

    job = services.jobs.run(broken, title="Importing customers")
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        pass
    assert blocker.args == ["The file has no phone or email column."]
    assert shown == ["The file has no phone or email column."]


def test_a_bug_is_shown_without_its_traceback(qtbot, db, monkeypatch, tmp_path):
    shown = []
    monkeypatch.setattr("wadesk.ui.jobs.show_error", lambda parent, title, msg: shown.append(msg))
    runner = JobRunner(db, log_path=tmp_path / "wadesk.log")
    job = runner.run(lambda ctx: {}["missing"], title="Counting customers")
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert "Something went wrong while counting customers" in shown[0]
    assert "KeyError" not in shown[0] and str(tmp_path / "wadesk.log") in shown[0]
    runner.shutdown()


def test_error_box_is_non_blocking_and_readable(qtbot, services):
    job = services.jobs.run(lambda ctx: (_ for _ in ()).throw(ValueError("Bad date in row 3.")),
                            title="Importing")
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert [b.text() for b in boxes] == ["Bad date in row 3."]
    boxes[0].close()


def test_fast_job_shows_no_progress_dialog(qtbot, services):
    job = services.jobs.run(lambda ctx: 42, title="Quick")
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    qtbot.wait(600)  # past the dialog delay
    assert _dialogs() == []


def test_slow_job_shows_a_dialog_whose_cancel_stops_it(qtbot, db):
    runner = JobRunner(db, dialog_delay_ms=100)

    def slow(ctx):
        for i in range(1000):
            ctx.progress(i, 1000, "Writing customers")
            ctx.check()
            time.sleep(0.01)

    job = runner.run(slow, title="Building")
    qtbot.waitUntil(lambda: len(_dialogs()) == 1, timeout=3000)
    dialog = _dialogs()[0]
    assert dialog.windowTitle() == "WaDesk — Building"
    cancel_button = dialog.findChild(QPushButton)
    assert cancel_button.text() == "Cancel"
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _dialogs() == [], timeout=3000)
    runner.shutdown()


def test_cancel_before_start_never_runs(qtbot, services):
    ran = []
    blocker_started = threading.Event()
    release = threading.Event()

    def blocker(ctx):
        blocker_started.set()
        release.wait(5)

    first = services.jobs.run(blocker, progress_dialog=False)
    second = services.jobs.run(lambda ctx: ran.append(1), progress_dialog=False)
    assert blocker_started.wait(5)
    second.cancel()
    release.set()
    qtbot.waitUntil(lambda: first.is_finished and second.is_finished, timeout=5000)
    assert ran == [] and second.outcome == "cancelled"


def test_cancelled_exception_from_core_code_counts_as_cancel(qtbot, services):
    def core_function(ctx):
        raise Cancelled()

    job = services.jobs.run(core_function, progress_dialog=False)
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        pass


def test_finished_jobs_are_released(qtbot, services):
    import gc
    import weakref

    job = services.jobs.run(lambda ctx: 1, progress_dialog=False, on_result=lambda r: None)
    job.progress.connect(lambda *a: job)  # a lambda that mentions the job must not pin it
    ref = weakref.ref(job)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    del job
    qtbot.wait(20)
    gc.collect()
    assert ref() is None and not services.jobs.busy


def test_quitting_lets_a_queued_setting_write_finish(qtbot, services, db):
    release = threading.Event()
    blocker = services.jobs.run(lambda ctx: release.wait(5), progress_dialog=False)
    services.settings.set("first_run_done", True)  # queued behind the blocker
    release.set()
    assert services.jobs.shutdown()
    assert blocker.ctx.cancelled()
    with db.session() as s:
        assert s.get(Setting, "first_run_done").value is True
