"""Scores follow manual edits: after a customer is added or edited, or tags / consent change, the
profile metrics of just those customers are recomputed (incremental refresh) in a job on the
database lane, then PROFILES is announced so the Segments page and the scores on screen update."""
from __future__ import annotations

from typing import Any, Iterable

from wadesk.ui import events


def refresh_scores(services: Any, customer_ids: Iterable[int], parent: Any = None):
    """-> the job (None when there is nothing to refresh)."""
    ids = sorted({int(i) for i in customer_ids if i is not None})
    if not ids:
        return None
    clock = services.clock

    def work(ctx):
        from wadesk.core.profile import refresh_profiles  # pandas: only when a refresh runs

        return refresh_profiles(ctx.db, ids, clock=clock, cancelled=ctx.cancelled)

    return services.jobs.run(work, title="Updating scores", lane="db", parent=parent, progress_dialog=False,
                      show_errors=False, cancellable=False,
                      on_result=lambda _r: services.bus.notify(events.PROFILES))
