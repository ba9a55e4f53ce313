"""The timeline's texts, laid out once: ``QPainter.drawText`` shapes its string at every
call (most of a 1,000-event frame's text time), ``drawStaticText`` draws a
:class:`QStaticText` whose layout is kept (2.5× faster here).  One cache for the labels,
axis and lane names the frames repeat, in the view's font and its bold; a text is drawn
left-aligned on one line, centred vertically in its box like ``drawText(rect, AlignLeft
| AlignVCenter, text)``."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QStaticText

_LIMIT = 20_000  # texts kept before the cache starts again


class TextCache:
    def __init__(self) -> None:
        self._texts: dict[tuple[bool, str], QStaticText] = {}
        self._font_key = ""
        self._heights = (0.0, 0.0)

    def begin(self, font: QFont) -> None:
        """Once per frame: the view's font (a change of font empties the cache)."""
        key = font.key()
        if key != self._font_key:
            self._texts.clear()
            self._font_key = key
            bold = QFont(font)
            bold.setBold(True)
            self._heights = (QFontMetricsF(font).height(), QFontMetricsF(bold).height())

    def _make(self, bold: bool, text: str) -> QStaticText:
        if len(self._texts) > _LIMIT:
            self._texts.clear()
        st = QStaticText(text)
        st.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self._texts[(bold, text)] = st
        return st

    def draw(self, p: QPainter, box: QRectF, text: str, bold: bool = False) -> None:
        """``text`` at the left of ``box``, centred vertically, on one line, with the
        painter's pen; the painter's font must be the view's font (``bold``: its bold)."""
        st = self._texts.get((bold, text)) or self._make(bold, text)
        height = self._heights[bold]
        p.drawStaticText(QPointF(box.left(), box.top() + (box.height() - height) / 2), st)

    def draw_many(
        self,
        p: QPainter,
        xs: list[float],
        tops: list[float],
        box_h: float,
        texts: list[str],
        bold: bool = False,
    ) -> None:
        """:meth:`draw` of each text in a box of height ``box_h`` at (x, top)."""
        dy = box_h - self._heights[bold]
        get = self._texts.get
        for x, top, text in zip(xs, tops, texts, strict=True):
            st = get((bold, text)) or self._make(bold, text)
            p.drawStaticText(QPointF(x, top + dy / 2), st)


TEXTS = TextCache()
