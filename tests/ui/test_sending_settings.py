"""Settings → Sending built alone on a real database: loads the defaults, saves through the settings'
own checks, refuses bad input in plain words with nothing written, edits the rate card."""
from __future__ import annotations

import html
import os
import re
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QTime

from wadesk.core.campaigns.policy import SendPolicy
from wadesk.core.campaigns.pricing import RateCard
from wadesk.core.db.models import Setting
from wadesk.ui.settings.sending_section import OPT_IN_WARNING, SendingSection


@pytest.fixture
def section(qtbot, services):
    s = SendingSection(services)
    qtbot.addWidget(s)
    s.resize(900, 1000)
    s.show()
    qtbot.waitUntil(lambda: s.policy is not None, timeout=3000)
    return s


def stored(services) -> dict:
    with services.db.session() as s:
        return {r.key: r.value for r in s.query(Setting)}


def shown(section) -> str:
    """The result line as the owner reads it (no markup)."""
    return html.unescape(re.sub(r"<[^>]+>", "", section.result.text()))


def saved(qtbot, section, words="Saved."):
    qtbot.waitUntil(lambda: words in shown(section), timeout=5000)
    return shown(section)


def test_defaults_are_shown(section):
    assert section.quiet_start.time() == QTime(21, 0) and section.quiet_end.time() == QTime(9, 0)
    assert not section.no_quiet.isChecked() and section.quiet_start.isEnabled()
    assert section.zone.currentData() == "" and "This computer's time zone" in section.zone.currentText()
    assert (section.cap_messages.value(), section.cap_days.value()) == (2, 7)
    assert section.opt_in.isChecked() and section.opt_in_warning.isHidden()
    assert (section.holdout.value(), section.rate.value(), section.margin.value()) == (10, 80, 30.0)
    table = section.rate_card.table
    assert table.rowCount() == 2 and table.item(0, 1).text() == "0.8631"
    assert table.item(1, 0).text() == "All other countries"
    assert section.rate_card.gst.value() == 18 and section.rate_card.include_gst.isChecked()


def test_save_writes_every_field_and_announces_it(qtbot, section, services):
    section.quiet_start.setTime(QTime(22, 30))
    section.quiet_end.setTime(QTime(8, 0))
    section.zone.setCurrentIndex(section.zone.findData("Asia/Kolkata"))
    section.cap_messages.setValue(3)
    section.cap_days.setValue(14)
    section.holdout.setValue(20)
    section.rate.setValue(250)
    section.margin.setValue(22.5)
    section.rate_card.table.item(0, 1).setText("0.95")
    section.rate_card.include_gst.setChecked(False)
    with qtbot.waitSignal(services.bus.changed, timeout=5000):
        section.save_button.click()
    saved(qtbot, section)
    with services.db.session() as s:
        policy = SendPolicy.from_settings(s)
    assert (policy.quiet_start.hour, policy.quiet_start.minute, policy.quiet_end.hour) == (22, 30, 8)
    assert policy.timezone == "Asia/Kolkata" and (policy.cap_messages, policy.cap_days) == (3, 14)
    assert (policy.holdout_pct, policy.rate_per_second, policy.margin_pct) == (20, 250, 22.5)
    assert policy.rate_card.rate("IN", "MARKETING") == Decimal("0.95") and not policy.include_gst
    # The shared settings cache hears about it too.
    qtbot.waitUntil(lambda: services.settings.get("send_rate_per_second") == 250, timeout=3000)


def test_no_quiet_hours_and_opt_in_warning(qtbot, section, services):
    section.no_quiet.setChecked(True)
    assert not section.quiet_start.isEnabled() and not section.quiet_end.isEnabled()
    section.opt_in.setChecked(False)
    assert section.opt_in_warning.isVisible() and section.opt_in_warning.text() == OPT_IN_WARNING
    section.save_button.click()
    saved(qtbot, section)
    values = stored(services)
    assert values["quiet_hours_start"] == values["quiet_hours_end"]
    assert values["require_marketing_opt_in"] is False
    assert section.no_quiet.isChecked()  # read back: start == end shows as "no quiet hours"
    section.opt_in.setChecked(True)
    assert section.opt_in_warning.isHidden()


@pytest.mark.parametrize("edit, words", [
    (lambda s: s.zone.setEditText("Mars/Olympus"), "'Mars/Olympus' is not a time zone"),
    (lambda s: s.rate_card.table.item(0, 2).setText("cheap"), "IN utility rate: 'cheap' is not a number"),
    (lambda s: s.rate_card.table.item(1, 3).setText(""), "authentication rate is empty"),
])
def test_bad_input_is_refused_and_nothing_is_written(qtbot, section, services, edit, words):
    edit(section)
    section.holdout.setValue(33)  # a good change alongside: it must not be saved either
    section.save_button.click()
    assert words in shown(section)
    qtbot.wait(50)
    assert stored(services) == {}


