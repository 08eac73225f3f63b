"""The single way WaDesk core talks to Meta's WhatsApp Cloud API.

One pooled `requests.Session`, timeouts on every call, the token only in the Authorization header
(never in a URL, a log line or an exception), errors turned into plain-words exceptions (errors.py).

Retries: only what the reference calls transient (codes 1, 2, 131000, 131016, HTTP 5xx, network
errors), a bounded number of times with exponential backoff, jitter and any Retry-After. Rate limits
are raised, not retried, so the send engine's pacer can slow down. A send whose request went out but
got no answer raises OutcomeUnknown and is never retried: the message may already be accepted.
"""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from wadesk.core.logging_setup import register_secret, scrub_logger
from wadesk.core.messaging.errors import (
    RATE_LIMIT, RETRY, CloudApiError, NetworkError, OutcomeUnknown, error_from_response,
)

log = logging.getLogger(__name__)
scrub_logger("urllib3.connectionpool")  # it logs request URLs at DEBUG

PHONE_FIELDS = ("display_phone_number,verified_name,quality_rating,throughput,"
                "whatsapp_business_manager_messaging_limit")
TEMPLATE_FIELDS = ("id,name,language,status,category,sub_category,parameter_format,components,"
                   "quality_score,rejected_reason")
_THROUGHPUT = {"STANDARD": 80, "HIGH": 1000, "COEXISTENCE": 20}
_TIERS = {"TIER_250": 250, "TIER_2K": 2000, "TIER_10K": 10000, "TIER_100K": 100000, "TIER_UNLIMITED": None}
# Seconds to suggest when Meta rate-limits without a Retry-After header.
_RATE_LIMIT_WAIT = {130429: 1.0, 131056: 6.0, 4: 60.0, 80007: 60.0}


@dataclass(frozen=True)
class PhoneNumberInfo:
    display_phone_number: str
    verified_name: str
    quality_rating: str  # GREEN, YELLOW, RED, UNKNOWN
    throughput_level: str  # STANDARD, HIGH ...
    messaging_limit_tier: str  # TIER_250, TIER_2K ...

    @property
    def messages_per_second(self) -> int:
        return _THROUGHPUT.get(self.throughput_level, 80)

    @property
    def daily_unique_limit(self) -> int | None:
        """Unique customers per moving 24 h outside the service window; None = unlimited."""
        return _TIERS.get(self.messaging_limit_tier, 250)


@dataclass(frozen=True)
class SendResult:
    wamid: str
    wa_id: str | None
    message_status: str | None  # "accepted" (not delivered!)


