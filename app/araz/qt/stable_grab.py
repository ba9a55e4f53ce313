"""Grab until two grabs agree: the compositor can lag the page by a few frames (a fresh
page or a resized view more, and more under load), so a picture is trusted only when a
grab taken a page round trip after the previous one is the same.

One helper for both ways Araz waits for the page: the offscreen snapshot waits
synchronously (:mod:`araz.qt.export.snapshot`), the ``--screenshot`` option with callbacks
(:mod:`araz.qt.screenshot`).  Either calls :meth:`StableGrab.offer` and, while it answers
None, lets one page round trip pass and offers again.  Two grabs agree trivially while Qt
has not rendered the view again: :class:`QtRenders` counts its renders (the snapshot
grabs only after one that followed the page's acknowledgement).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickWindow
from PySide6.QtQuickWidgets import QQuickWidget  # before any wrapper of the web view's
from PySide6.QtWidgets import QWidget


class StableGrab:
    """Successive grabs of one picture until two in a row agree.

    ``grab``: takes the picture; ``accept``: a further condition on the agreed picture
    (e.g. the markers show their colours); ``max_round_trips``: after that many round
    trips the next grab is taken as it is; ``timeout_s``: likewise once that much time has
    passed since the helper was made.
    """

    def __init__(
        self,
        grab: Callable[[], QImage],
        *,
        accept: Callable[[QImage], bool] | None = None,
        max_round_trips: int | None = None,
        timeout_s: float | None = None,
    ) -> None:
        self._grab = grab
        self._accept = accept
        self._max_trips = max_round_trips
        self._end = None if timeout_s is None else time.monotonic() + timeout_s
        self._previous: QImage | None = None
        self.round_trips = 0

    def offer(self) -> QImage | None:
        """Take a grab: the picture when it agrees with the one before (or the round trips
        or the time are used up); None when the caller should let one page round trip
        pass and offer again."""
        image = self._grab()
        agree = self._previous is not None and image == self._previous
        agree = agree and (self._accept is None or self._accept(image))
        out_of_time = self._end is not None and time.monotonic() >= self._end
        out_of_trips = self._max_trips is not None and self.round_trips >= self._max_trips
        if agree or out_of_time or out_of_trips:
            return image
        self._previous = image
        self.round_trips += 1
        return None


class QtRenders:
    """How many times Qt has rendered a web view's picture since this was made.

    Qt renders the view (its QQuickWidget: what ``grab()`` returns) only when Chromium
    hands it a new frame, and that can come long after the page drew and acknowledged
    it (hundreds of ms on a loaded machine): until then every grab is the picture
    before, and two of them agree.  A picture is current once Qt has rendered after the
    page acknowledged its drawing.  ``count`` is None where the view is not drawn
    through a QQuickWidget (another Qt): then only the grabs can tell.
    """

    def __init__(self, web_view: QWidget) -> None:
        self.count: int | None = None
        self._waiting: list[tuple[int, Callable[[], None]]] = []
        window = _quick_window(web_view)
        if window is not None:
            self.count = 0
            window.afterRendering.connect(self._rendered)

    def after(self, count: int, callback: Callable[[], None]) -> None:
        """Call back, from the event loop (the view's widget has its new picture then),
        once Qt has rendered the view after its ``count``-th render."""
        self._waiting.append((count, callback))
        self._call_back()

    def _rendered(self) -> None:
        if self.count is not None:
            self.count += 1
            self._call_back()

    def _call_back(self) -> None:
        from PySide6.QtCore import QTimer

        count = self.count
        if count is None:
            return
        due = [w for w in self._waiting if count > w[0]]
        self._waiting = [w for w in self._waiting if count <= w[0]]
        for _, callback in due:
            QTimer.singleShot(0, callback)


def _quick_window(web_view: QWidget) -> QQuickWindow | None:
    """The QQuickWindow the web view's content is rendered in (None: not a QQuickWidget)."""
    proxy = web_view.focusProxy()
    if proxy is None or not proxy.inherits("QQuickWidget"):
        return None
    if not isinstance(proxy, QQuickWidget):  # a wrapper made before QtQuickWidgets loaded
        import shiboken6

        proxy = shiboken6.wrapInstance(shiboken6.getCppPointer(proxy)[0], QQuickWidget)
        if not isinstance(proxy, QQuickWidget):
            return None
    return proxy.quickWindow()
