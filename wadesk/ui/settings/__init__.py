"""The Settings page: the shop's general settings and the WhatsApp account."""
