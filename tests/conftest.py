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


def _backend_db(data_dir, request):
    """With WADESK_TEST_DB=postgresql every database test runs on a fresh PostgreSQL database
    (team mode) instead of the SQLite file; CI runs the suite both ways when PostgreSQL is there."""
    if os.environ.get("WADESK_TEST_DB") == "postgresql":
        from sqlalchemy.engine import make_url

        from tests.pg_server import new_database
        from wadesk.core.db.team import TeamDatabase, save_config

        url = make_url(new_database(request.getfixturevalue("pg_admin_url")))
        # The data folder points at it too, so the command line (--data-dir) opens the same database.
        save_config(data_dir, TeamDatabase(url.host, url.database, url.username, url.port, "disable"))
        return open_database(url=url.render_as_string(hide_password=False))
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): checks something only SQLite has (the file, PRAGMAs)")


DATABASE_FIXTURES = {"db", "fresh_db", "pg_db", "pg_admin_url"}


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL only the tests that touch a database run again (the rest ran on SQLite)."""
    if os.environ.get("WADESK_TEST_DB") != "postgresql":
        return
    keep = [i for i in items if DATABASE_FIXTURES & set(getattr(i, "fixturenames", ()))]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


def pytest_runtest_setup(item):
    marker = item.get_closest_marker("sqlite_only")
    if marker and os.environ.get("WADESK_TEST_DB") == "postgresql":
        pytest.skip(f"SQLite only: {marker.args[0] if marker.args else 'checks the SQLite file'}")


@pytest.fixture
def db(data_dir, request):
    database = _backend_db(data_dir, request) or open_database(data_dir)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc))


# ---- WhatsApp Cloud API: the fake server and an in-memory keychain (issue 5) ----------------------
import keyring  # noqa: E402
import keyring.backend  # noqa: E402
import keyring.errors  # noqa: E402

# A distinctive token that matches none of the log scrubber's patterns, so tests prove that the
# registered-secret path keeps it out of logs and output.
FAKE_TOKEN = "wadesk-fake-token-7f3c9e21d4b8a6"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keychain that lives in a dict: what a real OS keychain does, minus the OS."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture
def memory_keyring():
    """An in-memory keychain for the test; the null backend comes back afterwards."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def fake_cloud_api():
    """The sandbox simulator as a real HTTP server on 127.0.0.1 (free port), with FAKE_TOKEN."""
    from wadesk.core.messaging.sandbox import SandboxServer

    with SandboxServer(token=FAKE_TOKEN) as server:
        yield server


@pytest.fixture
def cloud_client(fake_cloud_api):
    """A CloudClient pointed at the fake server; retries don't sleep, short timeouts."""
    from wadesk.core.messaging.cloud_client import CloudClient

    client = CloudClient(access_token=FAKE_TOKEN, phone_number_id=fake_cloud_api.phone_number_id,
                         waba_id=fake_cloud_api.waba_id, base_url=fake_cloud_api.url,
                         timeout=(1.0, 0.3), sleep=lambda s: None)
    yield client
    client.close()


@pytest.fixture
def send_client(fake_cloud_api):
    """A client for the send engine's tests: no retries of its own (the engine decides) and a long
    read timeout, so a busy test machine can't turn a slow answer into an 'unknown' outcome."""
    from wadesk.core.messaging.cloud_client import CloudClient

    with CloudClient(access_token=FAKE_TOKEN, phone_number_id=fake_cloud_api.phone_number_id,
                     waba_id=fake_cloud_api.waba_id, base_url=fake_cloud_api.url, max_retries=0,
                     timeout=(2.0, 10.0), sleep=lambda s: None) as client:
        yield client


@pytest.fixture(scope="session")
def migrated_db_file(tmp_path_factory):
    """A database migrated once per test session, to copy (migrating costs ~0.3 s per test)."""
    template = DataDir(tmp_path_factory.mktemp("template") / "shop").ensure()
    open_database(template).dispose()  # closing the last connection folds the WAL into the file
    return template.db_path


@pytest.fixture
def fresh_db(data_dir, migrated_db_file, request):
    """Like `db` (an empty, migrated database in this test's data folder), but copied, not migrated."""
    import shutil

    database = _backend_db(data_dir, request)
    if database is None:
        shutil.copy(migrated_db_file, data_dir.db_path)
        database = open_database(data_dir)
    yield database
    database.dispose()


# ---- PostgreSQL team mode (issue 11): a throw-away server when the binaries are installed ---------
@pytest.fixture(scope="session")
def pg_admin_url():
    """URL of a PostgreSQL server for this test session; the tests using it skip without one."""
    from tests import pg_server

    if not pg_server.available():
        pytest.skip("PostgreSQL (server binaries and psycopg) is not installed here")
    if os.environ.get("WADESK_TEST_PG_URL"):
        yield os.environ["WADESK_TEST_PG_URL"]
        return
    server = pg_server.PgServer().start()
    yield server.url()
    server.stop()


@pytest.fixture
def pg_db(pg_admin_url):
    """A fresh, migrated WaDesk database on the PostgreSQL server."""
    from tests.pg_server import new_database

    database = open_database(url=new_database(pg_admin_url))
    yield database
    database.dispose()
