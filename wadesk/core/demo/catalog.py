"""The sample shop's catalogue (prices in whole rupees), discount codes, payment methods and UTMs.

Whole-rupee prices keep every total exact when the database stores money as a float (SQLite).
"""
from __future__ import annotations

from dataclasses import dataclass

CATEGORIES: tuple[str, ...] = ("skincare", "apparel", "home", "electronics")
# How often a customer's favourite category is each one.
CATEGORY_WEIGHTS: tuple[int, ...] = (35, 30, 20, 15)


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    price: int  # INR


PRODUCTS: tuple[Product, ...] = (
    Product("KN-SK-001", "Kesar Saffron Face Serum 30ml", "skincare", 899),
    Product("KN-SK-002", "Ubtan Brightening Face Wash 100ml", "skincare", 349),
    Product("KN-SK-003", "Kumkumadi Night Oil 15ml", "skincare", 1299),
    Product("KN-SK-004", "Aloe Vera Soothing Gel 200g", "skincare", 249),
    Product("KN-SK-005", "Vitamin C Day Cream SPF 30", "skincare", 599),
    Product("KN-SK-006", "Rose Water Toner 200ml", "skincare", 199),
    Product("KN-SK-007", "Bridal Glow Gift Box", "skincare", 2499),
    Product("KN-SK-008", "Onion Hair Oil 200ml", "skincare", 399),
    Product("KN-AP-001", "Hand Block Cotton Kurta", "apparel", 1499),
    Product("KN-AP-002", "Chikankari Kurti", "apparel", 1899),
    Product("KN-AP-003", "Linen Nehru Jacket", "apparel", 2499),
    Product("KN-AP-004", "Banarasi Silk Dupatta", "apparel", 2999),
    Product("KN-AP-005", "Cotton Palazzo Pants", "apparel", 799),
    Product("KN-AP-006", "Men's Khadi Shirt", "apparel", 1299),
    Product("KN-AP-007", "Kids Ethnic Set", "apparel", 999),
    Product("KN-HM-001", "Jaipuri Bedsheet Double", "home", 1199),
    Product("KN-HM-002", "Brass Diya Set of 4", "home", 699),
    Product("KN-HM-003", "Copper Water Bottle 1L", "home", 599),
    Product("KN-HM-004", "Handwoven Cotton Rug", "home", 2199),
    Product("KN-HM-005", "Scented Soy Candle Mogra", "home", 449),
    Product("KN-HM-006", "Terracotta Planter Set", "home", 899),
    Product("KN-HM-007", "Cast Iron Kadai", "home", 1599),
    Product("KN-EL-001", "Wireless Earbuds Pro", "electronics", 2499),
    Product("KN-EL-002", "Smart Watch Fit 2", "electronics", 3999),
    Product("KN-EL-003", "Bluetooth Speaker Mini", "electronics", 1499),
    Product("KN-EL-004", "Power Bank 20000mAh", "electronics", 1299),
    Product("KN-EL-005", "Hair Dryer 1200W", "electronics", 1799),
    Product("KN-EL-006", "Neckband Headphones", "electronics", 999),
    Product("KN-EL-007", "Air Fryer 4L", "electronics", 5499),
)

BY_CATEGORY: dict[str, tuple[Product, ...]] = {
    c: tuple(p for p in PRODUCTS if p.category == c) for c in CATEGORIES
}

# code -> (percent off, flat rupees off); festive codes mark the Diwali sale.
DISCOUNT_CODES: dict[str, tuple[int, int]] = {
    "WELCOME10": (10, 0), "KESARI5": (5, 0), "FESTIVE15": (15, 0), "DIWALI20": (20, 0),
    "FLAT200": (0, 200), "SALE25": (25, 0), "COMEBACK15": (15, 0),
}
DISCOUNT_CODE_LIST: tuple[str, ...] = tuple(DISCOUNT_CODES)
FESTIVE_CODES: frozenset[str] = frozenset({"FESTIVE15", "DIWALI20"})
SALES: tuple[str, ...] = ("Diwali Sale", "End of Season Sale", "Republic Day Sale", "Holi Colour Fest")

COD_METHOD = "Cash on Delivery (COD)"
PREPAID_METHODS: tuple[str, ...] = (
    "UPI (Razorpay)", "UPI (Razorpay)", "UPI (PhonePe)", "Card (Razorpay)",
    "Netbanking (Razorpay)", "Wallet (Paytm)",
)

# (utm_source, utm_medium, utm_campaign)
UTMS: tuple[tuple[str, str, str], ...] = (
    ("facebook", "paid_social", "diwali_sale_2025"), ("instagram", "paid_social", "summer_glow"),
    ("instagram", "influencer", "bridal_edit"), ("google", "cpc", "brand_search"),
    ("google", "cpc", "kurta_generic"), ("whatsapp", "broadcast", "winback_oct"),
    ("newsletter", "email", "weekly_digest"),
)

def discount_for(code: str, subtotal: int) -> int:
    pct, flat = DISCOUNT_CODES[code]
    return min(subtotal, flat if flat else subtotal * pct // 100)
