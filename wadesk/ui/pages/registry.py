"""The pages of the main window, in navigation order, and the widget factory for each.

A factory takes the AppServices and returns the page widget. The main window takes a mapping
page key -> factory; `default_factories()` gives the built-in one, and a test or a future page can
override any entry. A page may define `on_page_shown()`, called each time it becomes visible.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from PySide6.QtWidgets import QWidget

from wadesk.ui.services import AppServices

log = logging.getLogger(__name__)
PageFactory = Callable[[AppServices], QWidget]


@dataclass(frozen=True)
class PageInfo:
    key: str
    title: str
    headline: str  # what the page is for, in one sentence
    bullets: tuple[str, ...] = ()  # what it will let the owner do (shown while it is a placeholder)

    @property
    def icon(self) -> str:
        return f"icons/nav/{self.key}.svg"


PAGES: tuple[PageInfo, ...] = (
    PageInfo("home", "Home", "Your shop at a glance."),
    PageInfo("customers", "Customers", "Every customer in one place.", (
        "Search by name, phone (in any format) or email — instantly, even with lakhs of customers.",
        "Open a customer to see their orders, tags, notes, consent and messages on one timeline.",
        "Add, edit and tag customers; erase a customer's personal data on request.",
    )),
    PageInfo("pipeline", "Pipeline", "Leads and deals, stage by stage.", (
        "A board per pipeline: drag a customer's card from New lead to Quote sent to Won.",
        "Days in stage, deal value and the last WhatsApp message on every card.",
        "Conversion, time in stage and won revenue by channel; export to Excel.",
    )),
    PageInfo("import", "Import", "Bring in customers and orders from Excel, CSV or your store.", (
        "Shopify, WooCommerce, Razorpay, Shiprocket, Meta lead forms and Google Contacts "
        "exports are recognised automatically.",
        "Any other Excel or CSV list goes through a simple “match the columns” step.",
        "Phone numbers are cleaned to +91 format and duplicates are merged, never doubled.",
        "Rows that can't be used are listed with the reason, so nothing is lost silently.",
    )),
    PageInfo("segments", "Segments", "Find exactly the right customers for a message.", (
        "Build micro-segments like “COD buyers in the north with an RTO in 90 days” and see "
        "live counts as you add each rule.",
        "One click for ready-made groups: high-value repeat buyers, COD risk, price-sensitive "
        "shoppers, new leads from Click-to-WhatsApp ads, RFM groups such as Champions or At risk.",
        "See how many you can actually reach: matched → has WhatsApp → opted in → not paused.",
    )),
    PageInfo("templates", "Templates", "Your approved WhatsApp message templates, personalised.", (
        "Templates are synced from your WhatsApp Business Account.",
        "Fill in each customer's name, city or last product, with a fallback when it's missing.",
        "Unique discount codes and tracked links; a WhatsApp-style preview for any customer.",
    )),
    PageInfo("campaigns", "Campaigns", "Send the right message to the right customers.", (
        "A short wizard: choose customers → choose a template → schedule → review.",
        "Before you press Send: how many will get it, the cost in ₹ and the sales needed to "
        "break even.",
        "Sending follows WhatsApp's limits and never sends anyone the same campaign twice, "
        "even if the computer restarts.",
    )),
    PageInfo("automations", "Automations", "Messages that go out on their own, at the right time.", (
        "Abandoned-cart reminders, COD → prepaid nudges, thank-you and cross-sell after a "
        "purchase, a welcome for new ad leads, win-back for customers who went quiet.",
        "Each flow has exit rules and a limit on how often a customer hears from you.",
    )),
    PageInfo("reports", "Reports", "See what your messages earned.", (
        "Sent → delivered → read → replied, and why messages failed.",
        "Sales from your imported orders credited to campaigns, compared with a holdout group.",
        "Cost and return on spend; charts; export to Excel or PDF.",
    )),
    PageInfo("settings", "Settings", "Your shop's details and your WhatsApp connection.", (
        "Shop name, currency and the default country for phone numbers.",
        "Connect your own WhatsApp Business Platform account; the access token is kept in "
        "your computer's secure keychain, never in files.",
        "Try everything first in the built-in WhatsApp simulator (sandbox).",
    )),
)
PAGE_KEYS: tuple[str, ...] = tuple(p.key for p in PAGES)


def page_info(key: str) -> PageInfo:
    for info in PAGES:
        if info.key == key:
            return info
    raise KeyError(f"no page called {key!r}")


def _home(services: AppServices) -> QWidget:
    from wadesk.ui.pages.home import HomePage

    return HomePage(services)


def _customers(services: AppServices) -> QWidget:
    try:
        from wadesk.ui.customers.page import CustomersPage
    except ImportError as exc:
        log.info("Customers page not available yet (%s); showing a placeholder", exc)
        return _placeholder("customers")(services)
    return CustomersPage(services)


def _pipeline(services: AppServices) -> QWidget:
    from wadesk.ui.pipeline.page import PipelinePage

    return PipelinePage(services)


def _settings(services: AppServices) -> QWidget:
    from wadesk.ui.settings.page import SettingsPage

    return SettingsPage(services)


def _templates(services: AppServices) -> QWidget:
    from wadesk.ui.templates.page import TemplatesPage

    return TemplatesPage(services)


def _import(services: AppServices) -> QWidget:
    from wadesk.ui.importing.page import ImportPage

    return ImportPage(services)


def _segments(services: AppServices) -> QWidget:
    from wadesk.ui.segments.page import SegmentsPage

    return SegmentsPage(services)


def _campaigns(services: AppServices) -> QWidget:
    from wadesk.ui.campaigns.page import CampaignsPage

    return CampaignsPage(services)


def _automations(services: AppServices) -> QWidget:
    from wadesk.ui.automations.page import AutomationsPage

    return AutomationsPage(services)


def _reports(services: AppServices) -> QWidget:
    from wadesk.ui.reports.page import ReportsPage

    return ReportsPage(services)


def _placeholder(key: str) -> PageFactory:
    def make(services: AppServices) -> QWidget:
        from wadesk.ui.pages.placeholder import PlaceholderPage

        return PlaceholderPage(services, page_info(key))

    return make


def default_factories() -> dict[str, PageFactory]:
    factories = {key: _placeholder(key) for key in PAGE_KEYS}
    factories["home"] = _home
    factories["customers"] = _customers
    factories["pipeline"] = _pipeline
    factories["settings"] = _settings
    factories["templates"] = _templates
    factories["segments"] = _segments
    factories["import"] = _import
    factories["campaigns"] = _campaigns
    factories["reports"] = _reports
    factories["automations"] = _automations
    return factories
