"""The campaign report end to end: a campaign frozen and sent against the fake Cloud API, statuses
and replies through the webhook ingestion, orders imported afterwards; attribution rules, funnel,
cost, the customers behind each number, "make this a segment", the dashboard and the CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.conftest import FAKE_TOKEN
from tests.unit._report_shop import sent_campaign
from wadesk.core.db.models import Customer
from wadesk.core.messaging.cloud_client import CloudClient
from wadesk.core.messaging.errors import classify
from wadesk.core.reports.campaign_report import ReportError, build_report, stage_customers
from wadesk.core.reports.dashboard import read_dashboard
from wadesk.core.reports.overview import all_reports, cost_revenue_by_week, make_segment, revenue_by_segment
from wadesk.core.segments.engine import SegmentEngine
from wadesk.core.settings import SettingError, set_setting


@pytest.fixture
def client(fake_cloud_api):
    with CloudClient(access_token=FAKE_TOKEN, phone_number_id=fake_cloud_api.phone_number_id,
                     waba_id=fake_cloud_api.waba_id, base_url=fake_cloud_api.url, timeout=(2.0, 10.0),
                     max_retries=0, sleep=lambda s: None) as c:
        yield c


@pytest.fixture
def sent(fresh_db, clock, client):
    """80 customers, half held out, the rest sent at 10:00; then what Meta and the customers did."""
    m, held = sent_campaign(fresh_db, clock, client)
    return fresh_db, 1, m, held


def test_report_counts_attribution_cost_and_uplift(sent, clock):
    db, cid, m, held = sent
    with db.session() as s:
        r = build_report(s, cid, now=clock.now() + timedelta(days=30))
    j = r.as_json()
    n_m, n_h = len(m), len(held)
    assert n_m + n_h == 80 and 25 <= n_h <= 55
    assert (j["audience"], j["holdout"], j["sent"]) == (80, n_h, n_m)
    assert j["accepted"] == n_m - 1 and j["failed"] == 1  # the 131026 failure is final
    assert (j["delivered"], j["read"], j["replied"], j["clicked"]) == (20, 12, 2, 1)  # a button tap is a reply too
    assert j["failures"] == [{"code": 131026, "reason": classify(131026).plain, "customers": 1}]
    # Orders 1, 7 (window), 3 (UTM), 5 (code); 2 too late, 4 cancelled, 6 before.
    assert (j["conversions"], j["orders"], j["revenue"]) == (3, 4, "3000.00")
    assert j["credited_by"] == {"window": 2, "utm": 1, "code": 1}
    assert (j["holdout_conversions"], j["holdout_orders"], j["holdout_revenue"]) == (1, 1, "650.00")
    # Cost: 19 delivered + the accepted ones not yet reported, at ₹0.8631 + 18% GST; the failure is free.
    assert j["cost"] == str((Decimal("0.8631") * (n_m - 1) * Decimal("1.18")).quantize(Decimal("0.01"), ROUND_HALF_UP))
    assert j["cost_basis"] == "partly estimated"
    assert j["uplift_abs"] == pytest.approx(3 / (n_m - 1) - 1 / n_h, abs=1e-6)
    lo, hi = j["uplift_ci"]
    assert lo < j["uplift_abs"] < hi and j["verdict"] == "not_enough_data"  # 40 vs 40: honest
    assert j["revenue_per_message"] == str((Decimal(3000) / (n_m - 1)).quantize(Decimal("0.01")))
    assert j["roi"] == pytest.approx(float((Decimal(3000) - Decimal(j["cost"])) / Decimal(j["cost"])), rel=1e-3)
    days = {d["day"]: (d["messaged"], d["holdout"]) for d in j["daily"]}
    assert sum(v[0] for v in days.values()) == 4 and sum(v[1] for v in days.values()) == 1
    json.dumps(j)  # plain JSON


def test_window_setting_changes_attribution(sent, clock):
    db, cid, m, held = sent
    with db.session() as s:
        with pytest.raises(SettingError, match="whole number of days"):
            set_setting(s, "attribution_window_days", "0")
        set_setting(s, "attribution_window_days", 14)
    with db.session() as s:
        j = build_report(s, cid).as_json()
    assert j["attribution_window_days"] == 14
    assert (j["orders"], j["holdout_orders"]) == (5, 2)  # order 2 (day 10) and 9 (day 8) now count


def test_every_number_lists_its_customers_and_becomes_a_segment(sent, clock):
    db, cid, m, held = sent
    with db.session() as s:
        r = build_report(s, cid).as_json()
        for stage, key in [("audience", "audience"), ("holdout", "holdout"), ("accepted", "accepted"),
                           ("delivered", "delivered"), ("read", "read"), ("replied", "replied"),
                           ("clicked", "clicked"), ("failed", "failed"), ("converted", "conversions"),
                           ("holdout_converted", "holdout_conversions"), ("read_not_converted", "read_not_converted")]:
            assert len(stage_customers(s, cid, stage)) == r[key], stage
        assert stage_customers(s, cid, "converted") == sorted([m[0], m[3], m[5]])
        assert stage_customers(s, cid, "failed:131026") == [m[-1]]
        read_no_buy = stage_customers(s, cid, "read_not_converted")
        assert read_no_buy == sorted(set(m[:12]) - {m[0], m[3], m[5]})
        with pytest.raises(ReportError, match="not a number"):
            stage_customers(s, cid, "bogus")
        with pytest.raises(ReportError, match="no campaign"):
            build_report(s, 999)
        seg = make_segment(s, read_no_buy, "Diwali: read, didn't buy", clock=clock)
    assert sorted(int(x) for x in SegmentEngine(db, clock).ids(seg.rules)) == read_no_buy
    with db.session() as s, pytest.raises(ValueError, match="already a segment"):
        make_segment(s, read_no_buy, "Diwali: read, didn't buy", clock=clock)


def test_overview_and_dashboard(sent, clock):
    db, cid, m, held = sent
    later = clock.now() + timedelta(days=4)
    with db.session() as s:
        reports = all_reports(s, now=later)
        assert [r.campaign_id for r in reports] == [cid]
        (label, revenue, _inc), = revenue_by_segment(reports)
        assert label == "everyone" and revenue == Decimal(3000)
        (week, cost, rev), = cost_revenue_by_week(reports)
        assert week.weekday() == 0 and rev == Decimal(3000) and cost > 0
        d = read_dashboard(s, later)
    assert d.customers == 80 and d.reachable == 80
    assert d.whatsapp_revenue == Decimal(1300)  # orders 1 and 7 so far (3 and 5 are after `later`)
    assert d.uplift_campaigns == 0 and d.incremental_revenue == 0  # not enough data: not added up
    assert any("summer_sale" in w for w in d.warnings)  # the fake account has a paused template


def test_report_cli_json_xlsx_and_errors(sent, data_dir, tmp_path, capsys):
    from openpyxl import load_workbook

    from wadesk import cli

    db, cid, m, held = sent
    with db.session() as s:
        s.execute(Customer.__table__.update().where(Customer.id == m[0]).values(name="=HYPERLINK(\"x\")"))
    db.dispose()
    base = ["--json", "--data-dir", str(data_dir.root)]
    out = tmp_path / "diwali.xlsx"
    assert cli.run(["report", "campaign", str(cid), "--out", str(out), *base]) == 0
    j = json.loads(capsys.readouterr().out)
    for key in ("campaign_id", "audience", "holdout", "sent", "accepted", "delivered", "read", "replied", "failed",
                "conversions", "holdout_conversions", "revenue", "cost", "uplift_abs", "uplift_ci"):
        assert key in j, key
    assert j["campaign_id"] == cid and j["conversions"] == 3 and len(j["uplift_ci"]) == 2
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Recipients"]
    assert len(wb["Summary"]._charts) == 2  # native Excel charts: funnel, daily conversions
    rows = list(wb["Recipients"].iter_rows(values_only=True))
    assert len(rows) == 81 and rows[0][0] == "Customer id"
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id[m[0]][1] == "'=HYPERLINK(\"x\")"  # a formula in a name is neutralised
    assert by_id[m[0]][2].startswith("+91")  # a phone number is plain digits: left as it is
    assert by_id[m[0]][9] == "yes" and by_id[m[0]][10] == 2 and by_id[m[0]][11] == 1300
    assert by_id[m[-1]][3] == "failed" and "131026" in by_id[m[-1]][4]

    assert cli.run(["report", "customers", str(cid), "read_not_converted", "--segment", "Retarget", *base]) == 0
    c = json.loads(capsys.readouterr().out)
    assert c["customers"] == 9 and c["segment"]["name"] == "Retarget"
    for argv, words in [(["report", "campaign", "999"], "There is no campaign 999."),
                        (["report", "campaign", str(cid), "--out", str(tmp_path / "x.docx")], ".xlsx or .pdf"),
                        (["report", "customers", str(cid), "failed:abc"], "not a number of the report"),
                        (["report", "campaign", str(cid), "--window", "0"], "from 1 to 90 days")]:
        assert cli.run([*argv, *base]) == 2
        assert words in json.loads(capsys.readouterr().out)["error"]
    assert not (tmp_path / "x.docx").exists()


def test_report_cli_pdf_in_a_fresh_process(sent, data_dir, tmp_path):
    """The command line draws the PDF with an offscreen Qt of its own (the same charts as the page)."""
    db, cid, m, held = sent
    db.dispose()
    out = tmp_path / "diwali.pdf"
    done = subprocess.run([sys.executable, "-m", "wadesk", "report", "campaign", str(cid), "--out", str(out),
                           "--json", "--data-dir", str(data_dir.root)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["out"] == str(out)
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 10_000


def test_a_campaign_not_sent_yet(fresh_db, clock, client, tmp_path):
    from openpyxl import load_workbook

    from tests.unit._campaign_shop import build_shop, freeze
    from wadesk.core.reports.export_xlsx import write_xlsx

    build_shop(fresh_db, 40, clock=clock, client=client)
    cid = freeze(fresh_db, clock, holdout_pct=20)
    with fresh_db.session() as s:
        r = build_report(s, cid)
        j = r.as_json()
        assert j["sent"] == j["accepted"] == j["conversions"] == 0 and j["audience"] == 40
        assert j["cost_basis"] == "estimated" and j["cost"] == j["estimated_cost"] != "0"
        assert j["uplift_abs"] is None and j["uplift_ci"] is None and j["verdict"] == "not_enough_data"
        assert j["roi"] is None and j["revenue_per_message"] is None  # nothing went out: no return yet
        assert stage_customers(s, cid, "not_converted") == [] and stage_customers(s, cid, "delivered_not_read") == []
        write_xlsx(s, r, tmp_path / "unsent.xlsx")
    rows = list(load_workbook(tmp_path / "unsent.xlsx")["Recipients"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 40 and {row[3] for row in rows} == {"waiting to send", "held out"}
