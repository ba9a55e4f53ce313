"""TimelineView: a custom-painted, zoomable timeline over :class:`TimelineData`.

A neutral widget: it takes plain data through slots (``set_*``) and reports gestures
through signals; the app's binding layer connects both to the model.  Slots never emit
(no echo), except that ``set_selection``, ``set_time_window`` and ``fit_all`` may scroll
and then emit ``viewChanged``.

Time windows are inclusive day numbers ``(lo, hi)``: the window covers days lo … hi,
drawn from the start of day ``lo`` to the end of day ``hi``.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPalette,
    QWheelEvent,
)
from PySide6.QtWidgets import QScrollBar, QToolTip, QWidget

from araz.model.dates import days_from_civil
from araz.qt.timeline import render
from araz.qt.timeline.frame import SCROLLBAR_W, build_frame
from araz.views.timeline.data import TimelineData
from araz.views.timeline.layout import (
    LABEL_ROW_H,
    LABELLED_ROW_H,
    TRACK_H,
    Frame,
    Lanes,
    TimeIndex,
    build_lanes,
)

log = logging.getLogger(__name__)

AXIS_H = 36.0
OVERVIEW_H = 28.0
GUTTER_W = 104.0
MIN_SPAN = 2.0  # days
MAX_SPAN = 1e15  # days: 2.7 trillion years, past the Big Bang's 13.8 billion
EDGE_PX = 5.0  # grab distance of a brush edge
DRAG_PX = 4.0  # movement before a press becomes a drag
KEY_ZOOM = 1.5
PICK_PX = 4.0  # in the density strips, how far from the cursor an event may be picked


class TimelineView(QWidget):
    """Events on lanes along a time axis, with brush, overview and keyboard stepping."""

    selectionRequested = Signal(list, bool)  # ids clicked, additive (Ctrl)
    activeStepped = Signal(str)  # ← / → / Home / End moved to this id
    hovered = Signal(str)  # id under the mouse, "" when none
    windowBrushing = Signal(float, float)  # while dragging the brush (inclusive days)
    windowBrushed = Signal(object)  # on release: (lo, hi) inclusive days, or None
    viewChanged = Signal(float, float)  # visible range changed by the user

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(320, 160)
        self.sprites = render.Sprites()
        self._frame: Frame | None = None
        self._paint_failed = False
        self.vscroll = QScrollBar(Qt.Orientation.Vertical, self)
        self.vscroll.setObjectName("timeline_vscroll")
        self.vscroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.vscroll.valueChanged.connect(self._on_vscroll)
        self.vscroll.hide()
        self._lo = float(days_from_civil(2020, 1, 1))
        self._hi = float(days_from_civil(2024, 1, 1))
        self._voff = 0.0
        self._lane_mode = "actor"
        self._lane_notes: dict[str, str] = {}
        self._collapsed: set[str] = set()  # lane keys folded to one row
        self._labels = True  # labels under marks when few enough events are in view
        self._mask: np.ndarray | None = None
        self._mask_version = 0
        self._shown_counts: np.ndarray = np.zeros(0, np.int64)
        self._shown_counts_key: tuple[object, ...] | None = None
        self._selected: list[str] = []
        self._selected_rows = np.zeros(0, dtype=np.int64)
        self._active: str | None = None
        self._hover: str | None = None
        self._window: tuple[float, float] | None = None  # inclusive days
        self._drag: dict | None = None
        self._rows_cache: tuple | None = None
        self._overview_cache: tuple | None = None
        self._label_cache: dict[int, str] = {}
        self.set_data(TimelineData.empty())

    # ------------------------------------------------------------ public API

    def set_data(self, data: TimelineData) -> None:
        self._data = data
        self._index = TimeIndex(data.start, data.end)
        self._lanes_by_mode: dict[str, Lanes] = {}
        self._frame = None
        self._mask = None
        self._mask_version += 1
        self._rows_cache = None
        self._overview_cache = None
        self._label_cache = {}
        self._hover = None
        self._resolve_selection()
        self._clamp_voffset()
        self.update()

    def set_visible_mask(self, mask: np.ndarray | None) -> None:
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != (len(self._data),):
                raise ValueError(f"mask has shape {mask.shape}, expected ({len(self._data)},)")
        self._mask = mask
        self._mask_version += 1
        self._rows_cache = None
        self._overview_cache = None
        self.update()

    def set_selection(self, ids: Iterable[str], active: str | None) -> None:
        self._selected = [str(i) for i in ids]
        self._active = active
        self._resolve_selection()
        row = self.active_row()
        if row is not None:
            self._ensure_visible(row)
        self.update()

    def set_hover(self, id: str | None) -> None:
        self._hover = id or None
        self.update()

    def set_time_window(self, window: tuple[float, float] | None) -> None:
        """Show the model's time window; one that lies out of view (a playing window
        moving on, dates typed in the filters) scrolls the view to it."""
        self._window = None if window is None else (float(window[0]), float(window[1]))
        if self._window is not None and self._drag is None:
            self._keep_in_view(self._window[0], self._window[1] + 1.0)
        self.update()

    def _keep_in_view(self, a: float, b: float) -> None:
        """Scroll so that days [a, b) are in view, keeping the zoom when they fit."""
        lo, hi = self._lo, self._hi
        span = hi - lo
        if lo <= a and b <= hi:
            return
        if b - a > span * 0.9:  # longer than the view: zoom out to it
            pad = (b - a) * 0.05
            self._set_range(a - pad, b + pad, emit=True)
        elif b > hi:  # moved on to the right: its end at nine tenths of the view
            self._set_range(b - span * 0.9, b + span * 0.1, emit=True)
        else:
            self._set_range(a - span * 0.1, a + span * 0.9, emit=True)

    def set_lane_mode(self, mode: str) -> None:
        if mode not in ("actor", "category"):
            raise ValueError(f"lane mode {mode!r}: expected 'actor' or 'category'")
        if mode != self._lane_mode:
            self._lane_mode = mode
            self._voff = 0.0
            self.update()

    def set_lane_notes(self, notes: dict[str, str]) -> None:
        """Plain-text tooltips for lane labels, by lane key (e.g. a state's members)."""
        self._lane_notes = dict(notes)

    def lane_at(self, y: float) -> int | None:
        """The lane under a widget y coordinate, or None."""
        lanes = self.lanes()
        if not len(lanes.keys) or not (AXIS_H <= y < self.height() - OVERVIEW_H):
            return None
        content = y - AXIS_H + self._voff
        i = int(np.searchsorted(lanes.tops, content, side="right")) - 1
        if 0 <= i < len(lanes.keys) and content < lanes.tops[i] + lanes.heights[i]:
            return i
        return None

    def lane_mode(self) -> str:
        return self._lane_mode

    def set_range(self, lo: float, hi: float) -> None:
        self._set_range(lo, hi, emit=False)

    def visible_range(self) -> tuple[float, float]:
        return self._lo, self._hi

    def fit_all(self) -> None:
        lo, hi = self._full_range()
        self._set_range(lo, hi, emit=True)

    def x_for_day(self, day: float) -> float:
        plot = self.plot_rect()
        return plot.left() + (day - self._lo) * plot.width() / (self._hi - self._lo)

    def day_for_x(self, x: float) -> float:
        plot = self.plot_rect()
        return self._lo + (x - plot.left()) * (self._hi - self._lo) / max(plot.width(), 1.0)

    def time_window(self) -> tuple[float, float] | None:
        return self._window

    def sizeHint(self) -> QSize:
        return QSize(900, 320)

    # ------------------------------------------------------------ state for painting

    def data(self) -> TimelineData:
        return self._data

    def lanes(self) -> Lanes:
        """The lanes, with the rows each takes in the current view."""
        return self.frame().lanes

    def static_lanes(self) -> Lanes:
        lanes = self._lanes_by_mode.get(self._lane_mode)
        if lanes is None:
            d = self._data
            keys = d.lane_actor if self._lane_mode == "actor" else d.lane_category
            lanes = build_lanes(keys, d.color)
            self._lanes_by_mode[self._lane_mode] = lanes
        return lanes

    def frame(self) -> Frame:
        """The layout of the current view (built once per range, size, filter, lanes)."""
        plot = self.plot_rect()
        key = (
            self._lo,
            self._hi,
            plot.width(),
            self._mask_version,
            id(self._data),
            self._lane_mode,
            tuple(sorted(self._collapsed)),
            self.font().key(),
            self._labels,
        )
        if self._frame is None or self._frame.key != key:
            self._frame = build_frame(self, key)
        return self._frame

    def xs(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        plot = self.plot_rect()
        k = plot.width() / (self._hi - self._lo)
        x0 = plot.left() + (self._data.start[rows] - self._lo) * k
        x1 = plot.left() + (self._data.end[rows] + 1.0 - self._lo) * k
        return x0, x1

    def mark_rect(self, event_id: str) -> QRectF | None:
        """Where an event's mark is drawn now (widget coordinates; it may lie outside
        the plot when scrolled away), or None when it is not drawn in this view."""
        row = self._data.index_of(event_id)
        f = self.frame()
        if row is None or f.density or not len(f.slot) or f.slot[row] < 0:
            return None
        x0, x1, y = render.mark_geometry(self, np.array([row]))
        plot = self.plot_rect()
        a = max(float(x0[0]), plot.left())
        b = min(float(max(x1[0], x0[0] + 2.0)), plot.right())
        if self._data.is_point[row]:
            c = float(x0[0] + x1[0]) / 2
            a, b = c - render.POINT_PX / 2, c + render.POINT_PX / 2
            return QRectF(a, float(y[0]) - render.POINT_PX / 2, b - a, render.POINT_PX)
        return QRectF(a, float(y[0]) - render.BAR_H / 2, max(b - a, 2.0), render.BAR_H)

    def label_rect(self, event_id: str) -> QRectF | None:
        """Where an event's label is drawn now (widget coordinates), or None."""
        row = self._data.index_of(event_id)
        f = self.frame()
        if row is None or not f.labelled or not len(f.slot) or f.slot[row] < 0:
            return None
        k = int(f.slot[row])
        if not f.has_label[k]:
            return None
        top = f.y[k] + TRACK_H / 2 + self.plot_rect().top() - self._voff
        return QRectF(f.label_x[k], top, f.label_w[k] + 2.0, LABEL_ROW_H)

    def labelled_ids(self) -> list[str]:
        """The events whose label is laid out in this view (scrolled into sight or not)."""
        f = self.frame()
        return [self._data.ids[r] for r in f.rows[f.has_label].tolist()] if f.labelled else []

    def lane_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Per lane, the events the filter shows and all its events (the gutter draws
        "shown of total" for a lane whose events a filter hides)."""
        lanes = self.static_lanes()
        total = lanes.counts
        if self._mask is None:
            return total, total
        key = (self._mask_version, self._lane_mode, id(self._data))
        if self._shown_counts_key != key:
            self._shown_counts = np.bincount(lanes.of_event[self._mask], minlength=len(lanes.keys))
            self._shown_counts_key = key
        return self._shown_counts, total

    def labels_shown(self) -> bool:
        return self._labels

    def set_labels_shown(self, on: bool) -> None:
        """Labels under the marks (when few enough events are in view), or marks alone in
        rows of their own height: every event still drawn, none under another."""
        self._labels = bool(on)
        self._clamp_voffset()
        self.update()

    def collapsed_lanes(self) -> set[str]:
        """The lanes folded to one row of marks (a click on a lane's name folds it)."""
        return set(self._collapsed)

    def toggle_lane(self, key: str) -> None:
        """Fold a lane to one row of marks without labels, or unfold it."""
        self._collapsed ^= {key}
        self._clamp_voffset()
        self.update()

    def plot_rect(self) -> QRectF:
        w, h = float(self.width()), float(self.height())
        return QRectF(GUTTER_W, AXIS_H, max(w - GUTTER_W, 1.0), max(h - AXIS_H - OVERVIEW_H, 1.0))

    def axis_rect(self) -> QRectF:
        return QRectF(GUTTER_W, 0.0, max(self.width() - GUTTER_W, 1.0), AXIS_H)

    def overview_rect(self) -> QRectF:
        return QRectF(
            GUTTER_W, self.height() - OVERVIEW_H, max(self.width() - GUTTER_W, 1.0), OVERVIEW_H
        )

    def vertical_offset(self) -> float:
        return self._voff

    def visible_rows(self) -> np.ndarray:
        """Rows meeting the visible range and passing the mask, in time order."""
        key = (self._lo, self._hi, self._mask_version, id(self._data))
        if self._rows_cache is None or self._rows_cache[0] != key:
            rows = self._index.query(self._lo, self._hi)
            if self._mask is not None:
                rows = rows[self._mask[rows]]
            self._rows_cache = (key, rows)
        return self._rows_cache[1]

    def selected_rows(self) -> np.ndarray:
        return self._selected_rows

    def active_row(self) -> int | None:
        return None if self._active is None else self._data.index_of(self._active)

    def hover_row(self) -> int | None:
        return None if self._hover is None else self._data.index_of(self._hover)

    def label_text(self, row: int, fm: QFontMetricsF) -> str:
        """The label, elided to ``render.LABEL_MAX_PX`` (cached per row)."""
        text = self._label_cache.get(row)
        if text is None:
            raw = " ".join(self._data.label[row].split())  # one line, no control chars
            text = fm.elidedText(raw, Qt.TextElideMode.ElideRight, render.LABEL_MAX_PX)
            self._label_cache[row] = text
        return text

    def brush_span(self) -> tuple[float, float] | None:
        """The brush as continuous days [a, b) (dragging wins over the model's window)."""
        if self._drag and self._drag.get("brush") is not None:
            lo, hi = self._drag["brush"]
        elif self._window is not None:
            lo, hi = self._window
        else:
            return None
        return lo, hi + 1.0

    def clear_box(self) -> QRectF | None:
        span = self.brush_span()
        if span is None:
            return None
        b = self.x_for_day(span[1])
        a = self.x_for_day(span[0])
        x = b - 15 if b - a >= 34 else b + 3
        return QRectF(x, AXIS_H - 15, 12, 12)

    def overview_image(self) -> QImage | None:
        r = self.overview_rect()
        w, h = int(r.width()), int(r.height()) - 2
        full = self._full_range()
        text = self.palette().color(QPalette.ColorRole.WindowText).rgba()
        key = (w, h, full, self._mask_version, id(self._data), text)
        if self._overview_cache is None or self._overview_cache[0] != key:
            self._overview_cache = (key, self._make_overview(w, h, full))
        return self._overview_cache[1]

    def overview_window(self) -> tuple[float, float]:
        r = self.overview_rect()
        lo, hi = self._full_range()
        k = r.width() / (hi - lo)
        a = r.left() + (self._lo - lo) * k
        b = r.left() + (self._hi - lo) * k
        return max(a, r.left()), min(b, r.right())

    # ------------------------------------------------------------ painting

    def paintEvent(self, event) -> None:
        """Paint the frame; whatever the data, painting never raises: a failure is
        logged once and the widget shows an empty frame."""
        try:
            self._sync_scrollbar()
        except Exception:
            self._report_paint_failure()
        p = QPainter(self)
        try:
            render.paint_frame(self, p)
        except Exception:
            self._report_paint_failure()
            p.resetTransform()
            p.setClipping(False)
            p.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
            p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "The timeline cannot be drawn")
        finally:
            p.end()

    def _report_paint_failure(self) -> None:
        if not self._paint_failed:
            self._paint_failed = True
            log.exception("the timeline could not be painted; showing an empty frame")

    def _make_overview(self, w: int, h: int, full: tuple[float, float]) -> QImage | None:
        d = self._data
        if w <= 0 or h <= 0 or not len(d):
            return None
        lo, hi = full
        k = w / (hi - lo)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        layers = [(np.ones(len(d), dtype=bool), 0.3)]
        if self._mask is not None:
            layers = [(layers[0][0], 0.18), (self._mask, 0.6)]
        img_px = np.zeros((h, w), dtype=np.uint32)
        for sel, alpha in layers:
            mid = (d.start[sel] + d.end[sel] + 1.0) * 0.5
            col = np.clip(((mid - lo) * k).astype(np.int64), 0, w - 1)
            counts = np.bincount(col, minlength=w)
            height = np.sqrt(counts / max(counts.max(), 1)) * h
            filled = (h - np.arange(h))[:, None] <= np.ceil(height)[None, :]
            filled &= counts[None, :] > 0
            a = int(alpha * 255)
            rgb = [int(c * alpha) for c in (text.red(), text.green(), text.blue())]
            value = np.uint32((a << 24) | (rgb[0] << 16) | (rgb[1] << 8) | rgb[2])
            img_px = np.where(filled, value, img_px)
        buf = np.ascontiguousarray(img_px)
        img = QImage(buf.data, w, h, w * 4, QImage.Format.Format_ARGB32_Premultiplied).copy()
        return img

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
        d = self._data
        x0 = plot.left() + (d.start[rows] - self._lo) * k
        x1 = plot.left() + (d.end[rows] + 1.0 - self._lo) * k
        dist = np.maximum(np.maximum(x0 - pos.x(), pos.x() - x1), 0.0)
        near = dist <= PICK_PX
        if not near.any():
            return None
        rows, dist, length = rows[near], dist[near], (x1 - x0)[near]
        best = np.lexsort((rows, length, dist))[0]
        return int(rows[best]), len(rows)

    # ------------------------------------------------------------ events

    def event(self, ev: QEvent) -> bool:
        if (
            ev.type() == QEvent.Type.ShortcutOverride
            and ev.key() == Qt.Key.Key_Escape
            and (self._window is not None or self._drag)
        ):
            ev.accept()  # Esc clears the brush here before any window-wide Esc shortcut
            return True
        if ev.type() == QEvent.Type.ToolTip and ev.pos().x() < GUTTER_W:
            lane = self.lane_at(ev.pos().y())
            key = self.lanes().keys[lane] if lane is not None else None
            if key is None:
                QToolTip.hideText()
                return True
            note = self._lane_notes.get(key, "")
            hint = (
                "Click to unfold the lane" if key in self._collapsed else "Click to fold the lane"
            )
            text = html.escape(f"{note}\n{hint}" if note else hint).replace("\n", "<br>")
            QToolTip.showText(ev.globalPos(), text, self)
            return True
        if ev.type() == QEvent.Type.ToolTip:
            row = self.row_at(QPointF(ev.pos()))
            if row is None:
                QToolTip.hideText()
                ev.ignore()
            else:
                density = self.frame().density
                picked = self.density_pick(QPointF(ev.pos())) if density else None
                more = picked[1] - 1 if picked else 0
                QToolTip.showText(ev.globalPos(), self._tooltip_html(row, more), self)
            return True
        if (
            ev.type() == QEvent.Type.NativeGesture
            and ev.gestureType() == Qt.NativeGestureType.ZoomNativeGesture
        ):
            self._zoom(1.0 / max(1.0 + ev.value(), 0.1), ev.position().x())
            return True
        return super().event(ev)

    def _tooltip_html(self, row: int, more: int = 0) -> str:
        """The plain-text tooltip, escaped, in a rich-text wrapper (no markup gets through);
        ``more``: how many other events lie as close (in the density strips)."""
        text = html.escape(self._data.tooltip[row]).replace("\n", "<br>")
        if more:
            text += f"<br><i>and {more:,} more here: zoom in to tell them apart</i>"
        return f"<qt>{text}</qt>"

    def mousePressEvent(self, ev: QMouseEvent) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(ev)
        pos = ev.position()
        drag = {"start": pos, "last": pos, "moved": False, "brush": None, "mods": ev.modifiers()}
        if self.overview_rect().contains(pos):
            drag.update(self._overview_grab(pos))
        elif pos.y() < AXIS_H and pos.x() >= GUTTER_W:
            box = self.clear_box()
            if box is not None and box.adjusted(-2, -2, 2, 2).contains(pos):
                self._clear_brush()
                return
            drag.update(self._brush_grab(pos.x()))
        else:
            drag["mode"] = "press"
        self._drag = drag

    def _brush_grab(self, x: float) -> dict:
        day = self.day_for_x(x)
        span = self.brush_span()
        if span is not None:
            a, b = self.x_for_day(span[0]), self.x_for_day(span[1])
            if abs(x - a) <= EDGE_PX:
                return {"mode": "brush", "anchor": span[1], "brush": self._window}
            if abs(x - b) <= EDGE_PX:
                return {"mode": "brush", "anchor": span[0], "brush": self._window}
            if a < x < b:
                return {"mode": "move_brush", "grab": day, "orig": span, "brush": self._window}
        return {"mode": "brush", "anchor": float(round(day)), "brush": None}

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:
        pos = ev.position()
        drag = self._drag
        if drag is None or not (ev.buttons() & Qt.MouseButton.LeftButton):
            self._update_hover(pos)
            self._update_cursor(pos)
            return
        if (pos - drag["start"]).manhattanLength() >= DRAG_PX:
            drag["moved"] = True
        mode = drag["mode"]
        if mode == "overview":
            day = self._overview_day(pos.x()) - drag["grab"]
            self._set_range(day, day + (self._hi - self._lo), emit=True)
        elif mode == "overview_edge":
            lo, hi = sorted((drag["anchor"], self._overview_day(pos.x())))
            self._set_range(lo, hi, emit=True)
        elif mode == "brush" and drag["moved"]:
            a, b = sorted((drag["anchor"], float(round(self.day_for_x(pos.x())))))
            drag["brush"] = (a, max(b - 1.0, a))
            self.windowBrushing.emit(*drag["brush"])
            self.update()
        elif mode == "move_brush":
            shift = round(self.day_for_x(pos.x()) - drag["grab"])
            a, b = drag["orig"]
            drag["brush"] = (a + shift, b - 1.0 + shift)
            self.windowBrushing.emit(*drag["brush"])
            self.update()
        elif mode == "press" and drag["moved"]:
            delta = pos - drag["last"]
            self._pan_px(delta.x())
            self._scroll_v(-delta.y())
        drag["last"] = pos

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag is None or ev.button() != Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(ev)
        mode = drag["mode"]
        if mode in ("brush", "move_brush") and drag["moved"] and drag["brush"] is not None:
            self._window = drag["brush"]
            self.windowBrushed.emit(drag["brush"])
            self.update()
        elif mode == "press" and not drag["moved"] and ev.position().x() < GUTTER_W:
            lane = self.lane_at(ev.position().y())  # a click on a lane's name folds it
            if lane is not None:
                self.toggle_lane(self.lanes().keys[lane])
        elif mode == "press" and not drag["moved"]:
            row = self.row_at(ev.position())
            additive = bool(ev.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if row is not None:
                self.selectionRequested.emit([self._data.ids[row]], additive)
            elif not additive:
                self.selectionRequested.emit([], False)
        else:
            self.update()

    def mouseDoubleClickEvent(self, ev: QMouseEvent) -> None:
        pos = ev.position()
        span = self.brush_span()
        on_axis = pos.y() < AXIS_H and pos.x() >= GUTTER_W
        in_brush = span is not None and self.x_for_day(span[0]) <= pos.x() <= self.x_for_day(
            span[1]
        )
        if span is not None and (on_axis or in_brush) and self.row_at(pos) is None:
            self._clear_brush()
            return
        super().mouseDoubleClickEvent(ev)

    def leaveEvent(self, ev: QEvent) -> None:
        if self._hover is not None:
            self._hover = None
            self.hovered.emit("")
            self.update()
        super().leaveEvent(ev)

    def wheelEvent(self, ev: QWheelEvent) -> None:
        delta = ev.angleDelta()
        dx, dy = float(delta.x()), float(delta.y())
        mods = ev.modifiers()
        pos = ev.position()
        if mods & Qt.KeyboardModifier.ShiftModifier:
            self._pan_px((dy or dx) / 2.0)
        elif abs(dx) > abs(dy):
            self._pan_px(dx / 2.0)
        elif pos.x() < GUTTER_W or mods & Qt.KeyboardModifier.AltModifier:
            self._scroll_v(-dy / 2.0)
        elif dy:
            self._zoom(2.0 ** (-dy / 240.0), pos.x())
        ev.accept()

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        key, mods = ev.key(), ev.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        center = self.plot_rect().center().x()
        if ev.matches(QKeySequence.StandardKey.ZoomIn) or (
            ctrl and key in (Qt.Key.Key_Equal, Qt.Key.Key_Plus)
        ):
            self._zoom(1 / KEY_ZOOM, center)
        elif ev.matches(QKeySequence.StandardKey.ZoomOut) or (ctrl and key == Qt.Key.Key_Minus):
            self._zoom(KEY_ZOOM, center)
        elif ctrl and key == Qt.Key.Key_0:
            self.fit_all()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End):
            self._step(key)
        elif key == Qt.Key.Key_Escape and (self._window is not None or self._drag):
            self._drag = None
            self._clear_brush()
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            sign = 1.0 if key == Qt.Key.Key_PageDown else -1.0
            self._scroll_v(sign * self.plot_rect().height() * 0.8)
        else:
            super().keyPressEvent(ev)

    # ------------------------------------------------------------ gestures

    def _step(self, key: int) -> None:
        """Move the active event to the previous / next / first / last visible event."""
        n = len(self._data)
        ok = np.ones(n, dtype=bool) if self._mask is None else self._mask
        candidates = np.flatnonzero(ok)
        if not len(candidates):
            return
        cur = self.active_row()
        if key == Qt.Key.Key_Home:
            row = candidates[0]
        elif key == Qt.Key.Key_End:
            row = candidates[-1]
        elif cur is None:
            in_view = self.visible_rows()
            pool = in_view if len(in_view) else candidates
            row = pool[0] if key == Qt.Key.Key_Right else pool[-1]
        elif key == Qt.Key.Key_Right:
            i = int(np.searchsorted(candidates, cur, "right"))
            if i >= len(candidates):
                return
            row = candidates[i]
        else:
            i = int(np.searchsorted(candidates, cur, "left")) - 1
            if i < 0:
                return
            row = candidates[i]
        row = int(row)
        self._active = self._data.ids[row]
        self._ensure_visible(row)
        self.update()
        self.activeStepped.emit(self._data.ids[row])

    def _clear_brush(self) -> None:
        self._window = None
        self.update()
        self.windowBrushed.emit(None)

    def _overview_day(self, x: float) -> float:
        r = self.overview_rect()
        lo, hi = self._full_range()
        return lo + (x - r.left()) / r.width() * (hi - lo)

    def _overview_grab(self, pos: QPointF) -> dict:
        """A press on the overview: a grip resizes the window, inside it moves it as it is,
        elsewhere it first centres the window on the press."""
        left, right = render.overview_handles(self)
        if left.adjusted(-2, -4, 2, 4).contains(pos):
            return {"mode": "overview_edge", "anchor": self._hi}
        if right.adjusted(-2, -4, 2, 4).contains(pos):
            return {"mode": "overview_edge", "anchor": self._lo}
        a, b = self.overview_window()
        if not a <= pos.x() <= b:
            day = self._overview_day(pos.x())
            span = self._hi - self._lo
            self._set_range(day - span / 2, day + span / 2, emit=True)
        return {"mode": "overview", "grab": self._overview_day(pos.x()) - self._lo}

    def _update_hover(self, pos: QPointF) -> None:
        row = self.row_at(pos)
        new = None if row is None else self._data.ids[row]
        if new != self._hover:
            self._hover = new
            self.hovered.emit(new or "")
            self.update()

    def _update_cursor(self, pos: QPointF) -> None:
        shape = Qt.CursorShape.ArrowCursor
        if self.overview_rect().contains(pos):
            left, right = render.overview_handles(self)
            a, b = self.overview_window()
            if any(g.adjusted(-2, -4, 2, 4).contains(pos) for g in (left, right)):
                shape = Qt.CursorShape.SizeHorCursor
            elif a <= pos.x() <= b:
                shape = Qt.CursorShape.OpenHandCursor
        elif pos.y() < AXIS_H and pos.x() >= GUTTER_W:
            shape = Qt.CursorShape.IBeamCursor
            span = self.brush_span()
            if span is not None:
                a, b = self.x_for_day(span[0]), self.x_for_day(span[1])
                if min(abs(pos.x() - a), abs(pos.x() - b)) <= EDGE_PX:
                    shape = Qt.CursorShape.SizeHorCursor
                elif a < pos.x() < b:
                    shape = Qt.CursorShape.OpenHandCursor
        elif self._hover is not None or (pos.x() < GUTTER_W and self.lane_at(pos.y()) is not None):
            shape = Qt.CursorShape.PointingHandCursor
        self.setCursor(shape)

    def focusInEvent(self, ev) -> None:
        self.update()  # the focus frame
        super().focusInEvent(ev)

    def focusOutEvent(self, ev) -> None:
        self.update()
        super().focusOutEvent(ev)

    def resizeEvent(self, ev) -> None:
        self._sync_scrollbar()
        super().resizeEvent(ev)
