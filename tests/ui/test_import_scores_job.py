"""The wizard reports "Import finished" as soon as the import is committed; the touched customers'
scores follow in a job of their own, with a status line until they are done."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from wadesk.core.db.models import Customer
from wadesk.core import profile
from wadesk.core.db.profile_models import CustomerMetrics
from wadesk.ui.importing.page import ImportPage

DATA = Path(__file__).parent.parent / "data" / "imports"


@pytest.fixture
def page(qtbot, services):
    p = ImportPage(services)
    qtbot.addWidget(p)
    qtbot.waitUntil(lambda: not p.history.loading, timeout=3000)
    return p


def _scored(db) -> tuple[int, int]:
    with db.Session() as s:
        return (s.scalar(select(func.count()).select_from(Customer)),
                s.scalar(select(func.count()).select_from(CustomerMetrics)))


def test_scores_follow_the_import_in_their_own_job(qtbot, page, services, db, tmp_path, monkeypatch):
    release, real = threading.Event(), profile.refresh_profiles

    def held(*a, **k):  # the scores job waits until the test has seen the finished import
        release.wait(10)
        return real(*a, **k)

    monkeypatch.setattr(profile, "refresh_profiles", held)
    path = tmp_path / "orders.csv"
    shutil.copy(DATA / "shopify_orders_india_gokwik_cod_razorpay_75col.csv", path)
    page.open_file(path)
    qtbot.waitUntil(lambda: page.wizard.running is None, timeout=10_000)
    w = page.wizard
    with qtbot.waitSignal(services.bus.changed, timeout=10_000, check_params_cb=lambda what: "profiles" in what):
        w.outcome.import_button.click()
        qtbot.waitUntil(lambda: w.running is None, timeout=10_000)
        assert w.outcome.title.text() == "✔ Import finished"
        assert w.result.score_ids and w.scoring is not None
        assert "Updating the scores of 4 customers" in w.outcome.progress_text.text()
        assert w.outcome.progress_text.isVisibleTo(page) and _scored(db) == (4, 0)
        release.set()
    qtbot.waitUntil(lambda: w.scoring is None, timeout=5000)
    assert not w.outcome.progress_text.isVisibleTo(page)
    customers, scored = _scored(db)
    assert customers == scored == 4
