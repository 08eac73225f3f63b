"""One sample customer's identity (name, phone, email, place), consent history, tags and notes."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from wadesk.core.db.models import CONSENT_OPTED_IN, CONSENT_OPTED_OUT, CONSENT_UNKNOWN
from wadesk.core.demo.names import FIRST_NAMES, LAST_NAMES, email_for, pick_name
from wadesk.core.demo.personas import Persona
from wadesk.core.demo.state import ShopState

# Every 10-digit number under these prefixes is a valid Indian mobile (phonenumbers agrees; a
# test checks), so no per-number validation is needed while generating a million of them.
PHONE_PREFIXES = ("70", "90", "91", "93", "94", "95", "96", "97", "98", "99")
# What shops' spreadsheets really hold in the phone column when it is wrong.
INVALID_PHONES = ("12345", "98765 4321", "0000000000", "98765432101", "N/A", "+91 98765", "555-0100")

TAGS = ("cod-risk", "contest-winner", "festive-2025", "influencer", "newsletter", "vip", "wholesale")
_OPT_IN_SOURCE = {"ctwa_lead": "ctwa", "newsletter": "newsletter", "contest": "contest",
                  "browser": "website_popup", "visitor": "website_popup"}
_OPT_IN_SHARE = {"ctwa_lead": 0.7, "newsletter": 0.85, "contest": 0.6, "browser": 0.25, "visitor": 0.25}
_SKIN = ("oily", "dry", "combination", "sensitive")
_SIZES = ("S", "M", "L", "XL", "XXL")
_NOTES = ("Prefers delivery after 6 pm.", "Asked for gift wrapping last time.",
          "Calls before ordering; likes to confirm stock.", "Referred two friends.")


def identity(st: ShopState, cid: int, persona: Persona, channel: str) -> dict[str, Any]:
    """Name, phone and email fields (columns of customers) plus attributes."""
    fi, li = pick_name(st.random)
    hindi = st.random() < 0.15
    first_en, last_en = FIRST_NAMES[fi][0], LAST_NAMES[li][0]
    first, last = (FIRST_NAMES[fi][1], LAST_NAMES[li][1]) if hindi else (first_en, last_en)
    if channel == "ctwa" and st.random() < 0.3:
        last = None  # a WhatsApp profile name is often just a first name
    name = f"{first} {last}" if last else first
    attrs: dict[str, Any] = {}
    phone = national = None
    roll = st.random()
    if channel == "ctwa" or roll < 0.88:  # WhatsApp leads always come with their number
        while True:
            national = st.pick(PHONE_PREFIXES) + f"{int(st.random() * 10**8):08d}"
            if national not in st.used_phones:
                break
        st.used_phones.add(national)
        phone = "+91" + national
    elif roll < 0.95:
        attrs["raw_phone"] = st.pick(INVALID_PHONES)
    email_share = 0.35 if persona.key in ("ctwa_lead", "visitor") else 0.8
    email = email_for(st.random, first_en, last_en, cid) if st.random() < email_share else None
    return {
        "phone": phone, "phone_national": national, "email": email, "first_name": first,
        "last_name": last, "name": name, "name_key": name.lower(),
        "last_name_key": last.lower() if last else None,
        "language": "hi" if hindi or st.random() < 0.08 else "en", "attributes": attrs,
    }


def add_profile_attributes(st: ShopState, attrs: dict[str, Any], fav: str) -> None:
    if fav == "skincare" and st.random() < 0.2:
        attrs["skin_type"] = st.pick(_SKIN)
    elif fav == "apparel" and st.random() < 0.2:
        attrs["size"] = st.pick(_SIZES)


def add_consent(st: ShopState, cid: int, persona: Persona, channel: str, since: datetime) -> tuple[int, str | None, datetime | None]:
    """Write the consent history; return (consent_state, consent_source, consent_at)."""
    key = persona.key
    if key in _OPT_IN_SHARE:
        share, source = _OPT_IN_SHARE[key], _OPT_IN_SOURCE[key]
    else:
        share = 0.65
        source = {"walk_in": "manual", "import": "import"}.get(channel, "checkout")
    if st.random() >= share:
        return CONSENT_UNKNOWN, None, None
    opted_in = min(st.now, since + timedelta(seconds=st.randint(0, 600)))
    st.add("consent_events", [st.new_id("consent_events"), cid, "marketing", "opt_in", source, opted_in, None])
    if st.random() >= 0.15:
        return CONSENT_OPTED_IN, source, opted_in
    out_at = st.between(opted_in, st.now)
    out_source = "whatsapp_stop" if st.random() < 0.7 else "manual"
    note = "Replied STOP" if out_source == "whatsapp_stop" else "Asked on the phone not to get offers"
    st.add("consent_events", [st.new_id("consent_events"), cid, "marketing", "opt_out", out_source, out_at, note])
    return CONSENT_OPTED_OUT, out_source, out_at


def add_tags(st: ShopState, cid: int, persona: Persona, festive: bool, rto: bool, at: datetime) -> str:
    """Tag the customer; return the tag_list the customers table caches (sorted, ", ")."""
    key = persona.key
    names = []
    if key == "vip" or (key == "loyal" and st.random() < 0.1):
        names.append("vip")
    if key == "loyal" and st.random() < 0.05:
        names.append("wholesale")
    if (key == "cod_risk" and st.random() < 0.6) or (rto and key == "cod_buyer" and st.random() < 0.3):
        names.append("cod-risk")
    if festive:
        names.append("festive-2025")
    if key == "newsletter":
        names.append("newsletter")
    if key == "contest" and st.random() < 0.05:
        names.append("contest-winner")
    if st.random() < 0.005:
        names.append("influencer")
    names.sort()
    for name in names:
        st.add("customer_tags", [cid, st.tag_ids[name]])
    if "vip" in names and st.random() < 0.2 or "wholesale" in names:
        body = "Buys in bulk for her salon." if "wholesale" in names else st.pick(_NOTES)
        st.add("customer_notes", [st.new_id("customer_notes"), cid, body, "Sample shop", at])
    return ", ".join(names)
