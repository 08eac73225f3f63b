"""Settings → Receive statuses: the verify token, start/stop over real HTTP, the sandbox collect button."""
from __future__ import annotations

import json
import socket
import time

import pytest
import requests
from PySide6.QtGui import QGuiApplication
from sqlalchemy import select

from wadesk.core.db.models import Message
from wadesk.core.messaging.render import example_values, render_message
from wadesk.core.messaging.sandbox import sign
from wadesk.core.messaging.template_spec import TemplateSpec
from wadesk.ui.settings.page import SettingsPage
from wadesk.ui.whatsapp_env import SandboxProvider

SECRET = "ui-test-app-secret-77aa"


@pytest.fixture
def section(qtbot, services, fake_cloud_api):
    page = SettingsPage(services, sandbox=SandboxProvider(server=fake_cloud_api))
    qtbot.addWidget(page)
    page.resize(900, 1400)
    qtbot.waitUntil(lambda: page.receive.token.text() != "", timeout=3000)
    yield page.receive
    page.receive.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_token_is_shown_copied_and_renewed(qtbot, section):
    first = section.token.text()
    assert len(first) >= 24 and section.token.isReadOnly()
    section.copy_button.click()
    assert QGuiApplication.clipboard().text() == first
    section.regen_button.click()
    qtbot.waitUntil(lambda: section.token.text() not in ("", first), timeout=3000)
    assert "New verify token" in section.result.text()


def test_start_needs_the_app_secret(qtbot, section, monkeypatch):
    monkeypatch.delenv("WADESK_APP_SECRET", raising=False)
    section.start_button.click()
    qtbot.waitUntil(lambda: "app secret" in section.result.text(), timeout=3000)
    assert section.receiver is None and section.start_button.isEnabled()


def test_receive_over_http_then_stop(qtbot, section, services, monkeypatch):
    monkeypatch.setenv("WADESK_APP_SECRET", SECRET)  # the keychain's stand-in in tests
    port = _free_port()
    section.port.setValue(port)
    section.start_button.click()
    qtbot.waitUntil(lambda: "Receiving" in section.result.text(), timeout=3000)
    assert f"127.0.0.1:{port}" in section.result.text() and not section.port.isEnabled()
    url = f"http://127.0.0.1:{port}/"
    verify = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": section.token.text(),
                                       "hub.challenge": "42"}, timeout=5)
    assert verify.text == "42"
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": {"contacts": [{"profile": {"name": "Meera"}, "wa_id": "919876512345"}],
                                        "messages": [{"from": "919876512345", "id": "wamid.UI1",
                                                      "timestamp": str(int(time.time()) - 60), "type": "text",
                                                      "text": {"body": "STOP"}}]}}]}]}).encode()
    assert requests.post(url, data=body, headers={"X-Hub-Signature-256": sign(body, "forged")}, timeout=5
                         ).status_code == 403
    assert requests.post(url, data=body, headers={"X-Hub-Signature-256": sign(body, SECRET)}, timeout=5
                         ).status_code == 200
    qtbot.waitUntil(lambda: "1 reply, 1 opt-out" in section.result.text(), timeout=5000)
    assert "1 forged request" in section.result.text()
    section.grab().save("/tmp/receive_section.png")
    section.start_button.click()  # stop
    assert "Not receiving" in section.result.text() and section.receiver is None and section.port.isEnabled()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)


def test_collect_sandbox_statuses(qtbot, section, services, fake_cloud_api, cloud_client):
    server = fake_cloud_api
    tpl = next(t for t in server.templates if t["name"] == "order_shipped" and t["language"] == "en")
    spec = TemplateSpec.from_meta(tpl)
    with services.db.session() as s:
        m = Message(direction="out", status="sending", to_phone="+919876543210", is_sandbox=True,
                    created_at=services.clock.now().replace(tzinfo=None))
        s.add(m)
        s.flush()
        row_id = m.id
    r = render_message(spec, example_values(spec), to="+919876543210", callback_data=f"wadesk:{row_id}")
    cloud_client.send_template(r.payload)
    section.drain_button.click()
    qtbot.waitUntil(lambda: "nothing new yet" in section.result.text(), timeout=3000)
    server.events.clock = lambda: time.time() + 10  # the simulator's clock moves on: sent + delivered due
    qtbot.waitUntil(section.drain_button.isEnabled, timeout=3000)
    section.drain_button.click()
    qtbot.waitUntil(lambda: "Sandbox: stored 2 statuses" in section.result.text(), timeout=3000)
    with services.db.session() as s:
        assert s.scalar(select(Message.status).where(Message.id == row_id)) == "delivered"
