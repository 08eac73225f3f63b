"""The main window: navigation on the left, the current page on the right, a status bar below.

Pages come from a registry (page key -> factory(services)) and are built the first time they
are shown, so start-up stays fast. Size, position and the last page are remembered in QSettings.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QMainWindow, QStackedWidget, QVBoxLayout,
                               QWidget)

from wadesk.ui import events
from wadesk.ui.nav import NavBar, shortcut_text
from wadesk.ui.numbers import count_noun
from wadesk.ui.pages.registry import PAGE_KEYS, PAGES, PageFactory, default_factories, page_info
from wadesk.ui.prefs import ui_settings
from wadesk.ui.resources import app_icon
from wadesk.ui.services import AppServices

log = logging.getLogger(__name__)


def window_title(shop_name: str, sample: bool) -> str:
    title = f"WaDesk — {shop_name}" if shop_name else "WaDesk"
    if sample and "sample" not in shop_name.lower():  # the sample's own name already says so
        title += " (sample shop)"
    return title


class MainWindow(QMainWindow):
    def __init__(self, services: AppServices, factories: Mapping[str, PageFactory] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.factories: dict[str, PageFactory] = {**default_factories(), **(factories or {})}
        self.pages: dict[str, QWidget] = {}
        self.page_errors: dict[str, str] = {}  # page key -> what went wrong building it
        self.current_key: str | None = None
        self.customer_count: int | None = None
        self.remember_state = True  # False in smoke tests: leave the user's saved layout alone
        self._counting = self._count_stale = False
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(760, 540)

        self.nav = NavBar(PAGES)
        self.nav.page_selected.connect(self.show_page)
        brand = QWidget()
        brand_row = QHBoxLayout(brand)
        brand_row.setContentsMargins(16, 12, 8, 6)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(28, 28))
        brand_row.addWidget(logo)
        brand_row.addWidget(QLabel("WaDesk", objectName="navBrand"), 1)
        left = QWidget(objectName="sidebar")
        left.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(0)
        left_layout.addWidget(brand)
        left_layout.addWidget(self.nav, 1)
        self.stack = QStackedWidget(objectName="pages")
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(left)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.shortcuts: list[QShortcut] = []
        for index, info in enumerate(PAGES):
            if keys := shortcut_text(index, info.key):
                shortcut = QShortcut(QKeySequence(keys), self)
                shortcut.activated.connect(lambda key=info.key: self.show_page(key))
                self.shortcuts.append(shortcut)

        self._build_status_bar()
        services.bus.changed.connect(self._on_data_changed)
        services.bus.page_requested.connect(self.show_page)
        services.settings.updated.connect(self._show_settings)
        self._show_settings()
        self._restore()
        self.refresh_count()

    # -- pages ---------------------------------------------------------------------------------
    def show_page(self, key: str) -> QWidget:
        """Show a page by key (building it the first time)."""
        if key not in PAGE_KEYS:
            raise KeyError(f"no page called {key!r}")
        page = self.pages.get(key) or self._build_page(key)
        self.stack.setCurrentWidget(page)
        self.current_key = key
        self.nav.select(key)
        hook = getattr(page, "on_page_shown", None)
        if callable(hook):
            hook()
        return page

    def _build_page(self, key: str) -> QWidget:
        try:
            page = self.factories[key](self.services)
        except Exception as exc:  # a broken page must not take the window down
            log.exception("Could not build the %s page", key)
            self.page_errors[key] = f"{type(exc).__name__}: {exc}"
            page = self._broken_page(key)
        self.pages[key] = page
        self.stack.addWidget(page)
        return page

    def reload_pages(self) -> None:
        """After a restore: drop every built page; the shown one is rebuilt from the restored data."""
        key = self.current_key or "home"
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self.page_errors.clear()
        self.show_page(key)
        self.refresh_count()

    def _broken_page(self, key: str) -> QWidget:
        page = QWidget(objectName=f"page_{key}")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(36, 28, 36, 28)
        layout.addWidget(QLabel(page_info(key).title, objectName="pageTitle"))
        text = QLabel("This page could not be opened because of a problem inside WaDesk. "
                      "Your data is safe. The details were written to the log file"
                      + (f":\n{self.services.log_path}" if self.services.log_path else "."))
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(text)
        layout.addStretch(1)
        return page

    # -- status bar and title ------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.db_label = QLabel(f"Database: {self.services.db.display_name}", objectName="dbLabel")
        self.db_label.setToolTip(f"This shop's data folder: {self.services.data_dir.root}")
        self.sample_badge = QLabel("Sample shop", objectName="sampleBadge")
        # Sandbox mode is visible everywhere, not only on the WhatsApp pages (issue 5).
        self.sandbox_badge = QLabel("SANDBOX", objectName="sandboxBadge")
        self.sandbox_badge.setToolTip("WhatsApp is in sandbox mode: messages go to the built-in simulator and no "
                                      "real customer gets anything. Settings → WhatsApp to connect your account.")
        self.sandbox_badge.hide()
        self.count_label = QLabel("Counting customers…", objectName="countLabel")
        bar.addWidget(self.db_label, 1)
        bar.addPermanentWidget(self.sandbox_badge)
        bar.addPermanentWidget(self.sample_badge)
        bar.addPermanentWidget(self.count_label)

    def refresh_count(self) -> None:
        """Count customers in the background and show the number in the status bar."""
        if self._counting:
            self._count_stale = True
            return
        self._counting, self._count_stale = True, False
        job = self.services.jobs.run(lambda ctx: ctx.db.customer_count(), title="Counting customers",
                                     on_result=self._show_count, parent=self, progress_dialog=False)
        job.finished.connect(self._counted)

    def _counted(self) -> None:
        self._counting = False
        if self._count_stale:
            self.refresh_count()

    def _show_count(self, n: int) -> None:
        self.customer_count = n
        self.count_label.setText(count_noun(n, "customer"))

    def _on_data_changed(self, what: frozenset[str]) -> None:
        if events.touches(what, events.CUSTOMERS):
            self.refresh_count()

    def _show_settings(self) -> None:
        settings = self.services.settings
        self.setWindowTitle(window_title(settings.shop_name, settings.is_sample))
        self.sample_badge.setVisible(settings.is_sample)
        self._check_sandbox()

    def _check_sandbox(self) -> None:
        """Sandbox or real account: settings + keychain, read off the UI thread."""
        def mode(ctx: Any) -> bool:
            from wadesk.core.messaging.account import resolve_mode

            with ctx.db.session() as s:
                return resolve_mode(s).sandbox

        self.services.jobs.run(mode, title="Checking the WhatsApp mode", parent=self, progress_dialog=False,
                               on_result=self.sandbox_badge.setVisible, show_errors=False)

    # -- remembered state ----------------------------------------------------------------------
    def _restore(self) -> None:
        prefs = ui_settings()
        geometry = prefs.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 780)
        state = prefs.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        last = prefs.value("window/lastPage", "home")
        last = last if last in PAGE_KEYS else "home"
        if last == "home":
            self.show_page(last)
        else:  # build a heavier page after the window is up, so it appears fast
            self.nav.select(last)
            QTimer.singleShot(0, self, lambda: self.current_key is None and self.show_page(last))

    def save_state(self) -> None:
        prefs = ui_settings()
        prefs.setValue("window/geometry", self.saveGeometry())
        prefs.setValue("window/state", self.saveState())
        prefs.setValue("window/lastPage", self.current_key or "home")
        prefs.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.remember_state:
            self.save_state()
        super().closeEvent(event)
