"""Campaign states and numbers in a shop owner's words (no Qt)."""
from __future__ import annotations

from datetime import datetime, timezone

from wadesk.core.campaigns import ledger as L
from wadesk.core.campaigns.schedule import duration_words
from wadesk.ui.numbers import group_indian

# state -> (short label, colour, what it means)
STATES = {
    L.READY: ("Ready to send", "#0f6b45", "Prepared; press Send to start."),
    L.SCHEDULED: ("Scheduled", "#1a5fb4", "Starts by itself at the time you chose (while WaDesk is open)."),
    L.RUNNING: ("Sending", "#169b62", "Messages are going out now."),
    L.PAUSED: ("Paused", "#b06d00", "You paused it. Press Resume to carry on where it stopped."),
    L.STOPPED: ("Stopped — needs you", "#c5221f", "WhatsApp refused to go on; see why below."),
    L.WAITING_STATE: ("Waiting", "#b06d00", "Some messages must wait (quiet hours, your daily limit, or "
                                            "WhatsApp asked to try later). WaDesk carries on by itself."),
    L.DONE: ("Finished", "#5b6b63", "Every message was sent or given up."),
    L.CAMPAIGN_CANCELLED: ("Cancelled", "#7b8781", "Cancelled; messages not sent yet were dropped."),
}
# What the owner can do about a stop, by words in Meta's reason (core writes the reason itself).
STOP_ADVICE = (
    (("token", "expired", "log in", "190"), "Open Settings → WhatsApp, paste a new access token, then press Resume."),
    (("payment", "billing", "credit"), "Add a payment method in Meta's WhatsApp Manager, then press Resume."),
    (("template",), "Check the template on the Templates page (sync it; it may be paused or changed by Meta), "
                    "then press Resume — or cancel and make a new campaign."),
    (("restricted", "blocked", "368", "policy"), "Your number is restricted by Meta for now. Open WhatsApp "
                                                 "Manager to see why; press Resume once it is lifted."),
)
DEFAULT_ADVICE = "Fix what the message says, then press Resume. Messages not sent yet are kept."
EVERYONE_RULES: dict = {"all": []}


def state_words(state: str) -> str:
    return STATES.get(state, (state.title(), "", ""))[0]


def state_colour(state: str) -> str:
    return STATES.get(state, ("", "#5b6b63", ""))[1] or "#5b6b63"


def state_meaning(state: str) -> str:
    return STATES.get(state, ("", "", ""))[2]


def stop_advice(reason: str | None) -> str:
    text = (reason or "").lower()
    for keys, advice in STOP_ADVICE:
        if any(k in text for k in keys):
            return advice
    return DEFAULT_ADVICE


def n(value: int) -> str:
    return group_indian(int(value))


def local_time(at: datetime | None, with_day: bool = True) -> str:
    """A stored (naive UTC) or aware time on this computer's clock: '28 Nov, 15:30'."""
    if at is None:
        return ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    local = at.astimezone()
    return local.strftime("%d %b %Y, %H:%M" if with_day else "%H:%M").lstrip("0")


def eta_words(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return "done" if seconds <= 0 else duration_words(seconds)


def rate_words(rate: float, target: float) -> str:
    return f"{rate:,.1f} a second (target {target:,.0f})"
