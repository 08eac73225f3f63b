"""Export a segment's members (at any reachability stage) to .csv or .xlsx."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pandas as pd
from sqlalchemy import select

from wadesk.core.db.models import Customer
from wadesk.core.db.profile_models import CustomerMetrics
from wadesk.core.profile.sqlio import read_frame
from wadesk.core.segments.engine import SegmentEngine

COLUMNS = ("id", "name", "phone", "email", "city", "state", "pincode", "channel", "tags", "consent",
           "orders", "total_spent", "last_order_at", "rfm_group", "funnel_stage")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
_CONSENT = {1: "opted in", 0: "unknown", -1: "opted out"}


def member_rows(engine: SegmentEngine, ids: Sequence[int], chunk: int = 20_000) -> pd.DataFrame:
    parts = []
    with engine.db.engine.connect() as conn:
        for i in range(0, len(ids), chunk):
            part = [int(x) for x in ids[i:i + chunk]]
            parts.append(read_frame(conn, select(
                Customer.id, Customer.name, Customer.phone, Customer.email, Customer.city, Customer.state,
                Customer.pincode, Customer.channel, Customer.tag_list, Customer.consent_state,
                Customer.order_count, Customer.total_spent, Customer.last_order_at,
                CustomerMetrics.rfm_group, CustomerMetrics.funnel_stage,
            ).outerjoin(CustomerMetrics, CustomerMetrics.customer_id == Customer.id)
                .where(Customer.id.in_(part)).order_by(Customer.id), COLUMNS))
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(COLUMNS))
    df["consent"] = df["consent"].map(_CONSENT)
    return df


def export_segment(engine: SegmentEngine, rules: dict, out: str | Path, stage: str = "matched") -> int:
    """Write the members to `out` (.csv or .xlsx, by suffix); returns how many rows."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError("Export to a .csv or .xlsx file.")
    ids = engine.ids(rules, stage)
    if suffix == ".xlsx" and len(ids) > XLSX_MAX_ROWS:
        raise ValueError(f"{len(ids):,} customers do not fit in one Excel sheet; export to .csv instead.")
    df = member_rows(engine, ids)
    tmp = out.with_name(out.name + ".part")
    if suffix == ".csv":
        df.to_csv(tmp, index=False, encoding="utf-8-sig")  # the BOM lets Excel read Hindi names right
    else:
        df.to_excel(tmp, index=False, sheet_name="Customers", engine="openpyxl")
    tmp.replace(out)  # never a half-written file under the real name
    return len(df)
