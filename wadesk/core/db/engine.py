"""Opening a shop database: engine, pragmas, migrations (with a copy of the file first)."""
from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, func, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from wadesk.core.db.sqlite_library import turn_off_memory_statistics
from wadesk.core.paths import DataDir

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000  # how long a connection waits for SQLite's write lock before it fails
CHECKPOINT_WAIT_S = 60.0  # how long a checkpoint that must finish waits for another one running


class DatabaseError(Exception):
    """A database problem to show to the user in plain words."""


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache
    cur.execute("PRAGMA secure_delete=ON")  # an erased customer's bytes are zeroed, not left in free pages
    cur.close()


def make_engine(url: str) -> Engine:
    # A team database server that does not answer: say so after 10 s, not the OS's minutes.
    extra = {"connect_args": {"connect_timeout": 10}} if str(url).startswith("postgresql") else {}
    engine = create_engine(url, future=True, **extra)
    if engine.dialect.name == "sqlite":
        turn_off_memory_statistics()  # before this engine's first connection
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


# Alembic costs ~1 s to import, so start-up reads the revisions from the migration files and
# the database with plain SQL, and imports Alembic only when there is something to migrate.
_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w]+)?['\"]?", re.M)


def _revision_graph() -> dict[str, str | None]:
    """revision -> down_revision, read from the migration files."""
    graph: dict[str, str | None] = {}
    for path in MIGRATIONS_DIR.joinpath("versions").glob("*.py"):
        found = dict((k, v) for k, v in _REVISION.findall(path.read_text(encoding="utf-8")))
        if found.get("revision"):
            graph[found["revision"]] = found.get("down_revision") or None
    return graph


def alembic_config(engine: Engine | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    graph = _revision_graph()
    heads = set(graph) - {down for down in graph.values() if down}
    if len(heads) != 1:
        raise RuntimeError(f"migrations must form one line, found heads {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _known_revision(rev: str) -> bool:
    return rev in _revision_graph()


class Database:
    """One shop database: an engine and a session factory. One session per job."""

    def __init__(self, engine: Engine, path: Path | None = None):
        self.engine = engine
        self.path = path
        self.Session = sessionmaker(engine, expire_on_commit=False)
        self._checkpointer: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def display_name(self) -> str:
        return str(self.path) if self.path else self.url

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is one transaction: committed on success, rolled back on error."""
        with self.Session() as s:
            with s.begin():
                yield s

    def customer_count(self) -> int:
        from wadesk.core.db.models import Customer

        with self.Session() as s:
            return s.scalar(select(func.count()).select_from(Customer)) or 0

    def checkpoint_later(self) -> None:
        """SQLite: copy the write-ahead log's pages into the database file on a thread. A big write
        (an import) commits with automatic checkpoints off and calls this, so its commit returns
        without copying every page it wrote a second time (~0.9 s of a million-line import). Readers
        and writers go on meanwhile; pages it cannot copy yet are left to the next checkpoint."""
        if self.engine.dialect.name != "sqlite" or (self._checkpointer and self._checkpointer.is_alive()):
            return

        def run() -> None:
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
                    conn.invalidate()  # closed, not pooled: an extra idle connection keeps its page cache
            except Exception as exc:  # noqa: BLE001 - a later checkpoint does the work
                log.warning("The background checkpoint did not run: %s", exc)
        self._checkpointer = threading.Thread(target=run, name="wadesk-checkpoint", daemon=True)
        self._checkpointer.start()

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.join(CHECKPOINT_WAIT_S)
        self.engine.dispose()


def checkpoint_fully(conn, mode: str = "TRUNCATE", wait_s: float = CHECKPOINT_WAIT_S) -> bool:
    """PRAGMA wal_checkpoint(mode) until every page of the log is in the database file. SQLite
    answers "busy" without waiting while another connection checkpoints (Database.checkpoint_later):
    ask again until it has finished. -> whether it completed within wait_s."""
    deadline = time.monotonic() + wait_s
    while True:
        busy, _log, _done = conn.exec_driver_sql(f"PRAGMA wal_checkpoint({mode})").one()
        if not busy:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


KEEP_UPDATE_COPIES = 2  # the copy before this update and the one before the previous update


def _prune_update_copies(backups_dir: Path, db_file: Path) -> None:
    """Each update that changes the schema leaves a full copy of the database; the regular backups
    (daily, weekly, monthly) keep history, so only the newest copies are kept — a big shop would
    otherwise gain a gigabyte with every update."""
    name = re.compile(rf"^{re.escape(db_file.stem)}-before-\w+?-(\d{{8}}-\d{{6}}){re.escape(db_file.suffix)}$")
    copies = sorted(((m.group(1), p) for p in backups_dir.iterdir() if (m := name.match(p.name))), reverse=True)
    for _, old in copies[KEEP_UPDATE_COPIES:]:
        try:
            old.unlink()
            log.info("Removed the older copy made before an update: %s", old)
        except OSError as exc:
            log.warning("Could not remove the older copy %s: %s", old, exc)


def migrate(engine: Engine, db_file: Path | None, backups_dir: Path | None) -> None:
    """Bring the schema to head; copy the database file to the backups folder first."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is not None and not _known_revision(current):
        raise DatabaseError(
            "This database was made by a newer WaDesk. Update WaDesk to open it "
            "(nothing was changed)."
        )
    if current is not None and db_file is not None and db_file.exists() and backups_dir is not None:
        backups_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        copy = backups_dir / f"{db_file.stem}-before-{head}-{stamp}{db_file.suffix}"
        engine.dispose()  # close connections so the copy is consistent
        with engine.connect() as conn:  # fold the WAL into the main file before copying
            checkpoint_fully(conn)
        engine.dispose()
        shutil.copy2(db_file, copy)
        log.info("Copied database to %s before migrating %s -> %s", copy, current, head)
        _prune_update_copies(backups_dir, db_file)
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def open_database(data_dir: DataDir | None = None, url: str | None = None) -> Database:
    """Open (creating and migrating as needed) the shop database of a data folder, or a URL."""
    db_file: Path | None = None
    backups: Path | None = None
    if url is None:
        if data_dir is None:
            raise ValueError("open_database needs a data folder or a URL")
        data_dir.ensure()
        db_file = data_dir.db_path
        backups = data_dir.backups_dir
        url = f"sqlite:///{db_file}"
    engine = make_engine(url)
    try:
        migrate(engine, db_file, backups)
    except DatabaseError:
        engine.dispose()
        raise
    except Exception as exc:  # environment faults: locked, disk full, not a database
        engine.dispose()
        raise DatabaseError(f"Could not open the database {db_file or url}: {exc}") from exc
    return Database(engine, db_file)
