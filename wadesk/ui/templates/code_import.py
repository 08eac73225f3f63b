""""Import codes…" on the mapping editor: a .txt/.csv of unique discount codes (one per line, or the
first column) into a named pool, in a database job; what was added, skipped or refused, in words."""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, Callable

from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

FILE_FILTER = "Code lists (*.txt *.csv);;All files (*)"


def suggested_pool(path: str) -> str:
    """DIWALI15 from "diwali-15 codes.csv": letters and digits of the file name, upper case."""
    return re.sub(r"[^A-Za-z0-9]+", "", Path(path).stem).upper()[:64]


def result_words(result: Any) -> str:
    words = f"Added {result.added:,} codes to the pool {html.escape(result.pool)}"
    extra = []
    if result.duplicates:
        extra.append(f"{result.duplicates:,} were already there")
    if result.invalid:
        example = html.escape(result.invalid[0][:30])
        extra.append(f"{len(result.invalid):,} lines were not codes (letters, digits, - and _ only), e.g. “{example}”")
    return words + (f" ({'; '.join(extra)})." if extra else ".")


def import_codes_from_file(parent: QWidget, services: Any, on_done: Callable[[str, bool], None]) -> None:
    """Ask for the file and the pool name, import in a job; `on_done(words, error)` at the end."""
    path, _chosen = QFileDialog.getOpenFileName(parent, "Import discount codes", "", FILE_FILTER)
    if not path:
        return
    pool, ok = QInputDialog.getText(parent, "Name the code pool",
                                    "Each customer gets one code from this pool. Its name (e.g. DIWALI15):",
                                    text=suggested_pool(path))
    if not ok:
        return
    now = services.clock.now()

    def work(session: Any, _ctx: Any) -> Any:
        from wadesk.core.messaging.discount_codes import import_codes, read_codes_file

        try:
            codes = read_codes_file(path)
        except OSError as exc:
            raise ValueError(f"Could not read {Path(path).name}: {exc.strerror or exc}") from None
        if not codes:
            raise ValueError(f"{Path(path).name} has no codes in it.")
        return import_codes(session, pool, codes, now)

    services.jobs.run_in_session(work, title="Importing discount codes", parent=parent, show_errors=False,
                                 on_result=lambda r: on_done(result_words(r), False),
                                 on_error=lambda m: on_done(m, True))
