"""Pipeline board benchmark (issue 9: the board and list smooth with 10,000 open deals).
Not in the normal run:

    python -m pytest tests/perf/test_pipeline_perf.py -s

The shop: 20,000 customers, 30,000 messages (one or two per customer for half of them), 12,000
deals in the Sales pipeline: 10,000 open across the four open stages, 2,000 won/lost (half closed in
the last 30 days), with a stage history of 3 rows per deal. Measured in one process, median of 5:
- board: `pipeline.board` (one query: deals + customers + each card's last message);
- page: the Pipeline page's models filled from that board (`BoardView.show_board` + list model);
- report: `pipeline_report` over the stage history;
- baseline: `SELECT COUNT(*) FROM deals JOIN customers` — the least any board query can do.
"""
from __future__ import annotations

import random
import statistics
import time
from datetime import datetime, timedelta

N_CUSTOMERS, N_OPEN, N_CLOSED = 20_000, 10_000, 2_000
NOW = datetime(2026, 11, 28, 10, 0)


def build(db) -> int:
    from sqlalchemy import insert

    from wadesk.core import pipeline as P
    from wadesk.core.db.models import Customer, Message
    from wadesk.core.db.pipeline_models import Deal, DealStageChange

    rng = random.Random(9)
    with db.session() as s:
        s.execute(insert(Customer), [{"id": i, "name": f"Customer {i}", "name_key": f"customer {i}",
                                      "phone": f"+9198{i:08d}", "created_at": NOW, "updated_at": NOW,
                                      "attributes": {}, "consent_state": 0, "order_count": 0, "total_spent": 0,
                                      "tag_list": "", "version": 1} for i in range(1, N_CUSTOMERS + 1)])
        msgs = []
        for i in range(1, N_CUSTOMERS + 1, 2):
            for k in range(1 + i % 2 + rng.randint(0, 1)):
                msgs.append({"customer_id": i, "direction": "in" if k % 2 else "out", "body": f"Message {k} to {i}",
                             "status": "delivered", "created_at": NOW - timedelta(hours=rng.randint(1, 900)),
                             "purpose": "campaign", "attempts": 0, "is_holdout": False, "is_sandbox": False})
        s.execute(insert(Message), msgs)
        pid = P.ensure_default_pipeline(s, NOW).id
        stages = P.stages_of(s, pid)
        deals, changes = [], []
        for n in range(N_OPEN + N_CLOSED):
            st = stages[n % 4] if n < N_OPEN else stages[4 + n % 2]
            entered = NOW - timedelta(days=rng.uniform(0, 90 if n < N_OPEN else 60))
            deals.append({"id": n + 1, "customer_id": n + 1, "pipeline_id": pid, "stage_id": st.id,
                          "value": rng.choice((2500, 7200, 18500)), "owner": rng.choice(("Asha", "Ravi", None)),
                          "stage_entered_at": entered, "closed_at": entered if n >= N_OPEN else None,
                          "lost_reason": "Price" if st.outcome == "lost" else None, "version": 1,
                          "created_at": entered - timedelta(days=6), "updated_at": entered})
            prev = None
            for j, step in enumerate((stages[0], stages[1], st)):
                changes.append({"deal_id": n + 1, "customer_id": n + 1, "from_stage_id": prev,
                                "to_stage_id": step.id, "actor": "Asha",
                                "changed_at": entered - timedelta(days=3 * (2 - j))})
                prev = step.id
        s.execute(insert(Deal), deals)
        s.execute(insert(DealStageChange), changes)
        return pid


def median_ms(fn, runs: int = 5) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), out


def test_board_with_10000_open_deals(db, qtbot):
    from sqlalchemy import func, select

    from wadesk.core import pipeline as P
    from wadesk.core.db.models import Customer
    from wadesk.core.db.pipeline_models import Deal
    from wadesk.core.pipeline.report import pipeline_report
    from wadesk.ui.pipeline.board_view import BoardView, DealsList

    pid = build(db)
    with db.session() as s:
        base, _ = median_ms(lambda: s.scalar(select(func.count()).select_from(Deal).join(
            Customer, Customer.id == Deal.customer_id)))
        board_ms, board = median_ms(lambda: P.board(s, pid, NOW))
        report_ms, report = median_ms(lambda: pipeline_report(s, pid))
    assert sum(board.count(st.id) for st in board.stages if st.outcome == "open") == N_OPEN
    view, table = BoardView(), DealsList()
    qtbot.addWidget(view)
    qtbot.addWidget(table)
    view.resize(1500, 800)
    view.show()

    def fill():
        view.show_board(board)
        table.source.set_board(board)
        qtbot.wait(1)  # one paint of the visible cards
    page_ms, _ = median_ms(fill)
    board_only, _ = median_ms(lambda: view.show_board(board))
    list_only, _ = median_ms(lambda: table.source.set_board(board))
    sort_ms, _ = median_ms(lambda: table.sortByColumn(3, table.horizontalHeader().sortIndicatorOrder()))
    print(f"\ncolumns {board_only:.0f} ms, list {list_only:.0f} ms, list sort {sort_ms:.0f} ms")
    print(f"\nboard query {board_ms:.0f} ms, page models {page_ms:.0f} ms, report {report_ms:.0f} ms; "
          f"baseline count {base:.1f} ms (board = {board_ms / max(base, 0.1):.0f}x baseline); "
          f"{report.total_deals} deals")
    assert board_ms < 3000 and page_ms < 2000
