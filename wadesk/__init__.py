"""WaDesk: a local WhatsApp marketing CRM for small shops."""

__version__ = "0.1.0"
