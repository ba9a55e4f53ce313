"""Lanes, tracks and the visible-range query of the timeline: numpy only, no Qt."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

# vertical geometry of one lane, in pixels
TRACK_H = 12.0  # one track of marks
LANE_PAD_TOP = 5.0
LABEL_ROW_H = 15.0
LABEL_ROWS = 2
LANE_PAD_BOTTOM = 4.0
MAX_TRACKS = 3
SHORT_DAYS = 62.0  # events longer than this are kept in a separate "long" index


class TimeIndex:
    """Which events meet a day range: ``searchsorted`` on the sorted starts for the short
    ones (their start lies within ``SHORT_DAYS`` of the range), a plain mask over the few
    long ones."""

    def __init__(self, start: np.ndarray, end: np.ndarray) -> None:
        self.start = start
        self.stop = end + 1.0  # day d covers [d, d + 1)
        self.long = np.flatnonzero(end - start > SHORT_DAYS)

    def query(self, lo: float, hi: float) -> np.ndarray:
        """Sorted row numbers of events whose span meets [lo, hi)."""
        i0 = int(np.searchsorted(self.start, lo - SHORT_DAYS - 1.0, "left"))
        i1 = int(np.searchsorted(self.start, hi, "left"))
        rows = np.arange(i0, i1)
        rows = rows[self.stop[i0:i1] > lo]
        if len(self.long):
            lg = self.long
            lg = lg[(self.start[lg] < hi) & (self.stop[lg] > lo) & ((lg < i0) | (lg >= i1))]
            if len(lg):
                rows = np.union1d(rows, lg)
        return rows


def pack_tracks(
    start: np.ndarray, end: np.ndarray, lane: np.ndarray, max_tracks: int = MAX_TRACKS
) -> np.ndarray:
    """Greedy interval packing per lane: an event takes the first track free at its start
    (events are sorted by start); when all are busy it takes the one that frees first."""
    if not len(start):
        return np.zeros(0, dtype=np.int8)
    # plain Python floats and lists: ~4x faster than numpy scalars in this loop
    nlanes = int(lane.max()) + 1
    free = [[-math.inf] * max_tracks for _ in range(nlanes)]
    tracks = [0] * len(start)
    stops = (end + 1.0).tolist()
    for i, (s, ln) in enumerate(zip(start.tolist(), lane.tolist(), strict=True)):
        row = free[ln]
        t = 0
        while t < max_tracks and row[t] > s:
            t += 1
        if t == max_tracks:
            t = row.index(min(row))  # the track that frees first
        row[t] = stops[i]
        tracks[i] = t
    return np.array(tracks, dtype=np.int8)


@dataclass
class Lanes:
    """The lanes of one grouping (by actor or by category), in display order."""

    keys: list[str]
    of_event: np.ndarray  # int32 lane per event
    track: np.ndarray  # int8 track within the lane per event
    ntracks: np.ndarray  # tracks used per lane
    tops: np.ndarray  # lane top in content coordinates (before the vertical offset)
    heights: np.ndarray
    counts: np.ndarray
    color: np.ndarray  # uint32 most common colour per lane (for the density strip)

    @property
    def total_height(self) -> float:
        return float(self.tops[-1] + self.heights[-1]) if len(self.keys) else 0.0

    def mark_y(self, rows: np.ndarray) -> np.ndarray:
        """Centre y (content coordinates) of the marks of the given events."""
        lane = self.of_event[rows]
        return self.tops[lane] + LANE_PAD_TOP + (self.track[rows] + 0.5) * TRACK_H

    def label_top(self, lane: int) -> float:
        return float(self.tops[lane] + LANE_PAD_TOP + self.ntracks[lane] * TRACK_H + 1.0)


def build_lanes(keys: list[str], start: np.ndarray, end: np.ndarray, color: np.ndarray) -> Lanes:
    """Lanes ordered by event count (most first), ties by name; the unnamed lane last."""
    counter = Counter(keys)
    order = sorted(counter, key=lambda k: (k == "", -counter[k], k.casefold()))
    lane_no = {k: i for i, k in enumerate(order)}
    of_event = np.fromiter((lane_no[k] for k in keys), dtype=np.int32, count=len(keys))
    track = pack_tracks(start, end, of_event)
    n = len(order)
    ntracks = np.ones(n, dtype=np.int32)
    if len(keys):
        np.maximum.at(ntracks, of_event, track.astype(np.int32) + 1)
    heights = (
        LANE_PAD_TOP + ntracks * TRACK_H + 1.0 + LABEL_ROWS * LABEL_ROW_H + LANE_PAD_BOTTOM
    ).astype(np.float64)
    tops = np.concatenate([[0.0], np.cumsum(heights)[:-1]]) if n else np.zeros(0)
    counts = np.bincount(of_event, minlength=n) if n else np.zeros(0, dtype=np.int64)
    lane_color = np.zeros(n, dtype=np.uint32)
    for i in range(n):
        cs, cn = np.unique(color[of_event == i], return_counts=True)
        lane_color[i] = cs[cn.argmax()] if len(cs) else 0xFF808080
    return Lanes(order, of_event, track, ntracks, tops, heights, counts, lane_color)
