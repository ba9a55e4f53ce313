"""Label placement for the timeline: greedy per lane, in rows, with "+N" overflow counts.

Pure Python over numpy arrays (text widths come from a callback), so it is testable
without painting.  Selected events are placed first; the rest go left to right, one
candidate per lane and ``bucket`` pixels (the others in that bucket are counted), each
into the first row where it does not touch a label already there.  What finds no room is
summed into a "+N" drawn right after the label that blocked it.
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
        sizes = np.diff(np.append(np.flatnonzero(first), len(rest))).tolist()
        pending, pending_x = 0, 0.0
        seq_right = [-math.inf] * nrows  # right end of the last label placed in each row
        for i, size in zip(rest[first].tolist(), sizes, strict=True):
            xi = float(x[i])
            if xi > right_limit:
                pending += size
                break
            if xi < min(seq_right) + GAP:  # every row is still busy here: no need to measure
                if not pending:
                    pending_x = xi
                pending += size
                continue
            w = width(i)
            r = next((r for r in range(nrows) if _fits(rows[r], xi, w)), None)
            if r is None:
                if not pending:
                    pending_x = xi
                pending += size
                continue
            if pending:  # the crowd before this label: "+N" after its blocker, if room
                pending = _put_count(out, rows, ln, pending, pending_x, xi, text_width)
                r = next((r for r in range(nrows) if _fits(rows[r], xi, w)), None)
                if r is None:
                    if not pending:
                        pending_x = xi
                    pending += size
                    continue
            rows[r].append((xi, xi + w))
            seq_right[r] = xi + w
            out.labels.append((i, r, xi, w))
            out.lanes.append(ln)
            if size > 1:
                if not pending:
                    pending_x = xi
                pending += size - 1
        if pending:
            _put_count(out, rows, ln, pending, pending_x, math.inf, text_width)
    return out


def _put_count(out, rows, ln, n, x_from, limit, text_width) -> int:
    """Place "+n" at the first spot at or after ``x_from`` in any row; 0 when placed."""
    text = f"+{n}"
    w = text_width(text)
    best = None
    for r, items in enumerate(rows):
        x = x_from
        for a, b in sorted(items):
            if b + 3.0 > x and a < x + w + 3.0:
                x = b + 3.0
        if best is None or x < best[1]:
            best = (r, x)
    r, x = best
    if x + w + GAP <= limit or limit == math.inf:
        rows[r].append((x, x + w))
        out.counts.append((ln, r, x, text))
        return 0
    return n
