"""The holdout split: stable per (campaign, customer), the vectorised mask identical to the rule."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from wadesk.core.campaigns.holdout import bucket, holdout_mask, in_holdout, new_campaign_key


def test_rule_is_the_documented_sha256_bucket():
    digest = hashlib.sha256(b"spring-sale-7f3a:12345").digest()
    expected = int.from_bytes(digest[:8], "big") % 10_000
    assert bucket("spring-sale-7f3a", 12345) == expected
    assert in_holdout("spring-sale-7f3a", 12345, 10) is (expected < 1000)


def test_stable_and_different_per_campaign():
    ids = range(1, 2001)
    a = [in_holdout("campaign-a", i, 10) for i in ids]
    assert a == [in_holdout("campaign-a", i, 10) for i in ids]  # the same every time
    b = [in_holdout("campaign-b", i, 10) for i in ids]
    assert a != b  # another campaign holds out other customers
    assert not any(in_holdout("campaign-a", i, 0) for i in ids)
    assert all(in_holdout("campaign-a", i, 100) for i in ids)
    # Raising the share only adds people: whoever is out at 10% is still out at 20%.
    assert all(in_holdout("campaign-a", i, 20) for i, out in zip(ids, a) if out)


def test_mask_is_identical_to_the_scalar_rule_on_10k_ids():
    rng = np.random.default_rng(3)
    ids = np.concatenate([np.arange(1, 5001), rng.integers(1, 10**12, 5000)])
    for pct in (0, 1, 10, 33, 50):
        mask = holdout_mask("k-5e1f", ids, pct)
        assert mask.dtype == bool and mask.shape == ids.shape
        assert mask.tolist() == [in_holdout("k-5e1f", int(i), pct) for i in ids]


@pytest.mark.parametrize("pct", [5, 10, 50])
def test_share_is_within_one_point_on_100k_ids(pct):
    mask = holdout_mask(new_campaign_key(), np.arange(1, 100_001), pct)
    assert abs(mask.mean() * 100 - pct) <= 1


def test_mask_accepts_lists_and_empty_input():
    assert holdout_mask("k", [], 10).shape == (0,)
    assert holdout_mask("k", [7, 8], 10).tolist() == [in_holdout("k", 7, 10), in_holdout("k", 8, 10)]


def test_bad_share_is_refused():
    with pytest.raises(ValueError, match="0..100"):
        in_holdout("k", 1, 101)
    with pytest.raises(ValueError, match="0..100"):
        holdout_mask("k", np.arange(3), -1)


def test_campaign_keys_are_random():
    keys = {new_campaign_key() for _ in range(100)}
    assert len(keys) == 100 and all(len(k) == 16 for k in keys)
