"""Webhook payloads in Meta's shapes (../shared/reference/whatsapp-cloud-api.md) for the tests."""
from __future__ import annotations

from typing import Any

WABA, PHONE_ID = "209876543210001", "109876543210001"
T0 = 1_795_852_800  # 2026-11-28 08:00 UTC, before the tests' clock (10:00)


def envelope(value: dict[str, Any], field: str = "messages") -> dict[str, Any]:
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "919876500000", "phone_number_id": PHONE_ID}, **value}
    return {"object": "whatsapp_business_account",
            "entry": [{"id": WABA, "changes": [{"field": field, "value": value}]}]}


def status(wamid: str, name: str, at: int, *, to: str = "919876543210", callback: str | None = None,
           category: str | None = "marketing", error: int | None = None, details: str = "") -> dict[str, Any]:
    st: dict[str, Any] = {"id": wamid, "status": name, "timestamp": str(at), "recipient_id": to}
    if callback:
        st["biz_opaque_callback_data"] = callback
    if category and name != "failed":
        st["pricing"] = {"billable": True, "pricing_model": "PMP", "category": category, "type": "regular"}
    if error is not None:
        st["errors"] = [{"code": error, "title": f"Meta title {error}", "message": f"Meta title {error}",
                         "error_data": {"details": details or f"details of {error}"}}]
    return st


def statuses(*items: dict[str, Any]) -> dict[str, Any]:
    return envelope({"statuses": list(items)})


def inbound(wamid: str, sender: str, at: int, content: dict[str, Any], *, name: str = "Asha",
            context: str | None = None, user_id: str | None = None) -> dict[str, Any]:
    msg: dict[str, Any] = {"from": sender, "id": wamid, "timestamp": str(at), **content}
    if context:
        msg["context"] = {"from": "919876500000", "id": context}
    contact: dict[str, Any] = {"profile": {"name": name}, "wa_id": sender}
    if user_id:
        contact["user_id"] = user_id
    return envelope({"contacts": [contact], "messages": [msg]})


def text(body: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": body}}


def button(payload: str, label: str) -> dict[str, Any]:
    return {"type": "button", "button": {"payload": payload, "text": label}}


def referral(clid: str, ad_id: str = "120210000000009", headline: str = "Diwali glow kit") -> dict[str, Any]:
    return {"referral": {"source_url": "https://fb.me/abc", "source_id": ad_id, "source_type": "ad",
                         "headline": headline, "body": "20% off this week", "ctwa_clid": clid}}


def preference(wa_id: str, value: str, at: int) -> dict[str, Any]:
    return envelope({"contacts": [{"profile": {"name": "Ravi"}, "wa_id": wa_id}],
                     "user_preferences": [{"wa_id": wa_id, "detail": "User requested", "category": "marketing_messages",
                                           "value": value, "timestamp": at}]}, field="user_preferences")
