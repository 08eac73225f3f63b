"""A small start-up card for slow starts: updating a big shop database before the window opens."""
from __future__ import annotations

import logging

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QSplashScreen

from wadesk.core.db.engine import current_revision, head_revision, make_engine
from wadesk.core.paths import DataDir
from wadesk.ui.resources import svg_pixmap

log = logging.getLogger(__name__)


def database_needs_update(data_dir: DataDir) -> bool:
    """True when an existing shop database will be migrated (a copy is made first: can be slow)."""
    from wadesk.core.db.team import resolve_url

    try:
        url = resolve_url(data_dir)  # the team database when this folder uses one
    except Exception:  # noqa: BLE001 - open_database will explain any real problem
        return False
    if url is None:
        if not data_dir.db_path.exists():
            return False  # a new database is created in a moment
        url = f"sqlite:///{data_dir.db_path}"
    engine = make_engine(url)
    try:
        return current_revision(engine) not in (None, head_revision())
    except Exception:  # noqa: BLE001 - open_database will explain any real problem
        return False
    finally:
        engine.dispose()


def _card(title: str, text: str) -> QPixmap:
    card = QPixmap(460, 150)
    card.fill(QColor("#ffffff"))
    p = QPainter(card)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QColor("#dfe6e2"))
    p.drawRect(card.rect().adjusted(0, 0, -1, -1))
    p.drawPixmap(24, 30, svg_pixmap("icons/wadesk.svg", 56))
    font = QFont(p.font())
    font.setPixelSize(18)
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("#15241c"))
    p.drawText(QRect(100, 28, 340, 28), Qt.AlignmentFlag.AlignLeft, title)
    font.setPixelSize(13)
    font.setBold(False)
    p.setFont(font)
    p.setPen(QColor("#4d5c55"))
    p.drawText(QRect(100, 62, 340, 70), Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, text)
    p.end()
    return card


def show_update_splash(app: QApplication) -> QSplashScreen:
    splash = QSplashScreen(_card(
        "Updating your shop database…",
        "This new version of WaDesk needs a small change to your data. A copy is saved in the "
        "backups folder first. With many customers this can take a minute."))
    splash.show()
    app.processEvents()
    return splash
