"""HubSpot / Zoho CRM exports through the import: lead status, lifecycle stage, deal stage, amount
and owner become lead status, owner and deals; a plain list's "Amount" stays an order total."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from wadesk.core import pipeline as P
from wadesk.core.db.models import Customer, Order
from wadesk.core.db.pipeline_models import Deal, PipelineStage
from wadesk.core.importing.runner import preview_file, run_import
from wadesk.core.pipeline.imported import lead_status_from

HUBSPOT = """Record ID,First Name,Last Name,Phone Number,Email,Contact owner,Lead Status,Lifecycle Stage,Deal Stage,Amount,Create Date
101,Priya,Shah,+91 98765 43210,priya@example.com,Asha Rao,IN_PROGRESS,salesqualifiedlead,contractsent,"48,000",2026-11-01
102,Ravi,Kumar,9812345678,,Asha Rao,UNQUALIFIED,lead,,,2026-11-02
103,Meena,Iyer,9898989898,,Vikram,,customer,Closed Won,12500,2026-11-03
104,Joy,Das,9797979797,,,NEW,,Closed Lost,3000,2026-11-04
105,Sam,Roy,9696969696,,,NEW,,Some custom stage,100,2026-11-05
"""


def _import(db, tmp_path, text, name="contacts.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_import(db, path)


def test_hubspot_export_is_recognised_and_mapped(tmp_path):
    path = tmp_path / "hubspot.csv"
    path.write_text(HUBSPOT, encoding="utf-8")
    pv = preview_file(path)
    assert pv.format == "crm"
    m = pv.mapping
    assert (m["Lead Status"], m["Lifecycle Stage"], m["Deal Stage"], m["Amount"], m["Contact owner"]) == (
        "lead_status", "lifecycle_stage", "deal_stage", "deal_value", "owner")
    assert m["Create Date"] == "attr:Create Date" and m["Phone Number"] == "phone"


def test_hubspot_export_makes_lead_statuses_owners_and_deals(db, tmp_path):
    result = _import(db, tmp_path, HUBSPOT)
    assert result.customers_created == 5 and result.rejected == 0
    with db.session() as s:
        by_phone = {c.phone: c for c in s.scalars(select(Customer))}
        priya, ravi, meena = by_phone["+919876543210"], by_phone["+919812345678"], by_phone["+919898989898"]
        assert (priya.lead_status, priya.owner) == ("Qualified", "Asha Rao")
        assert (ravi.lead_status, meena.lead_status) == ("Unqualified", "Customer")
        assert P.staff_names(s) == ["Asha Rao", "Vikram"]
        deals = {d.customer_id: (name, d.value, d.owner, d.lost_reason) for d, name in s.execute(
            select(Deal, PipelineStage.name).join(PipelineStage, PipelineStage.id == Deal.stage_id))}
        assert deals[priya.id] == ("Quote sent", Decimal("48000.00"), "Asha Rao", None)
        assert deals[meena.id][:2] == ("Won", Decimal("12500.00"))
        assert deals[by_phone["+919797979797"].id][0] == "Lost"
        assert ravi.id not in deals and by_phone["+919696969696"].id not in deals  # no / unknown stage
        assert s.scalar(select(Order.id)) is None  # a CRM "Amount" is not an order


def test_importing_again_moves_the_deal(db, tmp_path):
    _import(db, tmp_path, HUBSPOT)
    _import(db, tmp_path, HUBSPOT.replace("contractsent", "closedwon"), "again.csv")
    with db.session() as s:
        stage = s.scalar(select(PipelineStage.name).join(Deal, Deal.stage_id == PipelineStage.id)
                         .join(Customer, Customer.id == Deal.customer_id).where(Customer.phone == "+919876543210"))
        assert stage == "Won" and s.scalar(select(Deal.id).where(Deal.id > 4)) is None


def test_plain_list_amount_is_still_an_order(db, tmp_path):
    _import(db, tmp_path, "Name,Mobile,Amount,Date\nAnu,9876501234,1500,2026-11-02\n")
    with db.session() as s:
        assert s.scalar(select(Order.total)) == Decimal("1500.00") and s.scalar(select(Deal.id)) is None


def test_zoho_words():
    assert lead_status_from("Junk Lead", "") == "Unqualified"
    assert lead_status_from("Pre-Qualified", "") == "Qualified"
    assert lead_status_from("NEW", "customer") == "Customer"
    assert lead_status_from("", "marketingqualifiedlead") == "Qualified"
