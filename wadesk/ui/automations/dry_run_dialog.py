"""The dry run: who would get what in the next 24 hours (core's `dry_run`; nothing is written)."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from wadesk.ui.automations.words import shop_time
from wadesk.ui.campaigns.words import n

COLUMNS = ("When", "Customer", "Flow", "Step", "Template")


def dry_run_job(db: Any, engine: Any, clock: Any, hours: float, ctx: Any) -> tuple[list[dict], str]:
    from wadesk.core.automations.runner import dry_run
    from wadesk.core.campaigns.policy import SendPolicy
    from wadesk.core.messaging.account import resolve_mode

    with db.session() as s:
        sandbox, zone = resolve_mode(s).sandbox, SendPolicy.from_settings(s).timezone
    rows = dry_run(db, sandbox=sandbox, hours=hours, engine=engine, clock=clock)
    ctx.check()  # cancelled meanwhile: no table
    return rows, zone


class DryRunDialog(QDialog):
    def __init__(self, rows: list[dict], zone: str, hours: float = 24, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dryRunDialog")
        self.setWindowTitle("WaDesk — Dry run")
        self.resize(820, 520)
        layout = QVBoxLayout(self)
        new = sum(1 for r in rows if r.get("new"))
        people = len({r["customer_id"] for r in rows})
        if rows:
            text = (f"<b>{n(len(rows))} message{'s' if len(rows) != 1 else ''}</b> would go to {n(people)} "
                    f"customer{'s' if people != 1 else ''} in the next {hours:g} hours"
                    + (f" ({n(new)} of them newly match{'es' if new == 1 else ''} an entry segment now)" if new else "") + ".")
        else:
            text = (f"Nobody would get a message in the next {hours:g} hours: no step falls due and nobody newly "
                    "matches a flow that is switched on.")
        summary = QLabel(text + "<br><span style='color:#5b6b63'>Nothing is sent or saved by a dry run. Quiet hours "
                         "and the weekly limit per customer are checked when the message actually goes.</span>",
                         objectName="dryRunSummary")
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.table = QTableWidget(len(rows), len(COLUMNS), objectName="dryRunTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        for i, r in enumerate(rows):
            who = r.get("name") or f"Customer {r['customer_id']}"
            values = (shop_time(r["at"], zone), who + (" (new)" if r.get("new") else ""), r["flow"], str(r["step"]),
                      r.get("template") or "— no template —")
            for j, v in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(v))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setVisible(bool(rows))
        layout.addWidget(self.table, 1)
        if not rows:
            layout.addStretch(1)
            self.resize(640, 180)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
