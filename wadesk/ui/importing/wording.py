"""What an import did (or would do), in the words a shop's staff use. No Qt."""
from __future__ import annotations

from typing import Any

from wadesk.core.importing import FORMATS
from wadesk.ui.numbers import count_noun, group_indian

FILE_TYPES = ("xlsx", "xlsm", "xls", "ods", "csv", "tsv", "txt")
FILE_FILTER = f"Spreadsheets and CSV files ({' '.join('*.' + t for t in FILE_TYPES)});;All files (*)"


def is_importable(path: str) -> bool:
    return path.lower().rsplit(".", 1)[-1] in FILE_TYPES if "." in path else False


def format_label(name: str | None) -> str:
    fmt = FORMATS.get(name or "")
    return fmt.label if fmt is not None else (name or "Unknown")


def _get(result: Any, key: str) -> int:
    value = result.get(key, 0) if isinstance(result, dict) else getattr(result, key, 0)
    return int(value or 0)


def change_lines(result: Any, *, future: bool) -> list[str]:
    """One line per kind of change, e.g. '4 new customers will be added'. Zero counts are left out."""

    def line(n: int, singular: str, plural: str | None, rest: str) -> str:
        verb = "will be" if future else ("was" if n == 1 else "were")
        return f"{count_noun(n, singular, plural)} {rest.format(verb=verb)}"

    lines = []
    new, updated, merged = (_get(result, k) for k in ("customers_created", "customers_updated", "merged_in_file"))
    if new:
        lines.append(line(new, "new customer", None, "{verb} added"))
    if updated:
        lines.append(line(updated, "customer", None, "already in WaDesk {verb} updated (blanks filled, tags added)"))
    if merged:
        lines.append(line(merged, "repeated row", None, "for the same customer {verb} merged into one"))
    orders_new, orders_updated = _get(result, "orders_created"), _get(result, "orders_updated")
    if orders_new:
        lines.append(line(orders_new, "new order", None, "{verb} added"))
    if orders_updated:
        lines.append(line(orders_updated, "order", None, "already in WaDesk {verb} updated"))
    if events := _get(result, "events_created"):
        lines.append(line(events, "activity", "activities", "(lead forms, carts, visits) {verb} recorded"))
    if consent := _get(result, "consent_changes"):
        lines.append(line(consent, "WhatsApp opt-in", None, "{verb} updated"))
    return lines


def rejected_lines(result: Any) -> list[str]:
    reasons = result.get("rejected_reasons", {}) if isinstance(result, dict) else result.rejected_reasons
    return [f"{reason} ({count_noun(n, 'row')})" for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1])]


def warning_lines(result: Any) -> list[str]:
    warnings = result.get("warnings", {}) if isinstance(result, dict) else result.warnings
    return [f"{text[:1].upper()}{text[1:]}: {group_indian(n)}" for text, n in warnings.items()]


def _bullets(lines: list[str]) -> str:
    return "".join(f"<li>{_esc(x)}</li>" for x in lines)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def summary_html(result: Any, file_name: str, *, future: bool) -> str:
    """The Check summary (future=True) or the result of a finished import, as rich text."""
    rows = count_noun(result.rows, "row")
    kind = format_label(result.format)
    if future:
        head = f"WaDesk read <b>{rows}</b> from <b>{_esc(file_name)}</b> — {_esc(kind)}. If you import it:"
    else:
        head = f"WaDesk read <b>{rows}</b> from <b>{_esc(file_name)}</b> — {_esc(kind)}."
    changes = change_lines(result, future=future)
    parts = [f"<p>{head}</p>"]
    nothing = "would change" if future else "changed"
    parts.append(f"<ul>{_bullets(changes)}</ul>" if changes else
                 f"<p>Nothing {nothing}: everything in this file is already in WaDesk.</p>")
    if result.rejected:
        left = "will be" if future else ("was" if result.rejected == 1 else "were")
        parts.append(f"<p><b>{count_noun(result.rejected, 'row')} can't be used</b> and {left} left out:</p>"
                     f"<ul>{_bullets(rejected_lines(result))}</ul>")
    if note := getattr(result, "date_note", ""):
        parts.append(f"<p>{_esc(note)}</p>")
    if warns := warning_lines(result):
        parts.append(f"<p>Good to know:</p><ul>{_bullets(warns)}</ul>")
    if future:
        parts.append("<p>Nothing has been saved yet. Press <b>Import</b> to add this to WaDesk.</p>")
    return "".join(parts)


def summary_text(result: Any, file_name: str, *, future: bool) -> str:
    """The same summary as plain text (tests and the accessible description)."""
    import re

    html = summary_html(result, file_name, future=future).replace("</li>", "\n").replace("</p>", "\n")
    return re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def history_counts(counts: dict[str, Any]) -> str:
    """'4 new, 1 updated customers · 4 orders · 1 rejected' for the history table."""
    parts = []
    new, upd = _get(counts, "customers_created"), _get(counts, "customers_updated")
    if new or upd:
        parts.append(f"customers: {group_indian(new)} new, {group_indian(upd)} updated")
    on, ou = _get(counts, "orders_created"), _get(counts, "orders_updated")
    if on or ou:
        parts.append(f"orders: {group_indian(on)} new, {group_indian(ou)} updated")
    if ev := _get(counts, "events_created"):
        parts.append(count_noun(ev, "activity", "activities"))
    if rej := _get(counts, "rejected"):
        parts.append(f"{group_indian(rej)} rejected")
    return " · ".join(parts) or "nothing changed"


STATUS = {"done": "Imported", "rolled_back": "Undone", "running": "Did not finish"}
