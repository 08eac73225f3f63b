"""The built-in WhatsApp Cloud API simulator: sandbox mode for the app, the fake server for tests."""
from wadesk.core.messaging.sandbox.events import sign
from wadesk.core.messaging.sandbox.faults import Fault
from wadesk.core.messaging.sandbox.server import (
    SANDBOX_APP_SECRET, SANDBOX_PHONE_NUMBER_ID, SANDBOX_TOKEN, SANDBOX_WABA_ID, SandboxServer,
)

__all__ = ["Fault", "SandboxServer", "SANDBOX_APP_SECRET", "SANDBOX_PHONE_NUMBER_ID", "SANDBOX_TOKEN",
           "SANDBOX_WABA_ID", "sign"]
