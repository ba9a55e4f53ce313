"""The snapshot's own PNG writer (fast_png): the same pixels as the picture, its
resolution kept; a picture with transparent pixels goes through Qt's writer, alpha and
all."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage, QPainter

pytestmark = pytest.mark.gui


def map_like(fmt: QImage.Format) -> QImage:
    """Flat fills, a line and a gradient (rows that differ pixel to pixel)."""
    image = QImage(301, 203, fmt)
    image.fill(QColor("#a9cbe0"))
    painter = QPainter(image)
    painter.fillRect(20, 30, 150, 100, QColor("#ead9b0"))
    painter.setPen(QColor("#2f6fa8"))
    painter.drawLine(QPoint(0, 200), QPoint(300, 5))
    painter.end()
    for x in range(301):
        image.setPixelColor(x, 150, QColor(x % 256, (3 * x) % 256, 255 - x % 256))
    image.setDotsPerMeterX(7874)  # 200 dpi
    image.setDotsPerMeterY(3937)
    return image


@pytest.mark.parametrize(
    "fmt", [QImage.Format.Format_RGB32, QImage.Format.Format_ARGB32_Premultiplied]
)
def test_an_opaque_picture_reads_back_pixel_for_pixel(qapp, fmt):
    from araz.qt.export.snapshot import fast_png

    image = map_like(fmt)
    data = fast_png(image)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    back = QImage.fromData(data, "PNG")
    assert not back.isNull()
    assert (back.width(), back.height()) == (301, 203)
    assert not back.hasAlphaChannel()
    want = image.convertToFormat(QImage.Format.Format_RGB32)
    assert back.convertToFormat(QImage.Format.Format_RGB32) == want
    assert (back.dotsPerMeterX(), back.dotsPerMeterY()) == (7874, 3937)


def test_a_picture_with_transparent_pixels_keeps_them(qapp):
    from araz.qt.export.snapshot import fast_png

    image = map_like(QImage.Format.Format_ARGB32_Premultiplied)
    image.setPixelColor(5, 5, QColor(0, 0, 0, 0))
    back = QImage.fromData(fast_png(image), "PNG")
    assert back.hasAlphaChannel()
    assert back.pixelColor(5, 5).alpha() == 0
    assert back.pixelColor(100, 100) == image.pixelColor(100, 100)
