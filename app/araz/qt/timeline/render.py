"""Painting of the timeline: one function per layer, called from ``TimelineView.paintEvent``.

Marks are drawn in batches: bars with ``drawRects`` and points with
``drawPixmapFragments`` straight from numpy arrays (``shiboken6.wrapInstance`` over the
array memory), one call per colour.  Past ``DENSITY_LIMIT`` visible events each lane is
drawn as a density strip (a one-row QImage per lane built with ``np.bincount``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QLinearGradient,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

from araz.qt.timeline import axis, labels
from araz.qt.timeline.layout import LABEL_ROW_H, LABEL_ROWS, LANE_PAD_TOP, TRACK_H

if TYPE_CHECKING:
    from araz.qt.timeline.view import TimelineView

DENSITY_LIMIT = 3000  # more visible events than this: density strips instead of marks
LABEL_LIMIT = 3000  # label placement works on at most this many events
BAR_H = 7.0
POINT_PX = 12  # diamond size
ARROW_PX = 22.0
LABEL_MAX_PX = 170.0
LABEL_GAP = 6.0
FADE_LIMIT = 400  # past this many faded bars, fades are drawn as translucent bars


def _argb(c: int, alpha: float = 1.0) -> QColor:
    col = QColor.fromRgba(int(c))
    if alpha < 1.0:
        col.setAlphaF(col.alphaF() * alpha)
    return col


class Sprites:
    """Point marks as small pixmaps, one per colour and style, drawn as fragments."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str, int], QPixmap] = {}

    def get(self, color: int, outline: QColor, style: str = "plain") -> QPixmap:
        key = (int(color), style, outline.rgba())
        pm = self._cache.get(key)
        if pm is None:
            pm = self._make(color, outline, style)
            self._cache[key] = pm
        return pm

    @staticmethod
    def _make(color: int, outline: QColor, style: str) -> QPixmap:
        s = POINT_PX
        img = QImage(s, s, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(0)
        q = QPainter(img)
        q.setRenderHint(QPainter.RenderHint.Antialiasing)
        h = s / 2.0
        poly = QPolygonF(
            [QPointF(h, 0.5), QPointF(s - 0.5, h), QPointF(h, s - 0.5), QPointF(0.5, h)]
        )
        q.setPen(QPen(outline, 1.0))
        q.setBrush(_argb(color))
        q.drawPolygon(poly)
        q.end()
        return QPixmap.fromImage(img)


def draw_rects(p: QPainter, rects: np.ndarray) -> None:
    """Draw an (n, 4) float64 array of x, y, w, h with the current pen and brush."""
    rects = np.ascontiguousarray(rects, dtype=np.float64)
    if len(rects):
        p.drawRects(shiboken6.wrapInstance(rects.ctypes.data, QRectF), len(rects))


def draw_points(p: QPainter, pm: QPixmap, xy: np.ndarray, opacity: float = 1.0) -> None:
    """Draw a pixmap centred at each row of an (n, 2) array."""
    n = len(xy)
    if not n:
        return
    frag = np.zeros((n, 10), dtype=np.float64)
    frag[:, 0:2] = xy
    frag[:, 4] = pm.width()
    frag[:, 5] = pm.height()
    frag[:, 6:8] = 1.0
    frag[:, 9] = opacity
    p.drawPixmapFragments(shiboken6.wrapInstance(frag.ctypes.data, QPainter.PixmapFragment), n, pm)


# ---------------------------------------------------------------- frame


def paint_frame(v: TimelineView, p: QPainter) -> None:
    pal = v.palette()
    plot = v.plot_rect()
    p.fillRect(v.rect(), pal.color(QPalette.ColorRole.Base))
    lo, hi = v.visible_range()
    tk = axis.ticks(lo, hi, plot.width())
    p.save()
    p.setClipRect(plot)
    _paint_lanes(v, p, plot, tk, pal)
    rows = v.visible_rows()
    rows = rows[_lane_on_screen(v, rows, plot)]
    v._last_density = len(rows) > DENSITY_LIMIT
    if v._last_density:
        _paint_density(v, p, plot, rows)
        marked = v.selected_rows()
        marked = marked[np.isin(marked, rows)]
        _paint_marks(v, p, marked)
    else:
        _paint_marks(v, p, rows)
        if len(rows) <= LABEL_LIMIT:
            _paint_labels(v, p, plot, rows, pal)
    _paint_highlights(v, p, pal)
    _paint_brush_plot(v, p, plot, pal)
    p.restore()
    _paint_axis(v, p, tk, pal)
    _paint_gutter(v, p, pal)
    _paint_overview(v, p, pal)


def _lane_on_screen(v: TimelineView, rows: np.ndarray, plot: QRectF) -> np.ndarray:
    lanes = v.lanes()
    lane = lanes.of_event[rows]
    top = lanes.tops[lane] + plot.top() - v.vertical_offset()
    return (top + lanes.heights[lane] > plot.top()) & (top < plot.bottom())


def _paint_lanes(v: TimelineView, p: QPainter, plot: QRectF, tk: axis.Ticks, pal: QPalette):
    lanes = v.lanes()
    alt = pal.color(QPalette.ColorRole.AlternateBase)
    line = QColor(pal.color(QPalette.ColorRole.Text))
    line.setAlpha(40)
    off = plot.top() - v.vertical_offset()
    for i in range(len(lanes.keys)):
        top = lanes.tops[i] + off
        if top > plot.bottom() or top + lanes.heights[i] < plot.top():
            continue
        if i % 2:
            p.fillRect(QRectF(plot.left(), top, plot.width(), lanes.heights[i]), alt)
        p.setPen(QPen(line, 1.0))
        p.drawLine(
            QPointF(plot.left(), top + lanes.heights[i]),
            QPointF(plot.right(), top + lanes.heights[i]),
        )
    grid = QColor(line)
    grid.setAlpha(28)
    p.setPen(QPen(grid, 1.0))
    for d, _ in tk.major:
        x = round(v.x_for_day(d)) + 0.5
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))


