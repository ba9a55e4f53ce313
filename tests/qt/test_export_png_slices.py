"""The snapshot's PNG deflated in slices side by side (araz.qt.export.png): one valid
zlib stream whatever the number of slices, and a map-sized picture that reads back
pixel for pixel, as a PNG reader other than Qt's sees it too (zlib's own inflate)."""

from __future__ import annotations

import random
import struct
import zlib

import pytest

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("slices", [1, 2, 3, 4, 7])
def test_the_slices_are_one_zlib_stream_of_the_data(slices):
    from araz.qt.export.png import deflate

    rng = random.Random(slices)
    # flat runs and noise, an odd length (the cuts fall inside runs and mid-noise)
    data = b"".join(
        bytes([rng.randrange(256)]) * rng.randrange(1, 4000)
        if rng.random() < 0.5
        else rng.randbytes(rng.randrange(1, 3000))
        for _ in range(600)
    )
    out = deflate(memoryview(data), slices)
    assert out[:2] == b"\x78\x01" and (out[0] * 256 + out[1]) % 31 == 0
    d = zlib.decompressobj()
    assert d.decompress(out) == data
    assert d.eof and not d.unused_data  # one stream, its checksum checked, nothing after


def idat_rows(png: bytes) -> bytes:
    """The inflated IDAT data of a PNG, read here (chunk by chunk, CRCs checked)."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    at, idat = 8, b""
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length : at + 12 + length])
        assert zlib.crc32(body, zlib.crc32(kind)) == crc, kind
        if kind == b"IDAT":
            idat += body
        at += 12 + length
    return zlib.decompress(idat)


def test_a_map_sized_picture_reads_back_pixel_for_pixel(qapp):
    import numpy as np
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QImage, QPainter

    from araz.qt.export.png import SLICE_MIN_BYTES, fast_png

    w, h = 1600, 1000
    assert h * (1 + 3 * w) >= 2 * SLICE_MIN_BYTES  # deflated in slices (on 2+ cores)
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#a9cbe0"))
    painter = QPainter(image)
    rng = random.Random(3)
    for _ in range(300):
        painter.fillRect(
            rng.randrange(w), rng.randrange(h), rng.randrange(5, 300), rng.randrange(5, 200),
            QColor(rng.randrange(256), rng.randrange(256), rng.randrange(256)),
        )  # fmt: skip
        painter.drawLine(QPoint(rng.randrange(w), rng.randrange(h)), QPoint(0, 0))
    painter.end()
    data = fast_png(image)
    back = QImage.fromData(data, "PNG")
    want = image.convertToFormat(QImage.Format.Format_RGB32)
    assert back.convertToFormat(QImage.Format.Format_RGB32) == want
    # the rows as written: filter byte 0, then the pixels' RGB
    rows = np.frombuffer(idat_rows(data), np.uint8).reshape(h, 1 + 3 * w)
    assert not rows[:, 0].any()
    rgb = want.convertToFormat(QImage.Format.Format_RGB888)
    px = np.frombuffer(rgb.constBits(), np.uint8).reshape(h, rgb.bytesPerLine())[:, : 3 * w]
    assert np.array_equal(rows[:, 1:], px)
    # about zlib's size at its fastest level in one go (a slice sees no match across its cut)
    whole = len(zlib.compress(rows.tobytes(), 1))
    assert len(data) < whole * 1.02 + 200
