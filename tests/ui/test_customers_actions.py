"""Customers page actions: bulk tags with undo, delete and erase with confirmation, detail pane edits."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialog, QInputDialog
from sqlalchemy import func, select

from wadesk.core.db.models import CONSENT_OPTED_OUT, AuditLog, Customer, CustomerNote, Order
from wadesk.core.crm.tags import tag_names
from wadesk.ui import dialogs
from wadesk.ui.customers import consent_box
from wadesk.ui.customers.table_model import KEYS

from customers_helpers import ids, page  # noqa: F401 - fixtures


@pytest.fixture
def answers(monkeypatch):
    """Confirmations answered without a modal box; records what was asked."""
    asked: list[str] = []
    state = {"yes": True}

    def confirm(_parent, title, text, yes_text):
        asked.append(f"{title}: {text}")
        return state["yes"]

    monkeypatch.setattr(dialogs, "confirm", confirm)
    return state, asked


def row_of(page, name):
    m = page.model
    return [m.data(m.index(r, 0)) for r in range(m.rowCount())].index(name)


def select_names(page, *names):
    sel = QItemSelection()
    for n in names:
        r = row_of(page, n)
        sel.select(page.model.index(r, 0), page.model.index(r, len(KEYS) - 1))
    page.table.selectionModel().select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def tags_of(db, cid):
    with db.Session() as s:
        return s.get(Customer, cid).tag_list


def pick(monkeypatch, name):
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: (name, True)))


def test_bulk_add_tag_and_undo(qtbot, page, db, ids, monkeypatch):
    select_names(page, "Rohan Sharma", "Anita Desai", "Zoya Khan")
    assert "3 selected" in page.count_label.text()
    pick(monkeypatch, "vip")
    page.add_tag_action.trigger()
    qtbot.waitUntil(lambda: tags_of(db, ids["Zoya"]) == "vip", timeout=3000)
    assert tags_of(db, ids["Anita"]) == "vip" and tags_of(db, ids["Meera"]) == ""
    qtbot.waitUntil(lambda: page.model.data(page.model.index(row_of(page, "Zoya Khan"), KEYS.index("tags"))) == "vip",
                    timeout=2000)
    # Undo takes the tag off the two who did not have it; Rohan keeps his.
    qtbot.waitUntil(page.undo_action.isEnabled, timeout=3000)
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tags_of(db, ids["Zoya"]) == "", timeout=3000)
    assert tags_of(db, ids["Anita"]) == "" and tags_of(db, ids["Rohan"]) == "vip"


def test_bulk_remove_tag_and_undo(qtbot, page, db, ids, monkeypatch):
    page.table.selectAll()
    pick(monkeypatch, "vip")
    page.remove_tag_action.trigger()
    qtbot.waitUntil(lambda: tags_of(db, ids["Rohan"]) == "", timeout=3000)
    qtbot.waitUntil(page.actions_.undo_stack.canUndo, timeout=3000)
    assert page.undo_action.text() == "Undo remove tag 'vip' (1 customer)"
    page.actions_.undo_stack.undo()
    qtbot.waitUntil(lambda: tags_of(db, ids["Rohan"]) == "vip", timeout=3000)
    assert tags_of(db, ids["Anita"]) == ""


def test_big_selections_resolve_ids_in_the_job(qtbot, page, db, ids, monkeypatch):
    from wadesk.ui.customers import actions

    monkeypatch.setattr(actions, "RESOLVE_NOW_LIMIT", 2)
    page.table.selectAll()
    pick(monkeypatch, "diwali")
    page.add_tag_action.trigger()
    qtbot.waitUntil(lambda: all(tags_of(db, i) for i in ids.values()), timeout=3000)
    assert tags_of(db, ids["Rohan"]) == "diwali, vip"


def test_delete_asks_first(qtbot, page, db, ids, answers):
    state, asked = answers
    select_names(page, "Anita Desai", "Meera Iyer")
    state["yes"] = False
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert asked and "Delete 2 customers?" in asked[0]
    assert page.model.rowCount() == 5
    state["yes"] = True
    page.delete_action.trigger()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=3000)
    with db.Session() as s:
        assert s.get(Customer, ids["Anita"]) is None and s.get(Customer, ids["Meera"]) is None
        assert s.scalar(select(func.count()).select_from(Order).where(Order.customer_id.is_(None))) == 1
    assert page.detail.customer_id is None


def test_erase_explains_and_forgets_the_person(qtbot, page, db, ids, answers):
    state, asked = answers
    page.select_customer(ids["Rohan"])
    assert page.erase_action.isEnabled()
    page.erase_action.trigger()
    assert "Rohan Sharma" in asked[0] and "orders stay" in asked[0]
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=3000)
    with db.Session() as s:
        assert s.get(Customer, ids["Rohan"]) is None
        assert s.scalar(select(func.count()).select_from(CustomerNote)) == 0
        order = s.scalars(select(Order).where(Order.external_id == "o0")).one()
        assert order.customer_id is None  # sales figures keep the order, without the person
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "customer.erased")) == 1
    assert page.detail.customer_id is None


def test_detail_pane_edits(qtbot, page, db, ids, monkeypatch, answers):
    page.select_customer(ids["Anita"])
    d = page.detail
    # A tag through the chip box.
    qtbot.keyClicks(d.tags.add_box, "wholesale")
    qtbot.keyClick(d.tags.add_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: d.tags.tags == ["wholesale"], timeout=3000)
    with db.Session() as s:
        assert "wholesale" in tag_names(s)
    # A note.
    qtbot.keyClicks(d.notes.editor, "Asked for a bulk price")
    d.notes.add_button.click()
    qtbot.waitUntil(lambda: d.timeline.findChild(type(d.name_label), "timeline_note") is not None, timeout=3000)
    # Opt-in with where it came from, then opt-out.
    monkeypatch.setattr(consent_box.OptInDialog, "exec", lambda self: (self.source.setCurrentIndex(0), QDialog.DialogCode.Accepted)[1])
    d.consent.opt_in_button.click()
    qtbot.waitUntil(lambda: "Opted in" in d.consent.status.text(), timeout=3000)
    assert "WhatsApp" in d.consent.status.text()
    d.consent.opt_out_button.click()
    qtbot.waitUntil(lambda: "Opted out" in d.consent.status.text(), timeout=3000)
    with db.Session() as s:
        assert s.get(Customer, ids["Anita"]).consent_state == CONSENT_OPTED_OUT
    # Removing the chip.
    from wadesk.ui.customers.tag_chips import _Chip

    chip = d.tags.findChild(_Chip)
    chip.remove_clicked.emit("wholesale")
    qtbot.waitUntil(lambda: d.tags.tags == [], timeout=3000)
    consent_rows = page.model.data(page.model.index(row_of(page, "Anita Desai"), KEYS.index("consent")))
    assert consent_rows == "Opted out"


def test_timeline_loads_more(qtbot, page, db, ids, monkeypatch):
    from wadesk.core.crm.notes import add_note
    from wadesk.ui.customers import detail_pane

    monkeypatch.setattr(detail_pane, "TIMELINE_PAGE", 3)
    with db.session() as s:
        for i in range(5):
            add_note(s, ids["Zoya"], f"note {i}")
    page.select_customer(ids["Zoya"])
    t = page.detail.timeline
    assert t.shown == 3 and t.more_button.isVisibleTo(page)
    t.more_button.click()
    assert t.shown == 6 and not t.more_button.isVisibleTo(page)  # 5 notes + 1 order


def test_editing_keys_in_the_search_box_stay_there(qtbot, page, answers):
    state, asked = answers
    select_names(page, "Anita Desai")
    qtbot.keyClicks(page.search, "anita")
    page.search.setCursorPosition(0)
    qtbot.keyClick(page.search, Qt.Key.Key_Delete)  # deletes a letter, not the customer
    assert page.search.text() == "nita" and asked == []
    qtbot.keyClick(page.search, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.search.text() == "anita"


def test_undo_button_names_the_change(qtbot, page, db, ids, monkeypatch):
    select_names(page, "Anita Desai", "Zoya Khan")
    pick(monkeypatch, "festive")
    page.add_tag_action.trigger()
    qtbot.waitUntil(page.undo_button.isVisible, timeout=3000)
    assert page.undo_button.text() == "Undo add tag 'festive' (2 customers) (Ctrl+Z)"
    page.undo_button.click()
    qtbot.waitUntil(lambda: tags_of(db, ids["Zoya"]) == "", timeout=3000)
    qtbot.waitUntil(lambda: not page.undo_button.isVisible(), timeout=3000)
