"""Sending settings: defaults, plain-words validation, SendPolicy from the settings table and the
frozen JSON round trip a campaign keeps."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import time
from decimal import Decimal

import pytest

from wadesk.core.campaigns.policy import SENDING_KEYS, SendPolicy, save_settings, validate_settings
from wadesk.core.campaigns.pricing import RateCard
from wadesk.core.db.models import Setting
from wadesk.core.segments.engine import ReachPolicy
from wadesk.core.settings import SettingError, all_settings, get_setting, set_setting


@pytest.fixture
def db(fresh_db):
    return fresh_db


def test_defaults_without_any_stored_setting(db):
    with db.session() as s:
        policy = SendPolicy.from_settings(s)
        assert set(SENDING_KEYS) <= set(all_settings(s))
    assert policy == SendPolicy()
    assert (policy.holdout_pct, policy.quiet_start, policy.quiet_end, policy.timezone) == (10, time(21), time(9), "")
    assert (policy.cap_messages, policy.cap_days, policy.require_opt_in) == (2, 7, True)
    assert (policy.rate_per_second, policy.margin_pct, policy.include_gst) == (80, 30.0, True)
    assert policy.rate_card == RateCard.default() and not policy.time_sensitive
    assert policy.has_quiet_hours


def test_stored_settings_make_the_policy(db):
    with db.session() as s:
        set_setting(s, "campaign_holdout_pct", "25")
        set_setting(s, "quiet_hours_start", "22:30")
        set_setting(s, "quiet_hours_end", "8:00")
        set_setting(s, "shop_timezone", " Asia/Kolkata ")
        set_setting(s, "frequency_cap_messages", 3)
        set_setting(s, "frequency_cap_days", "14")
        set_setting(s, "require_marketing_opt_in", "no")
        set_setting(s, "send_rate_per_second", 250)
        set_setting(s, "profit_margin_pct", "12.5%")
        set_setting(s, "rate_card_include_gst", False)
        card = RateCard.default().as_json()
        card["rates"]["AE"] = {"MARKETING": "3.5", "UTILITY": "1", "AUTHENTICATION": "1"}
        set_setting(s, "rate_card", json.dumps(card))
    with db.session() as s:
        assert get_setting(s, "quiet_hours_end") == "08:00"
        policy = SendPolicy.from_settings(s)
    assert policy.holdout_pct == 25 and policy.quiet_start == time(22, 30) and policy.quiet_end == time(8)
    assert policy.timezone == "Asia/Kolkata" and (policy.cap_messages, policy.cap_days) == (3, 14)
    assert policy.require_opt_in is False and policy.rate_per_second == 250 and policy.margin_pct == 12.5
    assert policy.include_gst is False and policy.rate_card.rate("AE", "MARKETING") == Decimal("3.5")
    assert policy.reach_policy() == ReachPolicy(require_opt_in=False, cap_messages=3, cap_days=14)


@pytest.mark.parametrize("key, value, words", [
    ("campaign_holdout_pct", 51, "The holdout must be from 0 to 50"),
    ("campaign_holdout_pct", "ten", "The holdout must be a whole number"),
    ("campaign_holdout_pct", "10.5", "whole number"),
    ("campaign_holdout_pct", True, "whole number"),
    ("quiet_hours_start", "25:00", "not a time of day like 21:00"),
    ("quiet_hours_end", "9pm", "not a time of day"),
    ("shop_timezone", "Mars/Olympus", "not a time zone WaDesk knows"),
    ("shop_timezone", "../etc/passwd", "not a time zone"),
    ("frequency_cap_messages", 51, "from 0 to 50"),
    ("frequency_cap_days", 0, "from 1 to 90"),
    ("require_marketing_opt_in", "maybe", "not yes or no"),
    ("send_rate_per_second", 1001, "The sending speed must be from 1 to 1000"),
    ("send_rate_per_second", "fast", "whole number"),
    ("profit_margin_pct", 101, "The profit margin must be from 0 to 100"),
    ("profit_margin_pct", "nan", "from 0 to 100"),
    ("rate_card", {"rates": {}}, "row for other countries"),
])
def test_bad_values_are_refused_and_nothing_is_written(db, key, value, words):
    with db.session() as s:
        with pytest.raises(SettingError, match=words):
            set_setting(s, key, value)
        assert s.get(Setting, key) is None


def test_time_zone_names_are_tidied():
    from wadesk.core.campaigns.policy import parse_timezone

    assert parse_timezone("  ") == ""
    assert parse_timezone("America/New York") == "America/New_York"
    assert parse_timezone("asia/kolkata") == "Asia/Kolkata"  # on a case-sensitive disk too
    with pytest.raises(SettingError, match="'Asia/Mumbai' is not a time zone"):
        parse_timezone("Asia/Mumbai")


def test_save_settings_is_all_or_nothing(db):
    with db.session() as s:
        with pytest.raises(SettingError, match="sending speed"):
            save_settings(s, {"campaign_holdout_pct": 20, "send_rate_per_second": 0})
        assert s.get(Setting, "campaign_holdout_pct") is None  # the good one was not written either
        with pytest.raises(SettingError, match="no sending setting called 'shop_name'"):
            validate_settings({"shop_name": "x"})
        saved = save_settings(s, {"campaign_holdout_pct": "20", "quiet_hours_start": "7:05"})
    assert saved == {"campaign_holdout_pct": 20, "quiet_hours_start": "07:05"}
    with db.session() as s:
        assert SendPolicy.from_settings(s).holdout_pct == 20


def test_as_settings_saves_back_what_from_settings_read(db):
    policy = replace(SendPolicy(), holdout_pct=5, timezone="Europe/London", quiet_start=time(20, 15))
    with db.session() as s:
        save_settings(s, policy.as_settings())
    with db.session() as s:
        assert SendPolicy.from_settings(s) == policy


def test_frozen_json_round_trip():
    policy = replace(SendPolicy(), holdout_pct=0, quiet_start=time(13), quiet_end=time(14),
                     timezone="America/New_York", margin_pct=22.5, time_sensitive=True,
                     rate_card=RateCard.from_json({"currency": "INR", "gst_pct": "0",
                                                   "rates": {"*": {"MARKETING": "1.1", "UTILITY": "0.2",
                                                                   "AUTHENTICATION": "0.3"}}}))
    data = policy.as_json()
    text = json.dumps(data)  # plain JSON, nothing a campaigns.settings column cannot hold
    assert SendPolicy.from_json(json.loads(text)) == policy
    assert SendPolicy.from_json(text) == policy
    assert data["quiet_start"] == "13:00" and data["rate_card"]["rates"]["*"]["UTILITY"] == "0.2"


def test_old_frozen_json_gets_defaults_and_bad_json_is_refused():
    old = SendPolicy().as_json()
    del old["time_sensitive"], old["margin_pct"]  # as if frozen before these existed
    assert SendPolicy.from_json(old) == SendPolicy()
    with pytest.raises(SettingError, match="does not know: colour"):
        SendPolicy.from_json({**old, "colour": "red"})
    with pytest.raises(SettingError, match="holdout"):
        SendPolicy.from_json({**old, "holdout_pct": 90})


def test_policy_can_be_hashed_and_compared():
    assert hash(SendPolicy()) == hash(SendPolicy()) and SendPolicy() != replace(SendPolicy(), cap_days=8)
