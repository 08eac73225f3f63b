"""Settings → WhatsApp built alone, against the real fake Cloud API server and an in-memory keychain."""
from __future__ import annotations

import logging

import pytest

from wadesk.core.messaging.account import AccountConfig, connect
from wadesk.core.messaging.sandbox import Fault
from wadesk.ui import dialogs
from wadesk.ui.settings.page import SettingsPage
from wadesk.ui.whatsapp_env import SandboxProvider



@pytest.fixture
def token(fake_cloud_api):
    return fake_cloud_api.token  # tests/conftest.py's token


@pytest.fixture
def page(qtbot, services, fake_cloud_api):
    p = SettingsPage(services, sandbox=SandboxProvider(server=fake_cloud_api))
    qtbot.addWidget(p)
    p.resize(900, 900)
    qtbot.waitUntil(lambda: p.whatsapp.state is not None, timeout=3000)
    return p


def wait_result(qtbot, section, *words, timeout=5000):
    qtbot.waitUntil(lambda: all(w in section.result.text() for w in words), timeout=timeout)
    return section.result.text()


def test_sandbox_is_plain_when_nothing_is_connected(qtbot, memory_keyring, page):
    wa = page.whatsapp
    assert wa.state.sandbox
    assert "sandbox mode" in wa.status.text() and "nothing reaches real customers" in wa.status.text()
    assert "keychain" in wa.keychain_note.text() and wa.token.isEnabled()
    assert wa.token.echoMode() == wa.token.EchoMode.Password
    assert not wa.base_url.isVisible() or not wa.advanced.isChecked()
    wa.test_button.click()  # the sandbox (here the injected fake server) answers
    text = wait_result(qtbot, wa, "sandbox simulator", "2,000 customers a day")
    assert "Sandbox Shop" in text and "80 messages a second" in text


def test_save_keeps_the_token_in_the_keychain_only(qtbot, memory_keyring, page, services, fake_cloud_api,
                                                   caplog, token):
    caplog.set_level(logging.DEBUG)
    wa = page.whatsapp
    wa.phone_id.setText(fake_cloud_api.phone_number_id)
    wa.waba_id.setText(fake_cloud_api.waba_id)
    wa.advanced.setChecked(True)
    wa.base_url.setText(fake_cloud_api.url)
    qtbot.keyClicks(wa.token, token)
    qtbot.keyClicks(wa.app_secret, "app-secret-9d8e7f")
    wa.save_button.click()
    assert wa.token.text() == "" and wa.app_secret.text() == ""  # out of the widgets at once
    wait_result(qtbot, wa, "Saved.")
    assert not wa.state.sandbox and wa.state.token_saved and wa.state.secret_saved
    assert "Connected" in wa.status.text()
    assert token in memory_keyring.store.values()
    assert "saved in the keychain" in wa.token.placeholderText()

    wa.test_button.click()
    text = wait_result(qtbot, wa, "Your account is connected", "Messaging limit")
    assert "2,000 customers a day" in text and "High" in text

    services.jobs.shutdown()
    services.db.dispose()  # folds the WAL into the file, so the file holds everything written
    files = [p for p in services.data_dir.root.rglob("*") if p.is_file()]
    assert files and all(token.encode() not in p.read_bytes() for p in files)
    assert all(token not in r.getMessage() for r in caplog.records)
    assert token not in wa.result.text() + wa.status.text()


def test_expired_token_is_explained(qtbot, memory_keyring, page, services, fake_cloud_api, token):
    with services.db.session() as s:
        connect(s, AccountConfig(fake_cloud_api.phone_number_id, fake_cloud_api.waba_id,
                                 base_url=fake_cloud_api.url), access_token=token)
    fake_cloud_api.faults.append(Fault.token_expired())
    page.whatsapp.test_button.click()
    text = wait_result(qtbot, page.whatsapp, "Could not connect")
    assert "expired" in text and "System users" in text and "Never" in text


