"""The holdout: a share of a campaign's audience kept out so reports can measure uplift.

Who is held out depends only on (campaign key, customer id): sha256 of "key:id" → bucket
0..9999 (first 8 bytes, big-endian, mod 10,000) → held out when bucket < pct × 100. The same customer
is in or out however often the audience is recomputed, and different campaigns hold out different
customers. `holdout_mask` is the same rule for a whole audience at once.
"""
from __future__ import annotations

import hashlib
import secrets

import numpy as np

BUCKETS = 10_000


def _check(pct: int) -> None:
    if not 0 <= pct <= 100:
        raise ValueError(f"holdout share must be 0..100%, not {pct}")


def new_campaign_key() -> str:
    """A stable random key for a new campaign (stored in campaigns.settings)."""
    return secrets.token_hex(8)


def bucket(campaign_key: str, customer_id: int) -> int:
    digest = hashlib.sha256(f"{campaign_key}:{int(customer_id)}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def in_holdout(campaign_key: str, customer_id: int, pct: int) -> bool:
    _check(pct)
    return bucket(campaign_key, customer_id) < pct * BUCKETS // 100


def holdout_mask(campaign_key: str, customer_ids: np.ndarray, pct: int) -> np.ndarray:
    """Boolean array: True where that customer is held out (identical to `in_holdout`)."""
    _check(pct)
    ids = np.asarray(customer_ids).astype(np.int64, copy=False).ravel()
    if pct == 0 or ids.size == 0:
        return np.zeros(ids.size, dtype=bool)
    if pct == 100:
        return np.ones(ids.size, dtype=bool)
    # sha256 has no numpy form; the cost is the hashing, so reuse the hashed prefix and join all
    # digests into one buffer that numpy reads as big-endian 8-byte words.
    prefix = hashlib.sha256(f"{campaign_key}:".encode())
    digests = []
    for text in "\n".join(map(str, ids.tolist())).encode().split(b"\n"):
        h = prefix.copy()
        h.update(text)
        digests.append(h.digest())
    first8 = np.frombuffer(b"".join(digests), dtype=">u8")[::4]
    return (first8 % BUCKETS) < pct * BUCKETS // 100
