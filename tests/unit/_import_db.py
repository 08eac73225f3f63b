"""A fast fresh database for the import tests: migrate once per session, copy the file per test."""
from __future__ import annotations

import shutil

import pytest

from wadesk.core.db import open_database
from wadesk.core.paths import DataDir


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory):
    d = DataDir(tmp_path_factory.mktemp("import-template")).ensure()
    open_database(d).dispose()
    return d.db_path


@pytest.fixture
def idb(_migrated_template, tmp_path):
    d = DataDir(tmp_path / "shop").ensure()
    shutil.copy(_migrated_template, d.db_path)
    database = open_database(d)
    yield database
    database.dispose()
