"""The local CRM: customers, phones, tags, notes, consent, timeline, privacy erase."""
