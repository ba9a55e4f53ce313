"""The gutter: each lane's name, its count ("shown of total", folded) and a fold arrow,
left of the lanes.  A pan or zoom along time leaves it as it is, so it is painted into an
image kept on the view's :class:`~araz.qt.timeline.sprites.Sprites`, keyed by everything
it shows (lanes, their tops and heights, counts, folds, vertical offset, size, palette,
font, device pixel ratio), and redrawn when any of them changes (the image it replaced is
kept too: a filter and back to all draws none)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPolygonF

from araz.qt.timeline.sprites import device_ratio, hline, vline
from araz.qt.timeline.texts import TEXTS

if TYPE_CHECKING:
    from araz.qt.timeline.style import Style
    from araz.qt.timeline.surface import TimelineSurface


def paint_gutter(v: TimelineSurface, p: QPainter, plot: QRectF, st: Style) -> None:
    p.drawImage(QPointF(0, plot.top()), gutter_image(v, plot, st, device_ratio(p))[1])


def gutter_image(v: TimelineSurface, plot: QRectF, st: Style, dpr: float) -> tuple[tuple, QImage]:
    """The gutter's (key, image), kept on the view's sprites: the same tuple while
    nothing it shows changes."""
    lanes = v.lanes()
    shown, total = v.lane_counts()
    key = (
        plot.top(),
        plot.left(),
        plot.height(),
        v.vertical_offset(),
        tuple(lanes.keys),
        lanes.tops.tobytes(),
        lanes.heights.tobytes(),
        shown.tobytes(),
        total.tobytes(),
        frozenset(v.collapsed_lanes()),
        st.key,
        dpr,
    )
    cached = v.sprites.gutter
    if cached is not None and cached[0] != key:  # the one before (a filter and back)?
        before = v.sprites.gutter_before
        v.sprites.gutter_before = cached
        cached = before if before is not None and before[0] == key else None
        v.sprites.gutter = cached
    if cached is None or cached[0] != key:
        w, h = int(plot.left()), int(plot.height())
        img = QImage(
            max(round(w * dpr), 1),
            max(round(h * dpr), 1),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        img.setDevicePixelRatio(dpr)
        img.fill(0)
        q = QPainter(img)
        try:
            q.translate(0, -plot.top())
            _paint(v, q, plot, st, shown, total)
        finally:
            q.end()
        cached = v.sprites.gutter = (key, img)
    return cached


def paint_gutter_edge(p: QPainter, plot: QRectF, st: Style) -> None:
    """The line between the gutter and the lanes, over the plot's first column (so
    drawn after the marks).  Opaque: a translucent column is ~0.1 ms to blend."""
    vline(p, plot.left() + 0.5, plot.top(), plot.bottom(), st.gutter_edge)


def _paint(v: TimelineSurface, p: QPainter, plot: QRectF, st: Style, shown, total) -> None:
    lanes = v.lanes()
    g = QRectF(0, plot.top(), plot.left(), plot.height())
    p.fillRect(g, st.window)
    muted = st.gutter_muted
    p.setClipRect(g.toAlignedRect())
    fm = st.bfm
    off = plot.top() - v.vertical_offset()
    collapsed = v.collapsed_lanes()
    for i, key in enumerate(lanes.keys):
        top, h = lanes.tops[i] + off, lanes.heights[i]
        if top + h < plot.top() or top > plot.bottom():
            continue
        y = max(top, plot.top())
        y = min(y, top + h - 30)  # sticky, but stays inside its lane
        name = fm.elidedText(key or "(none)", Qt.TextElideMode.ElideRight, g.width() - 24)
        folded = key in collapsed
        _paint_fold_arrow(p, QPointF(10, y + 11), folded, muted)
        p.setFont(st.bold)
        p.setPen(st.window_text)
        TEXTS.draw(p, QRectF(18, y + 3, g.width() - 22, 16), name, True)
        p.setFont(st.font)
        p.setPen(muted)
        count = f"{int(total[i]):,}"
        if shown[i] != total[i]:
            count = f"{int(shown[i]):,} of {count}"
        count += " · folded" if folded else ""
        TEXTS.draw(p, QRectF(18, y + 18, g.width() - 22, 14), count)
        hline(p, top + h, g.right(), muted)


def _paint_fold_arrow(p: QPainter, c: QPointF, folded: bool, color: QColor) -> None:
    """A small triangle: pointing right when the lane is folded, down when it is open."""
    x, y = c.x(), c.y()
    if folded:
        pts = [QPointF(x - 2.5, y - 4), QPointF(x + 2.5, y), QPointF(x - 2.5, y + 4)]
    else:
        pts = [QPointF(x - 4, y - 2.5), QPointF(x + 4, y - 2.5), QPointF(x, y + 2.5)]
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    p.drawPolygon(QPolygonF(pts))
    p.restore()
