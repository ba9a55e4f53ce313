"""The frame under the marks: the lanes' background and grid, the labels, the date axis,
the gutter and the overview.  A repaint of the same view (a hover, a selection, the
focus, a mark's new colour) draws all of it again unchanged, so it is painted once into
an opaque image kept on the view's :class:`~araz.qt.timeline.sprites.Sprites`, keyed by
everything it shows (size, device pixel ratio, palette and font, range, vertical offset,
the lanes' rows (the frame itself when it has labels), the selection (bold labels), the
brush), and only blitted until one of them changes; a pan or a zoom paints it afresh.
The gutter and the overview, which a filter change redraws, are blitted over it from
images of their own; the marks, the highlights and the brush's shade are drawn over it
at every frame (``render``).

Labels belong here although they are drawn per event: the layout keeps them in the row
under their mark (:mod:`~araz.views.timeline.layout`), so no mark covers a label and the
order of the two does not change a pixel."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from araz.qt.timeline.geometry import overview_handles
from araz.qt.timeline.gutter import gutter_image, paint_gutter, paint_gutter_edge
from araz.qt.timeline.sprites import device_ratio, draw_lines, hline, vline
from araz.qt.timeline.style import Style, ticks
from araz.qt.timeline.texts import TEXTS
from araz.views.timeline import axis
from araz.views.timeline.layout import LABEL_ROW_H, TRACK_H, Frame

if TYPE_CHECKING:
    from araz.qt.timeline.surface import TimelineSurface


def on_screen(v: TimelineSurface, f: Frame, plot: QRectF) -> np.ndarray:
    """Per row of a (non-density) frame: its mark or label is in the plot's height."""
    y = f.y + plot.top() - v.vertical_offset()
    return (y + LABEL_ROW_H + TRACK_H > plot.top()) & (y - TRACK_H < plot.bottom())


def paint_underlay(v: TimelineSurface, p: QPainter, st: Style, f: Frame) -> None:
    """Everything of the frame but the marks, highlights, brush shade and focus frame."""
    if st.window.alpha() < 255 or st.base.alpha() < 255:  # see-through: drawn in place
        p.fillRect(v.plot_rect().toAlignedRect() if st.window.alpha() == 255 else v.rect(), st.base)
        _paint(v, p, st, f)
        return
    dpr = device_ratio(p)
    # the lanes' layout: a density or marks-only frame's is its lanes' rows (a filter
    # change at the same view keeps them), a labelled one's is the frame itself
    layout: object = id(f) if f.labelled else (f.lanes.tops.tobytes(), f.lanes.heights.tobytes())
    key = (
        v.width(),
        v.height(),
        dpr,
        st.key,
        v.visible_range(),
        v.vertical_offset(),
        v.selected_rows().tobytes() if f.labelled else b"",
        v.brush_span(),
        layout,
    )
    cached = v.sprites.underlay
    if cached is None or cached[0] != key or (f.labelled and cached[1] is not f):
        size = (max(round(v.width() * dpr), 1), max(round(v.height() * dpr), 1))
        img = cached[2] if cached is not None else None
        if img is None or (img.width(), img.height()) != size:  # else painted over: a new
            # image's memory is mapped afresh, ~0.3 ms of page faults at every pan
            img = QImage(*size, QImage.Format.Format_RGB32)  # opaque: blitted as a copy
        img.setDevicePixelRatio(dpr)
        img.fill(st.window)
        q = QPainter(img)
        try:
            q.fillRect(v.plot_rect().toAlignedRect(), st.base)
            _paint_view(v, q, st, f)
        finally:
            q.end()
        cached = v.sprites.underlay = (key, f, img)
    # what the filter changes (the lanes' counts, the overview) laid over a copy of it,
    # kept too: a frame of the same view and filter blits one image (three blits and the
    # overview's text at every frame cost ~0.2 ms, a fifth of a frame at 1,000 events)
    plot = v.plot_rect()
    gutter = gutter_image(v, plot, st, dpr)
    overview = v.overview_image()
    # its parts by identity (held here, so never another's recycled id), the window's place
    parts = (cached, gutter, overview)
    window = v.overview_window()
    composed = v.sprites.composed
    same = (
        composed is not None
        and composed[2] == window
        and all(a is b for a, b in zip(composed[0], parts, strict=True))
    )
    if not same:  # new parts (a pan's frames change them all): laid over it, remembered
        v.sprites.composed = (parts, None, window)
        p.drawImage(QPointF(0, 0), cached[2])
        p.drawImage(QPointF(0, plot.top()), gutter[1])
        _paint_overview(v, p, st)
        return
    img = composed[1] if composed is not None else None
    if img is None:  # the same parts a second frame: composed once and kept
        img = cached[2].copy()
        q = QPainter(img)
        try:
            q.drawImage(QPointF(0, plot.top()), gutter[1])
            _paint_overview(v, q, st)
        finally:
            q.end()
        v.sprites.composed = (parts, img, window)
    p.drawImage(QPointF(0, 0), img)


