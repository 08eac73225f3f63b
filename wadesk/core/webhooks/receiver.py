"""The local webhook receiver: a small HTTP server Meta reaches through the owner's tunnel.

    GET  ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C  -> 200 C when T is the verify token, else 403
    POST (a webhook payload) with X-Hub-Signature-256: sha256=<HMAC of the raw body with the app secret>
         bad or missing signature -> 403, body over the limit -> 413, not JSON -> 400, else 200 at once

Fast and durable: an accepted body is written to the inbox folder (fsync, then an atomic rename)
before the 200 goes out, and a worker thread ingests inbox files in batches in their own
transactions, deleting each file only after its batch committed. So Meta gets its answer in
milliseconds even while the app holds the database for a long import, and a crash or a locked
database loses nothing: files left in the inbox are ingested at the next start (duplicates from a
crash between commit and delete are recognised by the dedupe keys).
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.exc import OperationalError

from wadesk.core.clock import Clock
from wadesk.core.webhooks.ingest import IngestResult, ingest_batch

log = logging.getLogger(__name__)

MAX_BODY = 4 * 1024 * 1024  # Meta batches up to 1,000 events: well under 1 MiB
READ_TIMEOUT_S = 10.0  # a client that stops sending mid-body is dropped
FILES_PER_BATCH = 50


def signature_ok(body: bytes, header: str | None, app_secret: str) -> bool:
    """X-Hub-Signature-256 is 'sha256=' + hex HMAC-SHA256 of the raw body; compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header[len("sha256="):].strip().lower().encode())


