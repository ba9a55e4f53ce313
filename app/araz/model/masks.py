"""Picking the events a filter's mask shows, fast over a million of them."""

from __future__ import annotations

import numpy as np


def picked(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``values[mask]``, for a filter's mask over many events: its indices first, then a
    take (numpy's boolean indexing branches per element: 2–3× slower on a scattered mask,
    as a search's or a category's is; the same on a mostly-true one)."""
    return values.take(np.flatnonzero(mask))
