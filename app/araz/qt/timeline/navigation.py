"""The timeline's navigation and hit tests, a mixin of :class:`TimelineView`: the
visible range (zoom, pan), the vertical scroll over the lanes, keeping an event in view,
and which event is under a point."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF

from araz.model.dates import days_from_civil
from araz.qt.timeline import render
from araz.qt.timeline.frame import SCROLLBAR_W
from araz.views.timeline.layout import LABEL_ROW_H, LABELLED_ROW_H, TRACK_H

MIN_SPAN = 2.0  # days
MAX_SPAN = 1e15  # days: 2.7 trillion years, past the Big Bang's 13.8 billion
PICK_PX = 4.0  # in the density strips, how far from the cursor an event may be picked


class TimelineNavigation:
    """Range, scrolling and hit tests of :class:`~araz.qt.timeline.view.TimelineView`
    (a mixin: the state it works on is the view's)."""

    # ------------------------------------------------------------ geometry helpers

    def _full_range(self) -> tuple[float, float]:
        ext = self._data.extent()
        if ext is None:
            return float(days_from_civil(2020, 1, 1)), float(days_from_civil(2024, 1, 1))
        lo, hi = ext
        pad = max((hi - lo) * 0.03, 3.0)
        return lo - pad, hi + pad

    def _set_range(self, lo: float, hi: float, emit: bool) -> None:
        lo, hi = float(lo), float(hi)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return
        if hi < lo:
            lo, hi = hi, lo
        span = min(max(hi - lo, MIN_SPAN), MAX_SPAN)
        mid = (lo + hi) / 2
        lo, hi = (lo, lo + span) if hi - lo == span else (mid - span / 2, mid + span / 2)
        if (lo, hi) == (self._lo, self._hi):
            return
        self._lo, self._hi = lo, hi
        self.update()
        if emit:
            self.viewChanged.emit(lo, hi)

    def _zoom(self, factor: float, x: float) -> None:
        """Scale the span by ``factor`` keeping the instant under ``x`` in place."""
        plot = self.plot_rect()
        frac = (x - plot.left()) / plot.width()
        anchor = self.day_for_x(x)
        span = min(max((self._hi - self._lo) * factor, MIN_SPAN), MAX_SPAN)
        lo = anchor - frac * span
        self._set_range(lo, lo + span, emit=True)

    def _pan_px(self, dx: float) -> None:
        per_px = (self._hi - self._lo) / self.plot_rect().width()
        self._set_range(self._lo - dx * per_px, self._hi - dx * per_px, emit=True)

    def _scroll_v(self, dy: float) -> None:
        old = self._voff
        self._voff += dy
        self._clamp_voffset()
        if self._voff != old:
            self.update()

    def _clamp_voffset(self) -> None:
        total = self.lanes().total_height if hasattr(self, "_data") else 0.0
        self._voff = min(max(self._voff, 0.0), max(total - self.plot_rect().height(), 0.0))

    def _sync_scrollbar(self) -> None:
        """Show the vertical scroll bar when the lanes are taller than the plot."""
        self._clamp_voffset()
        plot = self.plot_rect()
        total = self.lanes().total_height
        key = (plot.getRect(), total, self._voff)
        if key == getattr(self, "_scrollbar_synced", None):  # a repaint of the same view
            return
        self._scrollbar_synced = key
        page = int(plot.height())
        over = math.ceil(total - plot.height())
        sb = self.vscroll
        sb.blockSignals(True)
        try:
            sb.setGeometry(
                int(plot.right()) - SCROLLBAR_W, int(plot.top()), SCROLLBAR_W, int(plot.height())
            )
            sb.setRange(0, max(over, 0))
            sb.setPageStep(max(page, 1))
            sb.setSingleStep(int(LABELLED_ROW_H))
            sb.setValue(round(self._voff))
        finally:
            sb.blockSignals(False)
        sb.setVisible(over > 0)

    def _on_vscroll(self, value: int) -> None:
        if value != round(self._voff):
            self._voff = float(value)
            self._clamp_voffset()
            self.update()

    def _resolve_selection(self) -> None:
        rows = [self._data.index_of(i) for i in self._selected]
        self._selected_rows = np.array(sorted(r for r in rows if r is not None), dtype=np.int64)

    def _ensure_visible(self, row: int) -> None:
        d = self._data
        a, b = d.start[row], d.end[row] + 1.0
        span = self._hi - self._lo
        margin = span * 0.05
        if a < self._lo + margin or b > self._hi - margin:
            if b - a > span - 2 * margin:  # longer than the view: show its start
                if not (self._lo <= a <= self._hi - margin):
                    self._set_range(a - margin, a - margin + span, emit=True)
            else:
                mid = (a + b) / 2
                self._set_range(mid - span / 2, mid + span / 2, emit=True)
        f = self.frame()
        y = float(f.mark_y(np.array([row]))[0])
        if math.isnan(y):  # not laid out (filtered away): show its lane
            lane = int(f.lanes.of_event[row])
            top, h = float(f.lanes.tops[lane]), min(float(f.lanes.heights[lane]), 60.0)
        else:  # its mark and its label
            top, h = y - TRACK_H, TRACK_H + LABELLED_ROW_H
        plot_h = self.plot_rect().height()
        if top < self._voff:
            self._voff = top
        elif top + h > self._voff + plot_h:
            self._voff = top + h - plot_h
        self._clamp_voffset()

    # ------------------------------------------------------------ hit testing

    def row_at(self, pos: QPointF) -> int | None:
        """The event whose mark (or label) is under ``pos``, or None."""
        plot = self.plot_rect()
        if not plot.contains(pos):
            return None
        f = self.frame()
        if f.density:
            picked = self.density_pick(pos)
            return None if picked is None else picked[0]
        rows = f.rows
        if not len(rows):
            return None
        x0, x1 = self.xs(rows)
        y = f.y + plot.top() - self._voff
        point = self._data.is_point[rows]
        xc = (x0 + x1) * 0.5
        half = render.POINT_PX / 2 + 1
        px, py = pos.x(), pos.y()
        hit_pt = point & (np.abs(xc - px) <= half) & (np.abs(y - py) <= half)
        hit_bar = ~point & (x0 - 3 <= px) & (px <= np.maximum(x1, x0 + 2) + 3)
        hit_bar &= np.abs(y - py) <= render.BAR_H / 2 + 2
        hits = np.flatnonzero(hit_pt | hit_bar)
        if len(hits):
            dist = np.abs(y[hits] - py) * 1e3 + np.abs(xc[hits] - px)
            return int(rows[hits[int(np.argmin(dist))]])
        if f.labelled:
            top = y + TRACK_H / 2
            on = (f.label_x <= px) & (px <= f.label_x + f.label_w + 2)
            on &= (top <= py) & (py < top + LABEL_ROW_H) & f.has_label
            hits = np.flatnonzero(on)
            if len(hits):
                return int(rows[hits[0]])
        return None

    def density_pick(self, pos: QPointF) -> tuple[int, int] | None:
        """In the density strips: the event nearest ``pos`` within ``PICK_PX`` on the lane
        under it (ties: the shortest, then the first in time) and how many events are that
        close.  Only the few events near the cursor's day are looked at (``searchsorted``
        on the sorted starts)."""
        plot, lanes = self.plot_rect(), self.lanes()
        y = pos.y() - plot.top() + self._voff  # content coordinates
        lane = int(np.searchsorted(lanes.tops, y, "right")) - 1
        if not 0 <= lane < len(lanes.keys):
            return None
        top, h = lanes.strip(lane)
        if not top - PICK_PX <= y <= top + h + PICK_PX:
            return None
        k = plot.width() / (self._hi - self._lo)
        day, tol = self.day_for_x(pos.x()), PICK_PX / k
        rows = self._index.query(day - tol, day + tol)
        if self._mask is not None:
            rows = rows[self._mask[rows]]
        rows = rows[lanes.of_event[rows] == lane]
        if not len(rows):
            return None
        x0, x1 = self.xs(rows)
        dist = np.maximum(np.maximum(x0 - pos.x(), pos.x() - x1), 0.0)
        near = dist <= PICK_PX
        if not near.any():
            return None
        rows, dist, length = rows[near], dist[near], (x1 - x0)[near]
        best = np.lexsort((rows, length, dist))[0]
        return int(rows[best]), len(rows)
