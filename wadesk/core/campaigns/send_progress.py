"""What a send run reports while it goes and when it ends, and how the owner stops it: the types
the sending screen, `wadesk campaign send` and the automation runner share with the send engine."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class SendProgress:
    """What the sending screen and `campaign send` show while a campaign runs."""

    state: str
    total: int = 0  # recipients to send (holdout excluded)
    accepted: int = 0
    failed: int = 0
    deferred: int = 0
    unknown: int = 0
    cancelled: int = 0
    skipped: int = 0
    remaining: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # plain reason -> n
    rate: float = 0.0  # accepted per second, recent
    target_rate: float = 0.0
    eta_s: float | None = None
    next_due: datetime | None = None  # aware UTC: when waiting rows may go
    stop_reason: str | None = None

    @property
    def done(self) -> int:
        return self.accepted + self.failed + self.skipped + self.cancelled + self.unknown


@dataclass
class RunOutcome:
    state: str  # done | paused | stopped | waiting | cancelled
    progress: SendProgress
    stop_reason: str | None = None
    next_due: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        p = self.progress
        return {"state": self.state, "accepted": p.accepted, "failed": p.failed, "deferred": p.deferred,
                "unknown": p.unknown, "skipped": p.skipped, "cancelled": p.cancelled, "remaining": p.remaining,
                "stop_reason": self.stop_reason,
                "next_due": self.next_due.isoformat() if self.next_due else None}


class SendControl:
    """Pause / cancel from another thread (the UI's buttons, Ctrl+C in the CLI)."""

    def __init__(self) -> None:
        self.pause = threading.Event()
        self.cancel = threading.Event()

    def request_pause(self) -> None:
        self.pause.set()

    def request_cancel(self) -> None:
        self.cancel.set()


__all__ = ["RunOutcome", "SendControl", "SendProgress"]
