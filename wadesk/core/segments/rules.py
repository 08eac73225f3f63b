"""Rule trees as data: validation with precise errors, and the normalised tree the engine runs.

    {"all": [cond_or_group, ...]}   also "any" and "none" (none = not any), nested to any depth
    {"field": "orders", "op": ">=", "value": 3}
    {"field": "category_views", "key": "skincare", "op": ">", "value": 3}
    {"field": "order_activity", "measure": "count", "op": ">=", "value": 1, "days": 90,
     "where": {"payment": "cod", "rto": true, "category": ["skincare"]}}       (or "from"/"to" dates)
    {"field": "event", "event": "product_viewed", "op": "at_least", "value": 3, "days": 30,
     "where": {"category": ["skincare"]}}          op not_since takes "since" (a date) or "days"
    {"field": "message", "op": "read", "campaign": 12, "days": 30}             campaign optional

Every problem names the condition by its place ("all › 2nd › any › 1st") and its field.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from wadesk.core.segments.fields import (
    DAYS_OPS, EVENT_FILTERS, EVENT_OPS, FIELDS, LABELS, MESSAGE_OPS, NO_VALUE, ORDER_FILTERS, ORDER_MEASURES,
)

GROUP_KEYS = ("all", "any", "none")
MAX_DEPTH = 12
MAX_CONDITIONS = 200


@dataclass(frozen=True)
class RuleProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class RuleError(ValueError):
    def __init__(self, problems: list[RuleProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]) + (" …" if len(problems) > 5 else ""))


def _nth(i: int) -> str:
    suffix = "th" if 10 <= i % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(i % 10, "th")
    return f"{i}{suffix}"


def parse_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


def _values(v: Any) -> list | None:
    """A list of strings (a single string becomes a one-item list)."""
    if isinstance(v, str):
        v = [v]
    if isinstance(v, (list, tuple)) and v and all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in v):
        return [str(x) for x in v]
    return None


class _Checker:
    def __init__(self):
        self.problems: list[RuleProblem] = []
        self.conditions = 0

    def bad(self, path: str, msg: str) -> None:
        self.problems.append(RuleProblem(path, msg))

    def node(self, node: Any, path: str, depth: int) -> None:
        if not isinstance(node, dict):
            return self.bad(path, "expected a group ({\"all\": [...]}) or a condition ({\"field\": ...})")
        groups = [k for k in GROUP_KEYS if k in node]
        if groups:
            if len(groups) > 1 or "field" in node:
                return self.bad(path, "a group has exactly one of all / any / none")
            key = groups[0]
            if depth > MAX_DEPTH:
                return self.bad(path, f"groups nest at most {MAX_DEPTH} deep")
            children = node[key]
            if not isinstance(children, list):
                return self.bad(path, f"'{key}' must be a list of conditions and groups")
            for i, child in enumerate(children, 1):
                self.node(child, f"{path} › {key} › {_nth(i)}" if path else f"{key} › {_nth(i)}", depth + 1)
            return None
        if "field" not in node:
            return self.bad(path, "a condition needs a field (or use all / any / none for a group)")
        self.conditions += 1
        self.condition(node, path or "condition")

    def condition(self, c: dict, path: str) -> None:
        name = c.get("field")
        f = FIELDS.get(name) if isinstance(name, str) else None
        if f is None:
            return self.bad(path, f"unknown field '{name}'")
        op = c.get("op")
        where = f"{path} ({f.label})"
        if op not in f.operators:
            return self.bad(where, f"'{op}' is not an operator for {f.label} ({f.type}); use one of "
                            + ", ".join(f.operators))
        where = f"{path} ({f.label} {LABELS.get(op, op)})"
        if f.keyed and not (isinstance(c.get("key"), str) and c["key"].strip()):
            return self.bad(where, "name the category or attribute in 'key'")
        if f.kind == "orders":
            return self.orders(c, where)
        if f.kind == "event":
            return self.event(c, where)
        if f.kind == "message":
            return self.message(c, where)
        self.value(f.type, op, c.get("value"), where)

    def value(self, ftype: str, op: str, v: Any, where: str) -> None:
        if op in NO_VALUE:
            return
        if op == "between":
            if not (isinstance(v, (list, tuple)) and len(v) == 2):
                return self.bad(where, "'between' needs two values: [low, high]")
            for x in v:
                self.value(ftype, "=" if ftype != "date" else "before", x, where)
            return
        if ftype in ("number", "money") or op in DAYS_OPS:
            if not _is_num(v):
                return self.bad(where, f"the value must be a number, not {v!r}")
            if op in DAYS_OPS and v < 0:
                return self.bad(where, "the number of days can't be negative")
        elif ftype == "date":
            try:
                parse_date(v)
            except (TypeError, ValueError):
                self.bad(where, f"the value must be a date like 2026-01-31, not {v!r}")
        elif op in ("in", "not_in", "has_any", "has_all", "has_none"):
            if _values(v) is None:
                self.bad(where, "the value must be a non-empty list of words")
        elif not isinstance(v, str) or not v.strip():
            self.bad(where, "the value must be some text")

    def window(self, c: dict, where: str, required: bool = False) -> None:
        if c.get("days") is not None and (not _is_num(c["days"]) or c["days"] < 0):
            self.bad(where, f"'days' must be a number of days, not {c['days']!r}")
        for k in ("from", "to", "since"):
            if c.get(k) is not None:
                self.value("date", "before", c[k], f"{where} '{k}'")
        if required and c.get("days") is None and c.get("since") is None:
            self.bad(where, "'not_since' needs 'since' (a date) or 'days'")

    def filters(self, c: dict, allowed: dict[str, str], where: str) -> None:
        w = c.get("where") or {}
        if not isinstance(w, dict):
            return self.bad(where, "'where' must be an object of filters")
        for k, v in w.items():
            t = allowed.get(k)
            if t is None:
                self.bad(where, f"unknown filter '{k}'; use one of " + ", ".join(allowed))
            elif t == "boolean" and not isinstance(v, bool):
                self.bad(where, f"filter '{k}' must be true or false")
            elif t in ("money", "number") and not _is_num(v):
                self.bad(where, f"filter '{k}' must be a number")
            elif t == "list" and _values(v) is None:
                self.bad(where, f"filter '{k}' must be a non-empty list")
            elif t == "choice" and v not in ("cod", "prepaid"):
                self.bad(where, f"filter '{k}' must be 'cod' or 'prepaid'")

    def orders(self, c: dict, where: str) -> None:
        if c.get("measure", "count") not in ORDER_MEASURES:
            self.bad(where, f"'measure' must be one of {', '.join(ORDER_MEASURES)}")
        self.value("number", c["op"], c.get("value"), where)
        self.window(c, where)
        self.filters(c, ORDER_FILTERS, where)

    def event(self, c: dict, where: str) -> None:
        if not isinstance(c.get("event"), str) or not c["event"].strip():
            self.bad(where, "name the event in 'event' (e.g. product_viewed)")
        if c["op"] == "not_since":
            self.window(c, where, required=True)
        else:
            v = c.get("value")
            if not (_is_num(v) and v >= 0 and float(v).is_integer()):
                self.bad(where, f"the number of times must be a whole number, not {v!r}")
            self.window(c, where)
        self.filters(c, EVENT_FILTERS, where)

    def message(self, c: dict, where: str) -> None:
        camp = c.get("campaign")
        if camp is not None and not (isinstance(camp, int) and not isinstance(camp, bool)):
            self.bad(where, f"'campaign' must be a campaign id, not {camp!r}")
        self.window(c, where)


def problems(rules: Any) -> list[RuleProblem]:
    """Everything wrong with a rule tree (empty list: it is valid)."""
    chk = _Checker()
    chk.node(rules, "", 0)
    if chk.conditions > MAX_CONDITIONS:
        chk.bad("", f"a segment can have at most {MAX_CONDITIONS} conditions")
    return chk.problems


def validate(rules: Any) -> Any:
    """Return the rules if valid, else raise RuleError listing every problem."""
    found = problems(rules)
    if found:
        raise RuleError(found)
    return rules


def conditions(rules: Any) -> list[dict]:
    """Every condition in a (valid) tree, depth first."""
    if "field" in rules:
        return [rules]
    key = next(k for k in GROUP_KEYS if k in rules)
    return [c for child in rules[key] for c in conditions(child)]


__all__ = ["GROUP_KEYS", "MESSAGE_OPS", "EVENT_OPS", "RuleError", "RuleProblem", "conditions",
           "parse_date", "problems", "validate"]
