"""Lead and contact lists: Meta (Facebook/Instagram) lead-form downloads and Google Contacts."""
from __future__ import annotations

import re

from wadesk.core.importing.formats.base import EventData, Format, ParseContext, Record, Row, customer_from
from wadesk.core.importing.readers.table import Table

# Meta prefixes ids and phones so spreadsheets keep them as text: l: ag: as: c: f: p:
_META_PREFIX = re.compile(r"^(?:l|ag|as|c|f|p):(?=\S)")
META_KNOWN = {"id", "created_time", "ad_id", "ad_name", "adset_id", "adset_name", "campaign_id",
              "campaign_name", "form_id", "form_name", "is_organic", "platform", "full_name", "first_name",
              "last_name", "phone_number", "phone", "email", "inbox_url", "lead_status", "city", "state",
              "zip_code", "post_code", "country", "whatsapp_number"}


class MetaLeads(Format):
    name = "meta-leads"
    label = "Meta lead form (Facebook / Instagram)"
    source = "meta"
    signature = ["created_time", "ad_id", "form_id", "is_organic", "platform"]
    aliases = {
        "customer_id": ["id"], "event_time": ["created_time"], "name": ["full_name"],
        "first_name": ["first_name"], "last_name": ["last_name"],
        "phone": ["whatsapp_number", "phone_number", "phone"], "email": ["email"], "city": ["city"],
        "state": ["state"], "pincode": ["zip_code", "post_code"], "country": ["country"],
        "campaign": ["campaign_name"], "adset": ["adset_name"], "ad": ["ad_name"], "form": ["form_name"],
        "platform": ["platform"], "is_organic": ["is_organic"], "whatsapp_consent": ["whatsapp_opt_in"],
    }

    def default_mapping(self, headers: list[str]) -> dict[str, str]:
        out = super().default_mapping(headers)
        for h in headers:  # the form's own questions are kept on the customer
            if h not in out and h.lower() not in META_KNOWN:
                out[h] = f"attr:{h}"
        return out

    def record(self, row: Row, ctx: ParseContext) -> Record:
        cells = [_META_PREFIX.sub("", c) for c in row.cells]
        row = Row(row.n, cells, row.m)
        rec = Record(row.n, cells)
        if any(c.startswith("<test lead") for c in cells):
            rec.error = "This is Meta's test lead (dummy data), not a real person."
            return rec
        c = customer_from(row, ctx)
        c.channel = "meta_lead"
        rec.customer = c
        try:
            at = ctx.date(row.get("event_time"))
        except ValueError as exc:
            rec.error = str(exc)
            return rec
        c.as_of = at
        if at is not None:
            props = {k: row.get(k) for k in ("campaign", "adset", "ad", "form", "platform", "is_organic") if row.get(k)}
            props["lead_id"] = row.get("customer_id")
            rec.events.append(EventData("lead_created", at, properties=props))
        return rec


class GoogleContacts(Format):
    name = "google-contacts"
    label = "Google Contacts"
    source = "google"
    signatures = [["First Name", "Middle Name", "Last Name", "Labels", "Phone 1 - Value"],
                  ["Name", "Given Name", "Family Name", "Group Membership", "Phone 1 - Value"]]
    aliases = {
        "first_name": ["First Name", "Given Name"], "last_name": ["Last Name", "Family Name"], "name": ["Name"],
        "tags": ["Labels", "Group Membership"], "note": ["Notes"],
        "city": ["Address 1 - City"], "state": ["Address 1 - Region"], "pincode": ["Address 1 - Postal Code"],
        "country": ["Address 1 - Country"], "attr:company": ["Organization Name", "Organization 1 - Name"],
        "attr:birthday": ["Birthday"],
    }

    def score(self, table: Table) -> float:
        have = set(table.headers)
        return max(sum(1 for s in sig if s in have) / len(sig) for sig in self.signatures)

    def default_mapping(self, headers: list[str]) -> dict[str, str]:
        out = super().default_mapping(headers)
        for h in headers:
            if re.match(r"^Phone \d+ - Value$", h):
                out[h] = "phone"
            elif re.match(r"^E-mail \d+ - Value$", h):
                out[h] = "email"
        return out

    def record(self, row: Row, ctx: ParseContext) -> Record:
        rec = Record(row.n, row.cells)
        c = customer_from(row, ctx)
        emails = [e.strip() for cell in row.all("email") for e in cell.split(":::") if e.strip()]
        c.email = emails[0] if emails else ""
        if len(emails) > 1:
            c.attributes["other_emails"] = emails[1:]
        rec.customer = c
        return rec
