"""Tables of the import engine: saved column mappings and the per-import change log.

The change log is what makes an import undoable: for every row an import created we keep its id
(as compact id ranges, since bulk inserts get consecutive ids), and for every row it changed we
keep the values it had before.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from wadesk.core.db.models import Base


class ImportMapping(Base):
    """A column mapping the user confirmed once, offered again for files with the same headers."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # sha256 of the normalised header list (see importing.mapping.header_signature).
    signature: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[str] = mapped_column(String(64))
    headers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # {"file header": "field"}; unmapped headers are absent (or map to "attr:<name>" to keep them).
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    use_count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ImportChange(Base):
    """One entry of an import's change log.

    action "created": data = {"ranges": [[first_id, last_id], ...]} of rows the import inserted
    (entity customer / order / event / consent_event), or {"pairs": [[customer_id, tag_id], ...]}
    for entity customer_tag. action "updated": entity_id = the row, data = its values before; an
    order taken over from a Shiprocket-only row also keeps "line_items" (Shiprocket's items, put
    back under their old ids by an undo). A CRM export also logs entities deal / stage_change
    (created ranges), staff ({"names", "had_row"}), and updated deal / customer entries whose
    "__after" holds what it left (an undo keeps rows changed since; pipeline.imported).
    """

    __tablename__ = "import_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(8))
    entity_id: Mapped[Optional[int]] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
