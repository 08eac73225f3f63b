"""Cloud API errors: one table deciding what each code means and what WaDesk does about it.

The same table serves synchronous errors (the client raises them) and errors that arrive later in
status webhooks (`statuses[].errors[]`), so the send engine and reports explain failures alike.
Decisions follow ../shared/reference/whatsapp-cloud-api.md ("Errors" and "Limits").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# What to do. The client itself only ever retries RETRY (transient) errors.
RETRY = "retry"  # transient: retry with backoff, bounded
RATE_LIMIT = "rate_limit"  # back off / lower the rate, then retry
PAIR_LIMIT = "pair_limit"  # this recipient only: retry after 4^n s
DEFER = "defer"  # not within 24 h (per-user marketing cap)
OPT_OUT = "opt_out"  # user stopped marketing: record opt-out, never retry
UNDELIVERABLE = "undeliverable"  # mark the number undeliverable
PERMANENT = "permanent"  # this message can never succeed as is
TEMPLATE = "template"  # template/mapping problem: fix and re-sync
STOP = "stop"  # stop everything until the owner acts

_PERMISSION_HINT = (
    "The token is missing a permission. In Meta Business Settings → System users, give the system "
    "user the WhatsApp account as an asset and generate a token with whatsapp_business_messaging "
    "and whatsapp_business_management."
)
_TOKEN_HINT = (
    "The WhatsApp access token has expired or is not valid. Temporary tokens from the developer page "
    "last 24 hours: in Meta Business Settings → Users → System users, add a system user, assign it "
    "your app and WhatsApp account, and generate a token with expiry 'Never' and the permissions "
    "whatsapp_business_messaging and whatsapp_business_management. Paste it in Settings → WhatsApp."
)

# code -> (kind, action, plain words)
_TABLE: dict[int, tuple[str, str, str]] = {
    0: ("token", STOP, _TOKEN_HINT),
    190: ("token", STOP, _TOKEN_HINT),
    3: ("permission", STOP, _PERMISSION_HINT),
    10: ("permission", STOP, _PERMISSION_HINT),
    131005: ("permission", STOP, _PERMISSION_HINT),
    1: ("transient", RETRY, "Meta had a temporary problem; WaDesk will try again."),
    2: ("transient", RETRY, "Meta's service was briefly unavailable; WaDesk will try again."),
    131000: ("transient", RETRY, "Something went wrong at Meta; WaDesk will try again."),
    131016: ("transient", RETRY, "WhatsApp is overloaded right now; WaDesk will try again."),
    4: ("rate_limit", RATE_LIMIT, "Too many requests to Meta from this app; WaDesk is slowing down."),
    80007: ("rate_limit", RATE_LIMIT, "The WhatsApp account hit Meta's request limit; try again later."),
    130429: ("rate_limit", RATE_LIMIT, "Sending faster than this number's throughput; WaDesk is slowing down."),
    131056: ("rate_limit", PAIR_LIMIT, "Too many messages to the same customer in a short time; will retry."),
    131049: ("recipient", DEFER, "WhatsApp limits how many marketing messages this customer gets; try after 24 hours."),
    131050: ("recipient", OPT_OUT, "The customer stopped marketing messages from you in WhatsApp."),
    131026: ("recipient", UNDELIVERABLE, "This number can't receive the message (not on WhatsApp or an old app)."),
    131047: ("recipient", PERMANENT, "More than 24 hours since the customer wrote: only a template can be sent."),
    131021: ("invalid_parameter", PERMANENT, "The recipient is the shop's own number."),
    131030: ("recipient", PERMANENT, "This number is not on the test number's allowed list."),
    100: ("invalid_parameter", PERMANENT, "Meta rejected a value in the request."),
    131008: ("invalid_parameter", PERMANENT, "A required value is missing from the request."),
    131009: ("invalid_parameter", PERMANENT, "A value in the request is not valid."),
    132000: ("template", TEMPLATE, "The number of template variables does not match the approved template."),
    132001: ("template", TEMPLATE, "This template does not exist in that language (or is not approved). Re-sync templates."),
    132005: ("template", TEMPLATE, "The personalised text is too long for this template."),
    132007: ("template", TEMPLATE, "The text breaks WhatsApp's formatting rules for this template."),
    132008: ("template", TEMPLATE, "A variable's format does not match what the template expects."),
    132012: ("template", TEMPLATE, "A variable's format does not match what the template expects."),
    132015: ("template", STOP, "Meta paused this template for low quality. Campaigns using it are stopped."),
    132016: ("template", STOP, "Meta disabled this template for low quality. Campaigns using it are stopped."),
    368: ("account", STOP, "Meta has restricted this WhatsApp account for policy reasons. Check WhatsApp Manager."),
    131031: ("account", STOP, "This WhatsApp account is locked. Check WhatsApp Manager."),
    131042: ("account", STOP, "There is a payment problem on the WhatsApp account. Fix billing in Meta Business Settings."),
    131048: ("account", STOP, "Too many customers blocked or reported recent messages: sending is limited. Improve quality first."),
    133010: ("account", STOP, "The shop's WhatsApp number is not registered with the Cloud API yet."),
    131053: ("media", PERMANENT, "The header image or file could not be uploaded or downloaded. Check the media link."),
}


@dataclass(frozen=True)
class ErrorInfo:
    kind: str  # token, permission, transient, rate_limit, recipient, invalid_parameter, template, account, media, unknown
    action: str
    plain: str


def classify(code: int | None, http_status: int | None = None) -> ErrorInfo:
    """Decide on `code`; fall back to the HTTP status (5xx transient, 401 token, 403 permission)."""
    if code is not None and code in _TABLE:
        return ErrorInfo(*_TABLE[code])
    if code is not None and 200 <= code <= 299:
        return ErrorInfo("permission", STOP, _PERMISSION_HINT)
    if http_status is not None:
        if http_status >= 500:
            return ErrorInfo("transient", RETRY, "Meta's server had a problem; WaDesk will try again.")
        if http_status == 429:
            return ErrorInfo("rate_limit", RATE_LIMIT, "Meta asked WaDesk to slow down.")
        if http_status == 401:
            return ErrorInfo("token", STOP, _TOKEN_HINT)
        if http_status == 403:
            return ErrorInfo("permission", STOP, _PERMISSION_HINT)
    return ErrorInfo("unknown", PERMANENT, "Meta rejected the request.")


class CloudApiError(Exception):
    """An error from (or on the way to) the Cloud API, in plain words, with Meta's identifiers."""

    kind = "unknown"

    def __init__(
        self,
        plain: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        fbtrace_id: str | None = None,
        http_status: int | None = None,
        details: str | None = None,
        action: str = PERMANENT,
        retry_after: float | None = None,
    ):
        self.plain, self.code, self.subcode, self.fbtrace_id = plain, code, subcode, fbtrace_id
        self.http_status, self.details, self.action, self.retry_after = http_status, details, action, retry_after
        text = plain
        if details:
            text += f" ({details})"
        if code is not None:
            text += f" [Meta error {code}]"
        super().__init__(text)

    @property
    def retryable(self) -> bool:
        return self.action in (RETRY, RATE_LIMIT, PAIR_LIMIT)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "action": self.action, "code": self.code, "subcode": self.subcode,
                "fbtrace_id": self.fbtrace_id, "http_status": self.http_status, "message": str(self)}