def paint_edges(v: TimelineSurface, p: QPainter, st: Style) -> None:
    """The axis' bottom line and the gutter's edge lie over the plot's first row and
    column: drawn over the marks, at every frame."""
    plot = v.plot_rect()
    fill = QRectF(plot.left(), math.floor(plot.top()), v.width() - plot.left(), 1)
    p.fillRect(fill, st.axis_muted)  # as hline(), but the gutter covers its left part
    paint_gutter_edge(p, plot, st)


def _paint(v: TimelineSurface, p: QPainter, st: Style, f: Frame) -> None:
    _paint_view(v, p, st, f)
    paint_gutter(v, p, v.plot_rect(), st)
    _paint_overview(v, p, st)


def _paint_view(v: TimelineSurface, p: QPainter, st: Style, f: Frame) -> None:
    """The lanes, the labels and the axis (what a filter change at the same view keeps
    when no label is drawn)."""
    plot = v.plot_rect()
    lo, hi = v.visible_range()
    tk = ticks(lo, hi, plot.width())
    TEXTS.begin(st.font)
    p.save()
    p.setClipRect(plot.toAlignedRect())  # a QRect: QRectF clips take a slow path
    _paint_lanes(v, p, plot, tk, st)
    if f.labelled:
        _paint_labels(v, p, plot, np.flatnonzero(on_screen(v, f, plot)), st)
    p.restore()
    _paint_axis(v, p, tk, st)


def _paint_lanes(v: TimelineSurface, p: QPainter, plot: QRectF, tk: axis.Ticks, st: Style):
    lanes = v.lanes()
    off = plot.top() - v.vertical_offset()
    p_top, p_bottom = plot.top(), plot.bottom()
    left, width = plot.left(), plot.width()
    tops = (lanes.tops + off).tolist()
    heights = lanes.heights.tolist()
    bottoms = []
    alt = st.alt
    for i, (top, h) in enumerate(zip(tops, heights, strict=True)):
        if top > p_bottom or top + h < p_top:
            continue
        if i % 2:
            p.fillRect(QRectF(left, top, width, h), alt)
        bottoms.append(top + h)
    p.setPen(st.lane_pen)
    ys = np.array(bottoms, dtype=np.float64)
    n = len(ys)
    draw_lines(p, np.column_stack((np.full(n, left), ys, np.full(n, plot.right()), ys)))
    p.setPen(st.grid_pen)
    xs = _tick_xs(v, plot, [d for d, _ in tk.major])
    n = len(xs)
    draw_lines(p, np.column_stack((xs, np.full(n, p_top), xs, np.full(n, p_bottom))))


def _tick_xs(v: TimelineSurface, plot: QRectF, days: list[float]) -> np.ndarray:
    """Pixel-centred x of each day (crisp 1 px lines)."""
    lo, hi = v.visible_range()
    xs = plot.left() + (np.asarray(days, dtype=np.float64) - lo) * (plot.width() / (hi - lo))
    return np.round(xs) + 0.5


def _paint_labels(v: TimelineSurface, p: QPainter, plot: QRectF, ks: np.ndarray, st: Style):
    """Each event's label under its mark (``ks``: positions in the frame's rows), selected
    ones bold in the highlight colour (labels never overlap: plain ones first, then the
    selected, each group with one font and pen)."""
    f = v.frame()
    if not len(ks):
        return
    ks = ks[f.has_label[ks]]
    rows = f.rows[ks]
    chosen = np.isin(rows, v.selected_rows())
    off = plot.top() - v.vertical_offset() + TRACK_H / 2
    fm = st.fm
    for bold in (False, True):
        sel = chosen if bold else ~chosen
        if not sel.any():
            continue
        p.setFont(st.bold if bold else st.font)
        p.setPen(st.highlight if bold else st.text)
        k = ks[sel]
        texts = [v.label_text(r, fm) for r in rows[sel].tolist()]
        TEXTS.draw_many(p, f.label_x[k].tolist(), (f.y[k] + off).tolist(), LABEL_ROW_H, texts, bold)
    p.setFont(st.font)