def _request_not_sent(exc: requests.RequestException) -> bool:
    """True when the failure happened before the request reached the server (safe to resend)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return type(reason).__name__ in ("NewConnectionError", "ConnectTimeoutError", "NameResolutionError")


class CloudClient:
    def __init__(
        self,
        *,
        access_token: str,
        phone_number_id: str = "",
        waba_id: str = "",
        base_url: str = "https://graph.facebook.com",
        api_version: str = "v25.0",
        timeout: tuple[float, float] = (5.0, 30.0),
        max_retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        pool_size: int = 32,
    ):
        if not access_token:
            raise ValueError("CloudClient needs an access token")
        register_secret(access_token)
        self._token = access_token
        self.phone_number_id, self.waba_id = phone_number_id, waba_id
        self.base_url = base_url.rstrip("/")
        self.api_version = api_version
        self.root = f"{self.base_url}/{api_version}"
        self.timeout, self.max_retries = timeout, max_retries
        self.backoff, self.max_backoff, self._sleep = backoff, max_backoff, sleep
        self.session = requests.Session()
        # Pool big enough for the send engine's concurrent requests; no urllib3-level retries.
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers["Authorization"] = f"Bearer {access_token}"
        self.session.headers["User-Agent"] = "WaDesk/0.1"
        # Shop networks may need the system proxy for Meta (HTTPS: the proxy never sees the token);
        # the loopback sandbox must never be sent through one.
        self.session.trust_env = urlsplit(self.base_url).hostname not in ("127.0.0.1", "localhost", "::1")

    def __repr__(self) -> str:
        return f"CloudClient(base_url={self.base_url!r}, phone_number_id={self.phone_number_id!r})"

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "CloudClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- API ---------------------------------------------------------------------------------
    def get_phone_number_info(self) -> PhoneNumberInfo:
        body = self._call("GET", f"{self.root}/{self._need(self.phone_number_id, 'phone number ID')}",
                          params={"fields": PHONE_FIELDS})
        throughput = body.get("throughput") or {}
        limit = body.get("whatsapp_business_manager_messaging_limit") or ""
        return PhoneNumberInfo(
            display_phone_number=str(body.get("display_phone_number", "")),
            verified_name=str(body.get("verified_name", "")),
            quality_rating=str(body.get("quality_rating", "UNKNOWN")),
            throughput_level=str(throughput.get("level", "STANDARD") if isinstance(throughput, dict) else throughput),
            messaging_limit_tier=str(limit.get("current_limit", "") if isinstance(limit, dict) else limit),
        )

    def token_expires_at(self) -> datetime | None:
        """When the access token stops working (UTC), from Graph's /debug_token; None = it never
        expires (a System User token). Raises CloudApiError when Meta won't say."""
        body = self._call("GET", f"{self.root}/debug_token", params={"input_token": self._token})
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        at = int(data.get("expires_at") or 0)
        return datetime.fromtimestamp(at, timezone.utc).replace(tzinfo=None) if at > 0 else None

    def list_templates(self, page_size: int = 100, max_pages: int = 200) -> list[dict[str, Any]]:
        """Every template of the WhatsApp Business Account, following `paging.next`."""
        url = f"{self.root}/{self._need(self.waba_id, 'WhatsApp Business Account ID')}/message_templates"
        params: dict[str, Any] | None = {"fields": TEMPLATE_FIELDS, "limit": page_size}
        out: list[dict[str, Any]] = []
        for _ in range(max_pages):
            body = self._call("GET", url, params=params)
            out.extend(t for t in body.get("data", []) if isinstance(t, dict))
            nxt = (body.get("paging") or {}).get("next")
            if not nxt:
                return out
            self._check_same_server(nxt)
            url, params = nxt, None  # `next` already carries fields, limit and the cursor
        raise CloudApiError("Meta kept returning more pages of templates than WaDesk expects; sync stopped.")

    def send_template(self, payload: dict[str, Any], *, endpoint: str = "messages") -> SendResult:
        """POST a rendered message. `endpoint` is "messages" or "marketing_messages" (per category)."""
        if endpoint not in ("messages", "marketing_messages"):
            raise ValueError(f"unknown send endpoint {endpoint!r}")
        url = f"{self.root}/{self._need(self.phone_number_id, 'phone number ID')}/{endpoint}"
        body = self._call("POST", url, json=payload, resend_safe=False)
        try:
            msg = body["messages"][0]
            contact = (body.get("contacts") or [{}])[0]
            return SendResult(str(msg["id"]), contact.get("wa_id"), msg.get("message_status"))
        except (KeyError, IndexError, TypeError):
            raise OutcomeUnknown("Meta answered the send without a message id; it may or may not go out.") from None

    def upload_media(self, data: bytes, mime_type: str, filename: str = "file") -> str:
        """Upload a header image/video/document; returns the media id to use instead of a link."""
        url = f"{self.root}/{self._need(self.phone_number_id, 'phone number ID')}/media"
        body = self._call("POST", url, data={"messaging_product": "whatsapp", "type": mime_type},
                          files={"file": (filename, data, mime_type)})
        if not body.get("id"):
            raise CloudApiError("Meta accepted the upload but returned no media id.")
        return str(body["id"])

    # ---- plumbing ------------------------------------------------------------------------------
    @staticmethod
    def _need(value: str, what: str) -> str:
        if not value:
            raise CloudApiError(f"The {what} is not set. Add it in Settings → WhatsApp.")
        return value

    def _check_same_server(self, url: str) -> None:
        # The token is sent with every request: never follow a link to another server.
        a, b = urlsplit(url), urlsplit(self.base_url)
        if (a.scheme, a.netloc) != (b.scheme, b.netloc):
            raise CloudApiError("Meta's paging link pointed to another server; WaDesk did not follow it.")

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        delay = min(self.max_backoff, self.backoff * (2 ** attempt)) * (0.5 + random.random() / 2)
        return max(delay, min(retry_after or 0.0, self.max_backoff))

    def _call(self, method: str, url: str, *, resend_safe: bool = True, **kw: Any) -> dict[str, Any]:
        path = urlsplit(url).path
        attempt = 0
        while True:
            try:
                resp = self.session.request(method, url, timeout=self.timeout, **kw)
            except requests.RequestException as exc:
                if not (resend_safe or _request_not_sent(exc)):
                    log.warning("%s %s: no answer (%s); outcome unknown", method, path, type(exc).__name__)
                    raise OutcomeUnknown(
                        "The request reached Meta but no answer came back in time; it may have been "
                        "accepted, so WaDesk will not resend it automatically.") from None
                err: CloudApiError = NetworkError(
                    "Could not reach WhatsApp's servers. Check the internet connection "
                    f"({type(exc).__name__}).", action=RETRY)
            else:
                body = self._json(resp)
                if resp.status_code < 400 and not (isinstance(body, dict) and "error" in body):
                    return body if isinstance(body, dict) else {}
                err = error_from_response(resp.status_code, body, self._retry_after(resp))
                if err.action == RATE_LIMIT and err.retry_after is None:
                    err.retry_after = _RATE_LIMIT_WAIT.get(err.code or 0, 5.0)
                log.warning("%s %s -> HTTP %s, Meta error %s (%s), fbtrace_id %s", method, path,
                            resp.status_code, err.code, err.kind, err.fbtrace_id)
            if err.action != RETRY or attempt >= self.max_retries:
                raise err
            delay = self._delay(attempt, err.retry_after)
            log.info("%s %s: transient error, retry %d/%d in %.2fs", method, path, attempt + 1,
                     self.max_retries, delay)
            self._sleep(delay)
            attempt += 1

    @staticmethod
    def _json(resp: requests.Response) -> Any:
        try:
            return resp.json()
        except ValueError:
            return {}  # an HTML error page from a proxy: classified by HTTP status

    @staticmethod
    def _retry_after(resp: requests.Response) -> float | None:
        try:
            return float(resp.headers.get("Retry-After", ""))
        except ValueError:
            return None
