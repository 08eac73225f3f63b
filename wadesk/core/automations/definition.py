"""What a flow is, as data: entry rules, steps (template + mapping + wait), exit rules, re-entry,
holdout. Stored as one JSON document on `flows.definition`; validated here with plain messages."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import Any, Mapping

from wadesk.core.campaigns.schedule import to_local

EXITS = {
    "purchased": "bought something since entering",
    "replied": "wrote to you since entering",
    "opted_out": "opted out of marketing",
    "left_segment": "no longer matches the entry segment",
}


class FlowError(ValueError):
    """A flow definition that can't run; the message says what to change."""


@dataclass(frozen=True)
class Wait:
    """How long after the previous step (or entering): `days` + `hours`. With `at` ("10:00") days
    are calendar days: the step goes at that local time `days` days later ("1 day, at 10:00" = the
    next morning), or the day after if that moment is already past (or sooner than `hours`)."""

    days: int = 0
    hours: float = 0
    at: str | None = None

    def after(self, start: datetime, zone: str = "") -> datetime:
        if not self.at:
            return start + timedelta(days=self.days, hours=self.hours)
        hh, mm = (int(x) for x in self.at.split(":"))
        local = to_local(start, zone)
        wall = (local + timedelta(days=self.days)).replace(hour=hh, minute=mm, second=0, microsecond=0)
        if wall < local + timedelta(hours=self.hours):
            wall += timedelta(days=1)
        return wall.astimezone(timezone.utc)

    def words(self) -> str:
        parts = []
        if self.days:
            parts.append(f"{self.days} day{'s' if self.days != 1 else ''}")
        if self.hours:
            parts.append(f"{self.hours:g} hour{'s' if self.hours != 1 else ''}")
        text = " and ".join(parts) + " later" if parts else "straight away"
        return f"{text}, at {self.at}" if self.at else text


@dataclass(frozen=True)
class Step:
    template: str | None  # None in a recipe: the owner picks one of their templates
    language: str = "en"
    mapping: dict[str, Any] = field(default_factory=dict)  # TemplateMapping JSON
    wait: Wait = Wait()


@dataclass(frozen=True)
class FlowDefinition:
    entry: dict[str, Any]  # segment rules: a customer enters when they newly match
    steps: tuple[Step, ...]
    exits: tuple[str, ...] = ("purchased", "replied", "opted_out")
    reentry_days: int | None = None  # None = never again
    holdout_pct: int = 10

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["steps"] = [asdict(s) for s in self.steps]
        d["exits"] = list(self.exits)
        return d

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "FlowDefinition":
        try:
            steps = tuple(Step(s.get("template"), s.get("language") or "en", dict(s.get("mapping") or {}),
                               Wait(**(s.get("wait") or {}))) for s in data.get("steps") or [])
            d = cls(dict(data["entry"]), steps, tuple(data.get("exits") or ()), data.get("reentry_days"),
                    int(data.get("holdout_pct", 10)))
        except (KeyError, TypeError, ValueError) as exc:
            raise FlowError(f"The flow's definition is not in WaDesk's format ({exc}).") from None
        d.validate()
        return d

    def validate(self) -> None:
        from wadesk.core.segments.rules import RuleError, validate

        try:
            validate(self.entry)
        except RuleError as exc:
            raise FlowError(f"The entry segment has a problem: {exc}") from None
        if not self.steps:
            raise FlowError("A flow needs at least one message step.")
        bad = [e for e in self.exits if e not in EXITS]
        if bad:
            raise FlowError(f"Unknown exit rule '{bad[0]}'; use {', '.join(EXITS)}.")
        if self.reentry_days is not None and self.reentry_days < 1:
            raise FlowError("Re-entry must be after at least 1 day (or never).")
        if not 0 <= self.holdout_pct <= 50:
            raise FlowError("The holdout share is a percentage from 0 to 50.")
        for i, s in enumerate(self.steps, 1):
            if s.wait.at is not None:
                try:
                    h, m = (int(x) for x in s.wait.at.split(":"))
                    time(h, m)
                except ValueError:
                    raise FlowError(f"Step {i}: '{s.wait.at}' is not a time like 10:00.") from None
            if s.wait.days < 0 or s.wait.hours < 0:
                raise FlowError(f"Step {i}: a wait can't be negative.")

    def missing_templates(self) -> list[int]:
        """Step numbers (1-based) still without a template: the flow can't be switched on."""
        return [i for i, s in enumerate(self.steps, 1) if not s.template]
