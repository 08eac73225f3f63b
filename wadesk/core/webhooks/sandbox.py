"""The sandbox's simulated statuses and replies through the same ingestion as real webhooks.

    result = drain_sandbox(db, server)                    # events due by the sandbox's clock
    result = drain_sandbox(db, server, everything=True)   # all of them, due or not (tests, demos)
"""
from __future__ import annotations

from typing import Any

from wadesk.core.clock import Clock
from wadesk.core.webhooks.ingest import IngestResult, ingest_batch


def drain_sandbox(db: Any, server: Any, *, until: float | None = None, everything: bool = False,
                  clock: Clock | None = None) -> IngestResult:
    """Take the sandbox's due webhook payloads (`SandboxServer.drain_events`) and ingest them in one
    transaction. If the ingestion fails they are lost from the simulator, like a webhook Meta gave
    up on; real webhooks never depend on this."""
    payloads = server.drain_events(until, everything=everything)
    if not payloads:
        return IngestResult()
    return ingest_batch(db, payloads, source="sandbox", clock=clock)
