"""The sandbox's template set, in the exact JSON Meta returns from /message_templates.

Realistic for an Indian D2C shop: marketing and utility, English and Hindi, text / image / document
headers, URL, quick-reply and copy-code buttons, positional and named parameters, and a few that are
not sendable (pending, rejected, paused) so the Templates page shows every status.
"""
from __future__ import annotations

from typing import Any

SHOP = "https://shop.example.in"
BANNER = "https://shop.example.in/static/banner-diwali.jpg"


def _body(text: str, example: list[str]) -> dict[str, Any]:
    return {"type": "BODY", "text": text, "example": {"body_text": [example]}}


def _named_body(text: str, examples: dict[str, str]) -> dict[str, Any]:
    return {"type": "BODY", "text": text, "example": {"body_text_named_params": [
        {"param_name": k, "example": v} for k, v in examples.items()]}}


def _url(text: str, url: str, example: str) -> dict[str, Any]:
    return {"type": "URL", "text": text, "url": url, "example": [url.replace("{{1}}", example)]}


def _qr(text: str) -> dict[str, Any]:
    return {"type": "QUICK_REPLY", "text": text}


_STOP = _qr("Stop promotions")
_FOOTER = {"type": "FOOTER", "text": "Tap 'Stop promotions' to opt out"}


def _tpl(n: int, name: str, lang: str, category: str, components: list[dict[str, Any]], *,
         named: bool = False, status: str = "APPROVED", quality: str = "GREEN",
         rejected_reason: str = "NONE") -> dict[str, Any]:
    t: dict[str, Any] = {
        "id": f"9{n:014d}", "name": name, "language": lang, "status": status, "category": category,
        "components": components, "quality_score": {"score": quality}, "rejected_reason": rejected_reason,
    }
    if named:
        t["parameter_format"] = "NAMED"
    elif n % 2:
        t["parameter_format"] = "POSITIONAL"  # some omit it: positional is Meta's default
    return t


