"""Pipeline page: cards dragged between columns (QDrag's mime data dropped on another column),
Lost asks for a reason, Ctrl+Z undoes, Won offers an order; filters; list and report views."""
from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from tests.unit._shop_builder import NOW, Shop
from wadesk.core import pipeline as P
from wadesk.core.db.models import Customer, Order
from wadesk.core.db.pipeline_models import Deal, DealStageChange
from wadesk.ui.pipeline.cards import CARD_MIME
from wadesk.ui.pipeline.page import PipelinePage


@pytest.fixture
def page(qtbot, services, db):
    with db.session() as s:
        shop = Shop(s)
        P.set_staff_names(s, "Asha, Ravi")
        pid = P.ensure_default_pipeline(s, NOW).id
        for cid, (value, owner) in enumerate([(12000, "Asha"), (5000, "Ravi"), (800, None)], start=1):
            shop.customer(cid, name=f"Buyer {cid}", phone=f"+91987654321{cid}")
            P.create_deal(s, cid, pid, NOW - timedelta(days=cid), value=value, owner=owner)
        shop.tag(2, "wholesale")
    p = PipelinePage(services)
    qtbot.addWidget(p)
    p.resize(1500, 700)
    p.show()
    qtbot.waitUntil(lambda: p.data is not None, timeout=5000)
    return p


def _col(page, name):
    sid = next(s.id for s in page.data.board.stages if s.name == name)
    return page.board_view.columns[sid]


def drag(qtbot, page, card_name, from_stage, to_stage):
    """What QDrag does on a drop: the source column's mime data arrives at the target's viewport."""
    src, dst = _col(page, from_stage), _col(page, to_stage)
    row = next(i for i, c in enumerate(src.model().cards) if c.name == card_name)
    src.setCurrentIndex(src.model().index(row))
    mime = src.model().mimeData([src.currentIndex()])
    assert mime.hasFormat(CARD_MIME) and not src.card_pixmap(src.currentIndex()).isNull()
    pos = QPoint(30, 30)
    for event in (QDragEnterEvent(pos, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                                  Qt.KeyboardModifier.NoModifier),
                  QDragMoveEvent(pos, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                                 Qt.KeyboardModifier.NoModifier)):
        QApplication.sendEvent(dst.viewport(), event)
        assert event.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(dst.viewport(), drop)
    return drop


def names(page, stage):
    return [c.name for c in _col(page, stage).model().cards]


def history(db):
    with db.session() as s:
        return s.execute(select(DealStageChange.deal_id, DealStageChange.to_stage_id)
                         .order_by(DealStageChange.id)).all()


def test_board_shows_a_column_per_stage_with_cards(page):
    assert [s.name for s in page.data.board.stages] == ["New lead", "Contacted", "Interested", "Quote sent",
                                                        "Won", "Lost"]
    assert names(page, "New lead") == ["Buyer 3", "Buyer 2", "Buyer 1"]  # longest in stage last
    header = page.board_view.headers[_col(page, "New lead").stage_id].text()
    assert "New lead" in header and "₹17,800" in header
    assert "3 open deals worth ₹17,800" in page.status.text()


def test_drag_a_card_then_ctrl_z_puts_it_back(qtbot, page, db):
    drop = drag(qtbot, page, "Buyer 1", "New lead", "Quote sent")
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: names(page, "Quote sent") == ["Buyer 1"], timeout=2000)  # before the write
    qtbot.waitUntil(lambda: len(history(db)) == 4, timeout=5000)
    with db.session() as s:
        deal = s.scalar(select(Deal).where(Deal.customer_id == 1))
        quote = P.find_stage(s, P.ensure_default_pipeline(s, NOW), "Quote sent")
        assert deal.stage_id == quote.id and deal.stage_entered_at == NOW
    qtbot.waitUntil(lambda: page.undo_stack == [deal.id], timeout=3000)
    qtbot.keyClick(page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(history(db)) == 5, timeout=5000)
    qtbot.waitUntil(lambda: "Buyer 1" in names(page, "New lead"), timeout=3000)
    assert names(page, "Quote sent") == []
    with db.session() as s:
        assert s.get(Deal, deal.id).stage_id == _col(page, "New lead").stage_id


def test_dropping_on_its_own_column_is_refused(qtbot, page, db):
    src = _col(page, "New lead")
    src.setCurrentIndex(src.model().index(0))
    mime = src.model().mimeData([src.currentIndex()])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(src.viewport(), enter)
    assert not enter.isAccepted()


def test_lost_needs_a_reason(qtbot, page, db):
    page.ask_lost_reason = lambda name: ""
    drag(qtbot, page, "Buyer 2", "New lead", "Lost")
    qtbot.waitUntil(lambda: "needs a reason" in page.error.text(), timeout=2000)
    assert names(page, "Lost") == []
    page.ask_lost_reason = lambda name: "Bought elsewhere"
    drag(qtbot, page, "Buyer 2", "New lead", "Lost")
    qtbot.waitUntil(lambda: len(history(db)) == 4, timeout=5000)
    with db.session() as s:
        assert s.scalar(select(Deal.lost_reason).where(Deal.customer_id == 2)) == "Bought elsewhere"


