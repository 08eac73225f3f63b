"""Column helpers for the in-memory copy: categorical codes with case-insensitive lookup."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class Coded:
    """Strings as int32 codes (-1 = none) into `values`; `keys` are the trimmed lower-case forms
    conditions compare against, so "mumbai " matches "Mumbai"."""

    codes: np.ndarray
    values: np.ndarray  # object, original spelling
    keys: np.ndarray  # object, lower-case

    @classmethod
    def of(cls, series: pd.Series) -> "Coded":
        if isinstance(series.dtype, pd.CategoricalDtype):
            cat = series.array
        else:
            cat = pd.Categorical(series.to_numpy(dtype=object, na_value=None))
        values = np.asarray(cat.categories, dtype=object)
        keys = np.array([str(v).strip().lower() for v in values], dtype=object)
        codes = np.asarray(cat.codes, dtype=np.int32)
        blank = np.append(keys == "", False)  # "" and "  " are no value
        return cls(np.where(blank[codes], -1, codes).astype(np.int32), values, keys)

    @classmethod
    def lowered(cls, series: pd.Series) -> "Coded":
        """Codes of the trimmed lower-case values ("Session" and "session" are one value)."""
        raw = cls.of(series)
        keys, inverse = np.unique(raw.keys.astype(str), return_inverse=True) if len(raw.keys) else (raw.keys, raw.codes)
        remap = np.append(inverse.astype(np.int32), -1)
        return cls(remap[raw.codes].astype(np.int32), keys.astype(object), keys.astype(object))

    def take(self, idx: np.ndarray) -> "Coded":
        return Coded(self.codes[idx], self.values, self.keys)

    def _absorb(self, other: "Coded") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(values, keys, remap) with `other`'s values added to ours; remap[other code] = our code
        (remap[-1] = -1)."""
        index = {v: i for i, v in enumerate(self.values)}
        extra = [v for v in other.values if v not in index]
        values = np.concatenate([self.values, np.array(extra, dtype=object)]) if extra else self.values
        keys = np.concatenate([self.keys, np.array([str(v).strip().lower() for v in extra], dtype=object)]) \
            if extra else self.keys
        index.update({v: len(self.values) + i for i, v in enumerate(extra)})
        remap = np.array([index[v] for v in other.values] + [-1], dtype=np.int32)
        return values, keys, remap

    def append(self, other: "Coded") -> "Coded":
        """Our rows, then `other`'s, in one code table."""
        values, keys, remap = self._absorb(other)
        return Coded(np.concatenate([self.codes, remap[other.codes]]).astype(np.int32), values, keys)

    def put(self, at: np.ndarray, other: "Coded", n: int) -> "Coded":
        """A copy `n` rows long (new rows: no value) with rows `at` set from `other`."""
        values, keys, remap = self._absorb(other)
        codes = np.full(n, -1, dtype=np.int32)
        codes[:len(self.codes)] = self.codes
        codes[at] = remap[other.codes]
        return Coded(codes, values, keys)

    def matches(self, wanted: list[str], rows: slice = slice(None)) -> np.ndarray:
        """Rows whose value is one of `wanted` (case-insensitive); none -> False. `rows`: only
        these rows (a time window), without touching the rest of a 10M-row column."""
        want = {str(w).strip().lower() for w in wanted}
        hit = np.fromiter((k in want for k in self.keys), dtype=bool, count=len(self.keys))
        return np.append(hit, False)[self.codes[rows]]

    def code_set(self, wanted: list[str]) -> np.ndarray:
        want = {str(w).strip().lower() for w in wanted}
        return np.flatnonzero(np.fromiter((k in want for k in self.keys), dtype=bool, count=len(self.keys)))

    def present(self) -> np.ndarray:
        return self.codes >= 0

    def nbytes(self) -> int:
        return self.codes.nbytes + 64 * len(self.values)


def epoch(col: pd.Series) -> np.ndarray:
    """Epoch seconds as float64 (NaN = none)."""
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64)


def positions(ids: np.ndarray, customer_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row positions of `customer_ids` in the sorted `ids`, and which of them exist there."""
    cid = np.asarray(customer_ids, dtype=np.int64)
    pos = np.searchsorted(ids, cid)
    pos = np.minimum(pos, max(len(ids) - 1, 0))
    ok = (ids[pos] == cid) if len(ids) else np.zeros(len(cid), dtype=bool)
    return pos.astype(np.int32), ok
