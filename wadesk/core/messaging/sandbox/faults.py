"""Failures the sandbox can be told to produce, for tests and for trying the app's error paths."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Fault:
    """An injected failure for the next `count` matching requests (path substring, method)."""

    http_status: int = 500
    code: int | None = None
    message: str = "An unexpected error has occurred. Please retry your request later."
    path: str = ""
    method: str | None = None
    count: int = 1
    delay: float = 0.0  # sleep first; with http_status 0 the request is then processed normally
    subcode: int | None = None
    after: int = 0  # let this many matching requests through first ("the token expires mid-campaign")

    @classmethod
    def server_error(cls, count: int = 1, path: str = "") -> "Fault":
        return cls(500, 2, "Service temporarily unavailable", path, count=count)

    @classmethod
    def throughput(cls, count: int = 1, path: str = "messages") -> "Fault":
        return cls(429, 130429, "Rate limit hit", path, "POST", count)

    @classmethod
    def timeout(cls, seconds: float, count: int = 1, path: str = "") -> "Fault":
        return cls(0, None, "", path, count=count, delay=seconds)

    @classmethod
    def token_expired(cls, count: int = 1) -> "Fault":
        return cls(401, 190, "Error validating access token: Session has expired on Friday, 27-Nov-26.",
                   count=count, subcode=463)

    @classmethod
    def error(cls, code: int, http_status: int = 400, message: str = "Error", count: int = 1,
              path: str = "") -> "Fault":
        return cls(http_status, code, message, path, count=count)
