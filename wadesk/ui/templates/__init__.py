"""The Templates page: synced WhatsApp templates, their status, and a preview for any customer."""
