"""Indian first and last names for the sample shop, in English and (for Hindi speakers) Devanagari.

Each entry is (English, Devanagari) so a Hindi-script customer still gets a Latin-letter email.
"""
from __future__ import annotations

from typing import Callable

FIRST_NAMES: list[tuple[str, str]] = [
    ("Aarav", "आरव"), ("Vivaan", "विवान"), ("Aditya", "आदित्य"), ("Arjun", "अर्जुन"),
    ("Rohan", "रोहन"), ("Rahul", "राहुल"), ("Amit", "अमित"), ("Vikram", "विक्रम"),
    ("Karan", "करण"), ("Sanjay", "संजय"), ("Rajesh", "राजेश"), ("Suresh", "सुरेश"),
    ("Manoj", "मनोज"), ("Deepak", "दीपक"), ("Nikhil", "निखिल"), ("Ishaan", "ईशान"),
    ("Kabir", "कबीर"), ("Harsh", "हर्ष"), ("Yash", "यश"), ("Pranav", "प्रणव"),
    ("Sai", "साई"), ("Arnav", "अर्णव"), ("Siddharth", "सिद्धार्थ"), ("Gaurav", "गौरव"),
    ("Anand", "आनंद"), ("Venkat", "वेंकट"), ("Karthik", "कार्तिक"), ("Mohammed", "मोहम्मद"),
    ("Imran", "इमरान"), ("Gurpreet", "गुरप्रीत"), ("Harpreet", "हरप्रीत"), ("Tenzing", "तेनज़िंग"),
    ("Priya", "प्रिया"), ("Ananya", "अनन्या"), ("Diya", "दिया"), ("Saanvi", "सान्वी"),
    ("Aadhya", "आध्या"), ("Isha", "ईशा"), ("Kavya", "काव्या"), ("Neha", "नेहा"),
    ("Pooja", "पूजा"), ("Sneha", "स्नेहा"), ("Anjali", "अंजलि"), ("Riya", "रिया"),
    ("Meera", "मीरा"), ("Sunita", "सुनीता"), ("Lakshmi", "लक्ष्मी"), ("Divya", "दिव्या"),
    ("Shreya", "श्रेया"), ("Nisha", "निशा"), ("Kiran", "किरण"), ("Swati", "स्वाति"),
    ("Aishwarya", "ऐश्वर्या"), ("Fatima", "फ़ातिमा"), ("Ayesha", "आयशा"), ("Simran", "सिमरन"),
    ("Jaspreet", "जसप्रीत"), ("Lalremruati", "ललरेमरुआती"), ("Bhavna", "भावना"), ("Tanvi", "तन्वी"),
    ("Radhika", "राधिका"), ("Pallavi", "पल्लवी"), ("Nandini", "नंदिनी"), ("Zoya", "ज़ोया"),
]

LAST_NAMES: list[tuple[str, str]] = [
    ("Sharma", "शर्मा"), ("Verma", "वर्मा"), ("Gupta", "गुप्ता"), ("Singh", "सिंह"),
    ("Kumar", "कुमार"), ("Patel", "पटेल"), ("Shah", "शाह"), ("Mehta", "मेहता"),
    ("Joshi", "जोशी"), ("Agarwal", "अग्रवाल"), ("Jain", "जैन"), ("Yadav", "यादव"),
    ("Mishra", "मिश्रा"), ("Pandey", "पांडे"), ("Tiwari", "तिवारी"), ("Chauhan", "चौहान"),
    ("Reddy", "रेड्डी"), ("Rao", "राव"), ("Nair", "नायर"), ("Menon", "मेनन"),
    ("Iyer", "अय्यर"), ("Pillai", "पिल्लै"), ("Naidu", "नायडू"), ("Das", "दास"),
    ("Banerjee", "बनर्जी"), ("Chatterjee", "चटर्जी"), ("Mukherjee", "मुखर्जी"), ("Bose", "बोस"),
    ("Ghosh", "घोष"), ("Kulkarni", "कुलकर्णी"), ("Deshmukh", "देशमुख"), ("Patil", "पाटिल"),
    ("Khan", "ख़ान"), ("Ansari", "अंसारी"), ("Qureshi", "क़ुरैशी"), ("Gill", "गिल"),
    ("Sandhu", "संधू"), ("Bhat", "भट"), ("Kaul", "कौल"), ("Bora", "बोरा"),
    ("Sangma", "संगमा"), ("Lepcha", "लेप्चा"), ("Thakur", "ठाकुर"), ("Saxena", "सक्सेना"),
    ("Malhotra", "मल्होत्रा"), ("Kapoor", "कपूर"), ("Chopra", "चोपड़ा"), ("Fernandes", "फ़र्नांडिस"),
]

EMAIL_DOMAINS = (
    ["gmail.com"] * 12 + ["yahoo.co.in"] * 3 + ["outlook.com"] * 2 + ["rediffmail.com", "hotmail.com"]
)


def pick_name(rand: Callable[[], float]) -> tuple[int, int]:
    """Indices into FIRST_NAMES and LAST_NAMES (the caller picks the script)."""
    return int(rand() * len(FIRST_NAMES)), int(rand() * len(LAST_NAMES))


def email_for(rand: Callable[[], float], first: str, last: str, serial: int) -> str:
    # The serial keeps emails distinct in a big shop, as real inboxes are.
    style = int(rand() * 4)
    f, l = first.lower(), last.lower()
    local = (f"{f}.{l}", f"{f}{l}{serial % 1000}", f"{f[0]}{l}{serial % 100}", f"{f}_{serial}")[style]
    return f"{local}{'' if style else serial}@{EMAIL_DOMAINS[int(rand() * len(EMAIL_DOMAINS))]}"
