"""The other two ways in: webhook dumps (`wadesk webhook import`) and the sandbox's simulated events."""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from _webhook_payloads import T0, inbound, status, statuses, text
from wadesk.cli import run
from wadesk.core.db.models import Customer, Message
from wadesk.core.messaging.errors import classify
from wadesk.core.messaging.render import example_values, render_message
from wadesk.core.messaging.sandbox.events import _bucket
from wadesk.core.messaging.template_spec import TemplateSpec
from wadesk.core.webhooks.dumps import DumpError, read_dump
from wadesk.core.webhooks.sandbox import drain_sandbox

A = statuses(status("wamid.D1", "sent", T0 + 1))
B = inbound("wamid.DIN", "919876543299", T0 + 5, text("hello"))


@pytest.mark.parametrize("content", [
    json.dumps([A, B]),                                                   # JSON array
    json.dumps(A) + "\n\n" + json.dumps(B) + "\n",                        # JSON lines
    json.dumps({"payload": A}) + "\n" + json.dumps({"payload": B}),       # relay lines, wrapped
    json.dumps({"items": [{"body": json.dumps(A)}, {"data": B}]}),        # relay export: body as text
    "\ufeff" + json.dumps([{"request": {"body": A}}, {"json": B}]),      # BOM, nested wrappers
])
def test_dump_shapes(tmp_path, content):
    f = tmp_path / "dump.json"
    f.write_text(content, encoding="utf-8")
    assert read_dump(f) == [A, B]


def test_single_payload_and_bad_lines(tmp_path):
    f = tmp_path / "one.json"
    f.write_text(json.dumps(A))
    assert read_dump(f) == [A]
    f.write_text(json.dumps(A) + "\n{not json\n" + json.dumps(B))
    assert read_dump(f) == [A, None, B]  # the broken line is passed on and counted as rejected


