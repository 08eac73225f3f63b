"""Moving a shop between this computer's SQLite file and a team PostgreSQL database (issue 11)."""
from __future__ import annotations

import io
import json
import sys

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.conftest import FAKE_TOKEN
from tests.pg_server import new_database
from tests.unit._campaign_shop import build_shop, freeze
from wadesk.cli import run
from wadesk.core.db import DatabaseError, open_database
from wadesk.core.db.models import Customer, Message
from wadesk.core.db.team import (
    TeamDatabase, explain_connection_error, export_to_file, load_config, move_to_team, check_team_connection,
)
from wadesk.core.messaging.cloud_client import CloudClient


def _team(url: str) -> TeamDatabase:
    u = make_url(url)
    return TeamDatabase(u.host, u.database, u.username, u.port, "disable")


@pytest.fixture
def shop_file(data_dir, migrated_db_file, clock, fake_cloud_api):
    import shutil

    shutil.copy(migrated_db_file, data_dir.db_path)
    db = open_database(data_dir)
    with CloudClient(access_token=FAKE_TOKEN, phone_number_id=fake_cloud_api.phone_number_id,
                     waba_id=fake_cloud_api.waba_id, base_url=fake_cloud_api.url) as c:
        build_shop(db, 15, clock=clock, client=c)
    freeze(db, clock)
    db.dispose()
    return data_dir


def test_move_to_team_copies_everything_and_switches(shop_file, pg_admin_url, capsys, monkeypatch):
    team = _team(new_database(pg_admin_url))
    assert check_team_connection(team, None)["has_wadesk_data"] is False
    counts = move_to_team(shop_file, team, None, keep_password=lambda t, p: None)
    assert counts["customers"] == 15 and counts["messages"] == 15 and counts["templates"] > 0
    assert load_config(shop_file) == team
    code = run(["database", "status", "--json", "--data-dir", str(shop_file.root)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["kind"] == "postgresql" and out["customers"] == 15
    # New rows get fresh ids after the copied ones (sequences were moved past them).
    pg = open_database(url=team.url().render_as_string(hide_password=False))
    with pg.session() as s:
        from datetime import datetime

        s.add(Customer(name="New", name_key="new", created_at=datetime(2026, 11, 28), updated_at=datetime(2026, 11, 28)))
        s.flush()
        assert s.scalar(select(func.max(Customer.id))) == 16
    # And back to a local file.
    counts_back = export_to_file(pg, shop_file.root / "offline.db")
    assert counts_back["customers"] == 16
    local = open_database(url=f"sqlite:///{shop_file.root / 'offline.db'}")
    with local.session() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 15
    local.dispose()
    pg.dispose()
    code = run(["database", "use-local", "--json", "--data-dir", str(shop_file.root)])
    assert code == 0 and load_config(shop_file) is None
    capsys.readouterr()


def test_moving_into_a_database_with_data_changes_nothing(shop_file, pg_admin_url):
    url = new_database(pg_admin_url)
    other = open_database(url=url)
    with other.session() as s:
        from datetime import datetime

        s.add(Customer(name="Someone", name_key="someone", created_at=datetime(2026, 1, 1),
                       updated_at=datetime(2026, 1, 1)))
    other.dispose()
    with pytest.raises(DatabaseError, match="already holds data"):
        move_to_team(shop_file, _team(url), None, keep_password=lambda t, p: None)
    assert load_config(shop_file) is None  # still on the local file


def test_connection_problems_in_plain_words(pg_admin_url):
    team = _team(pg_admin_url)
    with pytest.raises(DatabaseError, match="no database with that name"):
        check_team_connection(TeamDatabase(team.host, "no_such_db", team.user, team.port, "disable"), None)
    with pytest.raises(DatabaseError, match="Could not reach"):
        check_team_connection(TeamDatabase("127.0.0.1", "x", "y", 1, "disable"), None)
    assert "refused the user name or password" in explain_connection_error(
        Exception('FATAL:  password authentication failed for user "shop"'))
    assert "SSL" in explain_connection_error(Exception("server does not support SSL, but SSL was required"))


def test_cli_move_reads_the_password_from_stdin(shop_file, pg_admin_url, capsys, monkeypatch):
    team = _team(new_database(pg_admin_url))
    saved = {}
    monkeypatch.setattr("wadesk.core.db.team.save_password", lambda t, p: saved.update({t.keychain_entry: p}))
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret-pass\n"))
    code = run(["database", "move", "--json", "--data-dir", str(shop_file.root), "--host", team.host,
                "--port", str(team.port), "--database", team.database, "--user", team.user, "--sslmode", "disable",
                "--password-stdin"])
    out = capsys.readouterr().out
    assert code == 0 and json.loads(out)["moved"] is True
    assert "s3cret-pass" not in out and list(saved.values()) == ["s3cret-pass"]
