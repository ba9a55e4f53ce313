"""Label placement for the timeline: greedy per lane, in rows, with "+N" overflow counts.

Pure Python over numpy arrays (text widths come from a callback), so it is testable
without painting.  Selected events are placed first; the rest go left to right, one
candidate per lane and ``bucket`` pixels (the others in that bucket are counted), each
into the first row where it does not touch a label already there.  What finds no room is
summed into a "+N" drawn right after the label that blocked it; ``count_items`` says which
items each "+N" stands for (a click on it zooms in on them).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

GAP = 6.0


@dataclass
class Placement:
    labels: list[tuple[int, int, float, float]] = field(default_factory=list)  # item, row, x, w
    counts: list[tuple[int, int, float, str]] = field(default_factory=list)  # lane, row, x, text
    lanes: list[int] = field(default_factory=list)  # lane of each label
    count_items: list[np.ndarray] = field(default_factory=list)  # the items each count hides


def _fits(row_items: list[tuple[float, float]], x: float, w: float) -> bool:
    return all(b + GAP <= x or a >= x + w + GAP for a, b in row_items)


def place(
    x: np.ndarray,
    lane: np.ndarray,
    priority: np.ndarray,
    width: Callable[[int], float],
    text_width: Callable[[str], float],
    nrows: int,
    right_limit: float,
    bucket: float = 14.0,
) -> Placement:
    """Place labels starting at ``x`` (one per item) in ``nrows`` rows per lane."""
    out = Placement()
    if not len(x):
        return out
    for ln in np.unique(lane).tolist():
        idx = np.flatnonzero(lane == ln)
        rows: list[list[tuple[float, float]]] = [[] for _ in range(nrows)]
        for i in idx[priority[idx]][np.argsort(x[idx[priority[idx]]], kind="stable")].tolist():
            w = width(i)
            r = next((r for r in range(nrows) if _fits(rows[r], x[i], w)), None)
            if r is not None:
                rows[r].append((float(x[i]), float(x[i]) + w))
                out.labels.append((i, r, float(x[i]), w))
                out.lanes.append(ln)
        rest = idx[~priority[idx]]
        rest = rest[np.argsort(x[rest], kind="stable")]
        if not len(rest):
            continue
        keys = np.floor(x[rest] / bucket).astype(np.int64)
        first = np.ones(len(rest), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        starts = np.flatnonzero(first)
        ends = np.append(starts[1:], len(rest)).tolist()
        hidden = _Crowd()  # the items waiting for a "+N"
        seq_right = [-math.inf] * nrows  # right end of the last label placed in each row
        for k0, k1 in zip(starts.tolist(), ends, strict=True):
            i = int(rest[k0])
            xi = float(x[i])
            if xi > right_limit:
                hidden.add(rest[k0:], xi)
                break
            if xi < min(seq_right) + GAP:  # every row is still busy here: no need to measure
                hidden.add(rest[k0:k1], xi)
                continue
            w = width(i)
            r = next((r for r in range(nrows) if _fits(rows[r], xi, w)), None)
            if r is None:
                hidden.add(rest[k0:k1], xi)
                continue
            if hidden.items:  # the crowd before this label: "+N" after its blocker, if room
                if _put_count(out, rows, ln, hidden.items, hidden.x, xi, text_width):
                    hidden.items = []
                r = next((r for r in range(nrows) if _fits(rows[r], xi, w)), None)
                if r is None:
                    hidden.add(rest[k0:k1], xi)
                    continue
            rows[r].append((xi, xi + w))
            seq_right[r] = xi + w
            out.labels.append((i, r, xi, w))
            out.lanes.append(ln)
            if k1 - k0 > 1:
                hidden.add(rest[k0 + 1 : k1], xi)
        if hidden.items:
            _put_count(out, rows, ln, hidden.items, hidden.x, math.inf, text_width)
    return out


class _Crowd:
    """Items of one lane that found no room yet, and where the first of them starts."""

    def __init__(self) -> None:
        self.items: list[np.ndarray] = []
        self.x = 0.0

    def add(self, items: np.ndarray, x: float) -> None:
        if not self.items:
            self.x = x
        self.items.append(items)


def _put_count(out, rows, ln, hidden, x_from, limit, text_width) -> bool:
    """Place "+n" for the ``hidden`` items at the first spot at or after ``x_from`` in any
    row; True when placed."""
    items = np.concatenate(hidden)
    text = f"+{len(items)}"
    w = text_width(text)
    best = None
    for r, placed in enumerate(rows):
        x = x_from
        for a, b in sorted(placed):
            if b + 3.0 > x and a < x + w + 3.0:
                x = b + 3.0
        if best is None or x < best[1]:
            best = (r, x)
    r, x = best
    if x + w + GAP <= limit or limit == math.inf:
        rows[r].append((x, x + w))
        out.counts.append((ln, r, x, text))
        out.count_items.append(items)
        return True
    return False