@pytest.mark.parametrize("content,words", [
    ("", "is empty"), ("name,phone\nAsha,98765\n", "no WhatsApp webhook payloads"),
    (json.dumps({"hello": "world"}), "no WhatsApp webhook payloads"),
])
def test_dump_errors_in_plain_words(tmp_path, content, words):
    f = tmp_path / "x.json"
    f.write_text(content)
    with pytest.raises(DumpError, match=words):
        read_dump(f)
    with pytest.raises(DumpError, match="There is no file"):
        read_dump(tmp_path / "missing.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DumpError, match="not a text file"):
        read_dump(tmp_path / "bin.json")


def _cli(capsys, *argv):
    code = run(list(argv))
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_cli_import(capsys, data_dir, migrated_db_file, tmp_path):
    import shutil

    shutil.copy(migrated_db_file, data_dir.db_path)
    f = tmp_path / "relay.jsonl"
    f.write_text(json.dumps({"payload": A}) + "\n" + json.dumps({"payload": B}) + "\nnot json\n")
    code, out, _ = _cli(capsys, "webhook", "import", str(f), "--json", "--data-dir", str(data_dir.root))
    assert code == 0
    assert {k: out[k] for k in ("events", "statuses", "messages", "opt_outs", "duplicates", "rejected")} == \
        {"events": 3, "statuses": 1, "messages": 1, "opt_outs": 0, "duplicates": 0, "rejected": 1}
    code, out, _ = _cli(capsys, "webhook", "import", str(f), "--json", "--data-dir", str(data_dir.root))
    assert (code, out["duplicates"], out["messages"]) == (0, 2, 0)
    bad = tmp_path / "people.csv"
    bad.write_text("name,phone\n")
    code, out, err = _cli(capsys, "webhook", "import", str(bad), "--json", "--data-dir", str(data_dir.root))
    assert code == 2 and "no WhatsApp webhook payloads" in out["error"] and err.count("\n") == 1


def test_cli_token_and_serve_needs_the_app_secret(capsys, data_dir, migrated_db_file, monkeypatch):
    import shutil

    shutil.copy(migrated_db_file, data_dir.db_path)
    monkeypatch.delenv("WADESK_APP_SECRET", raising=False)
    _, first, _ = _cli(capsys, "webhook", "token", "--json", "--data-dir", str(data_dir.root))
    _, again, _ = _cli(capsys, "webhook", "token", "--json", "--data-dir", str(data_dir.root))
    _, new, _ = _cli(capsys, "webhook", "token", "--regenerate", "--json", "--data-dir", str(data_dir.root))
    assert first["verify_token"] == again["verify_token"] != new["verify_token"] and len(new["verify_token"]) >= 24
    code, out, _ = _cli(capsys, "webhook", "serve", "--port", "0", "--json", "--data-dir", str(data_dir.root))
    assert code == 2 and "app secret" in out["error"]


# ---- the sandbox: send for real over HTTP, ingest what it reports ------------------------------------
def _send(client, server, to: str, row_id: int) -> str:
    tpl = next(t for t in server.templates if t["name"] == "cart_reminder" and t["language"] == "en")
    spec = TemplateSpec.from_meta(tpl)
    r = render_message(spec, example_values(spec), to=to, callback_data=f"wadesk:{row_id}",
                       header_media="https://cdn.example.in/b.jpg")
    return client.send_template(r.payload).wamid


def test_sandbox_round_trip(fresh_db, fake_cloud_api, cloud_client, clock):
    server = fake_cloud_api
    phones = [f"+9198765{i:05d}" for i in range(1, 62) if i != 13] + ["+919876500013", "+12025550123"]
    now = clock.now().replace(tzinfo=None)
    with fresh_db.session() as s:
        rows = []
        for p in phones:
            c = Customer(phone=p, name=p, name_key=p, created_at=now, updated_at=now, attributes={})
            s.add(c)
            s.flush()
            m = Message(direction="out", customer_id=c.id, status="sending", to_phone=p, category="MARKETING",
                        created_at=now, is_sandbox=True)
            s.add(m)
            s.flush()
            rows.append(m.id)
    wamids = {}
    for i, (p, row_id) in enumerate(zip(phones, rows)):
        wamids[row_id] = _send(cloud_client, server, p, row_id)
        if i % 2 == 0:  # the engine stored the answer; for the others it crashed first
            with fresh_db.session() as s:
                m = s.get(Message, row_id)
                m.status, m.wamid = "accepted", wamids[row_id]

    first = drain_sandbox(fresh_db, server, until=time.time() + 5, clock=clock)  # sent + delivered are due
    assert first.statuses == 2 * 60 + 2 and first.messages == 0 and first.rejected == 0
    with fresh_db.session() as s:
        got = {m.id: m for m in s.scalars(select(Message).where(Message.direction == "out"))}
    assert {got[r].wamid for r in rows} == set(wamids.values())  # crashed rows settled by callback data
    assert {got[r].status for r in rows[:60]} == {"delivered"}

    rest = drain_sandbox(fresh_db, server, everything=True, clock=clock)  # move on: reads and replies
    assert rest.rejected == 0 and server.events.pending_count() == 0
    with fresh_db.session() as s:
        got = {m.id: m for m in s.scalars(select(Message).where(Message.direction == "out"))}
        replies = s.scalars(select(Message).where(Message.direction == "in")).all()
        cust = {c.phone: c for c in s.scalars(select(Customer))}
    for p, r in zip(phones[:60], rows[:60]):
        wa_id = p.lstrip("+")
        assert got[r].status == ("read" if _bucket(wa_id, "read") < 60 else "delivered"), p
        stop = _bucket(wa_id, "reply") < 8
        assert (cust[p].consent_state == -1) == stop, p
    undeliverable, us = got[rows[-2]], got[rows[-1]]
    assert (undeliverable.status, undeliverable.error_code) == ("failed", 131026)
    assert (us.status, us.error_code, us.error_title) == ("failed", 131049, classify(131049).plain)
    assert len(replies) == sum(_bucket(p.lstrip("+"), "reply") < 15 for p in phones[:60]) > 0
    assert all(r.is_sandbox and r.purpose == "reply" for r in replies)
    assert rest.opt_outs == sum(_bucket(p.lstrip("+"), "reply") < 8 for p in phones[:60])


def test_cli_serve_receives_until_told_to_stop(capsys, data_dir, migrated_db_file, monkeypatch):
    import shutil
    import socket
    import threading

    import requests

    from wadesk.core.messaging.sandbox import sign

    shutil.copy(migrated_db_file, data_dir.db_path)
    monkeypatch.setenv("WADESK_APP_SECRET", "cli-serve-secret-3b1f")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    body = json.dumps(B).encode()
    answers: list[int] = []

    def post_when_up():
        for _ in range(100):
            try:
                answers.append(requests.post(f"http://127.0.0.1:{port}/", data=body, timeout=2, headers={
                    "X-Hub-Signature-256": sign(body, "cli-serve-secret-3b1f")}).status_code)
                return
            except requests.ConnectionError:
                time.sleep(0.05)

    poster = threading.Thread(target=post_when_up)
    poster.start()
    code, out, err = _cli(capsys, "webhook", "serve", "--port", str(port), "--seconds", "2", "--json",
                          "--data-dir", str(data_dir.root))
    poster.join()
    assert code == 0 and answers == [200]
    assert f"http://127.0.0.1:{port}/" in err and "verify token" in err
    assert (out["accepted"], out["messages"], out["left_in_inbox"]) == (1, 1, 0)