def test_won_offers_an_order(qtbot, page, db):
    drag(qtbot, page, "Buyer 1", "New lead", "Won")
    qtbot.waitUntil(lambda: page.banner.isVisible(), timeout=5000)
    assert "₹12,000" in page.banner_text.text()
    qtbot.mouseClick(page.order_button, Qt.MouseButton.LeftButton)

    def made():
        with db.session() as s:
            return s.scalar(select(Order.total).where(Order.customer_id == 1))
    qtbot.waitUntil(lambda: made() is not None, timeout=5000)
    with db.session() as s:
        assert s.get(Customer, 1).order_count == 1 and s.get(Customer, 1).lead_status == "Customer"
    # Ctrl+Z: the deal goes back and the banner offers to remove the order made from it
    qtbot.keyClick(page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.banner.isVisible() and "still there" in page.banner_text.text(), timeout=5000)
    assert page.remove_order_button.isVisible() and not page.order_button.isVisible()
    assert "3 open deals worth ₹17,800" in page.status.text()  # counted as the board shows it
    assert "Buyer 1" in names(page, "New lead")
    qtbot.mouseClick(page.remove_order_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: made() is None, timeout=5000)
    qtbot.waitUntil(lambda: "Order D1 removed" in page.banner_text.text(), timeout=3000)
    assert not page.remove_order_button.isVisible() and page.banner_close.text() == "OK"
    with db.session() as s:
        assert s.get(Customer, 1).order_count == 0


def test_filters_list_view_and_report(qtbot, page):
    page.owner_box.setCurrentIndex(page.owner_box.findText("Ravi"))
    qtbot.waitUntil(lambda: names(page, "New lead") == ["Buyer 2"], timeout=5000)
    page.owner_box.setCurrentIndex(page.owner_box.findText("Any owner"))
    qtbot.waitUntil(lambda: len(names(page, "New lead")) == 3, timeout=5000)
    page.tag_box.setCurrentIndex(page.tag_box.findText("wholesale"))
    qtbot.waitUntil(lambda: names(page, "New lead") == ["Buyer 2"], timeout=5000)
    qtbot.keyClick(page, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert page.stack.currentWidget() is page.list_view and page.list_view.model().rowCount() == 1
    page.tag_box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.list_view.model().rowCount() == 3, timeout=5000)
    page.list_view.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # by value
    assert [page.list_view.model().index(r, 0).data() for r in range(3)] == ["Buyer 1", "Buyer 2", "Buyer 3"]
    qtbot.keyClick(page, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.report_view.report is not None, timeout=5000)
    assert page.report_view.stages.item(0, 1).text() == "3"


def test_move_to_from_the_context_menu(qtbot, page, db):
    col = _col(page, "New lead")
    menu = page.board_view.move_menu(col, col.model().index(0))
    assert [a.text() for a in menu.actions()][:5] == ["Move to Contacted", "Move to Interested",
                                                       "Move to Quote sent", "Move to Won", "Move to Lost"]
    assert [a.text() for a in menu.actions()][6:] == ["Deal value…", "Owner", "Lead status"]
    menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: names(page, "Contacted") == ["Buyer 3"], timeout=3000)
    qtbot.waitUntil(lambda: len(history(db)) == 4, timeout=5000)
    menu.deleteLater()


def test_card_menu_edits_value_owner_lead_status_and_staff(qtbot, page, db):
    card = next(c for c in _col(page, "New lead").model().cards if c.name == "Buyer 3")
    page.ask_text = lambda title, label, value: "9,999"
    page.card_action("value", card, None)
    qtbot.waitUntil(lambda: any(c.name == "Buyer 3" and c.value == 9999 for c in _col(page, "New lead").model().cards),
                    timeout=5000)
    page.card_action("owner", card, "Ravi")
    page.card_action("lead_status", card, "Qualified")

    def saved():
        with db.session() as s:
            c = s.get(Customer, 3)
            return (c.owner, c.lead_status, s.scalar(select(Deal.owner).where(Deal.customer_id == 3)))
    qtbot.waitUntil(lambda: saved() == ("Ravi", "Qualified", "Ravi"), timeout=5000)
    page.ask_text = lambda title, label, value: value + ", Meera"
    page.edit_staff()
    qtbot.waitUntil(lambda: page.owner_box.findText("Meera") >= 0, timeout=5000)
    page.ask_text = lambda title, label, value: "lots"
    page.card_action("value", card, None)
    qtbot.waitUntil(lambda: "not an amount" in page.error.text(), timeout=5000)


def test_stages_dialog_renames_adds_and_reorders(qtbot, page):
    from wadesk.ui.pipeline.stages_dialog import StagesDialog

    dlg = StagesDialog("Sales", page.data.board.stages, page)
    qtbot.addWidget(dlg)
    dlg.list.item(1).setText("Called")
    dlg.add_stage()
    dlg.list.currentItem().setText("Sample sent")
    wanted = dlg.result_stages()
    assert [n for _i, n in wanted] == ["New lead", "Called", "Interested", "Quote sent", "Sample sent", "Won", "Lost"]
    wanted.insert(0, wanted.pop(2))  # Interested first
    page.save_stages(wanted)
    qtbot.waitUntil(lambda: [s.name for s in page.data.board.stages][:2] == ["Interested", "New lead"], timeout=5000)
    assert "Sample sent" in [s.name for s in page.data.board.stages]
    page.save_stages([(i, "Won" if n == "Called" else n) for i, n in wanted])  # a clash: nothing changes
    qtbot.waitUntil(lambda: "already has a stage called 'Won'" in page.error.text(), timeout=5000)


def test_a_second_pipeline_is_made_from_the_page(qtbot, page):
    page.ask_text = lambda title, label, value: "Wholesale"
    page.new_pipeline_button.click()
    qtbot.waitUntil(lambda: page.pipeline_box.currentText() == "Wholesale" and page.data.board.stages
                    and not any(cards for cards in (c.model().cards for c in page.board_view.columns.values())),
                    timeout=5000)
    assert [page.pipeline_box.itemText(i) for i in range(page.pipeline_box.count())] == ["Sales", "Wholesale"]
    page.ask_text = lambda title, label, value: "wholesale"  # the same name again: refused in words
    page.new_pipeline_button.click()
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=5000)
    assert "already a pipeline called" in page.error.text()
