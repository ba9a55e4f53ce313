"""PNG bytes of the map's pictures: :func:`fast_png` for the snapshots (opaque, flat
fills, written fast), :func:`png_bytes` (Qt's writer) for anything else.

:func:`fast_png` writes 8-bit RGB rows, unfiltered, deflated at zlib's fastest level, in
slices compressed side by side on the machine's cores (as ``pigz`` does): each slice but
the last ends on a sync flush (a byte boundary, not the final block), so that one after
the other they are one valid zlib stream, whose checksum is that of all the rows.  A
slice does not see the one before it (no match across the cut): a few hundred bytes
more on a 1.4 MB map, the time of its largest slice instead of the whole.
"""

from __future__ import annotations

import os
import struct
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage

from araz.export.atomic import ExportError

# a picture's rows smaller than this are deflated in one go (a thread's start costs more)
SLICE_MIN_BYTES = 512 * 1024
MAX_SLICES = 4
_pool: ThreadPoolExecutor | None = None


def png_bytes(image: QImage, quality: int = 40) -> bytes:
    """PNG bytes; ``quality`` trades size for speed (Qt: higher = less compression)."""
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG", quality):
        raise ExportError("the image could not be encoded as PNG")
    buf.close()
    return bytes(data.data())


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _deflate_slice(data: memoryview, last: bool) -> bytes:
    """Raw deflate (no header) of one slice; all but the last end on a sync flush."""
    c = zlib.compressobj(1, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def deflate(data: memoryview, slices: int | None = None) -> bytes:
    """A zlib stream of ``data`` at the fastest level, its slices compressed in parallel
    (``slices``: how many; None: one per core, at most MAX_SLICES, fewer when small).
    zlib releases the GIL while it compresses: the threads run side by side."""
    global _pool
    n = len(data)
    if slices is None:
        slices = max(1, min(MAX_SLICES, _cores(), n // SLICE_MIN_BYTES))
    if slices <= 1:
        return zlib.compress(data, 1)
    if _pool is None:
        _pool = ThreadPoolExecutor(MAX_SLICES, thread_name_prefix="araz-png")
    cuts = [n * i // slices for i in range(slices + 1)]
    parts = [
        _pool.submit(_deflate_slice, data[a:b], i == slices - 1)
        for i, (a, b) in enumerate(pairwise(cuts))
    ]
    checksum = zlib.adler32(data)  # meanwhile, here
    # 0x78 0x01: deflate, a 32 KiB window, the fastest level (FLEVEL 0)
    return b"\x78\x01" + b"".join(p.result() for p in parts) + struct.pack(">I", checksum)


def fast_png(image: QImage) -> bytes:
    """PNG bytes of a picture, fast when it is opaque (the map's are): written here as
    8-bit RGB rows, unfiltered, deflated at zlib's fastest level in parallel slices (a
    map's flat fills compress unfiltered as well as under Qt's adaptive filters, in a
    third of Qt's time, and the slices divide that by the cores), its resolution kept as
    a pHYs chunk as Qt writes it.  A picture with any transparent pixel:
    :func:`png_bytes`."""
    import numpy as np

    if image.isNull() or image.format() not in _OPAQUE_ABLE or not _is_opaque(image):
        return png_bytes(image)
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h = rgb.width(), rgb.height()
    rows = np.frombuffer(rgb.constBits(), np.uint8).reshape(h, rgb.bytesPerLine())
    raw = np.zeros((h, 1 + 3 * w), np.uint8)  # each row: filter type 0 (none), its pixels
    raw[:, 1:] = rows[:, : 3 * w]

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(data, zlib.crc32(kind))
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    parts = [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))]
    dx, dy = image.dotsPerMeterX(), image.dotsPerMeterY()
    if dx > 0 and dy > 0:
        parts.append(chunk(b"pHYs", struct.pack(">IIB", dx, dy, 1)))
    parts += [chunk(b"IDAT", deflate(memoryview(raw).cast("B"))), chunk(b"IEND", b"")]
    return b"".join(parts)


_OPAQUE_ABLE = (
    QImage.Format.Format_RGB32,
    QImage.Format.Format_ARGB32,
    QImage.Format.Format_ARGB32_Premultiplied,
)


def _is_opaque(image: QImage) -> bool:
    """Whether every pixel of a 32-bit (A)RGB picture is opaque (RGB32: always)."""
    if image.format() == QImage.Format.Format_RGB32:
        return True
    import numpy as np

    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    pixels = rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4)
    return bool((pixels[:, :, 3 if sys.byteorder == "little" else 0] == 255).all())


def opaque(image: QImage) -> QImage:
    """``image`` without its alpha channel when every pixel is opaque (the map's are): the
    same pixels, a PNG a tenth smaller and a fifth faster to encode."""
    if image.format() != QImage.Format.Format_ARGB32_Premultiplied or not _is_opaque(image):
        return image
    return image.convertToFormat(QImage.Format.Format_RGB32)
