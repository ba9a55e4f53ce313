"""Painting of the timeline: one function per layer, called from ``TimelineView.paintEvent``
through the :class:`~araz.qt.timeline.surface.TimelineSurface` it reads.  What lies under
the marks (lanes, labels, axis, gutter, overview) is :mod:`underlay`, kept as an image
while the view stays; this module draws the rest over it at every frame.

Marks are drawn in batches: bars with ``drawRects`` and points with
``drawPixmapFragments`` straight from numpy arrays (``shiboken6.wrapInstance`` over the
array memory), one call per colour.  Past ``DENSITY_LIMIT`` visible events each lane is
drawn as a density strip (a one-row QImage per lane built with ``np.bincount``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QPolygonF,
)

from araz.qt.timeline.geometry import (  # noqa: F401  (re-exported: the tests read them here)
    ARROW_PX,
    BAR_H,
    DENSITY_LIMIT,
    FADE_FRACTION,
    LABEL_GAP,
    LABEL_LIMIT,
    LABEL_MAX_PX,
    OVERVIEW_HANDLE_W,
    POINT_PX,
    mark_geometry,
    overview_handles,
)
from araz.qt.timeline.sprites import (  # noqa: F401  (Sprites: re-exported)
    Sprites,
    argb,
    device_ratio,
    draw_lines,
    draw_points,
    draw_rects,
    hline,
    over,
    vline,
)
from araz.qt.timeline.style import Style, style_for
from araz.qt.timeline.underlay import on_screen, paint_edges, paint_underlay

if TYPE_CHECKING:
    from araz.qt.timeline.surface import TimelineSurface
    from araz.views.timeline.layout import Frame


def paint_frame(v: TimelineSurface, p: QPainter) -> None:
    """The underlay (kept as an image while the view stays), then the marks, the
    highlights, the brush's shade and the focus frame over it."""
    pal = v.palette()
    st = style_for(pal, v.font())
    plot = v.plot_rect()
    f = v.frame()
    paint_underlay(v, p, st, f)
    p.save()
    p.setClipRect(plot.toAlignedRect())  # a QRect: QRectF clips take a slow path
    if f.density:
        _paint_density(v, p, plot, f)
        marked = v.selected_rows()
        hover = v.hover_row()
        if hover is not None:  # the picked event stands out of its strip
            marked = np.union1d(marked, [hover])
        marked = marked[_in_view(v, f, marked)]
        _paint_marks(v, p, marked[_lane_on_screen(v, marked, plot)])
    else:
        _paint_marks(v, p, f.rows[on_screen(v, f, plot)])
    _paint_highlights(v, p, pal)
    _paint_brush_plot(v, p, plot, st)
    p.restore()
    paint_edges(v, p, st)
    if v.hasFocus():  # keyboard focus: a frame around the lanes
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 2.0))
        p.drawRect(plot.adjusted(1.0, 1.0, -1.0, -1.0))


def _lane_on_screen(v: TimelineSurface, rows: np.ndarray, plot: QRectF) -> np.ndarray:
    lanes = v.lanes()
    top = lanes.tops + plot.top() - v.vertical_offset()  # per lane, then per event
    on = (top + lanes.heights > plot.top()) & (top < plot.bottom())
    return np.ones(len(rows), dtype=bool) if on.all() else on[lanes.of_event[rows]]


def _paint_marks(v: TimelineSurface, p: QPainter, rows: np.ndarray) -> None:
    """Bars (plain or fading) and arrows batched per colour, points as fragments."""
    if not len(rows):
        return
    d = v.data()
    plot = v.plot_rect()
    x0, x1, y = mark_geometry(v, rows)
    # keep coordinates in a sane range for the rasteriser
    x0c = np.clip(x0, plot.left() - 50, plot.right() + 50)
    x1c = np.clip(x1, plot.left() - 50, plot.right() + 50)
    point = d.is_point[rows]
    fs, fe = d.fade_start[rows], d.fade_end[rows]
    colors = v.colors()[rows]
    p.setPen(Qt.PenStyle.NoPen)
    bi = np.flatnonzero(~point)
    if len(bi):
        w = np.maximum(x1c[bi] - x0c[bi], 2.0)
        rects = np.column_stack((x0c[bi], y[bi] - BAR_H / 2, w, np.full(len(bi), BAR_H)))
        group = colors[bi].astype(np.int64) * 4 + fs[bi] + 2 * fe[bi]
        rects = np.ascontiguousarray(rects[np.argsort(group, kind="stable")])
        for key, a, b in _runs(np.sort(group)):
            color, kind = key >> 2, key & 3
            if kind:
                p.setBrush(v.sprites.fade_brush(color, bool(kind & 1), bool(kind & 2)))
            else:
                p.setBrush(argb(color))
            draw_rects(p, rects[a:b])
    pi = np.flatnonzero(point)
    if len(pi):
        outline = v.palette().color(QPalette.ColorRole.Base)
        xy = np.column_stack(((x0[pi] + x1[pi]) * 0.5, y[pi]))
        group = colors[pi].astype(np.int64) * 2 + (fs | fe)[pi]  # per colour: plain, faded
        xy = xy[np.argsort(group, kind="stable")]
        dpr = device_ratio(p)
        for key, a, b in _runs(np.sort(group)):
            pm = v.sprites.point(key >> 1, outline, dpr)
            draw_points(p, pm, xy[a:b], opacity=0.45 if key & 1 else 1.0)
    _paint_arrows(v, p, rows, x0, x1, x0c, x1c, y)