def sandbox_templates() -> list[dict[str, Any]]:
    """A fresh copy each call (the server may mutate statuses)."""
    return [
        _tpl(1, "cart_reminder", "en", "MARKETING", [
            {"type": "HEADER", "format": "TEXT", "text": "You left something behind"},
            _body("Hi {{1}}, your cart with *{{2}}* is still waiting. Complete your order of {{3}} "
                  "before it sells out!", ["Aditi", "Rose Gold Hoops", "₹899"]),
            _FOOTER,
            {"type": "BUTTONS", "buttons": [_url("Complete order", f"{SHOP}/cart/{{{{1}}}}", "abc123"), _STOP]},
        ]),
        _tpl(2, "cod_confirmation", "en", "UTILITY", [
            _named_body("Hi {{first_name}}, please confirm your cash-on-delivery order {{order_number}} "
                        "of {{order_total}}. Pay online now and save {{prepaid_discount}}.",
                        {"first_name": "Rahul", "order_number": "#1042", "order_total": "₹1,499",
                         "prepaid_discount": "₹50"}),
            {"type": "BUTTONS", "buttons": [_qr("Confirm order"), _qr("Cancel order"),
                                            _url("Pay online", f"{SHOP}/pay/{{{{1}}}}", "1042")]},
        ], named=True),
        _tpl(3, "winback_offer", "en", "MARKETING", [
            {"type": "HEADER", "format": "TEXT", "text": "We miss you, {{first_name}}!",
             "example": {"header_text_named_params": [{"param_name": "first_name", "example": "Priya"}]}},
            _named_body("It's been a while! Here's {{discount}} off your next order with code {{code}}. "
                        "Valid till {{expiry}}.", {"discount": "15%", "code": "COMEBACK15", "expiry": "30 Nov"}),
            _FOOTER,
            {"type": "BUTTONS", "buttons": [{"type": "COPY_CODE", "example": "COMEBACK15"},
                                            _url("Shop now", f"{SHOP}/{{{{1}}}}", "collections/new"), _STOP]},
        ], named=True),
        _tpl(4, "order_shipped", "en", "UTILITY", [
            _body("Good news {{1}}! Your order {{2}} has shipped and should reach you by {{3}}.",
                  ["Aditi", "#1042", "24 Jun"]),
            {"type": "FOOTER", "text": "Thank you for shopping with us"},
            {"type": "BUTTONS", "buttons": [_url("Track order", f"{SHOP}/track/{{{{1}}}}", "1042")]},
        ]),
        _tpl(5, "new_arrivals_hi", "hi", "MARKETING", [
            {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": [BANNER]}},
            _body("नमस्ते {{1}}! {{2}} में नए प्रोडक्ट आ गए हैं। अभी खरीदें और पाएं {{3}} की छूट।",
                  ["अदिति", "स्किनकेयर", "10%"]),
            {"type": "FOOTER", "text": "प्रमोशन बंद करने के लिए नीचे टैप करें"},
            {"type": "BUTTONS", "buttons": [_url("अभी देखें", f"{SHOP}/new/{{{{1}}}}", "skincare"),
                                            _qr("प्रमोशन बंद करें")]},
        ]),
        _tpl(6, "festive_sale", "en", "MARKETING", [
            {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": [BANNER]}},
            _named_body("{{first_name}}, our *Diwali sale* is live! Get up to {{discount}} off on "
                        "{{category}}. Use code {{code}} at checkout.",
                        {"first_name": "Neha", "discount": "40%", "category": "ethnic wear", "code": "DIWALI40"}),
            _FOOTER,
            {"type": "BUTTONS", "buttons": [_url("Shop the sale", f"{SHOP}/sale/{{{{1}}}}", "diwali"), _STOP]},
        ], named=True),
        _tpl(7, "order_confirmed_hi", "hi", "UTILITY", [
            _body("{{1}} जी, आपका ऑर्डर {{2}} कन्फर्म हो गया है। कुल राशि: {{3}}।", ["राहुल", "#1042", "₹1,499"]),
            {"type": "BUTTONS", "buttons": [_url("ऑर्डर देखें", f"{SHOP}/orders/{{{{1}}}}", "1042")]},
        ]),
        _tpl(8, "back_in_stock", "en_US", "MARKETING", [
            {"type": "HEADER", "format": "TEXT", "text": "{{1}} is back!",
             "example": {"header_text": ["Kurta Set"]}},
            _body("Hi {{1}}, the {{2}} you liked is back in stock at {{3}}. Sizes go fast!",
                  ["Aditi", "Kurta Set", "₹1,299"]),
            {"type": "BUTTONS", "buttons": [_url("Buy now", f"{SHOP}/p/{{{{1}}}}", "kurta-set"), _STOP]},
        ]),
        _tpl(9, "invoice_ready", "en", "UTILITY", [
            {"type": "HEADER", "format": "DOCUMENT",
             "example": {"header_handle": [f"{SHOP}/static/invoice-sample.pdf"]}},
            _body("Hi {{1}}, the invoice for order {{2}} is attached.", ["Aditi", "#1042"]),
        ]),
        _tpl(10, "cart_reminder", "hi", "MARKETING", [
            _body("{{1}} जी, आपकी कार्ट में {{2}} अभी भी है। {{3}} का ऑर्डर पूरा करें!",
                  ["अदिति", "रोज़ गोल्ड हूप्स", "₹899"]),
            {"type": "BUTTONS", "buttons": [_url("ऑर्डर पूरा करें", f"{SHOP}/cart/{{{{1}}}}", "abc123"),
                                            _qr("प्रमोशन बंद करें")]},
        ]),
        _tpl(11, "diwali_teaser", "en", "MARKETING", [
            _body("Something special is coming this Diwali, {{1}}. Stay tuned!", ["Aditi"]),
        ], status="PENDING", quality="UNKNOWN"),
        _tpl(12, "flash_sale_old", "en", "MARKETING", [
            _body("FLASH SALE!!! {{1}} off EVERYTHING!!!", ["90%"]),
        ], status="REJECTED", quality="UNKNOWN", rejected_reason="PROMOTIONAL"),
        _tpl(13, "summer_sale", "en", "MARKETING", [
            _body("Hi {{1}}, summer sale ends tonight: {{2}} off.", ["Aditi", "20%"]),
            {"type": "BUTTONS", "buttons": [_STOP]},
        ], status="PAUSED", quality="RED"),
    ]
