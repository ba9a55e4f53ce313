"""Lanes, rows and the visible-range query of the timeline: numpy only, no Qt.

Every lane takes as many rows as the events in view need (:func:`stack`): an event and
its label are a box in pixels, and no two boxes of a lane share a row where they meet, so
no mark is ever drawn under another and every label has its place.  Rows are stacked
per frame over the visible events only (a few thousand at most), so the layout follows
zoom and pan; past ``DENSITY_LIMIT`` visible events each lane is a density strip of a
fixed height instead.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from araz.model.columns import code_type

# vertical geometry of one lane, in pixels
TRACK_H = 12.0  # one row of marks
LABEL_ROW_H = 15.0  # the label under a mark
ITEM_GAP = 3.0  # between two rows
LABELLED_ROW_H = TRACK_H + LABEL_ROW_H + ITEM_GAP  # a mark with its label under it
MARK_ROW_H = TRACK_H + 2.0  # a mark alone (too many events in view for labels)
LANE_PAD_TOP = 5.0
LANE_PAD_BOTTOM = 4.0
LANE_MIN_H = 40.0  # room for the lane's name and count in the gutter
DENSITY_TRACKS = 3  # height of a density strip, in rows of marks
SHORT_DAYS = 62.0  # events longer than this are kept in a separate "long" index


class TimeIndex:
    """Which events meet a day range: ``searchsorted`` on the sorted starts for the short
    ones (their start lies within ``SHORT_DAYS`` of the range), a plain mask over the few
    long ones."""

    def __init__(self, start: np.ndarray, end: np.ndarray) -> None:
        self.start, self.end = start, end  # day d covers [d, d + 1): an end's stop, end + 1
        self.long = np.flatnonzero(end - start > SHORT_DAYS)

    def query(self, lo: float, hi: float) -> np.ndarray:
        """Sorted row numbers of events whose span meets [lo, hi)."""
        i0 = int(np.searchsorted(self.start, lo - SHORT_DAYS - 1.0, "left"))
        i1 = int(np.searchsorted(self.start, hi, "left"))
        rows = np.arange(i0, i1)
        rows = rows[self.end[i0:i1] + 1.0 > lo]  # the range's stops, not a column of them
        if len(self.long):
            lg = self.long
            lg = lg[(self.start[lg] < hi) & (self.end[lg] + 1.0 > lo) & ((lg < i0) | (lg >= i1))]
            if len(lg):
                rows = np.union1d(rows, lg)
        return rows


def stack(left: np.ndarray, right: np.ndarray, lane: np.ndarray, gap: float) -> np.ndarray:
    """The row of each box ``[left, right]`` within its lane: boxes taken from left to
    right, each into the first (lowest) row where it keeps ``gap`` from the box before.

    First fit with two heaps per lane (rows still busy, by where they free; rows free,
    by number): O(n log n), so a few thousand boxes stack in milliseconds."""
    n = len(left)
    out = np.zeros(n, dtype=np.int32)
    if not n:
        return out
    order = np.lexsort((left, lane)).tolist()
    lefts, rights, lanes = left.tolist(), right.tolist(), lane.tolist()
    busy: list[tuple[float, int]] = []
    free: list[int] = []
    used = 0
    current = None
    for i in order:
        if lanes[i] != current:
            current, busy, free, used = lanes[i], [], [], 0
        x = lefts[i]
        while busy and busy[0][0] + gap <= x:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            t = heapq.heappop(free)
        else:
            t, used = used, used + 1
        heapq.heappush(busy, (rights[i], t))
        out[i] = t
    return out


@dataclass
class Lanes:
    """The lanes of one grouping (by actor or by category), in display order; ``tops``,
    ``heights`` and ``ntracks`` are those of the current frame (see :meth:`framed`)."""

    keys: list[str]
    of_event: np.ndarray  # int32 lane per event
    counts: np.ndarray
    color: np.ndarray  # uint32 most common colour per lane (for the density strip)
    ntracks: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    tops: np.ndarray = field(default_factory=lambda: np.zeros(0))  # content coordinates
    heights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    row_h: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per lane

    @property
    def total_height(self) -> float:
        return float(self.tops[-1] + self.heights[-1]) if len(self.keys) else 0.0

    def framed(self, ntracks: np.ndarray, row_h: float | np.ndarray, density: bool) -> Lanes:
        """These lanes with ``ntracks`` rows each (at least one) of ``row_h`` pixels (one
        height, or one per lane)."""
        ntracks = np.maximum(np.asarray(ntracks, dtype=np.int32), 1)
        row_h = np.broadcast_to(np.asarray(row_h, dtype=np.float64), ntracks.shape).copy()
        if density:
            ntracks = np.full(len(self.keys), DENSITY_TRACKS, np.int32)
            row_h[:] = TRACK_H
        inner = ntracks * row_h
        heights = np.maximum(LANE_PAD_TOP + inner + LANE_PAD_BOTTOM, LANE_MIN_H)
        heights = heights.astype(np.float64)
        tops = np.concatenate([[0.0], np.cumsum(heights)[:-1]]) if len(heights) else heights
        return Lanes(
            self.keys, self.of_event, self.counts, self.color, ntracks, tops, heights, row_h
        )

    def strip(self, lane: int) -> tuple[float, float]:
        """Top and height (content coordinates) of a lane's density strip."""
        return float(self.tops[lane] + LANE_PAD_TOP), float(DENSITY_TRACKS * TRACK_H)

    def row_top(self, lane: np.ndarray, track: np.ndarray) -> np.ndarray:
        """Top (content coordinates) of the given rows of the given lanes."""
        return self.tops[lane] + LANE_PAD_TOP + track * self.row_h[lane]


