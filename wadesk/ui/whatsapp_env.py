"""What the WhatsApp pages share: the sandbox (started on first use), errors in words, labels.

    sandbox = SandboxProvider(services.data_dir.root)   # a test passes its own server instead
    server = sandbox()                                   # inside a job: starts the simulator once

Nothing here imports the messaging core at module level, so app start-up does not pay for
`requests` and the simulator; `stop_sandbox_if_started()` runs on quit and is free if unused.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

SANDBOX_TEXT = ("You're in sandbox mode: messages go to a built-in simulator, nothing reaches real "
                "customers.")
QUALITY_WORDS = {"GREEN": ("High", "#1e8e3e"), "YELLOW": ("Medium", "#b06d00"), "RED": ("Low", "#c5221f"),
                 "UNKNOWN": ("Not rated yet", "#5b6b63")}
STATUS_COLOURS = {"APPROVED": "#1e8e3e", "PENDING": "#b06d00", "IN_APPEAL": "#b06d00",
                  "REJECTED": "#c5221f", "PAUSED": "#c5221f", "DISABLED": "#c5221f", "DELETED": "#7b8781"}
THROUGHPUT_WORDS = {"STANDARD": "Standard", "HIGH": "High", "COEXISTENCE": "Shared with the WhatsApp app"}


class UserError(ValueError):
    """Something the owner can fix (Meta said no, keychain locked): shown as is, never a crash report."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Inside a job: Meta and keychain errors become UserError (plain words, no trace in the log)."""
    from wadesk.core.messaging.errors import CloudApiError
    from wadesk.core.messaging.secrets import KeychainError, KeychainUnavailable

    try:
        yield
    except (CloudApiError, KeychainUnavailable, KeychainError) as exc:
        raise UserError(str(exc)) from None


class SandboxProvider:
    """Returns the sandbox server: the one given (tests), else this process's shared simulator,
    started the first time it is needed with its pending events kept in the shop's data folder."""

    def __init__(self, data_root: Path | None = None, server: Any = None):
        self.data_root, self.server = data_root, server

    def __call__(self) -> Any:
        if self.server is not None:
            return self.server
        from wadesk.core.messaging.connection import sandbox_state_path, shared_sandbox

        return shared_sandbox(sandbox_state_path(self.data_root) if self.data_root else None)


def stop_sandbox_if_started() -> None:
    """On quit: stop the shared simulator (saving its pending statuses) if anything started it."""
    connection = sys.modules.get("wadesk.core.messaging.connection")
    if connection is not None:
        connection.stop_shared_sandbox()


def tier_words(tier: str, daily_limit: int | None) -> str:
    if not tier:
        return "Not shown by Meta"
    if daily_limit is None:
        return "Unlimited customers a day"
    return f"{daily_limit:,} customers a day (Meta's {tier})"


def throughput_words(level: str, per_second: int) -> str:
    return f"{THROUGHPUT_WORDS.get(level, level.title())} — up to {per_second:,} messages a second"
