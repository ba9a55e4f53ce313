"""The timeline's cached pixmaps and brushes (points, arrowheads, fading bar ends) and
the batch drawing helpers over numpy arrays (``drawRects``/``drawPixmapFragments``)."""

from __future__ import annotations

import math

import numpy as np
import shiboken6
from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGradient,
    QImage,
    QLinearGradient,
    QPainter,
    QPen,
    QPixmap,
    QPolygonF,
)

from araz.qt.timeline.geometry import FADE_FRACTION, POINT_PX


def argb(c: int, alpha: float = 1.0) -> QColor:
    col = QColor.fromRgba(int(c))
    if alpha < 1.0:
        col.setAlphaF(col.alphaF() * alpha)
    return col


class Sprites:
    """Cached paint resources: point diamonds and arrowheads as pixmaps (drawn as
    fragments) and fade gradients in object-bounding mode (one brush fades every rect of a
    ``drawRects`` call)."""

    def __init__(self) -> None:
        self._cache: dict[tuple, object] = {}
        self.gutter: tuple[tuple, QImage] | None = None  # (key, image): see gutter.py
        self.gutter_before: tuple[tuple, QImage] | None = None  # the one it replaced
        self.underlay: tuple[tuple, object, QImage] | None = None  # see underlay.py
        self.composed: tuple[tuple, QImage | None, tuple] | None = None  # + gutter, overview

    def point(self, color: int, outline: QColor, dpr: float = 1.0) -> QPixmap:
        """A diamond of ``POINT_PX`` logical pixels, rendered at the device pixel ratio."""
        key = ("point", int(color), outline.rgba(), dpr)
        if key not in self._cache:
            h = POINT_PX / 2.0
            poly = [(h, 0.5), (POINT_PX - 0.5, h), (h, POINT_PX - 0.5), (0.5, h)]
            self._cache[key] = self._pixmap(POINT_PX, poly, argb(color), outline, dpr)
        return self._cache[key]

    def arrowhead(self, color: int, direction: int, dpr: float = 1.0) -> QPixmap:
        key = ("arrow", int(color), direction, dpr)
        if key not in self._cache:
            poly = [(8.5, 5.0), (1.5, 0.5), (1.5, 9.5)]
            if direction < 0:
                poly = [(10 - x, y) for x, y in poly]
            self._cache[key] = self._pixmap(10, poly, argb(color, 0.8), None, dpr)
        return self._cache[key]

    def opaque(self, img: QImage, background: QColor) -> QImage:
        """``img`` drawn over ``background``, as an opaque RGB32 image (the same pixels
        as drawing it over that colour, but drawn with a copy instead of a blend)."""
        key = ("opaque", img.cacheKey(), background.rgba())
        out = self._cache.get(key)
        if out is None:
            self._cache = {k: c for k, c in self._cache.items() if k[0] != "opaque"}
            base = QImage(img.size(), QImage.Format.Format_ARGB32_Premultiplied)
            base.setDevicePixelRatio(img.devicePixelRatio())
            base.fill(background)
            q = QPainter(base)
            q.drawImage(0, 0, img)
            q.end()
            out = self._cache[key] = base.convertToFormat(QImage.Format.Format_RGB32)
        return out  # type: ignore[return-value]

    def fade_brush(self, color: int, fade_start: bool, fade_end: bool) -> QBrush:
        key = ("fade", int(color), fade_start, fade_end)
        if key not in self._cache:
            g = QLinearGradient(0.0, 0.0, 1.0, 0.0)
            g.setCoordinateMode(QGradient.CoordinateMode.ObjectBoundingMode)
            solid, faint = argb(color), argb(color, 0.08)
            g.setColorAt(0.0, faint if fade_start else solid)
            g.setColorAt(FADE_FRACTION, solid)
            g.setColorAt(1.0 - FADE_FRACTION, solid)
            g.setColorAt(1.0, faint if fade_end else solid)
            self._cache[key] = QBrush(g)
        return self._cache[key]

    @staticmethod
    def _pixmap(size: int, poly, fill: QColor, outline: QColor | None, dpr: float) -> QPixmap:
        px = max(round(size * dpr), 1)
        img = QImage(px, px, QImage.Format.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(px / size)  # the painter below draws in logical pixels
        img.fill(0)
        q = QPainter(img)
        q.setRenderHint(QPainter.RenderHint.Antialiasing)
        q.setPen(QPen(outline, 1.0) if outline is not None else Qt.PenStyle.NoPen)
        q.setBrush(fill)
        q.drawPolygon(QPolygonF([QPointF(x, y) for x, y in poly]))
        q.end()
        return QPixmap.fromImage(img)


def draw_lines(p: QPainter, lines: np.ndarray) -> None:
    """Draw an (n, 4) float64 array of x1, y1, x2, y2 with the current pen."""
    lines = np.ascontiguousarray(lines, dtype=np.float64)
    if len(lines):
        p.drawLines(shiboken6.wrapInstance(lines.ctypes.data, QLineF), len(lines))


def draw_rects(p: QPainter, rects: np.ndarray) -> None:
    """Draw an (n, 4) float64 array of x, y, w, h with the current pen and brush."""
    rects = np.ascontiguousarray(rects, dtype=np.float64)
    if len(rects):
        p.drawRects(shiboken6.wrapInstance(rects.ctypes.data, QRectF), len(rects))


def device_ratio(p: QPainter) -> float:
    """The device pixel ratio of what ``p`` paints on (2.0 on a HiDPI screen); the paint
    engine's device is the real target also when ``QWidget.render`` redirects painting."""
    engine = p.paintEngine()
    dev = engine.paintDevice() if engine is not None else None
    dev = dev if dev is not None else p.device()
    return round(dev.devicePixelRatioF(), 2) if dev is not None else 1.0


def draw_points(p: QPainter, pm: QPixmap, xy: np.ndarray, opacity: float = 1.0) -> None:
    """Draw a pixmap centred at each row of an (n, 2) array, at its logical size (a
    pixmap made at a device pixel ratio of 2 covers half as many logical pixels)."""
    n = len(xy)
    if not n:
        return
    frag = np.zeros((n, 10), dtype=np.float64)
    frag[:, 0:2] = xy
    frag[:, 4] = pm.width()  # the source rect is in the pixmap's own pixels
    frag[:, 5] = pm.height()
    frag[:, 6:8] = 1.0 / pm.devicePixelRatio()
    frag[:, 9] = opacity
    p.drawPixmapFragments(shiboken6.wrapInstance(frag.ctypes.data, QPainter.PixmapFragment), n, pm)


# ---------------------------------------------------------------- frame


def hline(p: QPainter, y: float, width: float, color: QColor) -> None:
    """A 1 px horizontal line over the pixel row at ``y``, across ``width``: the pixels
    of drawLine at ``y + 0.5``, filled as a rectangle (a translucent drawLine across
    the whole width takes Qt's slow path, ~0.4 ms a line)."""
    p.fillRect(QRectF(0, math.floor(y), width, 1), color)


def vline(p: QPainter, x: float, y0: float, y1: float, color: QColor) -> None:
    """A 1 px vertical line over the pixel column at ``x`` from ``y0`` to ``y1``, filled
    as a rectangle (see :func:`hline`: a translucent drawLine is ~0.4 ms)."""
    top = round(y0)
    p.fillRect(QRect(math.floor(x), top, 1, round(y1) - top), color)  # whole pixels: fast


def over(color: QColor, background: QColor) -> QColor:
    """``color`` as it looks over an opaque ``background``, itself opaque."""
    a = color.alphaF()
    return QColor.fromRgbF(
        color.redF() * a + background.redF() * (1 - a),
        color.greenF() * a + background.greenF() * (1 - a),
        color.blueF() * a + background.blueF() * (1 - a),
    )
