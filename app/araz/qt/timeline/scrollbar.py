"""The lanes' vertical scroll bar.  It lies over the plot, so every repaint of the
timeline repaints it too, and the style draws its groove, handle and arrows afresh each
time (about a tenth of a millisecond, a sixth of a 1,000-event frame).  At rest (not
under the mouse, its handle not held) it shows the same pixels until its value, range,
size, palette or style changes, so that look is kept as an image; under the mouse the
style paints it as usual (hover and pressed looks)."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QScrollBar, QStyle, QStyleOptionSlider

from araz.qt.timeline.sprites import device_ratio


class LaneScrollBar(QScrollBar):
    def __init__(self, *args) -> None:
        super().__init__(*args)
        self._kept: tuple[tuple, QImage] | None = None

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.underMouse() or self.isSliderDown():
            super().paintEvent(event)
            return
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        opt.subControls = QStyle.SubControl.SC_All  # as QScrollBar.paintEvent, at rest
        opt.activeSubControls = QStyle.SubControl.SC_None
        p = QPainter(self)
        try:
            dpr = device_ratio(p)
            key = (
                opt.rect.getRect(),
                int(opt.state.value),
                opt.direction,
                opt.palette.cacheKey(),
                opt.minimum,
                opt.maximum,
                opt.sliderPosition,
                opt.sliderValue,
                opt.pageStep,
                opt.singleStep,
                opt.orientation,
                opt.upsideDown,
                id(self.style()),
                dpr,
            )
            if self._kept is None or self._kept[0] != key:
                img = QImage(
                    max(round(self.width() * dpr), 1),
                    max(round(self.height() * dpr), 1),
                    QImage.Format.Format_ARGB32_Premultiplied,
                )
                img.setDevicePixelRatio(dpr)
                img.fill(0)
                q = QPainter(img)
                try:
                    self.style().drawComplexControl(
                        QStyle.ComplexControl.CC_ScrollBar, opt, q, self
                    )
                finally:
                    q.end()
                self._kept = (key, img)
            p.drawImage(QPoint(0, 0), self._kept[1])
        finally:
            p.end()
