"""A throw-away PostgreSQL server on 127.0.0.1 for the team-mode tests (issue 11).

Found via WADESK_TEST_PG_URL (a server someone started), else started here from the distribution's
binaries (initdb + pg_ctl in a temporary folder, a free port, trust auth on loopback only); None when
PostgreSQL or psycopg is not installed, and the PostgreSQL variants of the tests are skipped.
Running as root (CI containers), the server runs as the `postgres` user, which initdb requires.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="wadesk-pg-"))
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres")

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self.as_user, *cmd], check=True, capture_output=True, timeout=120)

    def start(self) -> "PgServer":
        data = str(self.dir / "data")
        self._run(_bin("initdb") or "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        self._run(_bin("pg_ctl") or "pg_ctl", "-D", data, "-l", str(self.dir / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200", "start")
        return self

    def stop(self) -> None:
        try:
            self._run(_bin("pg_ctl") or "pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


def available() -> bool:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return bool(os.environ.get("WADESK_TEST_PG_URL") or _bin("initdb"))


def new_database(admin_url: str) -> str:
    """A fresh empty database on the server; returns its URL."""
    from sqlalchemy import create_engine, text

    name = f"wadesk_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
