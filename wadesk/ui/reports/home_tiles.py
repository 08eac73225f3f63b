"""The Home page's WhatsApp row: reachable customers, opt-ins this month, revenue from WhatsApp and the
extra revenue the holdout proves (last 30 days), the next scheduled sends, and warnings
(`core.reports.dashboard`). Added to Home as one widget; it loads and refreshes itself."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from wadesk.core.jobs import JobContext
from wadesk.core.reports.dashboard import Dashboard, read_dashboard
from wadesk.ui import events
from wadesk.ui.numbers import group_indian, rupees

TILES = (("reachable", "Customers you can message on WhatsApp"), ("opt_ins", "Opted in this month"),
         ("revenue", "Sales from WhatsApp, last 30 days"), ("incremental", "Extra sales the holdout proves"))


class WhatsAppDashboard(QWidget):
    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.setObjectName("whatsappDashboard")
        self.dashboard: Dashboard | None = None
        self._loading = self._stale = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.numbers: dict[str, QLabel] = {}
        for col, (key, label) in enumerate(TILES):
            frame = QFrame(objectName="card")
            inside = QVBoxLayout(frame)
            inside.setContentsMargins(18, 14, 18, 14)
            self.numbers[key] = QLabel("…", objectName="cardNumber")
            inside.addWidget(self.numbers[key])
            words = QLabel(label, objectName="cardLabel")
            words.setWordWrap(True)
            inside.addWidget(words)
            grid.addWidget(frame, 0, col)
        layout.addLayout(grid)
        self.next_sends = QLabel(objectName="nextSends")
        self.next_sends.setWordWrap(True)
        layout.addWidget(self.next_sends)
        self.warnings = QLabel(objectName="dashboardWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        self.warnings.setStyleSheet("background: #fff6dd; border: 1px solid #f0c95c; border-radius: 8px; "
                                    "padding: 8px 12px; color: #6b5316;")
        self.warnings.hide()
        layout.addWidget(self.warnings)
        go = QPushButton("See reports", objectName="go_reports")
        go.clicked.connect(lambda: services.bus.request_page("reports"))
        layout.addWidget(go, 0, Qt.AlignmentFlag.AlignLeft)
        services.bus.changed.connect(self._on_data_changed)
        self.refresh()

    def refresh(self) -> None:
        if self._loading:
            self._stale = True
            return
        self._loading, self._stale = True, False
        now = self.services.clock.now()

        def read(session, _ctx: JobContext) -> Dashboard:
            return read_dashboard(session, now)

        job = self.services.jobs.run_in_session(read, title="Adding up WhatsApp results", parent=self,
                                                on_result=self._show, progress_dialog=False, show_errors=False)
        job.finished.connect(self._loaded)

    def _loaded(self) -> None:
        self._loading = False
        if self._stale:
            self.refresh()

    def _on_data_changed(self, what: frozenset[str]) -> None:
        if events.touches(what, events.CUSTOMERS, events.ORDERS, events.CAMPAIGNS, events.TEMPLATES,
                          events.SETTINGS):
            self.refresh()

    def _show(self, d: Dashboard) -> None:
        self.dashboard = d
        self.numbers["reachable"].setText(group_indian(d.reachable))
        self.numbers["opt_ins"].setText(group_indian(d.opt_ins_this_month))
        self.numbers["revenue"].setText(rupees(d.whatsapp_revenue))
        self.numbers["incremental"].setText(rupees(d.incremental_revenue) if d.uplift_campaigns else "not yet")
        self.numbers["incremental"].setToolTip(
            f"Added up over {d.uplift_campaigns} campaign(s) whose holdout gives enough data" if d.uplift_campaigns
            else "No campaign of the last 30 days has a big enough holdout to say yet")
        self.numbers["revenue"].setToolTip("Orders credited to real campaigns; sandbox practice sends never count")
        if d.next_sends:
            sends = "; ".join(f"{n.name} at {n.at:%d %b %H:%M} UTC" for n in d.next_sends)
            self.next_sends.setText(f"<b>Next sends:</b> {sends}")
        else:
            self.next_sends.setText("No campaign is scheduled.")
        self.warnings.setVisible(bool(d.warnings))
        self.warnings.setText("<b>Needs your attention</b><br>" + "<br>".join(f"• {_escape(w)}" for w in d.warnings))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
