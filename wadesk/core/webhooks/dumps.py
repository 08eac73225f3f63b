"""Webhook dumps from a relay or a log, read into payloads for `ingest`.

Accepted: a JSON array of payloads, JSON lines (one payload per line), a single payload, and relay
exports that wrap each payload ({"payload": {...}}, {"body": "<json text>"}, {"data": {...}},
{"request": {"body": ...}}) or list them ({"events": [...]}, {"items": [...]}, {"records": [...]}).
A line or item that is not a payload is passed on as is: `ingest` counts it as rejected.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

_WRAPPERS = ("payload", "body", "data", "json", "request_body", "request", "message")
_LISTS = ("events", "items", "records", "webhooks", "data", "entries")
_NOT_JSON = object()


class DumpError(ValueError):
    """The file cannot be read as webhook payloads; said in plain words."""


def unwrap(item: Any, depth: int = 0) -> Iterator[Any]:
    """The webhook payloads inside one item of a dump."""
    if depth > 4:
        yield item
        return
    if isinstance(item, list):
        for x in item:
            yield from unwrap(x, depth + 1)
        return
    if isinstance(item, str):
        try:
            inner = json.loads(item)
        except ValueError:
            yield item
            return
        yield from unwrap(inner, depth + 1)
        return
    if not isinstance(item, dict) or "entry" in item:
        yield item
        return
    for key in _LISTS:
        if isinstance(item.get(key), list):
            yield from unwrap(item[key], depth + 1)
            return
    for key in _WRAPPERS:
        if isinstance(item.get(key), (dict, str)):
            yield from unwrap(item[key], depth + 1)
            return
    yield item


def _json_lines(text: str) -> list[Any]:
    values: list[Any] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            values.append(json.loads(line))
        except ValueError:
            values.append(_NOT_JSON)
    return values


def read_dump(path: Path | str) -> list[Any]:
    """Every payload in the file (bad lines as placeholders `ingest` rejects). Raises DumpError."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DumpError(f"There is no file {path}.") from None
    except OSError as exc:
        raise DumpError(f"WaDesk could not read {path.name} ({exc.strerror or exc}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DumpError(f"{path.name} is not a text file of webhook payloads (JSON or JSON lines).") from None
    if not text.strip():
        raise DumpError(f"{path.name} is empty.")
    try:
        values: list[Any] = [json.loads(text)]
    except ValueError:
        values = _json_lines(text)
    payloads = [p for v in values for p in ([v] if v is _NOT_JSON else unwrap(v))]
    if not any(isinstance(p, dict) and "entry" in p for p in payloads):
        raise DumpError(f"{path.name} holds no WhatsApp webhook payloads: expected a JSON array, JSON lines or "
                        "one payload like Meta sends (with \"entry\").")
    return [None if p is _NOT_JSON else p for p in payloads]
