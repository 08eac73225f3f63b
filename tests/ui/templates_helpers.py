"""The Templates page on the fake Cloud API, synced, with a template chosen (shared by its tests)."""
from __future__ import annotations

from wadesk.ui.templates.page import TemplatesPage
from wadesk.ui.whatsapp_env import SandboxProvider


def open_templates_page(qtbot, services, server, template: str = "festive_sale") -> TemplatesPage:
    p = TemplatesPage(services, sandbox=SandboxProvider(server=server))
    qtbot.addWidget(p)
    p.resize(1400, 1000)
    qtbot.waitUntil(lambda: p.listing is not None, timeout=3000)
    p.sync_button.click()
    qtbot.waitUntil(lambda: not p.syncing and p.model.rowCount() > 0, timeout=5000)
    assert p.select_template(template)
    return p
