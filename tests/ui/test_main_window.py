"""The main window: every page reachable by click and shortcut, remembered state, live status bar."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from wadesk.core.db.models import Customer
from wadesk.core.settings import set_setting
from wadesk.ui import events
from wadesk.ui.main_window import MainWindow, window_title
from wadesk.ui.pages.placeholder import PlaceholderPage
from wadesk.ui.pages.registry import PAGE_KEYS, PAGES, page_info

NAV_TITLES = ["Home", "Customers", "Pipeline", "Import", "Segments", "Templates", "Campaigns",
              "Automations", "Reports", "Settings"]


def _add_customers(db, n: int, start: int = 0) -> None:
    from datetime import datetime

    with db.session() as s:
        for i in range(start, start + n):
            now = datetime(2026, 1, 1)
            s.add(Customer(name=f"Customer {i}", name_key=f"customer {i}", created_at=now,
                           updated_at=now))


@pytest.fixture
def window(qtbot, services):
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.customer_count is not None, timeout=5000)
    return w


def test_navigation_lists_every_page_in_order(window):
    assert [p.title for p in PAGES] == NAV_TITLES
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == NAV_TITLES
    assert window.nav.item(3).toolTip().endswith("(Ctrl+4)")


def test_visit_every_page_by_clicking_the_navigation(qtbot, window):
    for row, key in enumerate(PAGE_KEYS):
        item = window.nav.item(row)
        rect = window.nav.visualItemRect(item)
        qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.current_key == key
        page = window.stack.currentWidget()
        assert page is window.pages[key]
        # Not blank: every page has visible words on it.
        assert any(lbl.text().strip() for lbl in page.findChildren(QLabel))
    assert window.page_errors == {}


def test_visit_every_page_by_shortcut(qtbot, window):
    for index, key in reversed(list(enumerate(PAGE_KEYS[:9]))):  # Ctrl+1..9; Settings is Ctrl+,
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + index), Qt.KeyboardModifier.ControlModifier)
        assert window.current_key == key
        assert window.nav.currentItem().text() == PAGES[index].title
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "settings" and "(Ctrl+,)" in window.nav.currentItem().toolTip()


def test_placeholder_pages_say_what_they_will_do(qtbot, services):
    # Every page of the registry is built now; a page still to build would show this.
    page = PlaceholderPage(services, page_info("automations"))
    qtbot.addWidget(page)
    text = " ".join(lbl.text() for lbl in page.findChildren(QLabel))
    assert "Abandoned-cart reminders" in text
    assert "exit rules" in text


def test_geometry_and_last_page_are_remembered(qtbot, services):
    first = MainWindow(services)
    qtbot.addWidget(first)
    first.show()
    first.setGeometry(10, 40, 780, 620)
    qtbot.waitUntil(lambda: first.size().toTuple() == (780, 620), timeout=3000)
    first.show_page("reports")
    first.close()

    second = MainWindow(services)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitUntil(lambda: second.current_key == "reports", timeout=3000)
    assert second.nav.currentItem().text() == "Reports"
    assert second.size().toTuple() == (780, 620)


def test_qsettings_stay_in_the_test_folder(qtbot, services, temp_qsettings):
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.close()
    assert list(temp_qsettings.rglob("WaDesk.ini"))


def test_status_bar_shows_database_and_live_customer_count(qtbot, window, services, db):
    assert db.display_name in window.db_label.text()  # the file, or the team database (no password)
    assert window.count_label.text() == "0 customers"
    _add_customers(db, 3)
    services.bus.notify(events.ORDERS)  # does not concern the count
    qtbot.wait(100)
    assert window.count_label.text() == "0 customers"
    services.bus.notify(events.CUSTOMERS)
    qtbot.waitUntil(lambda: window.count_label.text() == "3 customers", timeout=3000)


def test_title_and_badge_follow_the_shop_settings(qtbot, window, services, db):
    assert window.windowTitle() == "WaDesk"
    assert not window.sample_badge.isVisible()
    with db.session() as s:
        set_setting(s, "shop_name", "Chai & Co.")
        set_setting(s, "sample_shop", True)
    services.bus.notify(events.SETTINGS)
    qtbot.waitUntil(lambda: window.windowTitle() == "WaDesk — Chai & Co. (sample shop)",
                    timeout=3000)
    assert window.sample_badge.isVisible()


def test_window_title_rules():
    assert window_title("", False) == "WaDesk"
    assert window_title("Kesari", True) == "WaDesk — Kesari (sample shop)"
    assert window_title("Sample shop — Kesari Naturals (demo data)", True) == \
        "WaDesk — Sample shop — Kesari Naturals (demo data)"


def test_pages_come_from_the_factory_mapping(qtbot, services):
    made = []

    def fake_customers(svc):
        made.append(svc)
        return QWidget(objectName="fakeCustomers")

    w = MainWindow(services, factories={"customers": fake_customers})
    qtbot.addWidget(w)
    assert w.show_page("customers").objectName() == "fakeCustomers"
    assert made == [services]


def test_a_broken_page_shows_a_message_not_a_crash(qtbot, services):
    def broken(_svc):
        raise RuntimeError("boom")

    w = MainWindow(services, factories={"reports": broken})
    qtbot.addWidget(w)
    page = w.show_page("reports")
    assert "could not be opened" in " ".join(lbl.text() for lbl in page.findChildren(QLabel))
    assert "boom" in w.page_errors["reports"]


def test_page_requests_on_the_bus_switch_pages(qtbot, window, services):
    services.bus.request_page("import")
    assert window.current_key == "import"


def test_sandbox_mode_shows_a_badge_on_every_page(qtbot, window):
    # No account in the keychain here: WaDesk runs against the built-in simulator.
    qtbot.waitUntil(lambda: not window.sandbox_badge.isHidden(), timeout=5000)
    assert window.sandbox_badge.text() == "SANDBOX" and "simulator" in window.sandbox_badge.toolTip()
