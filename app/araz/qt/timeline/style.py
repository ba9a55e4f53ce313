"""The colours, pens and fonts a timeline frame paints with, made once per palette and
font (a frame otherwise builds dozens of QColor/QPen/QFont copies), and the axis ticks of
the last ranges (a pan recomputes them; a repaint of the same range reuses them)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette, QPen

from araz.qt.timeline.sprites import over
from araz.views.timeline import axis

_R = QPalette.ColorRole


def _alpha(c: QColor, a: int | None = None, af: float | None = None) -> QColor:
    out = QColor(c)
    if a is not None:
        out.setAlpha(a)
    if af is not None:
        out.setAlphaF(af)
    return out


class Style:
    """What one palette and font paint with (read-only: callers must not change them)."""

    def __init__(self, pal: QPalette, font: QFont) -> None:
        self.key = (pal.cacheKey(), font.key())
        self.base = pal.color(_R.Base)
        self.alt = pal.color(_R.AlternateBase)
        self.text = pal.color(_R.Text)
        self.window = pal.color(_R.Window)
        self.window_text = pal.color(_R.WindowText)
        self.highlight = pal.color(_R.Highlight)
        line = _alpha(self.text, 40)
        self.lane_pen = QPen(line, 1.0)
        self.grid_pen = QPen(_alpha(line, 28), 1.0)
        self.axis_brush = _alpha(self.highlight, 110)
        self.axis_muted = _alpha(self.window_text, af=0.55)
        self.axis_muted_pen = QPen(self.axis_muted, 1.0)
        self.axis_text_pen = QPen(self.window_text, 1.0)
        self.clear_pen = QPen(self.window_text, 1.5)
        self.gutter_muted = _alpha(self.window_text, af=0.6)
        self.gutter_edge = over(self.gutter_muted, self.window)
        self.overview_muted = _alpha(self.window_text, af=0.5)
        self.overview_shade = _alpha(self.window_text, 28)
        self.overview_pen = QPen(self.highlight, 1.5)
        self.grip_pen = QPen(self.base, 1.0)
        self.brush_fill = _alpha(self.highlight, 30)
        self.brush_edge = _alpha(self.highlight, 150)
        self.font = QFont(font)
        self.bold = QFont(font)
        self.bold.setBold(True)
        self.fm = QFontMetricsF(self.font)
        self.bfm = QFontMetricsF(self.bold)
        self._widths: tuple[dict[str, float], dict[str, float]] = ({}, {})

    def width(self, text: str, bold: bool = False) -> float:
        """``horizontalAdvance(text)`` in the font (or its bold), memoised."""
        cache = self._widths[bold]
        w = cache.get(text)
        if w is None:
            if len(cache) > 20_000:
                cache.clear()
            w = cache[text] = (self.bfm if bold else self.fm).horizontalAdvance(text)
        return w


_STYLES: dict[tuple[int, str], Style] = {}


def style_for(pal: QPalette, font: QFont) -> Style:
    key = (pal.cacheKey(), font.key())
    s = _STYLES.get(key)
    if s is None:
        if len(_STYLES) > 16:
            _STYLES.clear()
        s = _STYLES[key] = Style(pal, font)
    return s


_TICKS: dict[tuple[float, float, float], axis.Ticks] = {}


def ticks(lo: float, hi: float, width: float) -> axis.Ticks:
    """``axis.ticks`` of the range, kept for the last few ranges (read-only)."""
    key = (lo, hi, width)
    tk = _TICKS.get(key)
    if tk is None:
        if len(_TICKS) > 64:
            _TICKS.clear()
        tk = _TICKS[key] = axis.ticks(lo, hi, width)
    return tk
