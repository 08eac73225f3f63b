"""Real Indian cities with their states and plausible pincodes, and the long-delivery zone.

The long-delivery zone (North-East, J&K, Ladakh, islands, remote hill pincodes) is where couriers
take a week or more and COD orders come back most often; the COD-risk segment looks for it.
"""
from __future__ import annotations

from bisect import bisect
from typing import Callable
from dataclasses import dataclass

# States and union territories where delivery usually takes 6+ days.
LONG_DELIVERY_STATES: tuple[str, ...] = (
    "Arunachal Pradesh", "Assam", "Manipur", "Meghalaya", "Mizoram", "Nagaland", "Sikkim",
    "Tripura", "Jammu and Kashmir", "Ladakh", "Andaman and Nicobar Islands", "Lakshadweep",
)

# Remote pincodes in otherwise well-served states (Spiti, Kinnaur, Dharchula, Munsiyari).
REMOTE_PINCODES: tuple[str, ...] = ("172114", "172107", "262545", "262554")


@dataclass(frozen=True)
class City:
    name: str
    state: str
    pincode: int  # first pincode of the city's range
    span: int  # how many pincodes the range covers
    weight: int  # share of customers (roughly online-shopper population)

    @property
    def long_delivery(self) -> bool:
        return self.state in LONG_DELIVERY_STATES


CITIES: tuple[City, ...] = (
    City("Mumbai", "Maharashtra", 400001, 104, 120), City("Pune", "Maharashtra", 411001, 62, 50),
    City("Nagpur", "Maharashtra", 440001, 37, 15), City("New Delhi", "Delhi", 110001, 96, 120),
    City("Gurugram", "Haryana", 122001, 18, 30), City("Noida", "Uttar Pradesh", 201301, 10, 25),
    City("Lucknow", "Uttar Pradesh", 226001, 30, 22), City("Kanpur", "Uttar Pradesh", 208001, 27, 12),
    City("Varanasi", "Uttar Pradesh", 221001, 11, 8), City("Bengaluru", "Karnataka", 560001, 110, 110),
    City("Mysuru", "Karnataka", 570001, 30, 8), City("Chennai", "Tamil Nadu", 600001, 119, 70),
    City("Coimbatore", "Tamil Nadu", 641001, 50, 15), City("Hyderabad", "Telangana", 500001, 100, 80),
    City("Kolkata", "West Bengal", 700001, 160, 60), City("Ahmedabad", "Gujarat", 380001, 61, 45),
    City("Surat", "Gujarat", 395001, 17, 25), City("Vadodara", "Gujarat", 390001, 25, 12),
    City("Jaipur", "Rajasthan", 302001, 40, 30), City("Jodhpur", "Rajasthan", 342001, 15, 8),
    City("Indore", "Madhya Pradesh", 452001, 20, 18), City("Bhopal", "Madhya Pradesh", 462001, 47, 12),
    City("Patna", "Bihar", 800001, 30, 18), City("Ranchi", "Jharkhand", 834001, 12, 9),
    City("Bhubaneswar", "Odisha", 751001, 31, 10), City("Kochi", "Kerala", 682001, 40, 15),
    City("Thiruvananthapuram", "Kerala", 695001, 45, 10), City("Chandigarh", "Chandigarh", 160001, 47, 12),
    City("Ludhiana", "Punjab", 141001, 17, 12), City("Amritsar", "Punjab", 143001, 9, 8),
    City("Dehradun", "Uttarakhand", 248001, 10, 8), City("Shimla", "Himachal Pradesh", 171001, 12, 4),
    City("Raipur", "Chhattisgarh", 492001, 15, 8), City("Visakhapatnam", "Andhra Pradesh", 530001, 53, 12),
    City("Vijayawada", "Andhra Pradesh", 520001, 15, 8), City("Panaji", "Goa", 403001, 6, 4),
    # Long-delivery zone.
    City("Guwahati", "Assam", 781001, 40, 10), City("Dibrugarh", "Assam", 786001, 5, 3),
    City("Shillong", "Meghalaya", 793001, 22, 3), City("Imphal", "Manipur", 795001, 10, 3),
    City("Aizawl", "Mizoram", 796001, 15, 2), City("Kohima", "Nagaland", 797001, 5, 2),
    City("Agartala", "Tripura", 799001, 10, 3), City("Itanagar", "Arunachal Pradesh", 791111, 3, 2),
    City("Gangtok", "Sikkim", 737101, 3, 2), City("Srinagar", "Jammu and Kashmir", 190001, 25, 5),
    City("Jammu", "Jammu and Kashmir", 180001, 20, 5), City("Leh", "Ladakh", 194101, 1, 1),
    City("Port Blair", "Andaman and Nicobar Islands", 744101, 5, 1),
)

LONG_DELIVERY_CITIES: tuple[City, ...] = tuple(c for c in CITIES if c.long_delivery)
# Cumulative weights, for a binary search per pick.
_CUM: list[int] = []
for _c in CITIES:
    _CUM.append((_CUM[-1] if _CUM else 0) + _c.weight)


def pick_city(rand: Callable[[], float], long_delivery: bool = False) -> City:
    if long_delivery:
        return LONG_DELIVERY_CITIES[int(rand() * len(LONG_DELIVERY_CITIES))]
    return CITIES[bisect(_CUM, rand() * _CUM[-1])]


def pincode_in(rand: Callable[[], float], city: City) -> str:
    return str(city.pincode + int(rand() * city.span))


def is_long_delivery(state: str | None, pincode: str | None) -> bool:
    return state in LONG_DELIVERY_STATES or pincode in REMOTE_PINCODES
