"""The per-import change log: what an import created (as id ranges), what it changed (values
before) and which customers it touched, so the import can be rolled back and an older import's
undo can tell whether this one built on it. Stored in import_changes."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

# Key of an "updated" entry's data holding what the import left in guard columns (CRM deals and
# lead status): an undo restores that row only while they still hold, so later edits are kept.
AFTER = "__after"


def to_json(v: Any) -> Any:
    if isinstance(v, datetime):
        return {"__dt": v.isoformat()}
    if isinstance(v, Decimal):
        return {"__dec": str(v)}
    return v


def from_json(v: Any) -> Any:
    if isinstance(v, dict) and len(v) == 1:
        if "__dt" in v:
            return datetime.fromisoformat(v["__dt"])
        if "__dec" in v:
            return Decimal(v["__dec"])
    return v


def ranges(ids: list[int]) -> list[list[int]]:
    """[5, 6, 7, 9] -> [[5, 7], [9, 9]]: bulk inserts get consecutive ids, so this stays tiny."""
    out: list[list[int]] = []
    for i in sorted(ids):
        if out and i == out[-1][1] + 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


def expand(rs: list[list[int]]) -> list[int]:
    return [i for a, b in rs for i in range(a, b + 1)]


class ChangeLog:
    def __init__(self) -> None:
        self.created: dict[str, list[int]] = {}
        self.pairs: list[list[int]] = []  # customer_tag links added
        self.updated: list[tuple[str, int, dict[str, Any]]] = []
        self.touched: list[int] = []  # every customer the import matched, created, changed or gave orders

    def add_created(self, entity: str, ids: list[int]) -> None:
        self.created.setdefault(entity, []).extend(ids)

    def add_updated(self, entity: str, entity_id: int, before: dict[str, Any]) -> None:
        self.updated.append((entity, entity_id, {k: to_json(v) for k, v in before.items()}))

    def rows(self, import_id: int) -> list[dict[str, Any]]:
        out = [{"import_id": import_id, "entity": e, "action": "created", "entity_id": None,
                "data": {"ranges": ranges(ids)}} for e, ids in self.created.items() if ids]
        if self.pairs:
            out.append({"import_id": import_id, "entity": "customer_tag", "action": "created",
                        "entity_id": None, "data": {"pairs": self.pairs}})
        if self.touched:  # what later undos check: may an earlier import's customers go?
            out.append({"import_id": import_id, "entity": "customer", "action": "touched", "entity_id": None,
                        "data": {"ranges": ranges(self.touched)}})
        out += [{"import_id": import_id, "entity": e, "action": "updated", "entity_id": i, "data": d}
                for e, i, d in self.updated]
        return out