def test_a_price_that_is_not_a_number_turns_red_at_once(section):
    item = section.rate_card.table.item(0, 1)
    item.setText("0,86 rupees")
    assert item.foreground().color().name() == "#b3261e" and "Type a price" in item.toolTip()
    item.setText("0.86")
    assert item.foreground().color().name() != "#b3261e" and item.toolTip() == ""


def test_example_cost_follows_the_card(section):
    editor = section.rate_card
    assert editor.example.text() == "For example, 1,000 marketing messages to India cost ₹1,018 (₹863 + ₹155 GST)."
    editor.include_gst.setChecked(False)
    assert editor.example.text() == "For example, 1,000 marketing messages to India cost ₹863 before GST."
    editor.table.item(0, 1).setText("1")
    assert "cost ₹1,000 before GST" in editor.example.text()
    editor.table.item(0, 1).setText("one")
    assert editor.example.text() == ""


def test_quiet_hours_say_what_they_mean_now(section, services):
    # The test clock says 10:00 UTC: 15:30 in Kolkata, 05:00 in New York.
    section.zone.setCurrentIndex(section.zone.findData("Asia/Kolkata"))
    assert section.quiet_now.text().startswith("It is 15:30 there now: messages can go out.")
    section.zone.setCurrentIndex(section.zone.findData("America/New_York"))
    assert section.quiet_now.text().startswith("It is 05:00 there now: quiet hours, so messages wait until 09:00.")
    section.no_quiet.setChecked(True)
    assert "messages can go out" in section.quiet_now.text()
    section.zone.setEditText("Nowhere/Atlantis")
    assert "Pick a time zone" in section.quiet_now.text()


def test_ctrl_s_saves_from_inside_the_card(qtbot, section, services):
    section.activateWindow()
    section.holdout.setFocus()
    qtbot.waitUntil(section.holdout.hasFocus, timeout=2000)
    section.holdout.setValue(15)
    qtbot.keyClick(section.holdout, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved(qtbot, section)
    assert stored(services)["campaign_holdout_pct"] == 15


def test_typed_time_zone_is_kept(qtbot, section, services):
    section.zone.setEditText("pacific/auckland")
    section.save_button.click()
    saved(qtbot, section)
    assert stored(services)["shop_timezone"] == "Pacific/Auckland"
    assert section.zone.currentData() == "Pacific/Auckland"


def test_rate_card_rows_add_remove_and_reset(qtbot, section, services):
    editor = section.rate_card
    editor.add_row()
    assert editor.table.rowCount() == 3 and editor._country(1) == "AE"  # IN is taken; above "other countries"
    assert editor.table.item(2, 0).text() == "All other countries"
    assert editor._row_prices(1) == editor._row_prices(2)  # priced like other countries until edited
    editor.table.item(1, 1).setText("3.50")
    section.save_button.click()
    saved(qtbot, section)
    card = RateCard.from_json(stored(services)["rate_card"])
    assert card.rate("AE", "MARKETING") == Decimal("3.50") and set(card.rates) == {"IN", "AE", "*"}

    editor.table.selectRow(2)  # "All other countries" cannot be removed
    assert not editor.remove_button.isEnabled()
    editor.table.selectRow(1)
    assert editor.remove_button.isEnabled()
    editor.remove_selected()
    assert editor.table.rowCount() == 2

    editor.table.cellWidget(0, 0).set_code("AE")
    editor.add_row()
    editor.table.cellWidget(1, 0).set_code("AE")  # two rows for one country
    section.save_button.click()
    assert "lists United Arab Emirates (+971) twice" in shown(section)

    editor.reset()
    assert editor.table.rowCount() == 2 and editor.table.item(0, 1).text() == "0.8631"
    assert editor._country(0) == "IN"


def test_screenshot(qtbot, services, tmp_path):
    """Render the whole Settings page with the app's stylesheet (look at it: WADESK_SHOT=path)."""
    from PySide6.QtWidgets import QApplication

    from wadesk.ui.resources import stylesheet
    from wadesk.ui.settings.page import SettingsPage

    app = QApplication.instance()
    old = app.styleSheet()
    app.setStyleSheet(stylesheet())
    try:
        page = SettingsPage(services)
        qtbot.addWidget(page)
        page.resize(1000, 900)
        page.show()
        qtbot.waitUntil(lambda: page.sending.policy is not None and page.whatsapp.state is not None, timeout=5000)
        page.sending.opt_in.setChecked(False)
        page.sending.rate_card.add_row()
        body = page.findChild(type(page.sending.parentWidget()), "settingsBody")
        body.adjustSize()
        shot = page.sending.grab()
        path = os.environ.get("WADESK_SHOT") or str(tmp_path / "sending.png")
        assert shot.save(path)
        assert shot.width() > 600 and shot.height() > 600
    finally:
        app.setStyleSheet(old)
