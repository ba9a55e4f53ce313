"""The layout of one view of the timeline (a :class:`~araz.views.timeline.layout.Frame`):
which events are in view, the row each takes in its lane, where its label goes.

Marks and labels are boxes in pixels at the current zoom; :func:`layout.stack` gives each
lane the rows its boxes need, so nothing is drawn under anything else.  Built once per
range, size, filter, lane grouping and folded lanes (``TimelineSurface.frame`` caches it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QFont, QFontMetricsF

from araz.qt.timeline import render
from araz.views.timeline.layout import (
    ITEM_GAP,
    LABELLED_ROW_H,
    MARK_ROW_H,
    TRACK_H,
    Frame,
    stack,
)

if TYPE_CHECKING:
    from araz.qt.timeline.surface import TimelineSurface

SCROLLBAR_W = 12  # the vertical scroll bar over the right edge of the plot


def build_frame(v: TimelineSurface, key: tuple) -> Frame:
    """The frame of ``v`` as it is now (``key``: what it depends on, kept for the cache)."""
    static, d = v.static_lanes(), v.data()
    collapsed = v.collapsed_lanes()
    rows = v.visible_rows()
    nl = len(static.keys)
    density = len(rows) > render.DENSITY_LIMIT
    labelled = v.labels_shown() and not density and len(rows) <= render.LABEL_LIMIT
    empty = np.zeros(0)
    folded = np.array([k in collapsed for k in static.keys], dtype=bool)
    if density or not len(rows):
        row_h = np.where(folded, MARK_ROW_H, LABELLED_ROW_H)
        lanes = static.framed(np.ones(nl), row_h, density)
        none = np.zeros(0, dtype=bool)
        return Frame(key, rows, lanes, density, labelled, empty, empty, empty, empty, none)
    plot = v.plot_rect()
    x0, x1 = v.xs(rows)
    point = d.is_point[rows]
    xc, half = (x0 + x1) * 0.5, render.POINT_PX / 2.0
    left = np.where(point, xc - half, x0)
    right = np.where(point, xc + half, np.maximum(x1, x0 + 2.0))
    left = left - np.where(d.open_start[rows], render.ARROW_PX, 0.0)
    right = right + np.where(d.open_end[rows], render.ARROW_PX, 0.0)
    left = np.maximum(left, plot.left() - 60.0)
    right = np.minimum(right, plot.right() + 60.0)
    lane = static.of_event[rows]
    in_fold = folded[lane]  # a collapsed lane: one row of marks, no labels
    has_label = ~in_fold if labelled else np.zeros(len(rows), dtype=bool)
    label_x, label_w = np.zeros(len(rows)), np.zeros(len(rows))
    if has_label.any():
        # measured in bold (as a selected label is drawn), so that selecting an event
        # moves nothing
        fm = QFontMetricsF(v.font())
        bold = QFont(v.font())
        bold.setBold(True)
        bfm = QFontMetricsF(bold)
        label_w[has_label] = v.label_widths(rows[has_label], fm, bfm)
        label_x = np.maximum(left, plot.left() + 2.0)
        # a label that would run past the right edge ends there (it reads leftwards)
        end = plot.right() - 4.0 - SCROLLBAR_W  # clear of the scroll bar
        label_x = np.where(
            label_x + label_w > end, np.maximum(end - label_w, plot.left() + 2.0), label_x
        )
        left = np.where(has_label, np.minimum(left, label_x), left)
        right = np.where(has_label, np.maximum(right, label_x + label_w), right)
    gap = render.LABEL_GAP if labelled else ITEM_GAP
    track = stack(left, right, lane, gap)
    track[in_fold] = 0
    ntracks = np.ones(nl, dtype=np.int32)
    np.maximum.at(ntracks, lane, track + 1)
    row_h = np.where(folded, MARK_ROW_H, LABELLED_ROW_H if labelled else MARK_ROW_H)
    lanes = static.framed(ntracks, row_h, False)
    y = lanes.row_top(lane, track) + TRACK_H / 2
    slot = np.full(len(d), -1, dtype=np.int32)
    slot[rows] = np.arange(len(rows), dtype=np.int32)
    return Frame(key, rows, lanes, False, labelled, y, label_x, label_w, slot, has_label)
