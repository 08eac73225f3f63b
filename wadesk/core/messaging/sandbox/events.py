"""What happens to a sandbox message after it is accepted: statuses and replies as webhook payloads.

Outcomes are decided by the recipient's number, so demos and tests are repeatable:
  ends in 00  -> rejected at send time, 131026 (handled by the server, not here)
  ends in 13  -> accepted, then a failed status with 131026 (undeliverable)
  +1 (US) and a marketing template -> failed with 131049 (Meta does not deliver those)
  otherwise   -> sent, delivered; about 60% read; about 8% tap "Stop promotions" (or write STOP),
                 about 7% write a question back.
Events become due a few seconds apart on the sandbox clock and are drained by the app (issue 7's
ingestion) in the exact shape Meta POSTs to a webhook.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

_REPLIES = ("Is this available in size M?", "Price kya hai?", "Thanks! Will order tonight",
            "Do you deliver to Pune?", "COD available?")
_ERROR_TITLES = {131026: "Message undeliverable",
                 131049: "This message was not delivered to maintain healthy ecosystem engagement."}


def sign(body: bytes, app_secret: str) -> str:
    """The X-Hub-Signature-256 header Meta would send with this body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def _bucket(seed: str, salt: str, n: int = 100) -> int:
    return int(hashlib.sha256(f"{salt}:{seed}".encode()).hexdigest()[:8], 16) % n


@dataclass(order=True)
class _Pending:
    due: float
    seq: int
    kind: str = field(compare=False)  # status | message
    item: dict[str, Any] = field(compare=False)


class EventScheduler:
    def __init__(self, *, waba_id: str, phone_number_id: str, display_phone: str, clock: Callable[[], float],
                 delays: tuple[float, float, float, float] = (1.0, 3.0, 20.0, 40.0)):
        self.waba_id, self.phone_number_id, self.display_phone = waba_id, phone_number_id, display_phone
        self.clock, self.delays = clock, delays
        self._pending: list[_Pending] = []
        self._seq = itertools.count()
        self._inbound = itertools.count(1)
        self._lock = threading.Lock()

    def _add(self, at: float, kind: str, item: dict[str, Any]) -> None:
        self._pending.append(_Pending(at, next(self._seq), kind, item))

    def message_accepted(self, *, wamid: str, wa_id: str, category: str, callback: str | None,
                         quick_replies: list[dict[str, Any]]) -> None:
        """Schedule what Meta would report for an accepted message."""
        now = self.clock()
        t_sent, t_deliv, t_read, t_reply = (now + d for d in self.delays)
        pricing = {"billable": True, "pricing_model": "PMP", "category": category.lower(), "type": "regular"}

        def status(name: str, at: float, errors: list[dict[str, Any]] | None = None) -> None:
            st: dict[str, Any] = {"id": wamid, "status": name, "timestamp": str(int(at)), "recipient_id": wa_id}
            if callback:
                st["biz_opaque_callback_data"] = callback
            if name != "failed":
                st["pricing"] = pricing
            if errors:
                st["errors"] = errors
            self._add(at, "status", st)

        def failed(code: int) -> None:
            status("failed", t_deliv, [{"code": code, "title": _ERROR_TITLES[code], "message": _ERROR_TITLES[code],
                                        "error_data": {"details": _ERROR_TITLES[code]}}])

        with self._lock:
            if wa_id.endswith("13"):
                return failed(131026)
            if wa_id.startswith("1") and len(wa_id) == 11 and category.upper() == "MARKETING":
                return failed(131049)
            status("sent", t_sent)
            status("delivered", t_deliv)
            if _bucket(wa_id, "read") < 60:
                status("read", t_read)
            reply = _bucket(wa_id, "reply")
            if reply < 8:
                stop = next((q for q in quick_replies if q.get("stop")), None)
                if stop:
                    self._inbound_msg(t_reply, wa_id, wamid, {"type": "button", "button": {
                        "payload": stop.get("payload") or stop["text"], "text": stop["text"]}})
                else:
                    self._inbound_msg(t_reply, wa_id, wamid, {"type": "text", "text": {"body": "STOP"}})
            elif reply < 15:
                text = _REPLIES[_bucket(wa_id, "text", len(_REPLIES))]
                self._inbound_msg(t_reply, wa_id, wamid, {"type": "text", "text": {"body": text}})

    def _inbound_msg(self, at: float, wa_id: str, context_wamid: str, content: dict[str, Any]) -> None:
        msg = {"from": wa_id, "id": f"wamid.SANDBOXIN{next(self._inbound):08d}", "timestamp": str(int(at)),
               "context": {"from": self.display_phone.lstrip("+").replace(" ", ""), "id": context_wamid}, **content}
        self._add(at, "message", {"message": msg, "contact": {"profile": {"name": "Sandbox customer"},
                                                              "wa_id": wa_id}})

    def save(self, path: Path) -> None:
        """Keep not-yet-drained events across processes (a CLI send, then a later ingestion run)."""
        with self._lock:
            data = [{"due": p.due, "kind": p.kind, "item": p.item} for p in sorted(self._pending)]
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)  # atomic: never a half-written file

    def load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # nothing saved yet (or unreadable): start empty
        with self._lock:
            for d in data:
                self._add(float(d["due"]), str(d["kind"]), dict(d["item"]))

    def pending_count(self) -> int:
        with self._lock:
            return len(self._pending)

    def drain(self, until: float | None = None, *, everything: bool = False, batch: int = 100) -> list[dict[str, Any]]:
        """Webhook payloads for events due by `until` (default: now), oldest first; removed once drained."""
        limit = float("inf") if everything else (self.clock() if until is None else until)
        with self._lock:
            due = sorted(p for p in self._pending if p.due <= limit)
            self._pending = [p for p in self._pending if p.due > limit]
        payloads: list[dict[str, Any]] = []
        statuses = [p.item for p in due if p.kind == "status"]
        for i in range(0, len(statuses), batch):
            payloads.append(self._envelope({"statuses": statuses[i:i + batch]}))
        for p in due:
            if p.kind == "message":
                payloads.append(self._envelope({"contacts": [p.item["contact"]], "messages": [p.item["message"]]}))
        return payloads

    def _envelope(self, value: dict[str, Any]) -> dict[str, Any]:
        value = {"messaging_product": "whatsapp",
                 "metadata": {"display_phone_number": self.display_phone.lstrip("+").replace(" ", ""),
                              "phone_number_id": self.phone_number_id}, **value}
        return {"object": "whatsapp_business_account",
                "entry": [{"id": self.waba_id, "changes": [{"field": "messages", "value": value}]}]}
