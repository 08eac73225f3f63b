"""Lead status and owner on the customer page (issue 9), saved through the pipeline's rules."""
from __future__ import annotations

from wadesk.core.db.models import Customer
from wadesk.core.pipeline import set_staff_names
from wadesk.ui.customers.detail_pane import DetailPane

from customers_helpers import make_shop


def test_lead_status_and_owner_are_shown_and_saved(qtbot, services, db):
    ids = make_shop(db)
    with db.session() as s:
        set_staff_names(s, "Asha, Ravi")
    pane = DetailPane(services)
    qtbot.addWidget(pane)
    pane.show_customer(ids["Rohan"])
    assert pane.lead_status_box.currentText() == "—" and pane.owner_box.currentText() == "Nobody"
    assert [pane.owner_box.itemText(i) for i in range(pane.owner_box.count())] == ["Nobody", "Asha", "Ravi"]
    pane.lead_status_box.setCurrentIndex(pane.lead_status_box.findData("Qualified"))
    pane.lead_status_box.activated.emit(pane.lead_status_box.currentIndex())
    pane.owner_box.setCurrentIndex(pane.owner_box.findData("Ravi"))
    pane.owner_box.activated.emit(pane.owner_box.currentIndex())

    def saved():
        with db.Session() as s:
            c = s.get(Customer, ids["Rohan"])
            return (c.lead_status, c.owner) == ("Qualified", "Ravi")

    qtbot.waitUntil(saved, timeout=5000)
    pane.show_customer(ids["Rohan"])
    assert (pane.lead_status_box.currentText(), pane.owner_box.currentText()) == ("Qualified", "Ravi")
