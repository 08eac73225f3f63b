"""Home page (counts, sample banner, removal) and the first-run welcome, each built alone."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from wadesk.core.db.models import CONSENT_OPTED_IN, Customer
from wadesk.core.settings import get_setting, set_setting
from wadesk.ui import events
from wadesk.ui.pages.home import HomePage
from wadesk.ui.pages.placeholder import PlaceholderPage
from wadesk.ui.pages.registry import PAGES, page_info
from wadesk.ui.welcome import WelcomeDialog, check_first_run


def _customer(i: int, **kw) -> Customer:
    now = datetime(2026, 1, 1)
    return Customer(name=f"C{i}", name_key=f"c{i}", created_at=now, updated_at=now, **kw)


def _setting(db, key):
    with db.session() as s:
        return get_setting(s, key)


@pytest.mark.parametrize("info", [p for p in PAGES if p.bullets], ids=lambda p: p.key)
def test_each_placeholder_builds_alone_and_is_not_blank(qtbot, services, info):
    page = PlaceholderPage(services, info)
    qtbot.addWidget(page)
    assert len(info.bullets) >= 2
    assert all(len(b) > 30 for b in info.bullets)


def test_home_shows_counts_and_no_banner_for_a_real_shop(qtbot, services, db):
    with db.session() as s:
        s.add(_customer(1, consent_state=CONSENT_OPTED_IN, total_spent=Decimal("1500.40")))
        s.add(_customer(2, total_spent=Decimal("123456")))
        set_setting(s, "shop_name", "Chai & Co.")
    services.settings.load()
    page = HomePage(services)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.stats is not None, timeout=3000)
    assert page.title.text() == "Chai & Co."
    assert page.numbers["customers"].text() == "2"
    assert page.numbers["opted_in"].text() == "1"
    assert page.numbers["sales"].text() == "₹1,24,956"
    assert not page.banner.isVisible()


def test_home_refreshes_on_the_broadcast(qtbot, services, db):
    page = HomePage(services)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.stats is not None, timeout=3000)
    with db.session() as s:
        s.add(_customer(1))
    services.bus.notify(events.CUSTOMERS)
    qtbot.waitUntil(lambda: page.numbers["customers"].text() == "1", timeout=3000)


def test_go_buttons_ask_for_pages(qtbot, services):
    page = HomePage(services)
    qtbot.addWidget(page)
    with qtbot.waitSignal(services.bus.page_requested) as blocker:
        qtbot.mouseClick(page.findChild(type(page.remove_button), "go_import"),
                         Qt.MouseButton.LeftButton)
    assert blocker.args == ["import"]


def test_sample_banner_and_removal(qtbot, services, db, monkeypatch):
    demo = pytest.importorskip("wadesk.core.demo", reason="the sample shop generator "
                               "(wadesk.core.demo) is not available yet")
    demo.build_sample_shop(db, customers=30)
    services.settings.load()
    page = HomePage(services)
    qtbot.addWidget(page)
    page.show()
    assert page.banner.isVisible()
    qtbot.waitUntil(lambda: page.stats is not None and page.stats.customers == 30, timeout=3000)

    asked = []
    monkeypatch.setattr("wadesk.ui.pages.home.confirm", lambda *a: asked.append(a) or False)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert asked and db.customer_count() == 30  # "Keep it": nothing removed

    monkeypatch.setattr("wadesk.ui.pages.home.confirm", lambda *a: True)
    with qtbot.waitSignal(services.bus.changed, timeout=5000):
        qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert db.customer_count() == 0
    qtbot.waitUntil(lambda: not page.banner.isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: page.numbers["customers"].text() == "0", timeout=3000)


def test_welcome_is_needed_only_for_a_new_empty_shop(qtbot, services, db):
    answers = []
    check_first_run(services, answers.append)
    qtbot.waitUntil(lambda: answers == [True], timeout=3000)
    with db.session() as s:
        s.add(_customer(1))
    check_first_run(services, answers.append)
    qtbot.waitUntil(lambda: answers == [True, False], timeout=3000)
    services.settings.set("first_run_done", True)
    check_first_run(services, answers.append)
    assert answers == [True, False, False]


def test_welcome_start_empty_records_the_choice(qtbot, services, db):
    dialog = WelcomeDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(services.bus.changed, timeout=3000):  # "settings" once written
        qtbot.mouseClick(dialog.empty_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == "empty" and not dialog.isVisible()
    assert _setting(db, "first_run_done") is True
    assert db.customer_count() == 0


def test_welcome_import_goes_to_the_import_page(qtbot, services, db):
    dialog = WelcomeDialog(services)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(services.bus.page_requested) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["import"] and dialog.choice == "import"
    qtbot.waitUntil(lambda: _setting(db, "first_run_done") is True, timeout=3000)


def test_welcome_explore_builds_the_sample_shop(qtbot, services, db):
    pytest.importorskip("wadesk.core.demo", reason="the sample shop generator "
                        "(wadesk.core.demo) is not available yet")
    dialog = WelcomeDialog(services, sample_customers=120)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        qtbot.mouseClick(dialog.sample_button, Qt.MouseButton.LeftButton)
        assert not dialog.empty_button.isEnabled()  # no second answer while building
    assert dialog.choice == "sample"
    assert db.customer_count() == 120
    assert _setting(db, "sample_shop") is True and _setting(db, "first_run_done") is True
    qtbot.waitUntil(lambda: services.settings.is_sample, timeout=3000)


def test_closing_the_welcome_records_nothing(qtbot, services, db):
    dialog = WelcomeDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()
    qtbot.wait(50)
    assert dialog.choice is None and _setting(db, "first_run_done") is False


def test_page_info_lookup():
    assert page_info("segments").title == "Segments"
    with pytest.raises(KeyError):
        page_info("nope")