def _runs(keys: np.ndarray) -> list[tuple[int, int, int]]:
    """(key, start, end) of each run of equal values in a sorted array."""
    cut = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = [0, *cut.tolist()]
    ends = [*cut.tolist(), len(keys)]
    return list(zip(keys[starts].tolist(), starts, ends, strict=True))


def _paint_arrows(v, p, rows, x0, x1, x0c, x1c, y) -> None:
    """Open ends: a dotted tail and an arrowhead, batched per colour and direction."""
    d = v.data()
    point = d.is_point[rows]
    half = POINT_PX / 2.0
    xc = (x0 + x1) * 0.5
    for direction, flag in ((1, d.open_end[rows]), (-1, d.open_start[rows])):
        oi = np.flatnonzero(flag)
        if not len(oi):
            continue
        edge = x1c[oi] if direction > 0 else x0c[oi]
        base = np.where(point[oi], xc[oi] + direction * half, edge)
        tip = base + direction * ARROW_PX
        lines = np.column_stack((base, y[oi], tip - direction * 6, y[oi]))
        heads = np.column_stack((tip - direction * 4, y[oi]))
        cs, inv = np.unique(v.colors()[rows[oi]], return_inverse=True)
        for c_i, c in enumerate(cs.tolist()):
            sel = inv == c_i
            p.setPen(QPen(argb(c, 0.75), 2.0, Qt.PenStyle.DotLine))
            draw_lines(p, lines[sel])
            draw_points(p, v.sprites.arrowhead(c, direction, device_ratio(p)), heads[sel])
    p.setPen(Qt.PenStyle.NoPen)


