"""Logging to a rotating file in the data folder, with secrets scrubbed from every record."""
from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

# Access tokens (Meta's start with EAA), bearer headers and app-secret-like hex strings.
_SECRET_PATTERNS = [
    re.compile(r"EAA[A-Za-z0-9]{20,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-]{16,}"),
    re.compile(r"(?i)((?:access|input)_token=)[^&\s]+"),
    re.compile(r"(?i)(app_?secret['\"=:\s]+)[A-Za-z0-9]{16,}"),
]
_registered_secrets: set[str] = set()


def register_secret(value: str) -> None:
    """Known secret values (from the keychain) are masked wherever they appear in logs."""
    if value and len(value) >= 6:
        _registered_secrets.add(value)


def scrub(text: str) -> str:
    for secret in _registered_secrets:
        text = text.replace(secret, "***")
    for pat in _SECRET_PATTERNS:
        text = pat.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
    return text


class SecretFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        clean = scrub(msg)
        if clean != msg:
            record.msg, record.args = clean, None
        return True


def scrub_logger(name: str) -> None:
    """Scrub secrets from one logger's records before ANY handler sees them (a logger's filters
    run before propagation): for loggers that print URLs, which may carry a token in the query
    (Graph's /debug_token needs it there)."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, SecretFilter) for f in logger.filters):
        logger.addFilter(SecretFilter())


def log_file(logs_dir: Path) -> Path:
    return logs_dir / "wadesk.log"


def setup_logging(logs_dir: Path, level: int = logging.INFO) -> Path:
    logs_dir.mkdir(parents=True, exist_ok=True)
    path = log_file(logs_dir)
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_wadesk", False):
            root.removeHandler(h)
            h.close()
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler._wadesk = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretFilter())
    root.addHandler(handler)
    root.setLevel(level)
    return path
