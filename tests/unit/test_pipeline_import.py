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


def _reference_apply(session, customer_ids, now, import_id=None):
    """The one-by-one version (create_deal / move_deal per contact): the bulk writer must leave the
    very same rows."""
    from wadesk.core.pipeline import imported as I

    counts = {"lead_statuses": 0, "deals_created": 0, "deals_moved": 0, "stages_unknown": 0}
    rows = [(c.id, c.attributes["pipeline"]) for c in session.scalars(
        select(Customer).where(Customer.id.in_(sorted(set(customer_ids)))).order_by(Customer.id))
        if isinstance((c.attributes or {}).get("pipeline"), dict)]
    if not rows:
        return counts
    owners = {" ".join(str(p.get("owner") or "").split()) for _c, p in rows} - {""}
    known = P.staff_names(session)
    new = sorted(o for o in owners if o.lower() not in {k.lower() for k in known})
    if new:
        P.set_staff_names(session, known + new)
    pipe = P.ensure_default_pipeline(session, now)
    by_name = {I._key(s.name): s for s in P.stages_of(session, pipe.id)}
    for cid, p in rows:
        c = session.get(Customer, cid)
        status = lead_status_from(str(p.get("lead_status") or ""), str(p.get("lifecycle_stage") or ""))
        if status and c.lead_status != status:
            c.lead_status, counts["lead_statuses"] = status, counts["lead_statuses"] + 1
        owner = " ".join(str(p.get("owner") or "").split()) or None
        if owner:
            c.owner = next(k for k in P.staff_names(session) if k.lower() == owner.lower())
        text = str(p.get("stage") or "").strip()
        if not text:
            continue
        stage = by_name.get(I._key(text)) or by_name.get(I._key(I.DEAL_STAGE_WORDS.get(I._key(text), "")))
        if stage is None:
            counts["stages_unknown"] += 1
            continue
        reason = p.get("lost_reason") or ("Lost (from the imported file)" if stage.outcome == "lost" else None)
        try:
            value = P.parse_value(p.get("value"))
        except P.PipelineError:
            value = None
        deal = P.open_deal_of(session, cid, pipe.id)
        if deal is None:
            P.create_deal(session, cid, pipe.id, now, stage_id=stage.id, value=value, owner=owner, actor=I.ACTOR,
                          lost_reason=reason)
            counts["deals_created"] += 1
            continue
        if value is not None and p.get("value") not in (None, ""):
            deal.value = value
        if deal.stage_id != stage.id:
            P.move_deal(session, deal.id, stage.id, now, actor=I.ACTOR, lost_reason=reason)
            counts["deals_moved"] += 1
    return counts


def _crm_file(path, seed, start, count):
    import random

    rnd = random.Random(seed)
    stages = ["appointmentscheduled", "qualifiedtobuy", "contractsent", "Closed Won", "Closed Lost", "", "Odd", "New lead"]
    lines = ["Record ID,First Name,Last Name,Phone Number,Email,Contact owner,Lead Status,Lifecycle Stage,Deal Stage,Amount"]
    for i in range(start, start + count):
        lines.append(f"{i},F{i},L{i},98{i:08d},u{i}@example.com,{rnd.choice(['Asha Rao', 'Vikram', 'meena  k', '', 'ASHA RAO'])},"
                     f"{rnd.choice(['NEW', 'IN_PROGRESS', 'UNQUALIFIED', '', 'junk lead'])},"
                     f"{rnd.choice(['lead', 'customer', '', 'opportunity'])},{rnd.choice(stages)},"
                     f"\"{rnd.choice(['', '1,200', str(rnd.randint(100, 90000)), 'abc'])}\"")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_bulk_crm_import_leaves_the_same_rows_as_one_by_one(tmp_path, migrated_db_file, monkeypatch):
    import shutil
    from datetime import datetime, timezone

    from sqlalchemy import text

    from wadesk.core.clock import FixedClock
    from wadesk.core.db import open_database
    from wadesk.core.paths import DataDir
    from wadesk.core.pipeline import imported

    first, second = _crm_file(tmp_path / "a.csv", 1, 0, 300), _crm_file(tmp_path / "b.csv", 2, 150, 300)
    clocks = [FixedClock(datetime(2026, 11, 28, 10, tzinfo=timezone.utc)),
              FixedClock(datetime(2026, 11, 29, 10, tzinfo=timezone.utc))]

    def tables(apply):
        monkeypatch.setattr(imported, "apply_imported", apply)
        data_dir = DataDir(tmp_path / apply.__name__).ensure()
        shutil.copy(migrated_db_file, data_dir.db_path)
        db = open_database(data_dir)
        try:
            results = [run_import(db, f, clock=c, refresh_scores=False) for f, c in zip((first, second), clocks)]
            with db.engine.connect() as conn:
                return [r.customers_created for r in results], {
                    sql: [tuple(row) for row in conn.execute(text(sql))] for sql in (
                        "SELECT id, lead_status, owner, updated_at FROM customers ORDER BY id",
                        "SELECT * FROM deals ORDER BY id", "SELECT * FROM deal_stage_changes ORDER BY id",
                        "SELECT value FROM settings WHERE key = 'pipeline_staff'")}
        finally:
            db.dispose()

    bulk, reference = tables(imported.apply_imported), tables(_reference_apply)
    assert bulk == reference and len(bulk[1]["SELECT * FROM deals ORDER BY id"]) > 200