def _in_view(v: TimelineSurface, f: Frame, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` are among the frame's events (a mask per event, made once per
    frame: a repaint tests a hover or a selection against it, not against a million rows)."""
    shown = f.painted.get("in_view")
    if shown is None:
        shown = np.zeros(len(v.data()), dtype=bool)
        shown[f.rows] = True
        f.painted["in_view"] = shown
    return shown[rows]


def _paint_density(v: TimelineSurface, p: QPainter, plot: QRectF, f: Frame) -> None:
    """Per-lane density strips: how many events cover each pixel column (sqrt scale).
    The strips of all lanes are one image, made at the frame's first paint over every event
    in view and kept with the frame: a repaint for a hover, a selection or a vertical
    scroll blits it (cost per pixel, not per event)."""
    lanes = v.lanes()
    width = max(int(plot.width()), 1)
    cached = f.painted.get("density")
    if cached is None or cached[0] != width:
        cached = (width, *_density_image(v, f.rows, width))
        f.painted["density"] = cached
    img = cached[2]
    off = plot.top() - v.vertical_offset()
    for i in range(len(lanes.keys)):
        top, h = lanes.strip(i)
        top += off
        if top > plot.bottom() or top + h < plot.top():
            continue
        p.drawImage(QRectF(plot.left(), top, width, h), img, QRectF(0, i, width, 1))


def _density_image(v: TimelineSurface, rows: np.ndarray, width: int) -> tuple[np.ndarray, QImage]:
    """The strips' pixels (one row per lane) and a QImage over them (the array is
    returned with it: the image does not own its memory)."""
    lanes = v.lanes()
    nl = len(lanes.keys)
    stride = width + 1
    memo = v.range_memo()
    keys = memo.get(("density", width))
    if keys is None:  # zoomed out (most events in range): kept while the view stays
        most = len(memo.get("rows", ())) * 4 > len(v.data())
        keys = memo[("density", width)] = _strip_keys(v, slice(None), width) if most else ()
    a, b = (keys[0].take(rows), keys[1].take(rows)) if keys else _strip_keys(v, rows, width)
    diff = np.bincount(a, minlength=nl * stride)
    diff -= np.bincount(b, minlength=nl * stride)
    cover = np.cumsum(diff.reshape(nl, stride), axis=1)[:, :width]
    peak = max(int(cover.max()), 1)
    if peak < width:  # a pixel per lane and cover count, then looked up
        counts = np.broadcast_to(np.arange(peak + 1), (nl, peak + 1))
        table = _strip_pixels(counts, peak, lanes.color)
        px = table.ravel()[cover + (np.arange(nl) * (peak + 1))[:, None]]
    else:
        px = _strip_pixels(cover, peak, lanes.color)
    px = np.ascontiguousarray(px, dtype=np.uint32)
    img = QImage(px.data, width, nl, width * 4, QImage.Format.Format_ARGB32_Premultiplied)
    return px, img


def _strip_keys(v: TimelineSurface, rows: np.ndarray | slice, width: int) -> tuple:
    """Per row (or every event: ``slice(None)``), ``lane * (width + 1)`` plus the strip
    pixel its span starts at, and plus the one past its end (a difference array's two
    bins).  A filter change at the same view only picks its rows' keys."""
    d, lanes, (lo, hi) = v.data(), v.lanes(), v.visible_range()
    k = width / (hi - lo)
    a = np.clip(((d.start[rows] - lo) * k).astype(np.int64), 0, width - 1)
    b = np.clip(((d.end[rows] + 1.0 - lo) * k).astype(np.int64), a + 1, width)
    lane = lanes.of_event[rows].astype(np.int64) * (width + 1)
    dtype = np.int32 if (len(lanes.keys) + 1) * (width + 1) < 2**31 else np.int64
    return (lane + a).astype(dtype), (lane + b).astype(dtype)


def _strip_pixels(cover: np.ndarray, peak: int, color: np.ndarray) -> np.ndarray:
    """Premultiplied ARGB of each lane's (row's) cover counts, on a sqrt scale of ``peak``
    (one scale for all lanes, so lanes compare)."""
    level = np.sqrt(cover / peak)
    alpha = np.where(cover > 0, 0.12 + 0.88 * level, 0.0)
    lc = color[:, None]
    rgb = [((lc >> s) & 0xFF).astype(np.float64) for s in (16, 8, 0)]
    px = (alpha * 255).astype(np.uint32) << 24
    for s, ch in zip((16, 8, 0), rgb, strict=True):
        px |= (ch * alpha).astype(np.uint32) << s
    return px


def _paint_highlights(v: TimelineSurface, p: QPainter, pal: QPalette) -> None:
    d = v.data()
    hl = pal.color(QPalette.ColorRole.Highlight)
    rows = v.selected_rows()
    hover = v.hover_row()
    items = [(r, hl, 2.5) for r in rows.tolist()]
    if hover is not None:
        items.append((hover, pal.color(QPalette.ColorRole.Text), 1.5))
    if not items:
        return
    arr = np.array([r for r, _, _ in items], dtype=np.int64)
    x0, x1, y = mark_geometry(v, arr)
    drawn = np.isfinite(y)
    items = [item for item, ok in zip(items, drawn.tolist(), strict=True) if ok]
    x0, x1, y = x0[drawn], x1[drawn], y[drawn]
    p.setBrush(Qt.BrushStyle.NoBrush)
    active = v.active_row()
    for j, (r, col, width) in enumerate(items):
        p.setPen(QPen(col, width))
        if d.is_point[r]:
            xc, s = (x0[j] + x1[j]) / 2, POINT_PX / 2 + 3.0
            p.drawPolygon(
                QPolygonF(
                    [
                        QPointF(xc, y[j] - s),
                        QPointF(xc + s, y[j]),
                        QPointF(xc, y[j] + s),
                        QPointF(xc - s, y[j]),
                    ]
                )
            )
        else:
            a, b = max(x0[j], -1e5), min(max(x1[j], x0[j] + 2), 1e5)
            p.drawRect(QRectF(a - 2, y[j] - BAR_H / 2 - 2, b - a + 4, BAR_H + 4))
        if r == active and col == hl:
            xc = (x0[j] + x1[j]) / 2 if d.is_point[r] else max(x0[j], v.plot_rect().left())
            faint = QColor(hl)
            faint.setAlpha(90)
            p.setPen(QPen(faint, 1.0, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(xc, v.plot_rect().top()), QPointF(xc, y[j] - POINT_PX))


def _paint_brush_plot(v: TimelineSurface, p: QPainter, plot: QRectF, st: Style) -> None:
    span = v.brush_span()
    if span is None:
        return
    a, b = v.x_for_day(span[0]), v.x_for_day(span[1])
    p.fillRect(QRectF(a, plot.top(), b - a, plot.height()), st.brush_fill)
    vline(p, a, plot.top(), plot.bottom(), st.brush_edge)
    vline(p, b, plot.top(), plot.bottom(), st.brush_edge)
