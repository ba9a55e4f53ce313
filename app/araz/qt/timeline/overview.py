"""The overview strip under the timeline: how many events each pixel column holds over
the whole time range, all of them faint and the filter's shown ones over them.

What does not depend on the filter (each event's column, the counts of all events) is
kept per data, width and range; a filter change counts only the events it shows.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage


class Overview:
    """The overview's image, made again for a new filter from the kept columns."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._data: object = None
        self._cols = np.zeros(0, np.int64)
        self._all = np.zeros(0, np.int64)
        self._images: dict[bool, tuple] = {}  # every row's (True) and the filter's

    def forget(self) -> None:
        """New data: no image kept."""
        self._images = {}

    def kept(self, key: tuple, data, shown, r: QRectF, full: tuple[float, float], text: QColor):
        """:meth:`image` for the strip ``r``, kept per ``key`` (what the mask and the data
        are; ``key[0] == -1``: every row), the last one of every row beside the last other."""
        w, h = int(r.width()), int(r.height()) - 2
        key = (*key, w, h, full, text.rgba())
        slot = key[0] == -1
        image = self._images.get(slot)
        if image is None or image[0] != key:
            image = self._images[slot] = (key, self.image(data, shown, w, h, full, text))
        return image[1]

    def image(
        self,
        data,
        shown: np.ndarray | None,
        w: int,
        h: int,
        full: tuple[float, float],
        text: QColor,
    ) -> QImage | None:
        """``data``: a TimelineData; ``shown``: the rows shown (None: all)."""
        if w <= 0 or h <= 0 or not len(data):
            return None
        if self._key != (w, full) or self._data is not data:
            lo, hi = full
            mid = (data.start + data.end + 1.0) * 0.5
            cols = np.clip(((mid - lo) * (w / (hi - lo))).astype(np.int64), 0, w - 1)
            # kept in 2 bytes an event (a column of a strip under 65,536 pixels wide)
            self._cols = cols.astype(np.uint16 if w <= 2**16 else np.int64)
            self._all = np.bincount(self._cols, minlength=w)
            self._key, self._data = (w, full), data
        layers = [(self._all, 0.3)] if shown is None else [(self._all, 0.18)]
        if shown is not None:
            layers.append((np.bincount(self._cols.take(shown), minlength=w), 0.6))
        px = np.zeros((h, w), dtype=np.uint32)
        rows_up = (h - np.arange(h))[:, None]
        for counts, alpha in layers:
            height = np.sqrt(counts / max(int(counts.max()), 1)) * h
            filled = (rows_up <= np.ceil(height)[None, :]) & (counts[None, :] > 0)
            a = int(alpha * 255)
            rgb = [int(c * alpha) for c in (text.red(), text.green(), text.blue())]
            px[filled] = np.uint32((a << 24) | (rgb[0] << 16) | (rgb[1] << 8) | rgb[2])
        return QImage(px.data, w, h, w * 4, QImage.Format.Format_ARGB32_Premultiplied).copy()