def test_missing_permission_names_it(qtbot, memory_keyring, page, services, fake_cloud_api, token):
    with services.db.session() as s:
        connect(s, AccountConfig(fake_cloud_api.phone_number_id, fake_cloud_api.waba_id,
                                 base_url=fake_cloud_api.url), access_token=token)
    fake_cloud_api.faults.append(Fault.error(10, 403, "Application does not have permission"))
    page.whatsapp.test_button.click()
    text = wait_result(qtbot, page.whatsapp, "Could not connect")
    assert "whatsapp_business_messaging" in text and "whatsapp_business_management" in text


def test_bad_id_is_refused_in_words(qtbot, memory_keyring, page):
    page.whatsapp.phone_id.setText("my number")
    page.whatsapp.save_button.click()
    assert "digits only" in page.whatsapp.result.text()


def test_without_a_keychain_the_token_cannot_be_saved(qtbot, services, fake_cloud_api):
    # tests/conftest.py leaves keyring's null backend in place: no usable keychain.
    p = SettingsPage(services, sandbox=SandboxProvider(server=fake_cloud_api))
    qtbot.addWidget(p)
    wa = p.whatsapp
    assert not wa.token.isEnabled() and not wa.app_secret.isEnabled()
    assert "no password keychain" in wa.keychain_note.text()
    qtbot.waitUntil(lambda: wa.state is not None, timeout=3000)


def test_disconnect_goes_back_to_the_sandbox(qtbot, memory_keyring, page, services, fake_cloud_api,
                                            monkeypatch, token):
    with services.db.session() as s:
        connect(s, AccountConfig(fake_cloud_api.phone_number_id, fake_cloud_api.waba_id,
                                 base_url=fake_cloud_api.url), access_token=token)
    page.whatsapp.reload()
    qtbot.waitUntil(lambda: not page.whatsapp.state.sandbox, timeout=3000)
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    page.whatsapp.disconnect_button.click()
    wait_result(qtbot, page.whatsapp, "Disconnected")
    assert page.whatsapp.state.sandbox
    assert token not in memory_keyring.store.values()


def test_shop_section_saves_name_and_country(qtbot, page, services):
    shop = page.shop
    shop.shop_name.setText("Tara Jewels")
    shop.country.setCurrentIndex(shop.country.findData("AE"))
    shop.save_button.click()
    qtbot.waitUntil(lambda: shop.result.text() == "Saved.", timeout=3000)
    assert services.settings.shop_name == "Tara Jewels" and services.settings.get("default_region") == "AE"
    assert shop.country.itemData(0) == "IN"


def test_shared_sandbox_starts_on_first_use_and_stops_on_quit(qtbot, services, memory_keyring):
    import wadesk.core.messaging.connection as connection
    from wadesk.ui.whatsapp_env import stop_sandbox_if_started

    stop_sandbox_if_started()
    p = SettingsPage(services)  # the app's own provider: the shared simulator in the data folder
    qtbot.addWidget(p)
    qtbot.waitUntil(lambda: p.whatsapp.state is not None, timeout=3000)
    assert connection._shared is None  # building the page starts nothing
    try:
        p.whatsapp.test_button.click()
        wait_result(qtbot, p.whatsapp, "sandbox simulator")
        assert connection._shared is not None
    finally:
        stop_sandbox_if_started()
    assert connection._shared is None
    assert (services.data_dir.root / "sandbox-events.json").exists()  # pending events kept for next time


def test_the_check_says_when_the_token_expires(qtbot, memory_keyring, page, services, fake_cloud_api, token):
    from datetime import timedelta

    with services.db.session() as s:
        connect(s, AccountConfig(fake_cloud_api.phone_number_id, fake_cloud_api.waba_id,
                                 base_url=fake_cloud_api.url), access_token=token)
    wa = page.whatsapp
    wa.test_button.click()
    assert "does not expire" in wait_result(qtbot, wa, "Your account is connected", "Access token")
    fake_cloud_api.token_expires_at = int((services.clock.now() + timedelta(days=2, hours=1)).timestamp())
    wa.result.setText("")
    wa.test_button.click()
    text = wait_result(qtbot, wa, "Your account is connected", "Access token")
    assert "expires in 2 days" in text and "System User" in text
