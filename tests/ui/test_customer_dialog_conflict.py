"""The edit dialog when someone else saved the customer meanwhile (team mode): told what changed,
nothing overwritten; a second Save keeps this person's version."""
from __future__ import annotations

from wadesk.core.crm import customers as crm
from wadesk.ui.customers.customer_dialog import CustomerDialog


def test_a_stale_edit_is_told_what_changed(qtbot, services, db, clock):
    with db.session() as s:
        cid = crm.create_customer(s, crm.CustomerInput(first_name="Asha", city="Mumbai"), clock=clock).id
    dialog = CustomerDialog(services, cid)
    qtbot.addWidget(dialog)
    with db.session() as s:  # another computer saves first
        crm.update_customer(s, cid, {"city": "Pune"}, clock=clock, expected_version=1)
    dialog.inputs["email"].setText("asha@example.in")
    dialog.save()
    text = dialog.general_error.text()
    assert "Someone else changed" in text and "City: Mumbai → Pune" in text and "not saved" in text
    assert dialog.saved_id is None
    with db.session() as s:
        assert crm.get_profile(s, cid).email is None  # nothing of this edit went in
    dialog.save()  # Save again: this person's version, knowingly
    assert dialog.saved_id == cid
    with db.session() as s:
        p = crm.get_profile(s, cid)
    assert (p.email, p.city, p.version) == ("asha@example.in", "Mumbai", 3)
