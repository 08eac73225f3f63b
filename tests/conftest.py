"""Shared fixtures: a fresh data folder and database per test, an injectable clock, offscreen Qt."""
from __future__ import annotations

import os
from datetime import datetime, timezone

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")
# Keep tests away from the real user's keychain and settings.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

import pytest  # noqa: E402

from wadesk.core.clock import FixedClock  # noqa: E402
from wadesk.core.db import open_database  # noqa: E402
from wadesk.core.paths import DataDir  # noqa: E402


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir(tmp_path / "shop").ensure()


@pytest.fixture
def db(data_dir):
    database = open_database(data_dir)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc))
