"""Undoing a CRM export import (HubSpot / Zoho) takes back its deals, stage moves, lead statuses,
owners and staff names; what staff changed on the board after the import stays as they left it."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from wadesk.core import pipeline as P
from wadesk.core.clock import FixedClock
from wadesk.core.db.models import Customer
from wadesk.core.db.pipeline_models import Deal, DealStageChange, PipelineStage
from wadesk.core.importing import import_history, rollback_import, run_import

T0, T1, T2 = (datetime(2026, 11, d, 10) for d in (20, 28, 29))
TABLES = ["customers", "deals", "deal_stage_changes", "settings", "pipelines", "pipeline_stages", "orders",
          "tags", "customer_tags", "events", "consent_events"]
BASE = "Name,Mobile\nPriya Shah,9876543210\nRavi Kumar,9812345678\nKiran Rao,9811111111\nJoy Das,9797979797\n"
HUBSPOT = """Record ID,First Name,Last Name,Phone Number,Email,Contact owner,Lead Status,Lifecycle Stage,Deal Stage,Amount
101,Priya,Shah,9876543210,,Vikram,IN_PROGRESS,,contractsent,"48,000"
102,Ravi,Kumar,9812345678,,,UNQUALIFIED,lead,,
103,Kiran,Rao,9811111111,,Asha Rao,,,qualifiedtobuy,2500
104,Joy,Das,9797979797,,,,,Closed Lost,
105,Meena,Iyer,9898989898,,Vikram,,customer,Closed Won,12500
"""


def clock(at: datetime) -> FixedClock:
    return FixedClock(at.replace(tzinfo=timezone.utc))


def snapshot(db) -> dict:
    with db.engine.connect() as c:
        return {t: c.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all() for t in TABLES}


def stage_id(s, name: str) -> int:
    return s.scalar(select(PipelineStage.id).where(PipelineStage.name == name))


def by_phone(s) -> dict[str, Customer]:
    return {c.phone: c for c in s.scalars(select(Customer))}


def deals(s) -> dict[str, tuple]:
    """phone -> (stage, value, lost reason, version)"""
    return {phone: tuple(rest) for phone, *rest in s.execute(
        select(Customer.phone, PipelineStage.name, Deal.value, Deal.lost_reason, Deal.version)
        .join(Deal, Deal.customer_id == Customer.id).join(PipelineStage, PipelineStage.id == Deal.stage_id))}


@pytest.fixture
def shop(db, tmp_path):
    """A shop with customers from a plain list, a staff member, two deals worked on the board and a
    lead status set by hand; then a HubSpot export imported on top."""
    (tmp_path / "base.csv").write_text(BASE, encoding="utf-8")
    run_import(db, tmp_path / "base.csv", clock=clock(T0), refresh_scores=False)
    with db.session() as s:
        people = by_phone(s)
        P.set_staff_names(s, ["Asha Rao"])
        pipe = P.ensure_default_pipeline(s, T0)
        P.create_deal(s, people["+919876543210"].id, pipe.id, T0, stage_id=stage_id(s, "Contacted"),
                      value="1000", owner="Asha Rao", actor="Asha Rao")
        P.create_deal(s, people["+919797979797"].id, pipe.id, T0, stage_id=stage_id(s, "Interested"), value="500")
        P.set_lead_status(s, people["+919812345678"].id, "New")
        P.set_customer_owner(s, people["+919812345678"].id, "Asha Rao")
    before = snapshot(db)
    (tmp_path / "hubspot.csv").write_text(HUBSPOT, encoding="utf-8")
    result = run_import(db, tmp_path / "hubspot.csv", clock=clock(T1), refresh_scores=False)
    assert result.format == "crm" and result.customers_created == 1
    with db.session() as s:  # what the import did, so the undo below has something to take back
        assert deals(s) == {
            "+919876543210": ("Quote sent", Decimal("48000.00"), None, 2),
            "+919797979797": ("Lost", Decimal("500.00"), "Lost (from the imported file)", 2),
            "+919811111111": ("Interested", Decimal("2500.00"), None, 1),
            "+919898989898": ("Won", Decimal("12500.00"), None, 1)}
        people = by_phone(s)
        assert (people["+919812345678"].lead_status, people["+919812345678"].owner) == ("Unqualified", "Asha Rao")
        assert (people["+919876543210"].lead_status, people["+919876543210"].owner) == ("Qualified", "Vikram")
        assert P.staff_names(s) == ["Asha Rao", "Vikram"]
        assert s.scalar(select(DealStageChange.id).where(DealStageChange.actor == "import").limit(1))
    return result.import_id, before


def test_undoing_a_crm_import_puts_deals_stages_and_lead_statuses_back_exactly(db, shop):
    import_id, before = shop
    assert snapshot(db) != before
    counts = rollback_import(db, import_id, clock=clock(T2))
    assert snapshot(db) == before  # deals, stage history, customers, staff names: as before the import
    assert (counts["deals_removed"], counts["deals_restored"], counts["stage_changes_removed"],
            counts["customers_removed"]) == (2, 2, 4, 1)
    assert "deals_kept" not in counts and "customers_kept" not in counts
    assert {h.id: h.status for h in import_history(db)}[import_id] == "rolled_back"


def test_what_staff_changed_on_the_board_after_the_import_stays(db, shop):
    import_id, _before = shop
    with db.session() as s:
        people = by_phone(s)
        priya = s.scalar(select(Deal.id).where(Deal.customer_id == people["+919876543210"].id))
        kiran = s.scalar(select(Deal.id).where(Deal.customer_id == people["+919811111111"].id))
        P.move_deal(s, priya, stage_id(s, "Won"), T2, actor="Asha Rao")  # the deal the import moved
        P.move_deal(s, kiran, stage_id(s, "Quote sent"), T2, actor="Asha Rao")  # a deal the import made
        P.set_lead_status(s, people["+919812345678"].id, "Qualified")  # a lead status the import set
    counts = rollback_import(db, import_id, clock=clock(T2))
    assert (counts["deals_kept"], counts["deals_removed"], counts["deals_restored"]) == (2, 1, 1)
    with db.session() as s:
        assert deals(s) == {  # Joy's deal is back where it was; Meena (and her deal) went with the import
            "+919876543210": ("Won", Decimal("48000.00"), None, 3),
            "+919811111111": ("Quote sent", Decimal("2500.00"), None, 2),
            "+919797979797": ("Interested", Decimal("500.00"), None, 1)}
        history = s.execute(select(Customer.phone, DealStageChange.actor).join(
            Customer, Customer.id == DealStageChange.customer_id).order_by(DealStageChange.id)).all()
        # the kept deals keep their whole story; Joy's import move is gone
        assert history == [("+919876543210", "Asha Rao"), ("+919797979797", None), ("+919876543210", "import"),
                           ("+919811111111", "import"), ("+919876543210", "Asha Rao"), ("+919811111111", "Asha Rao")]
        people = by_phone(s)
        assert "+919898989898" not in people
        assert (people["+919812345678"].lead_status, people["+919812345678"].owner) == ("Qualified", "Asha Rao")
        # Priya's row changed since (won on the board made her a Customer): her owner stays, so does Vikram
        assert (people["+919876543210"].lead_status, people["+919876543210"].owner) == ("Customer", "Vikram")
        assert P.staff_names(s) == ["Asha Rao", "Vikram"]


def test_a_later_crm_import_that_moved_its_deals_blocks_the_undo(db, shop, tmp_path):
    import_id, _before = shop
    (tmp_path / "again.csv").write_text(HUBSPOT.replace("contractsent", "closedwon"), encoding="utf-8")
    later = run_import(db, tmp_path / "again.csv", clock=clock(T2), refresh_scores=False)
    why = {h.id: h for h in import_history(db)}[import_id].why_not
    assert (f"1 deal that import {import_id} added or moved were moved or changed again by import "
            f"{later.import_id} (again.csv") in why
    snap = snapshot(db)
    with pytest.raises(ValueError) as exc:
        rollback_import(db, import_id, clock=clock(T2))
    assert str(exc.value) == why and snapshot(db) == snap
    rollback_import(db, later.import_id, clock=clock(T2))
    with db.session() as s:
        assert deals(s)["+919876543210"] == ("Quote sent", Decimal("48000.00"), None, 2)
    rollback_import(db, import_id, clock=clock(T2))
    with db.session() as s:
        assert deals(s)["+919876543210"] == ("Contacted", Decimal("1000.00"), None, 1)
