"""CRM exports (HubSpot, Zoho CRM contacts, leads and deals): lead status, lifecycle stage, deal
stage, amount and owner next to the contact's phone and email. Here "Amount" is a deal's value, not
an order; what the columns mean for the pipeline is decided in core.pipeline.imported."""
from __future__ import annotations

from wadesk.core.importing.formats.base import Format
from wadesk.core.importing.mapping import norm_header, suggest_generic
from wadesk.core.importing.readers.table import Table

# Headers only a CRM export has (normalised).
MARKERS = ("lead status", "lifecycle stage", "deal stage", "contact owner", "deal owner", "lead owner")
ALIASES = {"deal_value": ("amount", "deal amount", "expected revenue"), "deal_stage": ("deal stage", "stage"),
           "name": ("contact name", "full name"), "phone": ("mobile phone number", "phone number",
                                                                        "mobile", "phone")}
NOT_ORDERS = {"order_total", "order_date", "order_id", "order_number", "payment_method", "item_name",
              "item_category", "item_qty"}


class CrmExport(Format):
    name = "crm"
    label = "CRM export (HubSpot, Zoho CRM)"
    source = "import"

    def score(self, table: Table) -> float:
        have = {norm_header(h) for h in table.headers}
        found = sum(1 for m in MARKERS if m in have)
        return 0.0 if not found else min(0.95, 0.75 + 0.1 * found)

    def default_mapping(self, headers: list[str]) -> dict[str, str]:
        m = suggest_generic(headers)
        normal = {h: norm_header(h) for h in headers}
        for field, names in ALIASES.items():
            for name in names:
                h = next((h for h in headers if normal[h] == name), None)
                if h is not None and (field not in m.values() or m.get(h) in NOT_ORDERS):
                    m[h] = field
                    break
        # Dates, ids and amounts of a CRM row describe the deal, not an order: kept as attributes.
        return {h: (m[h] if h in m and m[h] not in NOT_ORDERS else f"attr:{h}") for h in headers}
