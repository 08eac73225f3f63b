"""Flows in a shop owner's words: who enters, waits, exits, re-entry, results (no Qt)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from wadesk.core.automations.definition import EXITS, FlowDefinition, Wait
from wadesk.core.segments.rules import GROUP_KEYS
from wadesk.ui.campaigns.words import n
from wadesk.ui.numbers import group_indian
from wadesk.ui.segments.words import GROUP_WORDS, condition_words

UPLIFT_WORDS = {"uplift": "raised conversion", "negative": "lowered conversion",
                "no_clear_effect": "no clear effect", "not_enough_data": "not enough data yet"}


def entry_lines(rules: dict) -> list[tuple[int, str]]:
    """(depth, text) lines of the entry segment: "ALL of these", then each condition indented."""
    out: list[tuple[int, str]] = []

    def walk(node: dict, depth: int) -> None:
        key = next((k for k in GROUP_KEYS if k in node), None)
        if key is None:
            out.append((depth, condition_words(node)))
            return
        kids = node[key]
        if len(kids) == 1 and key != "none":  # one condition: no "ALL of these" heading
            walk(kids[0], depth)
            return
        if key == "none" and len(kids) == 1 and "field" in kids[0]:
            out.append((depth, "NOT: " + condition_words(kids[0])))
            return
        out.append((depth, GROUP_WORDS[key] + ":" if kids else "Every customer"))
        for child in kids:
            walk(child, depth + 1)

    walk(rules, 0)
    return out


def entry_html(rules: dict) -> str:
    lines = entry_lines(rules)
    return "<br>".join(f"{'&nbsp;' * 4 * depth}{'• ' if depth else ''}{_esc(text)}" for depth, text in lines)


def wait_words(wait: Wait, first: bool) -> str:
    """"1 hour after entering" / "23 hours later" / "The next day at 10:00"."""
    if wait.at and not wait.days and not wait.hours:
        return f"At the next {wait.at}" + (" after entering" if first else "")
    if 0 < wait.hours < 1 and not wait.days and not wait.at:  # "30 minutes", not "0.5 hours"
        text = f"{round(wait.hours * 60)} minutes later"
    else:
        text = wait.words()
    if first:
        text = text.replace(" later", " after entering").replace("straight away", "as soon as they enter")
    return text[0].upper() + text[1:]


def exits_words(exits: tuple[str, ...] | list[str]) -> str:
    if not exits:
        return "Nobody leaves early: everyone gets every step."
    return "Leaves the flow when they " + _join([EXITS[e] for e in exits if e in EXITS]) + "."


def reentry_words(days: int | None) -> str:
    if days is None:
        return "Once per customer, ever."
    return f"Again after {days} day{'s' if days != 1 else ''} if they match again."


def holdout_words(pct: int) -> str:
    if not pct:
        return "No holdout: everyone who enters is messaged (WaDesk can't measure uplift)."
    return f"{pct}% are held out (never messaged) to measure what the flow adds."


def summary(d: FlowDefinition) -> str:
    steps = len(d.steps)
    return f"{steps} message{'s' if steps != 1 else ''} · " + " · ".join(wait_words(s.wait, i == 0).lower()
                                                                         for i, s in enumerate(d.steps))


def results_html(r: Any, sandbox: bool, reasons: Any = (), enabled: bool = True) -> str:
    """The flow's numbers: live enrolments, the ledger, and conversions with uplift when known."""
    if not r.entered and not r.sent:
        return ("Nobody has entered yet." if enabled else "Nobody has entered yet. Switch the flow on (in the list): "
                "customers who newly match its rules from then on enter.")
    people = (f"<b>{n(r.active)}</b> in the flow now · <b>{n(r.entered)}</b> entered so far"
              + (f" ({n(r.held_out)} held out)" if r.held_out else "")
              + (f" · {n(r.completed)} finished · {n(r.exited)} left early" if r.completed or r.exited else ""))
    sent = [f"<b>{n(r.sent)}</b> sent"]
    if r.sent:
        sent += [f"{n(r.delivered)} delivered", f"{n(r.read)} read"]
    if r.failed:
        sent.append(f"<span style='color:#c5221f'>{n(r.failed)} failed</span>")
    if r.waiting:
        sent.append(f"{n(r.waiting)} waiting to go")
    lines = [people, " · ".join(sent)]
    if reasons:
        why = " · ".join(f"{_esc(text.rstrip('.'))} ({n(k)})" for text, k in list(reasons)[:3])
        lines.append(f"<span style='color:#5b6b63'>Why they left: {why}</span>")
    if r.uplift is None:
        lines.append("<span style='color:#5b6b63'>Sales and uplift come with the Reports page.</span>")
    else:
        u = r.uplift
        lines.append(f"<b>{n(u.messaged_converted)}</b> bought within {r.window_days} days of entering · "
                     f"<b>₹{group_indian(int(u.messaged_revenue))}</b> revenue · " + uplift_words(u))
    if sandbox:
        lines.append("<span style='color:#5b6b63'>Sandbox: messages go to the simulator, not to customers.</span>")
    return "<br>".join(lines)


def uplift_words(u: Any) -> str:
    if not u.holdout and not u.messaged:
        return "uplift shows once customers have entered"
    if not u.holdout:
        return "uplift: no holdout group"
    verdict = u.verdict
    if verdict == "not_enough_data" or u.absolute is None:
        return f"uplift: not enough data yet ({n(u.holdout)} held out)"
    return f"uplift {u.absolute * 100:+.1f} points vs holdout ({UPLIFT_WORDS[verdict]})"


def shop_time(iso: str, zone: str) -> str:
    """An ISO time from the dry run on the shop's clock: 'Sat 28 Nov, 11:00'."""
    from wadesk.core.campaigns.schedule import to_local

    at = datetime.fromisoformat(iso)
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return to_local(at, zone).strftime("%a %d %b, %H:%M")


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _esc(text: str) -> str:
    import html

    return html.escape(text)