def _paint_axis(v: TimelineSurface, p: QPainter, tk: axis.Ticks, st: Style) -> None:
    r = v.axis_rect()
    plot = v.plot_rect()
    p.fillRect(QRectF(0, 0, v.width(), r.height()), st.window)
    p.save()
    p.setClipRect(r.toAlignedRect())
    span = v.brush_span()
    if span is not None:
        a, b = v.x_for_day(span[0]), v.x_for_day(span[1])
        p.fillRect(QRectF(a, r.top(), b - a, r.height()), st.axis_brush)
    muted = st.axis_muted
    bottom = r.bottom()
    p.setPen(st.axis_muted_pen)
    xs = _tick_xs(v, plot, tk.minor)
    n = len(xs)
    draw_lines(p, np.column_stack((xs, np.full(n, bottom - 3), xs, np.full(n, bottom))))
    p.setPen(st.axis_text_pen)
    xs = _tick_xs(v, plot, [d for d, _ in tk.major])
    n = len(xs)
    draw_lines(p, np.column_stack((xs, np.full(n, bottom - 7), xs, np.full(n, bottom))))
    top2 = r.top() + 16
    last_right = -math.inf
    lx: list[float] = []
    labels: list[str] = []
    for x, (_, label) in zip(xs.tolist(), tk.major, strict=True):
        if x + 3 > last_right:
            lx.append(x + 3)
            labels.append(label)
            last_right = x + 3 + st.width(label) + 4
    TEXTS.draw_many(p, lx, [top2] * len(lx), 16.0, labels)
    # context row: the month or year each stretch belongs to, sticky at the left edge
    p.setFont(st.bold)
    ctx = tk.context
    if ctx:
        lo, hi = v.visible_range()
        left, width, span = plot.left(), plot.width(), hi - lo
        cx = [left + (d - lo) * width / span for d, _ in ctx]  # as v.x_for_day
    for i, (_, label) in enumerate(ctx):
        x = max(cx[i], r.left()) + 3
        nxt = cx[i + 1] if i + 1 < len(ctx) else math.inf
        x = min(x, nxt - st.width(label, True) - 6) if i == 0 else x
        TEXTS.draw_many(p, [x], [r.top() + 1], 16.0, [label], True)
        if i + 1 < len(ctx):
            vline(p, round(nxt) + 0.5, r.top() + 2, r.top() + 15, muted)
    p.setFont(st.font)
    if span is not None:
        xr = v.clear_box()
        if xr is not None:
            p.setPen(st.clear_pen)
            p.setBrush(st.window)
            p.drawRect(xr)
            m = xr.adjusted(3, 3, -3, -3)
            p.drawLine(m.topLeft(), m.bottomRight())
            p.drawLine(m.topRight(), m.bottomLeft())
    p.restore()


def _paint_overview(v: TimelineSurface, p: QPainter, st: Style) -> None:
    r = v.overview_rect()
    p.fillRect(QRectF(0, r.top(), v.width(), r.height()), st.window)
    img = v.overview_image()
    if img is not None:
        p.drawImage(r.topLeft(), v.sprites.opaque(img, st.window))
    muted = st.overview_muted
    hline(p, r.top(), v.width(), muted)
    _paint_overview_window(v, p, r, st)
    p.setPen(muted)
    TEXTS.draw(p, QRectF(6, r.top(), r.left() - 8, r.height()), "Overview")


def _paint_overview_window(v: TimelineSurface, p: QPainter, r: QRectF, st: Style) -> None:
    """The visible window: what lies outside it is shaded, the window itself is an outline
    with a grip at each end (so it still reads when it spans the whole strip)."""
    a, b = v.overview_window()
    shade = st.overview_shade
    top, h = r.top() + 1, r.height() - 1
    if a > r.left():
        p.fillRect(QRectF(r.left(), top, a - r.left(), h), shade)
    if b < r.right():
        p.fillRect(QRectF(b, top, r.right() - b, h), shade)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(st.overview_pen)
    inner = r.adjusted(0.75, 1.75, -0.75, -0.75)  # the 1.5 px outline stays inside the strip
    p.drawRect(QRectF(a, inner.top(), max(b - a, 3.0), inner.height()).intersected(inner))
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(st.grip_pen)
    p.setBrush(st.highlight)
    for grip in overview_handles(v):
        p.drawRoundedRect(grip, 2.0, 2.0)
    p.restore()
