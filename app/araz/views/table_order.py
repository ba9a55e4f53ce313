"""The Events table's first order (by date, ties in dataset order), worked out once per
dataset, in the loader's thread (:func:`araz.views.prepared.prepare`), not when the
table first shows a dataset: numpy over a rank per distinct date, no event objects."""

from __future__ import annotations

import weakref

import numpy as np

from ..model.columns import spread
from ..model.dataset import Dataset

# per dataset (weakly): its date key and the order by it
_MADE: weakref.WeakKeyDictionary[Dataset, tuple[np.ndarray, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)


def dense_rank(values: np.ndarray) -> np.ndarray:
    """Each value's rank among the distinct values, ties one rank (np.unique's inverse,
    without np.unique: its plain form imports numpy's masked arrays at start-up)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new = np.ones(len(values), np.int64)
    new[1:] = ordered[1:] != ordered[:-1]
    rank = np.empty(len(values), np.int64)
    rank[order] = np.cumsum(new) - 1
    return rank


def ranked(per: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """A sort key per event: the rank of its value among ``per`` (one per distinct value,
    then the missing value's), in the narrowest integer type (numpy sorts 16-bit keys by
    radix: a million in ~10 ms, not the ~100 ms of float keys)."""
    rank = dense_rank(per)
    small = np.int16 if len(per) < 2**15 else np.int32 if len(per) < 2**31 else np.int64
    return spread(rank.astype(small), codes)


def _made(ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
    made = _MADE.get(ds)
    if made is None:
        col = ds.events.date
        key = ranked(col.lut(lambda d: d.value.lower if d else np.inf, float), col.codes)
        made = _MADE[ds] = (key, narrow(np.argsort(key, kind="stable")))
    return made


def index_type(n: int) -> type:
    """The integer type of row numbers into ``n`` rows: int32 (4 bytes a row less than
    numpy's int64) unless there are 2**31 of them or more."""
    return np.int32 if n < 2**31 else np.int64


def narrow(rows: np.ndarray) -> np.ndarray:
    """Row numbers (0 <= row < len(rows), an argsort's) as :func:`index_type` says."""
    return rows.astype(index_type(len(rows)), copy=False)


def date_key(ds: Dataset) -> np.ndarray:
    """Each event's rank by its earliest day (no date: last)."""
    return _made(ds)[0]


def date_order(ds: Dataset) -> np.ndarray:
    """Every event by :func:`date_key`, ties in dataset order (int32 rows, as
    :func:`narrow` makes them; int64 when the views' cache gave them)."""
    return _made(ds)[1]
