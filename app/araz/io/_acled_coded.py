"""Coded columns for the ACLED block reader: each dictionary column as int32 codes over
its distinct values, and the distinct combinations of several, so that a rule runs once
per distinct value (:mod:`araz.io._acled_build`), never once per row in Python."""

from __future__ import annotations

from contextlib import suppress

import numpy as np


class CodedColumn:
    """Global codes for one dictionary column, gathered batch by batch (first-appearance
    order); :meth:`done` strips the values and merges those equal once stripped."""

    def __init__(self) -> None:
        self.by: dict[str, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, arr) -> None:
        by = self.by
        d = arr.dictionary.to_pylist()
        lut = np.fromiter((by.setdefault(v, len(by)) for v in d), np.int32, count=len(d))
        idx = arr.indices
        codes = np.frombuffer(idx.buffers()[1], np.int32, count=len(idx), offset=idx.offset * 4)
        self.parts.append(lut[codes] if len(lut) else codes.copy())

    def done(self, skip: int) -> tuple[np.ndarray, list[str]]:
        codes = np.concatenate(self.parts) if self.parts else np.zeros(0, np.int32)
        codes = codes[skip:]
        canon: dict[str, int] = {}
        lut = np.fromiter(
            (canon.setdefault(v.strip(), len(canon)) for v in self.by), np.int32, len(self.by)
        )
        return (lut[codes] if len(lut) else codes), list(canon)


def combine(*pairs: tuple[np.ndarray, int]) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct combinations of several coded columns (each given as its
    codes and its number of values), numbered in order of first appearance, and the
    first row of each combination."""
    key = np.zeros(len(pairs[0][0]), np.int64)
    size = 1
    for codes, n in pairs:
        n = max(n, 1)
        if size * n >= 1 << 62:  # renumber before the key overflows
            _, key = np.unique(key, return_inverse=True)
            key = key.reshape(-1).astype(np.int64)
            size = int(key.max()) + 1 if len(key) else 1
        key = key * n + codes
        size *= n
    if size <= max(1 << 22, 4 * len(key)):  # a dense table: no sort
        first = np.full(size, len(key), np.int64)
        np.minimum.at(first, key, np.arange(len(key)))
        used = np.flatnonzero(first < len(key))
        order = np.argsort(first[used], kind="stable")
        rank = np.empty(size, np.int32)
        rank[used[order]] = np.arange(len(used), dtype=np.int32)
        return rank[key], first[used[order]]
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(order), np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return rank[inv.reshape(-1)], first[order]


def floats(texts: list[str]) -> np.ndarray:
    """Each text as a float, NaN where it is not a number."""
    try:
        return np.array([t or "nan" for t in texts] or ["nan"], np.float64)
    except ValueError:
        pass
    out = np.full(max(len(texts), 1), np.nan)
    for i, t in enumerate(texts):
        with suppress(ValueError):
            out[i] = float(t)
    return out
