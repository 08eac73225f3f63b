"""Team mode: where the shop's database lives, a shared PostgreSQL server's details, moving data.

Which database a data folder uses is kept in `<data folder>/database.json` (no secrets): absent →
this computer's SQLite file. The PostgreSQL password lives only in the OS keychain (service WaDesk,
entry `postgres:user@host:port/database`). `--database-url` / WADESK_DATABASE_URL override both for
headless use. Moving to the team database copies every table in one go, checks row counts, then
switches; the SQLite file stays as it was (a backup).
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import URL, make_url

from wadesk.core.db.engine import Database, DatabaseError, open_database
from wadesk.core.db.sequences import move_sequences_past_ids
from wadesk.core.jobs import CancelledFn, ProgressFn, check_cancelled, never_cancelled, no_progress
from wadesk.core.logging_setup import register_secret
from wadesk.core.paths import DataDir

ENV_URL = "WADESK_DATABASE_URL"
CONFIG_FILE = "database.json"
KEYCHAIN_SERVICE = "WaDesk"
SSL_MODES = ("prefer", "require", "disable", "verify-full")


@dataclass(frozen=True)
class TeamDatabase:
    host: str
    database: str
    user: str
    port: int = 5432
    sslmode: str = "prefer"

    def url(self, password: str | None = None) -> URL:
        return URL.create("postgresql+psycopg", username=self.user, password=password or None, host=self.host,
                          port=self.port, database=self.database, query={"sslmode": self.sslmode})

    @property
    def keychain_entry(self) -> str:
        return f"postgres:{self.user}@{self.host}:{self.port}/{self.database}"

    def check(self) -> None:
        if not self.host.strip() or not self.database.strip() or not self.user.strip():
            raise DatabaseError("Fill in the server, the database name and the user.")
        if not 0 < int(self.port) < 65536:
            raise DatabaseError("The port is a number like 5432.")
        if self.sslmode not in SSL_MODES:
            raise DatabaseError(f"SSL mode must be one of {', '.join(SSL_MODES)}.")


def load_config(data_dir: DataDir) -> TeamDatabase | None:
    path = data_dir.root / CONFIG_FILE
    if not path.exists():
        return None
    try:
        return TeamDatabase(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise DatabaseError(f"{path} is damaged ({exc}); delete it to use this computer's database.") from None


def save_config(data_dir: DataDir, team: TeamDatabase | None) -> None:
    path = data_dir.root / CONFIG_FILE
    if team is None:
        path.unlink(missing_ok=True)
        return
    team.check()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(team), indent=2), encoding="utf-8")
    os.replace(tmp, path)


def save_password(team: TeamDatabase, password: str) -> None:
    import keyring

    register_secret(password)
    keyring.set_password(KEYCHAIN_SERVICE, team.keychain_entry, password)


def load_password(team: TeamDatabase) -> str | None:
    import keyring

    try:
        password = keyring.get_password(KEYCHAIN_SERVICE, team.keychain_entry)
    except Exception:  # noqa: BLE001 - no usable keychain: connect without (trust / .pgpass)
        return None
    if password:
        register_secret(password)
    return password


def resolve_url(data_dir: DataDir, override: str | None = None) -> str | None:
    """The database URL for this data folder: --database-url, WADESK_DATABASE_URL, database.json
    (+ keychain password), or None for the SQLite file."""
    url = override or os.environ.get(ENV_URL)
    if url:
        parsed = make_url(url)
        if parsed.password:
            register_secret(str(parsed.password))
        return url
    team = load_config(data_dir)
    if team is None:
        return None
    return team.url(load_password(team)).render_as_string(hide_password=False)


def open_shop_database(data_dir: DataDir, override: str | None = None) -> Database:
    """What the app and the command line open: the team database when configured, else the file."""
    url = resolve_url(data_dir, override)
    if url is None:
        return open_database(data_dir)
    try:
        return open_database(url=url)
    except DatabaseError as exc:
        raise DatabaseError(explain_connection_error(exc)) from None


def explain_connection_error(exc: BaseException) -> str:
    """Plain words for why a PostgreSQL connection failed."""
    text_ = str(exc).lower()
    if "password authentication failed" in text_ or "no password supplied" in text_:
        return "The team database refused the user name or password. Check them in Settings → Database."
    if "does not exist" in text_ and "database" in text_:
        return "The server has no database with that name. Ask whoever set it up, or create it first."
    if "ssl" in text_ and ("required" in text_ or "no pg_hba.conf entry" in text_ or "not support" in text_):
        return "The server requires an encrypted (SSL) connection, or refuses it: change SSL mode in Settings → Database."
    if "no pg_hba.conf entry" in text_:
        return "The server does not allow this computer to connect. Its administrator must allow it (pg_hba.conf)."
    if any(k in text_ for k in ("connection refused", "could not connect", "timeout", "name or service not known",
                                "could not translate host name", "no route to host")):
        return "Could not reach the team database server. Check the server address and port, and the network."
    if "newer wadesk" in text_:
        return str(exc)
    return f"Could not open the team database: {exc}"


def check_team_connection(team: TeamDatabase, password: str | None) -> dict[str, Any]:
    """Connect and report the server version and whether the database already holds WaDesk data."""
    team.check()
    engine = create_engine(team.url(password), connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
            tables = set(inspect(conn).get_table_names())
            customers = conn.execute(text("SELECT count(*) FROM customers")).scalar() if "customers" in tables else 0
    except Exception as exc:  # noqa: BLE001 - every driver error becomes plain words
        raise DatabaseError(explain_connection_error(exc)) from None
    finally:
        engine.dispose()
    return {"server_version": version, "has_wadesk_data": "alembic_version" in tables, "customers": customers}


def change_stamp(db: Database) -> tuple:
    """A cheap fingerprint of what another computer may have changed (new or edited customers,
    orders, events, messages, tags, campaigns, audited actions): compared on a light poll."""
    from wadesk.core.db.models import AuditLog, Campaign, Customer, CustomerTag, Event, Message, Order

    stmts = [select(func.max(Customer.id)), select(func.max(Customer.updated_at)), select(func.max(Order.id)),
             select(func.max(Event.id)), select(func.max(Message.id)), select(func.max(AuditLog.id)),
             select(func.max(Campaign.id)), select(func.count()).select_from(CustomerTag)]
    with db.engine.connect() as conn:
        return tuple(conn.execute(stmt).scalar() for stmt in stmts)


def copy_database(src: Database, dst: Database, *, progress: ProgressFn = no_progress,
                  cancelled: CancelledFn = never_cancelled, batch: int = 5000) -> dict[str, int]:
    """Copy every table from `src` to an empty, migrated `dst` in one transaction, then check
    that each table has the same number of rows. Returns rows per table."""
    from wadesk.core.db.models import Base

    tables = [t for t in Base.metadata.sorted_tables]
    with dst.engine.connect() as check:
        busy = [t.name for t in tables if check.execute(select(func.count()).select_from(t)).scalar()]
    if busy:
        raise DatabaseError(f"The destination already holds data (table {busy[0]}). Use an empty database.")
    counts: dict[str, int] = {}
    total = 0
    with src.engine.connect() as s_conn:
        sizes = {t.name: s_conn.execute(select(func.count()).select_from(t)).scalar() or 0 for t in tables}
        grand = sum(sizes.values()) or 1
        with dst.engine.begin() as d_conn:
            for t in tables:
                n = 0
                result = s_conn.execution_options(stream_results=True).execute(select(t))
                while True:
                    check_cancelled(cancelled)
                    rows = result.fetchmany(batch)
                    if not rows:
                        break
                    d_conn.execute(t.insert(), [dict(r._mapping) for r in rows])
                    n += len(rows)
                    total += len(rows)
                    progress(total, grand, f"Copying {t.name}")
                counts[t.name] = n
            move_sequences_past_ids(d_conn, tables)  # ids were copied
            for t in tables:
                got = d_conn.execute(select(func.count()).select_from(t)).scalar() or 0
                if got != sizes[t.name]:
                    raise DatabaseError(f"Copy check failed for {t.name}: {got} rows instead of {sizes[t.name]}; "
                                        "nothing was kept.")
    return counts


def move_to_team(data_dir: DataDir, team: TeamDatabase, password: str | None, *,
                 progress: ProgressFn = no_progress, cancelled: CancelledFn = never_cancelled,
                 keep_password: Callable[[TeamDatabase, str], None] | None = None) -> dict[str, int]:
    """Copy this computer's database to the empty team database and switch this data folder to it."""
    team.check()
    src = open_database(data_dir)
    try:
        dst = open_database(url=team.url(password).render_as_string(hide_password=False))
    except DatabaseError as exc:
        src.dispose()
        raise DatabaseError(explain_connection_error(exc)) from None
    try:
        counts = copy_database(src, dst, progress=progress, cancelled=cancelled)
    finally:
        src.dispose()
        dst.dispose()
    if password:
        (keep_password or save_password)(team, password)
    save_config(data_dir, team)
    return counts


def export_to_file(src: Database, path: Path, *, progress: ProgressFn = no_progress,
                   cancelled: CancelledFn = never_cancelled) -> dict[str, int]:
    """The reverse: the team database into a new local SQLite file (e.g. to work offline)."""
    if path.exists():
        raise DatabaseError(f"{path} already exists; choose a new file name.")
    dst = open_database(url=f"sqlite:///{path}")
    try:
        return copy_database(src, dst, progress=progress, cancelled=cancelled)
    except BaseException:
        dst.dispose()
        path.unlink(missing_ok=True)
        raise
    finally:
        dst.dispose()
