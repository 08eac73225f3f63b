"""Template sync (all pages, re-sync, deletions that keep campaigns intact) and component parsing."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from wadesk.core.db.models import Campaign, Template
from wadesk.core.messaging.sandbox.catalog import sandbox_templates
from wadesk.core.messaging.template_spec import NAMED, TemplateSpec, find_variables
from wadesk.core.messaging.templates import (
    DELETED, find_template, list_templates, spec_of, store_templates, sync_templates, template_variables,
)


@pytest.fixture
def db(fresh_db):
    return fresh_db  # a copied, already-migrated database: fast


def _rows(db):
    with db.session() as s:
        return {(r.name, r.language): r for r in s.scalars(select(Template))}


def test_sync_fetches_every_page_and_counts(db, cloud_client, fake_cloud_api, clock):
    result = sync_templates(db, cloud_client, sandbox=True, clock=clock)
    assert (result.templates, result.approved, result.added) == (13, 10, 13)
    assert len(fake_cloud_api.requests_to("/message_templates")) == 3
    rows = _rows(db)
    assert rows[("cart_reminder", "hi")].is_sandbox and rows[("cart_reminder", "en")].category == "MARKETING"
    assert rows[("flash_sale_old", "en")].status == "REJECTED"
    assert rows[("festive_sale", "en")].synced_at == datetime(2026, 11, 28, 10, 0)


def test_resync_updates_status_and_removes_deleted(db, cloud_client, fake_cloud_api, clock):
    sync_templates(db, cloud_client, sandbox=True, clock=clock)
    with db.session() as s:  # a campaign uses winback_offer
        tid = find_template(s, "winback_offer", sandbox=True).id
        s.add(Campaign(name="Win-back", template_id=tid, created_at=clock.now(), updated_at=clock.now()))
    fake_cloud_api.set_template_status("diwali_teaser", "en", "APPROVED")
    fake_cloud_api.remove_template("winback_offer", "en")
    fake_cloud_api.remove_template("invoice_ready", "en")
    result = sync_templates(db, cloud_client, sandbox=True, clock=clock)
    assert (result.templates, result.approved, result.updated, result.removed, result.kept_deleted) == (11, 9, 1, 1, 1)
    rows = _rows(db)
    assert rows[("diwali_teaser", "en")].status == "APPROVED"
    assert ("invoice_ready", "en") not in rows
    assert rows[("winback_offer", "en")].status == DELETED  # kept: the campaign still points at it
    with db.session() as s:
        assert s.scalar(select(Campaign.template_id)) == tid
        names = [r.name for r in list_templates(s, sandbox=True)]
        assert "winback_offer" not in names and "diwali_teaser" in names
        assert all(r.status == "APPROVED" for r in list_templates(s, sandbox=True, sendable_only=True))


def test_real_and_sandbox_templates_stay_apart(db, clock):
    with db.session() as s:
        store_templates(s, sandbox_templates(), sandbox=True, now=clock.now())
        tid = find_template(s, "cart_reminder", "en", sandbox=True).id
        s.add(Campaign(name="Sandbox demo", template_id=tid, created_at=clock.now(), updated_at=clock.now()))
    real = [t for t in sandbox_templates() if t["name"] in ("cart_reminder", "order_shipped")]
    with db.session() as s:
        result = store_templates(s, real, sandbox=False, now=clock.now())
        assert (result.templates, result.added) == (3, 3)
        assert [r.name for r in list_templates(s, sandbox=False)] == ["cart_reminder", "cart_reminder", "order_shipped"]
        old = s.get(Template, tid)  # the sandbox campaign keeps its own (renamed, deleted) template
        assert old.is_sandbox and old.status == DELETED and old.name.startswith("cart_reminder [sandbox")
        assert len(list_templates(s, sandbox=True)) == 10  # the sandbox ones that did not collide


def test_spec_parsing_positional_and_named():
    by_name = {(t["name"], t["language"]): TemplateSpec.from_meta(t) for t in sandbox_templates()}
    cart = by_name[("cart_reminder", "en")]
    assert cart.header.format == "TEXT" and cart.header.variables == ()
    assert cart.variable_keys() == ["body.1", "body.2", "body.3", "button.0"]
    assert cart.buttons[0].example == "abc123" and cart.buttons[1].is_stop
    assert cart.examples["body.1"] == "Aditi"
    win = by_name[("winback_offer", "en")]
    assert win.parameter_format == NAMED
    assert win.variable_keys() == ["header.first_name", "body.discount", "body.code", "body.expiry", "button.0",
                                   "button.1"]
    kinds = {v.key: v.kind for v in win.variables()}
    assert kinds["button.0"] == "coupon_code" and kinds["button.1"] == "url_suffix"
    festive = by_name[("festive_sale", "en")]
    assert festive.media_header == "IMAGE" and festive.header.example.startswith("https://")
    assert by_name[("new_arrivals_hi", "hi")].buttons[1].is_stop
    assert by_name[("summer_sale", "en")].sendable is False and by_name[("summer_sale", "en")].quality == "RED"
    assert find_variables("{{1}} and {{ 2 }} then {{1}}") == ("1", "2")


def test_spec_round_trips_through_the_table(db, clock):
    with db.session() as s:
        store_templates(s, sandbox_templates(), sandbox=True, now=clock.now())
        row = find_template(s, "cod_confirmation", sandbox=True)
        assert template_variables(row) == ["body.first_name", "body.order_number", "body.order_total",
                                           "body.prepaid_discount", "button.2"]
        assert spec_of(row) == TemplateSpec.from_meta(next(t for t in sandbox_templates()
                                                           if t["name"] == "cod_confirmation"))
