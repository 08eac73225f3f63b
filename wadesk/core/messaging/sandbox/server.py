"""A real HTTP server on 127.0.0.1 that behaves like the WhatsApp Cloud API.

The app's sandbox mode and the test suite both use it: same endpoints, JSON, error bodies and
paging as Meta (reference: ../shared/reference/whatsapp-cloud-api.md). Extra, sandbox-only:
  GET /_sandbox/events[?everything=1]  drain pending webhook payloads (statuses and replies)
  GET /_sandbox/sent                   what was accepted
Media uploads (`POST /{PHONE_NUMBER_ID}/media`) are checked and remembered in `server.media`.
and Python-side fault injection (`server.faults.append(Fault.server_error())`).
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from wadesk.core.logging_setup import scrub_logger
from wadesk.core.messaging.sandbox.catalog import sandbox_templates
from wadesk.core.messaging.sandbox.events import EventScheduler
from wadesk.core.messaging.sandbox.faults import Fault
from wadesk.core.messaging.sandbox.media import accept_upload, parse_form
from wadesk.core.messaging.sandbox.validate import MetaError, check_phone, validate_template_send
from wadesk.core.messaging.template_spec import STOP_PAYLOAD, is_stop_button

log = logging.getLogger(__name__)
scrub_logger(__name__)  # request lines may carry /debug_token's input_token

SANDBOX_TOKEN = "sandbox-token-not-a-secret"
SANDBOX_PHONE_NUMBER_ID = "109876543210001"
SANDBOX_WABA_ID = "209876543210001"
SANDBOX_APP_SECRET = "sandbox-app-secret"
_GRAPH = re.compile(r"^/(v\d+\.\d+)/([^/]+)(?:/([a-z_]+))?/?$")


class SandboxServer:
    def __init__(self, *, token: str = SANDBOX_TOKEN, phone_number_id: str = SANDBOX_PHONE_NUMBER_ID,
                 waba_id: str = SANDBOX_WABA_ID, app_secret: str = SANDBOX_APP_SECRET, page_size: int = 5,
                 clock: Callable[[], float] = time.time, templates: list[dict[str, Any]] | None = None,
                 throughput: str = "STANDARD", tier: str = "TIER_2K", quality: str = "GREEN",
                 state_path: Path | None = None):
        self.token, self.phone_number_id, self.waba_id = token, phone_number_id, waba_id
        self.app_secret, self.page_size, self.clock = app_secret, page_size, clock
        self.templates = templates if templates is not None else sandbox_templates()
        self.token_expires_at = 0  # epoch seconds /debug_token reports; 0 = never (a System User token)
        self.phone_info = {"id": phone_number_id, "display_phone_number": "+91 98765 00000",
                           "verified_name": "Sandbox Shop", "quality_rating": quality,
                           "throughput": {"level": throughput}, "whatsapp_business_manager_messaging_limit": tier}
        self.events = EventScheduler(waba_id=waba_id, phone_number_id=phone_number_id,
                                     display_phone=self.phone_info["display_phone_number"], clock=clock)
        # Pending webhook events are loaded on start and saved on stop when a path is given.
        self.state_path = state_path
        self.faults: list[Fault] = []
        self.requests: list[dict[str, Any]] = []  # every request (never its Authorization header)
        self.sent: list[dict[str, Any]] = []  # accepted messages
        self.open_windows: set[str] = set()  # wa_ids that wrote in (free text allowed)
        self.media: dict[str, dict[str, Any]] = {}  # uploaded media id -> summary (no bytes)
        self.lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> "SandboxServer":
        if self.state_path:
            self.events.load(self.state_path)
        handler = type("Handler", (_Handler,), {"sandbox": self})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="wadesk-sandbox",
                                        daemon=True)  # short poll: a quick stop()
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
            if self.state_path:
                self.events.save(self.state_path)

    def __enter__(self) -> "SandboxServer":
        return self.start() if self._httpd is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if not self._httpd:
            raise RuntimeError("the sandbox server is not running")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    # ---- test helpers ----------------------------------------------------------------------
    def set_template_status(self, name: str, language: str, status: str) -> None:
        for t in self.templates:
            if t["name"] == name and t["language"] == language:
                t["status"] = status

    def remove_template(self, name: str, language: str) -> None:
        self.templates[:] = [t for t in self.templates if (t["name"], t["language"]) != (name, language)]

    def drain_events(self, until: float | None = None, *, everything: bool = False) -> list[dict[str, Any]]:
        return self.events.drain(until, everything=everything)

    def requests_to(self, fragment: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if fragment in r["path"]]

    # ---- request handling (called from handler threads) -------------------------------------
    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for f in self.faults:
                if f.count > 0 and f.path in path and (f.method in (None, method)):
                    if f.after > 0:
                        f.after -= 1
                        continue
                    f.count -= 1
                    return f
        return None

    def handle(self, method: str, path: str, query: dict[str, str], auth: str | None,
               body: Any) -> tuple[int, dict[str, Any]]:
        with self.lock:
            shown = {k: ("***" if k == "input_token" else v) for k, v in query.items()}  # a token is a secret
            self.requests.append({"method": method, "path": path, "query": shown, "body": body,
                                  "authorized": auth == f"Bearer {self.token}", "at": self.clock()})
        if path.startswith("/_sandbox/"):
            return self._sandbox_endpoint(path, query)
        fault = self._take_fault(method, path)
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.http_status:
            return fault.http_status, MetaError(fault.code or 1, fault.message, subcode=fault.subcode,
                                                http_status=fault.http_status).body(_trace())
        try:
            return 200, self._graph(method, path, query, auth, body)
        except MetaError as e:
            return e.http_status, e.body(_trace())

    def _sandbox_endpoint(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if path == "/_sandbox/events":
            return 200, {"events": self.drain_events(everything=query.get("everything") == "1")}
        if path == "/_sandbox/sent":
            with self.lock:
                return 200, {"sent": list(self.sent)}
        return 404, {"error": {"message": "Unknown sandbox endpoint", "code": 100}}

    def _graph(self, method: str, path: str, query: dict[str, str], auth: str | None, body: Any) -> dict[str, Any]:
        if not auth or not auth.startswith("Bearer "):
            raise MetaError(190, "An active access token must be used to query information about the current user.",
                            http_status=401)
        if auth != f"Bearer {self.token}":
            raise MetaError(190, "Invalid OAuth access token - Cannot parse access token", http_status=401)
        m = _GRAPH.match(path)
        obj, edge = (m.group(2), m.group(3)) if m else ("", None)
        if method == "GET" and obj == "debug_token" and edge is None:
            valid = query.get("input_token") == self.token
            return {"data": {"type": "SYSTEM_USER", "application": "Sandbox", "is_valid": valid,
                             "expires_at": self.token_expires_at if valid else 0, "scopes": [
                                 "whatsapp_business_messaging", "whatsapp_business_management"]}}
        known = {self.phone_number_id: (None, "messages", "marketing_messages", "media"),
                 self.waba_id: ("message_templates",)}
        if not m or obj not in known or edge not in known[obj]:
            raise MetaError(100, f"Unsupported {method.lower()} request. Object with ID '{obj}' does not exist, "
                                 "cannot be loaded due to missing permissions, or does not support this operation",
                            subcode=33)
        if method == "GET" and edge is None:
            fields = [f for f in query.get("fields", "").split(",") if f]
            return {k: v for k, v in self.phone_info.items() if not fields or k in fields or k == "id"}
        if method == "GET" and edge == "message_templates":
            return self._templates_page(path, query)
        if method == "POST" and edge in ("messages", "marketing_messages"):
            return self._send(body if isinstance(body, dict) else {})
        if method == "POST" and edge == "media":
            upload = accept_upload(body)
            with self.lock:
                self.media[upload["id"]] = upload
            return {"id": upload["id"]}
        raise MetaError(100, "Unsupported request method", http_status=400)

    def _templates_page(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        limit = min(int(query.get("limit") or 25), self.page_size)
        start = int(query.get("after") or 0)
        with self.lock:
            page = [dict(t) for t in self.templates[start:start + limit]]
            more = start + limit < len(self.templates)
        out: dict[str, Any] = {"data": page, "paging": {"cursors": {"before": str(start),
                                                                     "after": str(start + len(page))}}}
        if more:
            q = {k: v for k, v in query.items() if k != "after"} | {"after": str(start + limit)}
            out["paging"]["next"] = f"{self.url}{path}?{urlencode(q)}"
        return out

    def _send(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("messaging_product") != "whatsapp":
            raise MetaError(100, "Invalid parameter", "The parameter messaging_product is required.")
        wa_id = check_phone(body.get("to"))
        if body.get("type") == "text":
            if wa_id not in self.open_windows:
                raise MetaError(131047, "Re-engagement message",
                                "More than 24 hours have passed since the recipient last replied.")
            template = {"category": "SERVICE", "components": []}
        elif body.get("type") == "template":
            with self.lock:
                templates = [dict(t) for t in self.templates]
            template = validate_template_send(body, templates)
        else:
            raise MetaError(100, "Invalid parameter", f"Unsupported message type {body.get('type')!r}")
        if wa_id.endswith("00"):
            raise MetaError(131026, "Message undeliverable", "The recipient is not a valid WhatsApp user.")
        wamid = f"wamid.SANDBOX{uuid.uuid4().hex.upper()}"
        with self.lock:
            self.sent.append({"wamid": wamid, "to": body.get("to"), "wa_id": wa_id, "payload": body})
        self.events.message_accepted(wamid=wamid, wa_id=wa_id, category=template.get("category", "MARKETING"),
                                     callback=body.get("biz_opaque_callback_data"),
                                     quick_replies=_quick_replies(template, body))
        return {"messaging_product": "whatsapp", "contacts": [{"input": str(body.get("to")), "wa_id": wa_id}],
                "messages": [{"id": wamid, "message_status": "accepted"}]}


def _quick_replies(template: dict[str, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    payloads = {c.get("index"): (c.get("parameters") or [{}])[0].get("payload")
                for c in (body.get("template") or {}).get("components") or [] if c.get("sub_type") == "quick_reply"}
    out = []
    for comp in template.get("components", []):
        for i, b in enumerate(comp.get("buttons", []) if comp.get("type") == "BUTTONS" else []):
            if b["type"] == "QUICK_REPLY":
                stop = is_stop_button(b.get("text")) or payloads.get(str(i)) == STOP_PAYLOAD
                out.append({"text": b.get("text", ""), "payload": payloads.get(str(i)), "stop": stop})
    return out


def _trace() -> str:
    return "A" + uuid.uuid4().hex[:22]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the send engine opens dozens of connections at once, like Meta expects


class _Handler(BaseHTTPRequestHandler):
    sandbox: SandboxServer
    protocol_version = "HTTP/1.1"  # keep-alive, so the client's connection pool is exercised
    disable_nagle_algorithm = True  # else headers and body in two writes cost ~40 ms (delayed ACK)

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = None
        if raw and "json" in (self.headers.get("Content-Type") or ""):
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        elif raw:
            body = parse_form(self.headers.get("Content-Type") or "", raw)
        status, out = self.sandbox.handle(method, parts.path, query, self.headers.get("Authorization"), body)
        data = json.dumps(out, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (an injected timeout): Meta's side still happened

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def log_message(self, fmt: str, *args: Any) -> None:
        log.debug("sandbox: " + fmt, *args)  # request lines only; headers (the token) never logged
