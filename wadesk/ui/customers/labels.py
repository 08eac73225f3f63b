"""Plain words for stored codes (channels, languages, consent sources, event types)."""
from __future__ import annotations

CHANNELS = {
    "ctwa": "WhatsApp ad (click to WhatsApp)",
    "website": "Website",
    "import": "Imported list",
    "shopify": "Shopify",
    "woocommerce": "WooCommerce",
    "razorpay": "Razorpay",
    "newsletter": "Newsletter sign-up",
    "contest": "Contest",
    "walk_in": "Walk-in",
    "manual": "Added by hand",
    "meta_lead": "Facebook/Instagram lead form",
    "referral": "Referral",
}
LANGUAGES = {"en": "English", "hi": "Hindi", "mr": "Marathi", "ta": "Tamil", "te": "Telugu",
             "kn": "Kannada", "ml": "Malayalam", "bn": "Bengali", "gu": "Gujarati", "pa": "Punjabi"}
CONSENT_SOURCES = {
    "import": "an imported list",
    "checkout": "the checkout page",
    "whatsapp_stop": "a STOP reply on WhatsApp",
    "manual": "recorded by hand",
    "website": "the website",
    "ctwa": "a WhatsApp ad chat",
    "shopify": "Shopify",
    "form": "a sign-up form",
    "erase": "a privacy request",
    "whatsapp": "WhatsApp",
    "in_person": "in person or on the phone",
    "csv": "an imported list",
}
EVENTS = {
    "product_viewed": "Viewed a product",
    "added_to_cart": "Added to cart",
    "checkout_started": "Started checkout",
    "session": "Visited the website",
    "offer_clicked": "Clicked an offer",
    "wishlisted": "Added to wishlist",
    "size_guide_viewed": "Looked at the size guide",
    "pdp_time": "Spent time on a product page",
    "lead_created": "Became a lead",
}
MESSAGE_STATUS = {"queued": "waiting to send", "accepted": "sent", "sent": "sent",
                  "delivered": "delivered", "read": "read", "failed": "not delivered",
                  "received": "received"}


def pretty(code: str | None, table: dict[str, str]) -> str:
    """The plain word for a code, or the code itself made readable ('walk_in' -> 'Walk in')."""
    if not code:
        return ""
    return table.get(code, code.replace("_", " ").capitalize())
