"""The customer pane shows every score with a one-line "why" (issue 4)."""
from __future__ import annotations

from wadesk.core.profile import refresh_profiles
from wadesk.ui.customers.detail_pane import DetailPane
from wadesk.ui.customers.scores_box import NOT_YET

from customers_helpers import make_shop


def test_scores_with_why_lines(qtbot, services, db, clock):
    ids = make_shop(db)
    pane = DetailPane(services)
    qtbot.addWidget(pane)
    pane.show_customer(ids["Rohan"])
    assert NOT_YET in " ".join(lbl.text() for lbl in pane.scores.findChildren(type(pane.name_label)))
    refresh_profiles(db, clock=clock)
    pane.show_customer(ids["Rohan"])
    labels = [line[0] for line in pane.scores.lines]
    assert labels == ["Recency", "Frequency", "Monetary", "RFM group", "Funnel stage"]
    recency = pane.scores.lines[0]
    assert recency[1].endswith("/ 5") and "last order" in recency[2] and not recency[2].startswith("R=")
    assert "skincare (1 bought)" in pane.scores.interests.text()