def build_lanes(keys: Sequence[str], color: np.ndarray) -> Lanes:
    """Lanes ordered by event count (most first), ties by name; the unnamed lane last.

    ``keys`` is a list of lane names, one per event, or a model ``Coded`` column of them
    (codes and the distinct names: counted by code, no text read per event)."""
    codes, names = _codes(keys)
    counter: dict[str, int] = {}
    for name, count in zip(names, np.bincount(codes, minlength=len(names)).tolist(), strict=True):
        if count:
            counter[name] = counter.get(name, 0) + count
    order = sorted(counter, key=lambda k: (k == "", -counter[k], k.casefold()))
    lane_no = {k: i for i, k in enumerate(order)}
    n = len(order)
    # each event's lane in the narrowest type that holds the lanes: 1 byte an event for
    # the usual few lanes (kept with the lanes: 3 MB a million less than int32)
    per_name = np.array([lane_no.get(k, 0) for k in names], code_type(n))
    of_event = per_name[codes] if len(codes) else np.zeros(0, np.int32)
    counts = np.bincount(of_event, minlength=n) if n else np.zeros(0, dtype=np.int64)
    lane_color = _most_common(of_event, np.asarray(color, np.uint32), n)
    return Lanes(order, of_event, counts, lane_color).framed(np.ones(n), LABELLED_ROW_H, False)


def _codes(keys: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Per event the index of its key in a list of keys (which may repeat a key)."""
    codes, values = getattr(keys, "codes", None), getattr(keys, "values", None)
    if isinstance(codes, np.ndarray) and isinstance(values, list):  # a Coded column
        missing = getattr(keys, "missing", None)
        codes = np.where(codes < 0, len(values), codes)  # -1 reads the missing value
        return codes, [str(v) for v in values] + [str(missing or "")]
    index: dict[str, int] = {}
    setdefault = index.setdefault
    codes = np.fromiter((setdefault(k, len(index)) for k in keys), np.int64, count=len(keys))
    return codes, list(index)


def _most_common(of_event: np.ndarray, color: np.ndarray, n: int) -> np.ndarray:
    """Per lane, the colour most of its events have (the lowest of equals; grey for
    none): one bincount over (lane, colour) pairs, not a pass per lane."""
    out = np.full(n, 0xFF808080, np.uint32)
    if not n or not len(of_event):
        return out
    colours, which = _distinct(color)
    k = len(colours)
    if n * k > 4_000_000:  # many lanes and colours: a pass per lane
        for i in range(n):
            cs, cn = np.unique(color[of_event == i], return_counts=True)
            if len(cs):
                out[i] = cs[cn.argmax()]
        return out
    pairs = np.bincount(of_event.astype(np.int64) * k + which, minlength=n * k)
    pairs = pairs.reshape(n, k)
    return np.where(pairs.any(axis=1), colours[pairs.argmax(axis=1)], out).astype(np.uint32)


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for values that repeat a lot (a few
    colours over a million events): the distinct values of a sample, looked up for all
    (a binary search, not a sort of them all) when they hold every value."""
    # (with its counts: np.unique's plain form imports numpy's masked arrays, at start-up)
    sample = np.unique(values[:: max(1, len(values) // 4096)], return_counts=True)[0]
    at = np.searchsorted(sample, values)
    if len(sample) and (sample[np.minimum(at, len(sample) - 1)] == values).all():
        return sample, at
    distinct, which = np.unique(values, return_inverse=True)
    return distinct, which.reshape(-1)


@dataclass
class Frame:
    """The layout of one view (range, size, filter, lanes): which events are in view, the
    row each takes in its lane and where its label goes.  Rebuilt when any of those
    changes, never while painting the same view again."""

    key: tuple
    rows: np.ndarray  # the events in view (time order)
    lanes: Lanes  # with the rows each lane needs in this frame
    density: bool  # too many events in view: lanes are density strips
    labelled: bool  # each event's label sits under its mark (but in a collapsed lane)
    y: np.ndarray  # mark centre per row of ``rows`` (content coordinates)
    label_x: np.ndarray  # label left per row (widget coordinates), when labelled
    label_w: np.ndarray
    slot: np.ndarray  # per event: its index in ``rows``, or -1
    has_label: np.ndarray  # per row of ``rows``: its label is drawn
    # what painting derives from this frame alone (the density strips' pixels, which
    # events are in view), made at its first paint and kept while the view stays
    painted: dict = field(default_factory=dict, compare=False, repr=False)

    def mark_y(self, rows: np.ndarray) -> np.ndarray:
        """Mark centre y (content coordinates) of any events; NaN where not laid out (in
        the density strips: the strip's middle)."""
        rows = np.asarray(rows, dtype=np.intp)
        if self.density:
            lane = self.lanes.of_event[rows]
            top = self.lanes.tops[lane] + LANE_PAD_TOP
            return top + self.lanes.ntracks[lane] * TRACK_H / 2
        k = self.slot[rows] if len(self.slot) else np.full(len(rows), -1)
        y = np.full(len(rows), np.nan)
        ok = k >= 0
        y[ok] = self.y[k[ok]]
        return y