class TokenError(CloudApiError):
    kind = "token"


class PermissionMissing(CloudApiError):
    kind = "permission"


class RateLimited(CloudApiError):
    kind = "rate_limit"


class TransientError(CloudApiError):
    kind = "transient"


class InvalidParameter(CloudApiError):
    kind = "invalid_parameter"


class RecipientError(CloudApiError):
    kind = "recipient"


class TemplateError(CloudApiError):
    kind = "template"


class AccountBlocked(CloudApiError):
    kind = "account"


class MediaError(CloudApiError):
    kind = "media"


class NetworkError(TransientError):
    """Could not reach Meta at all (no internet, DNS, refused). Nothing was sent."""


class OutcomeUnknown(CloudApiError):
    """The request went out but no answer came back: a send may or may not have been accepted.
    Never retried automatically (that could send a message twice)."""

    kind = "unknown_outcome"


_BY_KIND = {c.kind: c for c in (TokenError, PermissionMissing, RateLimited, TransientError, InvalidParameter,
                                RecipientError, TemplateError, AccountBlocked, MediaError)}


def error_from_response(http_status: int, body: Any, retry_after: float | None = None) -> CloudApiError:
    """Build the right exception from a Graph API error response."""
    err = body.get("error", {}) if isinstance(body, dict) else {}
    if not isinstance(err, dict):
        err = {}
    code = err.get("code") if isinstance(err.get("code"), int) else None
    info = classify(code, http_status)
    details = (err.get("error_data") or {}).get("details") if isinstance(err.get("error_data"), dict) else None
    details = details or err.get("error_user_msg") or err.get("message")
    cls = _BY_KIND.get(info.kind, CloudApiError)
    return cls(info.plain, code=code, subcode=err.get("error_subcode"), fbtrace_id=err.get("fbtrace_id"),
               http_status=http_status, details=details, action=info.action, retry_after=retry_after)