class Inbox:
    """Accepted webhook bodies waiting for ingestion: one file each, oldest first by name."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.parked = self.folder / "unreadable"
        self._seq = itertools.count()
        self._lock = threading.Lock()

    def put(self, body: bytes) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            name = f"{time.time_ns():020d}-{os.getpid()}-{next(self._seq):06d}.json"
        tmp = self.folder / (name + ".part")
        with open(tmp, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        final = self.folder / name
        os.replace(tmp, final)
        return final

    def pending(self, limit: int | None = None) -> list[Path]:
        if not self.folder.is_dir():
            return []
        files = sorted(self.folder.glob("*.json"))
        return files[:limit] if limit else files

    def park(self, path: Path) -> None:
        """Keep a file WaDesk cannot read aside (for a person to look at) instead of retrying forever."""
        self.parked.mkdir(parents=True, exist_ok=True)
        os.replace(path, self.parked / path.name)


@dataclass
class ReceiverStats:
    accepted: int = 0  # POSTs answered 200
    forged: int = 0  # bad or missing signature (403)
    too_large: int = 0  # 413
    not_json: int = 0  # 400
    verified: int = 0  # successful verification handshakes
    batches: int = 0  # ingestion transactions committed
    totals: IngestResult = field(default_factory=IngestResult)
    last_error: str | None = None
    last_at: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "forged": self.forged, "too_large": self.too_large,
                "not_json": self.not_json, "verified": self.verified, "batches": self.batches,
                **self.totals.as_json()}


class WebhookReceiver:
    def __init__(self, db: Any, *, app_secret: str, verify_token: str, inbox: Path, host: str = "127.0.0.1",
                 port: int = 0, max_body: int = MAX_BODY, clock: Clock | None = None,
                 on_ingested: Callable[[IngestResult], None] | None = None, retry_s: float = 2.0):
        if not app_secret:
            raise ValueError("the receiver needs the app secret to check signatures")
        self.db, self.host, self.port, self.max_body = db, host, port, max_body
        self._secret, self.verify_token = app_secret, verify_token
        self.inbox, self.clock, self.on_ingested, self.retry_s = Inbox(inbox), clock, on_ingested, retry_s
        self.stats = ReceiverStats()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._busy = False

    def __repr__(self) -> str:  # never the secret, even in a traceback
        return f"WebhookReceiver({self.host}:{self.port})"

    # ---- lifecycle ---------------------------------------------------------------------------
    def start(self) -> "WebhookReceiver":
        handler = type("Handler", (_Handler,), {"receiver": self, "timeout": READ_TIMEOUT_S})
        try:
            self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        except OSError as exc:
            raise OSError(f"WaDesk could not listen on port {self.port} ({exc.strerror or exc}); "
                          "another program may be using it — choose another port.") from None
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._stopping.clear()
        self._threads = [threading.Thread(target=self._httpd.serve_forever, args=(0.1,), daemon=True,
                                          name="wadesk-webhooks-http"),
                         threading.Thread(target=self._work, daemon=True, name="wadesk-webhooks-ingest")]
        for t in self._threads:
            t.start()
        self._wake.set()  # files left from last time are ingested first
        return self

    def stop(self) -> None:
        """Stop listening, let the worker finish the batch in hand (and anything already accepted)."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd = None
        self._stopping.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout=30)
        self._threads = []

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def __enter__(self) -> "WebhookReceiver":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once the inbox is empty (tests, and `serve` before it exits)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.inbox.pending(1) and not self._busy:
                return True
            time.sleep(0.02)
        return False

    # ---- the worker ---------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            self._wake.wait(timeout=1.0)
            self._wake.clear()
            while True:
                files = self.inbox.pending(FILES_PER_BATCH)
                if not files:
                    break
                self._busy = True
                try:
                    ok = self._ingest(files)
                finally:
                    self._busy = False
                if not ok:  # database busy: try again a little later (the files are safe)
                    if self._stopping.wait(self.retry_s):
                        return
            if self._stopping.is_set():
                return

    def _ingest(self, files: list[Path]) -> bool:
        payloads, used = [], []
        for path in files:
            try:
                payloads.append(json.loads(path.read_bytes()))
                used.append(path)
            except ValueError:
                self.inbox.park(path)
            except OSError:
                continue
        try:
            result = ingest_batch(self.db, payloads, source="receiver", clock=self.clock)
        except OperationalError as exc:  # locked by a long job; the inbox keeps the files
            self.stats.last_error = "The database was busy; statuses will be stored in a moment."
            log.warning("webhook ingestion postponed: %s", exc.__class__.__name__)
            return False
        except Exception:  # a bug: keep the files for a later version rather than losing them
            log.exception("webhook ingestion failed; %d file(s) set aside", len(used))
            self.stats.last_error = "Some statuses could not be stored (details in the log)."
            for path in used:
                self.inbox.park(path)
            return True
        for path in used:
            path.unlink(missing_ok=True)
        self.stats.batches += 1
        self.stats.totals.add(result)
        self.stats.last_error = None
        if self.on_ingested:
            try:
                self.on_ingested(result)
            except Exception:  # the listener's problem must not stop ingestion
                log.exception("on_ingested callback failed")
        return True

    # ---- called by the HTTP handler threads --------------------------------------------------
    def verify(self, query: dict[str, str]) -> tuple[int, bytes]:
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and self.verify_token and hmac.compare_digest(
                token.encode(), self.verify_token.encode()):
            self.stats.verified += 1
            return 200, query.get("hub.challenge", "").encode()
        return 403, b"Forbidden"

    def accept(self, body: bytes, signature: str | None) -> tuple[int, bytes]:
        if not signature_ok(body, signature, self._secret):
            self.stats.forged += 1
            return 403, b"Forbidden"
        try:
            json.loads(body)
        except ValueError:
            self.stats.not_json += 1
            return 400, b"Not JSON"
        try:
            self.inbox.put(body)
        except OSError:
            log.exception("webhook inbox write failed")
            return 500, b"Try again"  # Meta retries for days
        self.stats.accepted += 1
        self.stats.last_at = time.time()
        self._wake.set()
        return 200, b"EVENT_RECEIVED"


class _Handler(BaseHTTPRequestHandler):
    receiver: WebhookReceiver
    protocol_version = "HTTP/1.1"
    server_version = "WaDesk"
    sys_version = ""

    def _reply(self, status: int, body: bytes, close: bool = False) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
        self._reply(*self.receiver.verify(query))

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or -1)
        except ValueError:
            length = -1
        if length < 0:
            return self._reply(411, b"Length required", close=True)
        if length > self.receiver.max_body:
            self.receiver.stats.too_large += 1
            return self._reply(413, b"Too large", close=True)  # not read: the connection is closed
        try:
            body = self.rfile.read(length)
        except (OSError, TimeoutError):
            self.close_connection = True
            return
        if len(body) != length:
            self.close_connection = True
            return
        self._reply(*self.receiver.accept(body, self.headers.get("X-Hub-Signature-256")))

    def log_message(self, fmt: str, *args: Any) -> None:
        log.debug("webhook receiver: " + fmt, *args)  # request lines only, never bodies
