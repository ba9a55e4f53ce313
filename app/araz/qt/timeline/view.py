"""TimelineView: a custom-painted, zoomable timeline over :class:`TimelineData`.

A neutral widget: it takes plain data through slots (``set_*``) and reports gestures
through signals; the app's binding layer connects both to the model.  Slots never emit
(no echo), except that ``set_selection``, ``set_time_window`` and ``fit_all`` may scroll
and then emit ``viewChanged``.

Time windows are inclusive day numbers ``(lo, hi)``: the window covers days lo … hi,
drawn from the start of day ``lo`` to the end of day ``hi``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFontMetricsF,
    QImage,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import QWidget

from araz.model.dates import days_from_civil
from araz.model.masks import picked
from araz.qt.timeline import render
from araz.qt.timeline.frame import build_frame
from araz.qt.timeline.geometry import AXIS_H, GUTTER_W, OVERVIEW_H
from araz.qt.timeline.input import TimelineInput
from araz.qt.timeline.navigation import TimelineNavigation
from araz.qt.timeline.overview import Overview
from araz.qt.timeline.scrollbar import LaneScrollBar
from araz.views.timeline.data import TimelineData
from araz.views.timeline.layout import (
    LABEL_ROW_H,
    TRACK_H,
    Frame,
    Lanes,
    TimeIndex,
)

log = logging.getLogger(__name__)


class TimelineView(TimelineInput, TimelineNavigation, QWidget):
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
        self._frame_all: Frame | None = None  # the last frame of every row (no mask)
        self._paint_frame: Frame | None = None  # while painting: the frame, keyed once
        self._paint_failed = False
        self.vscroll = LaneScrollBar(Qt.Orientation.Vertical, self)
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
        self._shown: tuple[int, np.ndarray] | None = None  # (mask version, its rows)
        self._shown_counts: np.ndarray = np.zeros(0, np.int64)
        self._shown_counts_key: tuple[object, ...] | None = None
        self._selected: list[str] = []
        self._selected_rows = np.zeros(0, dtype=np.int64)
        self._active: str | None = None
        self._hover: str | None = None
        self._window: tuple[float, float] | None = None  # inclusive days
        self._drag: dict | None = None
        self._rows_cache: tuple | None = None
        self._range_memo: tuple = ((), None, {})
        self._overview = Overview()
        self._label_cache: dict[int, str] = {}
        self._label_widths = (("",), np.zeros(0))  # (font keys, width per row or NaN)
        self.set_data(TimelineData.empty())

    # ------------------------------------------------------------ public API

    def set_data(self, data: TimelineData) -> None:
        self._data = data
        self._colors: np.ndarray | None = None
        self._index = TimeIndex(data.start, data.end)
        self._lanes_by_mode: dict[str, Lanes] = {}
        self._frame = self._frame_all = None
        self._mask = None
        self._mask_version += 1
        self._rows_cache = None
        self._range_memo = ((), None, {})
        self._overview.forget()
        self._label_cache = {}
        self._label_widths = (("",), np.zeros(0))
        self._hover = None
        self._resolve_selection()
        self._clamp_voffset()
        self.update()

    def set_colors(self, argb: np.ndarray | None) -> None:
        """Paint the marks in these colours (0xAARRGGBB per row, in the data's order:
        sorted by time); None: the data's own."""
        if argb is None and self._colors is None:
            return  # the data's own already: the lanes just built stay (2 × 0.3 s at 1M)
        if argb is not None:
            argb = np.asarray(argb, dtype=np.uint32)
            if argb.shape != (len(self._data),):
                raise ValueError(f"{argb.shape} colours for {len(self._data)} events")
        self._colors = argb
        self._lanes_by_mode = {}  # a lane's colour is its events' most common one
        self._frame = self._frame_all = None
        self.update()

    def colors(self) -> np.ndarray:
        """The marks' colours, 0xAARRGGBB per row (sorted by time, as the data)."""
        return self._data.color if self._colors is None else self._colors

    def set_visible_mask(self, mask: np.ndarray | None) -> None:
        """Show the rows where ``mask`` is set (None, or all set: every row, whose frame
        and overview are kept for the next time)."""
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != (len(self._data),):
                raise ValueError(f"mask has shape {mask.shape}, expected ({len(self._data)},)")
            if mask.all():
                mask = None
        if mask is None and self._mask is None:
            return
        self._mask = mask
        self._mask_version += 1
        self._rows_cache = None
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
        if lanes is None:  # the data's own: made in the loader's thread
            lanes = self._data.lanes_for(self._lane_mode, self.colors())
            self._lanes_by_mode[self._lane_mode] = lanes
        return lanes

    def frame(self) -> Frame:
        """The layout of the current view (built once per range, size, filter, lanes)."""
        if self._paint_frame is not None:  # nothing it depends on changes during a paint
            return self._paint_frame
        plot = self.plot_rect()
        key = (
            self._lo,
            self._hi,
            plot.width(),
            self._mask_key(),
            id(self._data),
            self._lane_mode,
            tuple(sorted(self._collapsed)),
            self.font().key(),
            self._labels,
        )
        if self._frame is None or self._frame.key != key:
            kept = self._frame_all  # the frame of every row: back to it, as it was
            self._frame = kept if kept is not None and kept.key == key else build_frame(self, key)
            if self._mask is None:
                self._frame_all = self._frame
        return self._frame

    def shown_rows(self) -> np.ndarray | None:
        """The rows the mask shows (``flatnonzero``, once per mask), None: every row."""
        if self._mask is None:
            return None
        if self._shown is None or self._shown[0] != self._mask_version:
            self._shown = (self._mask_version, np.flatnonzero(self._mask))
        return self._shown[1]

    def _mask_key(self) -> int:  # what a frame keeps of the mask: -1 for every row shown
        return -1 if self._mask is None else self._mask_version

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
            shown = np.bincount(lanes.of_event.take(self.shown_rows()), minlength=len(lanes.keys))
            self._shown_counts = shown.astype(np.int64)
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
        key = (self._lo, self._hi, self._mask_key(), id(self._data))
        if self._rows_cache is None or self._rows_cache[0] != key:
            memo = self.range_memo()  # a filter change queries the range no more
            rows = memo.get("rows")
            if rows is None:
                rows = memo["rows"] = self._index.query(self._lo, self._hi)
            shown = self.shown_rows()
            if shown is not None:  # every row in range (zoomed out): the shown ones
                rows = (
                    shown if len(rows) == len(self._data) else picked(rows, self._mask.take(rows))
                )
            self._rows_cache = (key, rows)
        return self._rows_cache[1]

    def range_memo(self) -> dict:
        """What painting derives from the range, the width, the data and the lanes alone
        (not the filter), kept until one of those changes."""
        key = (self._lo, self._hi, self.plot_rect().width(), id(self._data), self._lane_mode)
        lanes = self.static_lanes()
        if self._range_memo[0] != key or self._range_memo[1] is not lanes:
            self._range_memo = (key, lanes, {})
        return self._range_memo[2]

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

    def label_widths(self, rows: np.ndarray, fm: QFontMetricsF, bfm: QFontMetricsF) -> np.ndarray:
        """The width of each row's label (``label_text`` in ``fm``) measured with ``bfm``,
        kept per row: a pan lays the same labels out again."""
        key = (self.font().key(),)
        if self._label_widths[0] != key or len(self._label_widths[1]) != len(self._data):
            self._label_cache = {}  # elided in another font
            self._label_widths = (key, np.full(len(self._data), np.nan))
        widths = self._label_widths[1]
        out = widths[rows]
        todo = np.flatnonzero(np.isnan(out))
        if len(todo):
            new = [bfm.horizontalAdvance(self.label_text(r, fm)) for r in rows[todo].tolist()]
            out[todo] = new
            widths[rows[todo]] = new
        return out

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
        text = self.palette().color(QPalette.ColorRole.WindowText)
        key = (self._mask_key(), id(self._data))  # every row's kept beside the filter's
        return self._overview.kept(key, self._data, self.shown_rows(), r, self._full_range(), text)

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
            self._paint_frame = self.frame()
            render.paint_frame(self, p)
        except Exception:
            self._report_paint_failure()
            p.resetTransform()
            p.setClipping(False)
            p.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
            p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "The timeline cannot be drawn")
        finally:
            self._paint_frame = None
            p.end()

    def _report_paint_failure(self) -> None:
        if not self._paint_failed:
            self._paint_failed = True
            log.exception("the timeline could not be painted; showing an empty frame")
