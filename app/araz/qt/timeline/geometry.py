"""The timeline's sizes and the geometry that painting and the widget's hit tests
share: where an event's mark is, where the overview's grips are."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRectF

if TYPE_CHECKING:
    from araz.qt.timeline.surface import TimelineSurface

AXIS_H = 36.0  # the date axis (and the brush) above the lanes
OVERVIEW_H = 28.0  # the overview strip under them
GUTTER_W = 104.0  # the lanes' names on the left
DENSITY_LIMIT = 3000  # more visible events than this: density strips instead of marks
LABEL_LIMIT = 1000  # up to this many events in view, each has its label under its mark
BAR_H = 7.0
POINT_PX = 12  # diamond size
ARROW_PX = 22.0
LABEL_MAX_PX = 170.0
LABEL_GAP = 6.0
FADE_FRACTION = 0.3  # share of a bar's length over which an approximate end fades


def mark_geometry(
    v: TimelineSurface, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Screen x of the left and right edges and y of the centre of each event's mark."""
    x0, x1 = v.xs(rows)
    y = v.frame().mark_y(rows) + v.plot_rect().top() - v.vertical_offset()
    return x0, x1, y


OVERVIEW_HANDLE_W = 6.0


def overview_handles(v: TimelineSurface) -> tuple[QRectF, QRectF]:
    """The grips at the two ends of the overview's window marker (kept inside the strip)."""
    r = v.overview_rect()
    a, b = v.overview_window()
    w = OVERVIEW_HANDLE_W
    h = max(r.height() * 0.6, 8.0)
    top = r.top() + (r.height() - h) / 2
    xa = min(max(a - w / 2, r.left()), r.right() - w)
    xb = min(max(b - w / 2, r.left()), r.right() - w)
    if xb - xa < w:  # a narrow window: the grips sit outside it, side by side
        xa, xb = max(xa - w / 2, r.left()), min(xa + w / 2, r.right() - w)
    return QRectF(xa, top, w, h), QRectF(xb, top, w, h)
