"""The tags an import names: found by name, or created (and logged, so an undo removes them)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wadesk.core.db.models import Tag
from wadesk.core.importing.bulk import BulkWriter
from wadesk.core.importing.changelog import ChangeLog


def tag_ids(session: Session, bulk: BulkWriter, log: ChangeLog, names: set[str]) -> dict[str, int]:
    """{name: tag id} for these names, creating the missing tags (in name order)."""
    if not names:
        return {}
    ids = dict(session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(names))).all())
    missing = sorted(names - set(ids))
    if missing:
        new = bulk.insert(Tag, [{"name": n} for n in missing])
        ids.update(zip(missing, new))
        log.add_created("tag", list(new))
    return ids
