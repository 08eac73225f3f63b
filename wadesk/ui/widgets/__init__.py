"""Reusable widgets shared by several pages (the WhatsApp chat bubble, ...)."""
