"""Subcommands of the `wadesk` command line, one module per area; importing registers them."""
from wadesk.commands import automations  # noqa: F401
from wadesk.commands import backup  # noqa: F401
from wadesk.commands import campaigns  # noqa: F401
from wadesk.commands import codes  # noqa: F401
from wadesk.commands import database  # noqa: F401
from wadesk.commands import demo  # noqa: F401
from wadesk.commands import importing  # noqa: F401
from wadesk.commands import imports  # noqa: F401
from wadesk.commands import info  # noqa: F401
from wadesk.commands import pipeline  # noqa: F401
from wadesk.commands import report  # noqa: F401
from wadesk.commands import templates  # noqa: F401
from wadesk.commands import segments  # noqa: F401
from wadesk.commands import settings_cli  # noqa: F401
from wadesk.commands import webhook  # noqa: F401
