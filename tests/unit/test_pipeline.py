"""Sales pipeline core: default stages, stage history, undo, won -> order, board data, report."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.unit._pipeline_shop import NOW, Shop, stage_ids, walk
from wadesk.core import pipeline as P
from wadesk.core.db.models import Customer, Message, Order
from wadesk.core.db.pipeline_models import Deal, DealStageChange
from wadesk.core.pipeline.report import pipeline_report, write_report_xlsx


@pytest.fixture
def shop(db):
    with db.session() as s:
        shop = Shop(s)
        for cid in range(1, 7):
            shop.customer(cid, phone=f"+9198765432{cid:02d}", channel=["ctwa", "website", "import"][cid % 3])
        pipe = P.ensure_default_pipeline(s, NOW)
        yield s, pipe.id


def test_default_pipeline_is_made_once_with_six_stages(shop):
    s, pid = shop
    assert [(st.name, st.outcome) for st in P.stages_of(s, pid)] == list(P.DEFAULT_STAGES)
    assert P.ensure_default_pipeline(s, NOW).id == pid
    assert len(P.list_pipelines(s, NOW)) == 1


def test_stages_can_be_added_renamed_and_reordered(shop):
    s, pid = shop
    st = P.add_stage(s, pid, "Sample sent")
    assert [x.name for x in P.stages_of(s, pid)][4:] == ["Sample sent", "Won", "Lost"]
    P.rename_stage(s, st.id, "Samples out")
    with pytest.raises(P.PipelineError, match="already has a stage"):
        P.rename_stage(s, st.id, "won")
    ids = [x.id for x in P.stages_of(s, pid)]
    P.reorder_stages(s, pid, [ids[1], ids[0], *ids[2:]])
    assert [x.name for x in P.stages_of(s, pid)][:2] == ["Contacted", "New lead"]
    with pytest.raises(P.PipelineError, match="every stage"):
        P.reorder_stages(s, pid, ids[:3])


def test_moves_are_recorded_with_who_and_when(shop):
    s, pid = shop
    ids = stage_ids(s, pid)
    deal = P.create_deal(s, 1, pid, NOW - timedelta(days=5), value="12,500", actor="Asha")
    P.move_deal(s, deal.id, ids["Contacted"], NOW - timedelta(days=3), actor="Ravi")
    P.move_deal(s, deal.id, ids["Quote sent"], NOW, actor="Asha")
    history = s.execute(select(DealStageChange.from_stage_id, DealStageChange.to_stage_id, DealStageChange.actor)
                        .where(DealStageChange.deal_id == deal.id).order_by(DealStageChange.id)).all()
    assert history == [(None, ids["New lead"], "Asha"), (ids["New lead"], ids["Contacted"], "Ravi"),
                       (ids["Contacted"], ids["Quote sent"], "Asha")]
    assert deal.value == Decimal("12500.00") and deal.stage_entered_at == NOW and deal.closed_at is None
    assert deal.version == 3


def test_lost_needs_a_reason_and_won_lost_close_the_deal(shop):
    s, pid = shop
    ids = stage_ids(s, pid)
    deal = P.create_deal(s, 2, pid, NOW - timedelta(days=1))
    with pytest.raises(P.PipelineError, match="lost reason"):
        P.move_deal(s, deal.id, ids["Lost"], NOW)
    assert deal.stage_id == ids["New lead"] and s.scalar(select(func.count(DealStageChange.id))) == 1
    P.move_deal(s, deal.id, ids["Lost"], NOW, lost_reason="  Chose a cheaper shop ")
    assert deal.closed_at == NOW and deal.lost_reason == "Chose a cheaper shop"
    P.move_deal(s, deal.id, ids["Won"], NOW + timedelta(hours=1))
    assert deal.closed_at == NOW + timedelta(hours=1)
    assert s.get(Customer, 2).lead_status == "Customer"
    with pytest.raises(P.PipelineError, match="already in"):
        P.move_deal(s, deal.id, ids["Won"], NOW)
    with pytest.raises(P.PipelineError, match="open deal"):
        P.create_deal(s, 3, pid, NOW) and P.create_deal(s, 3, pid, NOW)


def test_stale_version_is_refused(shop):
    s, pid = shop
    ids = stage_ids(s, pid)
    deal = P.create_deal(s, 1, pid, NOW)
    P.move_deal(s, deal.id, ids["Contacted"], NOW, expected_version=1)
    with pytest.raises(P.PipelineError, match="Someone else"):
        P.move_deal(s, deal.id, ids["Interested"], NOW, expected_version=1)


def test_undo_moves_back_and_is_recorded(shop):
    s, pid = shop
    ids = stage_ids(s, pid)
    deal = walk(s, pid, 1, ["New lead", "Quote sent", "Lost"], reason="No budget")
    P.move_deal(s, deal.id, ids["Interested"], NOW)  # reopened
    assert deal.closed_at is None
    back = P.undo_last_move(s, deal.id, NOW + timedelta(minutes=1), actor="Asha")
    assert (back.from_stage_id, back.to_stage_id) == (ids["Interested"], ids["Lost"])
    assert deal.stage_id == ids["Lost"] and deal.lost_reason == "No budget" and deal.closed_at is not None
    assert s.scalar(select(func.count(DealStageChange.id)).where(DealStageChange.deal_id == deal.id)) == 5
    fresh = P.create_deal(s, 2, pid, NOW)
    with pytest.raises(P.PipelineError, match="no move to undo"):
        P.undo_last_move(s, fresh.id, NOW)


def test_won_deal_creates_an_order_and_totals_follow(shop):
    s, pid = shop
    deal = walk(s, pid, 3, ["New lead", "Won"], value=48000)
    with pytest.raises(P.PipelineError, match="Only a won deal"):
        P.create_order_from_deal(s, walk(s, pid, 4, ["New lead"]).id, NOW)
    order = P.create_order_from_deal(s, deal.id, NOW)
    s.flush()
    c = s.get(Customer, 3)
    s.refresh(c)
    assert (order.total, order.source, order.customer_id) == (Decimal("48000.00"), "pipeline", 3)
    assert deal.order_id == order.id and c.order_count == 1 and c.total_spent == Decimal("48000.00")
    with pytest.raises(P.PipelineError, match="already"):
        P.create_order_from_deal(s, deal.id, NOW)
    assert s.scalar(select(func.count(Order.id))) == 1

    # Undoing the Won move leaves the order (it may be real) and says so; the owner may remove it.
    with pytest.raises(P.PipelineError, match="still won"):
        P.remove_order_from_deal(s, deal.id, NOW)
    back = P.undo_last_move(s, deal.id, NOW + timedelta(minutes=1))
    assert back.order_kept == order.number and s.get(Order, order.id) is not None
    assert P.remove_order_from_deal(s, deal.id, NOW) == order.number
    s.flush()
    s.refresh(c)
    assert s.scalar(select(func.count(Order.id))) == 0 and deal.order_id is None
    assert c.order_count == 0 and c.total_spent == Decimal("0")
    with pytest.raises(P.PipelineError, match="No order"):
        P.remove_order_from_deal(s, deal.id, NOW)
    assert P.undo_last_move(s, deal.id, NOW + timedelta(minutes=2)).order_kept is None  # back to Won: nothing


def test_report_figures_on_a_hand_built_case(shop):
    s, pid = shop
    # 1: New -> Contacted -> Interested -> Quote -> Won (2-day steps), website, 10,000
    walk(s, pid, 1, ["New lead", "Contacted", "Interested", "Quote sent", "Won"], value=10000)
    # 2: New -> Contacted -> Lost (4-day steps), website
    walk(s, pid, 2, ["New lead", "Contacted", "Lost"], value=5000, step_days=4)
    # 3: created in Interested -> Quote sent -> Won (6-day step), ctwa, 20,000
    walk(s, pid, 3, ["Interested", "Quote sent", "Won"], value=20000, step_days=6)
    # 4: New lead, still there
    walk(s, pid, 4, ["New lead"], value=700)
    r = pipeline_report(s, pid)
    by = {f.name: f for f in r.stages}
    assert [(f.name, f.count) for f in r.stages] == [("New lead", 1), ("Contacted", 0), ("Interested", 0),
                                                      ("Quote sent", 0), ("Won", 2), ("Lost", 1)]
    assert by["Won"].value == Decimal("30000") and by["New lead"].value == Decimal("700")
    # reached: every deal reached New lead (or later) = 4; Contacted+ = 3; Interested+ = 2; Quote+ = 2; Won = 2
    assert [by[n].reached for n in ("New lead", "Contacted", "Interested", "Quote sent", "Won")] == [4, 3, 2, 2, 2]
    assert by["New lead"].conversion == pytest.approx(3 / 4)
    assert by["Contacted"].conversion == pytest.approx(2 / 3)
    assert by["Quote sent"].conversion == 1.0 and by["Won"].conversion is None
    assert by["Lost"].reached == 1 and by["Lost"].conversion is None
    # finished stays: New lead 2 (deal 1) and 4 (deal 2) -> median 3; Quote sent 2 and 6 -> 4
    assert by["New lead"].median_days == pytest.approx(3)
    assert by["Quote sent"].median_days == pytest.approx(4)
    assert by["Won"].median_days is None
    assert r.won_by_channel == [("ctwa", 1, Decimal("20000")), ("website", 1, Decimal("10000"))]


def test_report_export_neutralises_formula_text(shop, tmp_path):
    from openpyxl import load_workbook

    s, pid = shop
    P.rename_stage(s, stage_ids(s, pid)["Contacted"], "=HYPERLINK(\"x\")")
    walk(s, pid, 1, ["New lead", "Won"], value=999)
    out = write_report_xlsx(pipeline_report(s, pid), tmp_path / "r.xlsx")
    wb = load_workbook(out)
    cells = [row[0] for row in wb["Stages"].iter_rows(values_only=True)]
    assert "'=HYPERLINK(\"x\")" in cells and "New lead" in cells
    assert list(wb["Won by channel"].iter_rows(values_only=True))[1] == ("Website", 1, 999)


def test_board_cards_carry_days_in_stage_and_last_message(shop):
    s, pid = shop
    ids = stage_ids(s, pid)
    shop_b = Shop(s)
    s.add(Message(customer_id=1, direction="in", body="Is the teak bed in stock?", status="received",
                  created_at=NOW - timedelta(days=2)))
    shop_b.message(1, days_ago=5, direction="out")
    shop_b.tag(2, "vip")
    walk(s, pid, 1, ["New lead", "Interested"], start_days_ago=10, step_days=3, owner=None)
    P.set_staff_names(s, "Asha, Ravi")
    walk(s, pid, 2, ["New lead"], start_days_ago=4, owner="ravi")
    walk(s, pid, 3, ["New lead", "Lost"], start_days_ago=90, step_days=1)  # closed long ago: hidden
    b = P.board(s, pid, NOW)
    interested = b.cards[ids["Interested"]]
    assert len(interested) == 1 and interested[0].days_in_stage == 7
    assert interested[0].last_message == "Is the teak bed in stock?" and interested[0].last_direction == "in"
    assert b.cards[ids["New lead"]][0].owner == "Ravi" and b.count(ids["Lost"]) == 0
    assert [c.customer_id for c in P.board(s, pid, NOW, owner="Ravi").all_cards()] == [2]
    assert [c.customer_id for c in P.board(s, pid, NOW, owner="").all_cards()] == [1]
    assert [c.customer_id for c in P.board(s, pid, NOW, tag="VIP").all_cards()] == [2]
    assert [c.customer_id for c in P.board(s, pid, NOW, customer_ids={1}).all_cards()] == [1]
    assert P.board(s, pid, NOW, closed_days=365).count(ids["Lost"]) == 1


def test_owner_and_lead_status_are_checked(shop):
    s, pid = shop
    with pytest.raises(P.PipelineError, match="staff list"):
        P.create_deal(s, 1, pid, NOW, owner="Nobody")
    P.set_staff_names(s, ["Asha", " asha ", "Ravi"])
    assert P.staff_names(s) == ["Asha", "Ravi"]
    assert P.set_customer_owner(s, 1, "RAVI") == "Ravi"
    assert P.set_lead_status(s, 1, "qualified") == "Qualified"
    with pytest.raises(P.PipelineError, match="not a lead status"):
        P.set_lead_status(s, 1, "Hot")
    with pytest.raises(P.PipelineError, match="not an amount"):
        P.create_deal(s, 1, pid, NOW, value="lots")
    assert s.scalar(select(func.count(Deal.id))) == 0


def test_stage_changes_are_on_the_customer_timeline_and_page(shop):
    from wadesk.core.crm.timeline import timeline

    s, pid = shop
    deal = walk(s, pid, 1, ["New lead", "Contacted", "Quote sent"], start_days_ago=3, step_days=1)
    Shop(s).order(1, days_ago=1.5)
    s.flush()
    got = timeline(s, 1, limit=10)
    stage = [e for e in got if e.kind == "stage"]
    assert [e.title for e in stage] == ["Moved to Quote sent (from Contacted) in Sales",
                                        "Moved to Contacted (from New lead) in Sales",
                                        "Added to the pipeline at New lead in Sales"]
    assert stage[0].details == ("By Asha",) and stage[0].data == {"deal_id": deal.id}
    assert [e.kind for e in got] == ["stage", "order", "stage", "stage"]  # newest first, merged
    # Paging by cursor keeps working across kinds.
    first = timeline(s, 1, limit=2)
    rest = timeline(s, 1, limit=10, cursor=first[-1].cursor)
    assert first + rest == got
    assert timeline(s, 1, kinds={"order"})[0].kind == "order"


def test_sample_shop_has_deals_and_removing_it_takes_them(db, clock):
    from wadesk.core.demo import build_sample_shop, remove_sample_shop

    build_sample_shop(db, customers=300, seed=5, clock=clock)
    with db.session() as s:
        pid = P.ensure_default_pipeline(s, NOW).id
        assert s.scalar(select(func.count(Deal.id))) == 20 and P.staff_names(s) == ["Asha", "Ravi", "Meera"]
        assert P.board(s, pid, NOW).all_cards()
    remove_sample_shop(db)
    with db.session() as s:
        assert s.scalar(select(func.count(Deal.id))) == 0 and s.scalar(select(func.count(DealStageChange.id))) == 0
        assert P.staff_names(s) == []