def mark_geometry(v: TimelineView, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Screen x of the left and right edges and y of the centre of each event's mark."""
    d = v.data()
    lo, hi = v.visible_range()
    plot = v.plot_rect()
    k = plot.width() / (hi - lo)
    x0 = plot.left() + (d.start[rows] - lo) * k
    x1 = plot.left() + (d.end[rows] + 1.0 - lo) * k
    y = v.lanes().mark_y(rows) + plot.top() - v.vertical_offset()
    return x0, x1, y


def _paint_marks(v: TimelineView, p: QPainter, rows: np.ndarray) -> None:
    if not len(rows):
        return
    d = v.data()
    plot = v.plot_rect()
    x0, x1, y = mark_geometry(v, rows)
    # keep coordinates in a sane range for the rasteriser
    x0c = np.clip(x0, plot.left() - 50, plot.right() + 50)
    x1c = np.clip(x1, plot.left() - 50, plot.right() + 50)
    point = d.is_point[rows]
    fade = d.fade_start[rows] | d.fade_end[rows]
    colors = d.color[rows]
    outline = v.palette().color(QPalette.ColorRole.Base)
    p.setPen(Qt.PenStyle.NoPen)
    # plain bars: one drawRects per colour
    bar = ~point & ~fade
    if int((~point & fade).sum()) > FADE_LIMIT:
        bar = ~point
    _bars_by_color(p, x0c[bar], x1c[bar], y[bar], colors[bar], fade[bar])
    # faded bars one by one with a gradient
    fb = np.flatnonzero(~point & fade & ~bar)
    for j in fb:
        r = rows[j]
        _faded_bar(p, x0c[j], x1c[j], y[j], int(colors[j]), d.fade_start[r], d.fade_end[r])
    # points: one drawPixmapFragments per colour and opacity
    pi = np.flatnonzero(point)
    if len(pi):
        cs, inv = np.unique(colors[pi], return_inverse=True)
        xy = np.column_stack(((x0[pi] + x1[pi]) * 0.5, y[pi]))
        fp = fade[pi]
        for c_i, c in enumerate(cs):
            pm = v._sprites.get(int(c), outline)
            sel = inv == c_i
            draw_points(p, pm, xy[sel & ~fp])
            draw_points(p, pm, xy[sel & fp], opacity=0.45)
    # open ends: arrows
    oi = np.flatnonzero(d.open_start[rows] | d.open_end[rows])[:500]
    for j in oi:
        r = rows[j]
        col = _argb(int(colors[j]), 0.75)
        half = POINT_PX / 2 if point[j] else 0.0
        xc = (x0[j] + x1[j]) * 0.5
        if d.open_end[r]:
            _arrow(p, (xc + half) if point[j] else x1c[j], y[j], 1.0, col)
        if d.open_start[r]:
            _arrow(p, (xc - half) if point[j] else x0c[j], y[j], -1.0, col)


def _bars_by_color(p, x0, x1, y, colors, translucent) -> None:
    if not len(x0):
        return
    w = np.maximum(x1 - x0, 2.0)
    rects = np.column_stack((x0, y - BAR_H / 2, w, np.full(len(x0), BAR_H)))
    cs, inv = np.unique(colors, return_inverse=True)
    for c_i, c in enumerate(cs):
        sel = inv == c_i
        for faded in (False, True):
            part = rects[sel & (translucent == faded)]
            if len(part):
                p.setBrush(_argb(int(c), 0.45 if faded else 1.0))
                draw_rects(p, part)


def _faded_bar(p, x0, x1, y, color, fade_start, fade_end) -> None:
    length = max(x1 - x0, 2.0)
    f = min(0.45, max(12.0, 0.3 * length) / length)
    g = QLinearGradient(x0, 0.0, x0 + length, 0.0)
    solid, faint = _argb(color), _argb(color, 0.08)
    g.setColorAt(0.0, faint if fade_start else solid)
    g.setColorAt(f, solid)
    g.setColorAt(1.0 - f, solid)
    g.setColorAt(1.0, faint if fade_end else solid)
    p.fillRect(QRectF(x0, y - BAR_H / 2, length, BAR_H), QBrush(g))


def _arrow(p: QPainter, x: float, y: float, direction: float, col: QColor) -> None:
    """A dotted tail and an arrowhead leaving an open end."""
    tip = x + direction * ARROW_PX
    pen = QPen(col, 2.0, Qt.PenStyle.DotLine)
    p.setPen(pen)
    p.drawLine(QPointF(x, y), QPointF(tip - direction * 5, y))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(col)
    p.drawPolygon(
        QPolygonF(
            [
                QPointF(tip, y),
                QPointF(tip - direction * 7, y - 4.5),
                QPointF(tip - direction * 7, y + 4.5),
            ]
        )
    )


def _paint_density(v: TimelineView, p: QPainter, plot: QRectF, rows: np.ndarray) -> None:
    """Per-lane density strips: how many events cover each pixel column (log scale)."""
    d, lanes = v.data(), v.lanes()
    width = max(int(plot.width()), 1)
    nl = len(lanes.keys)
    lo, hi = v.visible_range()
    k = width / (hi - lo)
    a = np.clip(((d.start[rows] - lo) * k).astype(np.int64), 0, width - 1)
    b = np.clip(((d.end[rows] + 1.0 - lo) * k).astype(np.int64), a + 1, width)
    lane = lanes.of_event[rows].astype(np.int64)
    stride = width + 1
    diff = np.bincount(lane * stride + a, minlength=nl * stride)
    diff -= np.bincount(lane * stride + b, minlength=nl * stride)
    cover = np.cumsum(diff.reshape(nl, stride), axis=1)[:, :width]
    peak = max(int(cover.max()), 1)
    level = np.log1p(cover) / math.log1p(peak)
    alpha = np.where(cover > 0, 0.18 + 0.82 * level, 0.0)
    lc = lanes.color[:, None]
    rgb = [((lc >> s) & 0xFF).astype(np.float64) for s in (16, 8, 0)]
    px = (alpha * 255).astype(np.uint32) << 24
    for s, ch in zip((16, 8, 0), rgb, strict=True):
        px |= (ch * alpha).astype(np.uint32) << s
    px = np.ascontiguousarray(px, dtype=np.uint32)
    img = QImage(px.data, width, nl, width * 4, QImage.Format.Format_ARGB32_Premultiplied)
    off = plot.top() - v.vertical_offset()
    for i in range(nl):
        top = lanes.tops[i] + off + LANE_PAD_TOP
        h = lanes.ntracks[i] * TRACK_H
        if top > plot.bottom() or top + h < plot.top():
            continue
        p.drawImage(QRectF(plot.left(), top, width, h), img, QRectF(0, i, width, 1))


def _paint_labels(v: TimelineView, p: QPainter, plot: QRectF, rows: np.ndarray, pal: QPalette):
    """Labels that do not collide (see :mod:`labels`), selected ones first and bold."""
    if not len(rows):
        return
    d, lanes = v.data(), v.lanes()
    fm = QFontMetricsF(v.font())
    bold = QFont(v.font())
    bold.setBold(True)
    bfm = QFontMetricsF(bold)
    x0, x1, _ = mark_geometry(v, rows)
    point = d.is_point[rows]
    lx = np.where(point, (x0 + x1) * 0.5 - POINT_PX / 2, np.maximum(x0, plot.left() + 2))
    lane = lanes.of_event[rows]
    selected = np.isin(rows, v.selected_rows())

    def width(i: int) -> float:
        metrics = bfm if selected[i] else fm
        return min(metrics.horizontalAdvance(v.label_text(int(rows[i]), fm)), LABEL_MAX_PX + 20)

    result = labels.place(lx, lane, selected, width, fm.horizontalAdvance, LABEL_ROWS, plot.right())
    off = plot.top() - v.vertical_offset()
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
    text_color = pal.color(QPalette.ColorRole.Text)
    hl = pal.color(QPalette.ColorRole.Highlight)
    placed: list[tuple[QRectF, int]] = []
    for (i, row, x, w), ln in zip(result.labels, result.lanes, strict=True):
        y = lanes.label_top(ln) + off + row * LABEL_ROW_H
        if y > plot.bottom() or y + LABEL_ROW_H < plot.top():
            continue
        rect = QRectF(x, y, w + 2, LABEL_ROW_H)
        r_i = int(rows[i])
        p.setFont(bold if selected[i] else v.font())
        p.setPen(hl if selected[i] else text_color)
        p.drawText(rect, flags, v.label_text(r_i, fm))
        placed.append((rect, r_i))
    p.setFont(v.font())
    muted = QColor(text_color)
    muted.setAlphaF(0.6)
    p.setPen(muted)
    for ln, row, x, text in result.counts:
        y = lanes.label_top(ln) + off + row * LABEL_ROW_H
        p.drawText(QRectF(x, y, 60, LABEL_ROW_H), flags, text)
    v._label_rects = placed


def _paint_highlights(v: TimelineView, p: QPainter, pal: QPalette) -> None:
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


def _paint_brush_plot(v: TimelineView, p: QPainter, plot: QRectF, pal: QPalette) -> None:
    span = v.brush_span()
    if span is None:
        return
    a, b = v.x_for_day(span[0]), v.x_for_day(span[1])
    col = QColor(pal.color(QPalette.ColorRole.Highlight))
    col.setAlpha(30)
    p.fillRect(QRectF(a, plot.top(), b - a, plot.height()), col)
    col.setAlpha(150)
    p.setPen(QPen(col, 1.0))
    p.drawLine(QPointF(a, plot.top()), QPointF(a, plot.bottom()))
    p.drawLine(QPointF(b, plot.top()), QPointF(b, plot.bottom()))


def _paint_axis(v: TimelineView, p: QPainter, tk: axis.Ticks, pal: QPalette) -> None:
    r = v.axis_rect()
    text = pal.color(QPalette.ColorRole.WindowText)
    p.fillRect(QRectF(0, 0, v.width(), r.height()), pal.color(QPalette.ColorRole.Window))
    p.save()
    p.setClipRect(r)
    span = v.brush_span()
    if span is not None:
        a, b = v.x_for_day(span[0]), v.x_for_day(span[1])
        col = QColor(pal.color(QPalette.ColorRole.Highlight))
        col.setAlpha(110)
        p.fillRect(QRectF(a, r.top(), b - a, r.height()), col)
    muted = QColor(text)
    muted.setAlphaF(0.55)
    bottom = r.bottom()
    p.setPen(QPen(muted, 1.0))
    for d in tk.minor:
        x = round(v.x_for_day(d)) + 0.5
        p.drawLine(QPointF(x, bottom - 3), QPointF(x, bottom))
    p.setPen(QPen(text, 1.0))
    fm = QFontMetricsF(v.font())
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
    row2 = QRectF(0, r.top() + 16, 0, 16)
    last_right = -math.inf
    for d, label in tk.major:
        x = round(v.x_for_day(d)) + 0.5
        p.drawLine(QPointF(x, bottom - 7), QPointF(x, bottom))
        w = fm.horizontalAdvance(label)
        if x + 3 > last_right:
            p.drawText(QRectF(x + 3, row2.top(), w + 2, row2.height()), flags, label)
            last_right = x + 3 + w + 4
    # context row: the month or year each stretch belongs to, sticky at the left edge
    bold = QFont(v.font())
    bold.setBold(True)
    p.setFont(bold)
    bfm = QFontMetricsF(bold)
    ctx = tk.context
    for i, (d, label) in enumerate(ctx):
        x = max(v.x_for_day(d), r.left()) + 3
        w = bfm.horizontalAdvance(label)
        nxt = v.x_for_day(ctx[i + 1][0]) if i + 1 < len(ctx) else math.inf
        x = min(x, nxt - w - 6) if i == 0 else x
        p.drawText(QRectF(x, r.top() + 1, w + 2, 16), flags, label)
        if i + 1 < len(ctx):
            xs = round(nxt) + 0.5
            p.setPen(QPen(muted, 1.0))
            p.drawLine(QPointF(xs, r.top() + 2), QPointF(xs, r.top() + 15))
            p.setPen(QPen(text, 1.0))
    p.setFont(v.font())
    if span is not None:
        xr = v.clear_box()
        if xr is not None:
            p.setPen(QPen(text, 1.5))
            p.setBrush(pal.color(QPalette.ColorRole.Window))
            p.drawRect(xr)
            m = xr.adjusted(3, 3, -3, -3)
            p.drawLine(m.topLeft(), m.bottomRight())
            p.drawLine(m.topRight(), m.bottomLeft())
    p.restore()
    p.setPen(QPen(muted, 1.0))
    p.drawLine(QPointF(0, bottom + 0.5), QPointF(v.width(), bottom + 0.5))


def _paint_gutter(v: TimelineView, p: QPainter, pal: QPalette) -> None:
    plot, lanes = v.plot_rect(), v.lanes()
    g = QRectF(0, plot.top(), plot.left(), plot.height())
    p.fillRect(g, pal.color(QPalette.ColorRole.Window))
    text = pal.color(QPalette.ColorRole.WindowText)
    muted = QColor(text)
    muted.setAlphaF(0.6)
    p.setPen(QPen(muted, 1.0))
    p.drawLine(QPointF(g.right() + 0.5, g.top()), QPointF(g.right() + 0.5, g.bottom()))
    p.save()
    p.setClipRect(g)
    bold = QFont(v.font())
    bold.setBold(True)
    fm = QFontMetricsF(bold)
    off = plot.top() - v.vertical_offset()
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
    for i, key in enumerate(lanes.keys):
        top, h = lanes.tops[i] + off, lanes.heights[i]
        if top + h < plot.top() or top > plot.bottom():
            continue
        y = max(top, plot.top())
        y = min(y, top + h - 30)  # sticky, but stays inside its lane
        name = fm.elidedText(key or "(none)", Qt.TextElideMode.ElideRight, g.width() - 12)
        p.setFont(bold)
        p.setPen(text)
        p.drawText(QRectF(6, y + 3, g.width() - 10, 16), flags, name)
        p.setFont(v.font())
        p.setPen(muted)
        p.drawText(QRectF(6, y + 18, g.width() - 10, 14), flags, f"{int(lanes.counts[i]):,}")
        p.setPen(QPen(muted, 1.0))
        p.drawLine(QPointF(0, top + h), QPointF(g.right(), top + h))
    p.restore()
    total = lanes.total_height
    if total > plot.height() > 0:  # vertical scroll indicator
        frac = plot.height() / total
        y = plot.top() + v.vertical_offset() / total * plot.height()
        p.fillRect(QRectF(plot.right() - 4, y, 3, frac * plot.height()), muted)


def _paint_overview(v: TimelineView, p: QPainter, pal: QPalette) -> None:
    r = v.overview_rect()
    p.fillRect(QRectF(0, r.top(), v.width(), r.height()), pal.color(QPalette.ColorRole.Window))
    img = v.overview_image()
    if img is not None:
        p.drawImage(r.topLeft(), img)
    text = pal.color(QPalette.ColorRole.WindowText)
    muted = QColor(text)
    muted.setAlphaF(0.5)
    p.setPen(QPen(muted, 1.0))
    p.drawLine(QPointF(0, r.top() + 0.5), QPointF(v.width(), r.top() + 0.5))
    a, b = v.overview_window()
    hl = QColor(pal.color(QPalette.ColorRole.Highlight))
    hl.setAlpha(60)
    box = QRectF(a, r.top() + 1, max(b - a, 3.0), r.height() - 2)
    p.fillRect(box, hl)
    hl.setAlpha(220)
    p.setPen(QPen(hl, 1.5))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(box)
    p.setPen(muted)
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    p.drawText(QRectF(6, r.top(), r.left() - 8, r.height()), flags, "Overview")
