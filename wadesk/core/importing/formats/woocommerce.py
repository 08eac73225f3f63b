"""WooCommerce: orders from Advanced Order Export, SkyVerge Customer/Order CSV Export and WebToffee
(configurable exporters: detected by any of their default header sets), and Analytics customers."""
from __future__ import annotations

import re

from wadesk.core.importing.formats.base import Format, Row
from wadesk.core.importing.formats.orders import UTM, OrderFormat
from wadesk.core.importing.readers.table import Table
from wadesk.core.importing.vocab import woo_financial, woo_status

_UTM_HEADER = re.compile(r"utm_(source|medium|campaign|content|term)$", re.I)
_LINE_ITEM = re.compile(r"^(line_items|line_item_\d+|order_item_\d+)$", re.I)


def _best(table: Table, signatures: list[list[str]]) -> float:
    have = {h.lower() for h in table.headers}
    return max(sum(1 for s in sig if s.lower() in have) / len(sig) for sig in signatures)


class WooOrders(OrderFormat):
    name = "woocommerce-orders"
    label = "WooCommerce orders"
    source = "woocommerce"
    signatures = [
        ["Order Number", "Order Status", "Phone (Billing)", "Email (Billing)", "Order Total Amount",
         "Payment Method Title"],  # Advanced Order Export
        ["order_id", "order_number", "billing_phone", "order_total", "payment_method"],  # SkyVerge
        ["order_id", "status", "billing_phone", "payment_method", "payment_method_title"],  # WebToffee
        ["Order ID", "Order Status", "Billing Phone", "Order Total", "Payment Method"],  # SkyVerge legacy
    ]
    aliases = {
        "order_id": ["order_id", "Order ID", "Order Number", "order_number"],
        "order_number": ["order_number_formatted", "order_number", "Order Number", "Order ID"],
        "order_status": ["Order Status", "status", "Status"],
        "order_date": ["Order Date", "order_date", "date", "Date"],
        "phone": ["Phone (Billing)", "billing_phone", "Billing Phone", "Phone (Shipping)", "shipping_phone"],
        "email": ["Email (Billing)", "billing_email", "Billing Email", "customer_email"],
        "first_name": ["First Name (Billing)", "billing_first_name", "Billing First Name"],
        "last_name": ["Last Name (Billing)", "billing_last_name", "Billing Last Name"],
        "city": ["City (Billing)", "billing_city", "Billing City"],
        "state": ["State Name (Billing)", "State Code (Billing)", "billing_state", "Billing State"],
        "pincode": ["Postcode (Billing)", "billing_postcode", "Billing Post code"],
        "country": ["Country Code (Billing)", "billing_country", "Billing Country"],
        "order_total": ["Order Total Amount", "order_total", "Order Total"],
        "subtotal": ["Order Subtotal Amount", "order_subtotal"],
        "shipping": ["Order Shipping Amount", "shipping_total", "order_shipping", "Shipping"],
        "discount": ["Cart Discount Amount", "discount_total", "Discount Total", "cart_discount"],
        "payment_method": ["Payment Method Title", "payment_method_title", "payment_method", "Payment Method"],
        "currency": ["order_currency", "Order Currency", "Currency"],
        "discount_code": ["Coupon Code", "Coupons Used", "Coupons"],
        "item_name": ["Item Name", "Name", "item_name", "Product Name"],
        "item_qty": ["Quantity", "Quantity (- Refund)", "item_quantity", "Qty"],
        "item_price": ["Item Cost", "Item Amount", "item_total"], "item_sku": ["SKU", "item_sku", "Item SKU"],
        "ship_city": ["City (Shipping)", "shipping_city", "Shipping City"],
        "ship_state": ["State Name (Shipping)", "State Code (Shipping)", "shipping_state", "Shipping State"],
        "ship_pincode": ["Postcode (Shipping)", "shipping_postcode", "Shipping Post code"],
        "customer_id": ["customer_id", "customer_user", "Customer User ID"], "note": ["Customer Note", "customer_note"],
    }

    def score(self, table: Table) -> float:
        return _best(table, self.signatures)

    def default_mapping(self, headers: list[str]) -> dict[str, str]:
        out = super().default_mapping(headers)
        for h in headers:
            if m := _UTM_HEADER.search(h):  # meta:_wc_order_attribution_utm_source
                out.setdefault(h, f"utm_{m.group(1).lower()}")
            elif _LINE_ITEM.match(h):
                out.setdefault(h, "line_items")
        return out

    def status(self, row: Row):
        st = woo_status(row.get("order_status"))
        ful = "fulfilled" if st == "completed" else ("unfulfilled" if st else None)
        return woo_financial(st), ful, st in ("cancelled", "failed")

    def order_record(self, row, ctx):
        rec = super().order_record(row, ctx)
        if rec.order is not None:
            rec.order.attributes["woo_status"] = woo_status(row.get("order_status"))
        return rec


class WooCustomers(Format):
    name = "woocommerce-customers"
    label = "WooCommerce customers"
    source = "woocommerce"
    signatures = [["Name", "Username", "Last Active", "Sign Up", "Orders", "Total Spend", "AOV"],
                  ["customer_id", "first_name", "last_name", "email", "date_registered", "billing_phone"]]
    aliases = {
        "name": ["Name"], "first_name": ["first_name", "billing_first_name", "First Name"],
        "last_name": ["last_name", "billing_last_name", "Last Name"], "email": ["Email", "email", "billing_email"],
        "phone": ["Billing Phone", "billing_phone", "Shipping Phone", "Phone"],
        "city": ["City", "billing_city"], "state": ["Region", "billing_state", "State"],
        "pincode": ["Postal Code", "billing_postcode", "Post code"],
        "country": ["Country / Region", "billing_country", "Country"],
        "customer_id": ["customer_id", "Username", "ID"], "store_total_spent": ["Total Spend", "total_spent"],
        "store_order_count": ["Orders", "order_count"],
    }

    def score(self, table: Table) -> float:
        return _best(table, self.signatures)


__all__ = ["WooOrders", "WooCustomers", "UTM"]
