"""The window's map snapshots draw in one offscreen renderer kept between exports.

A renderer made for each export loaded the whole map page again (Leaflet, the basemap,
the relief, the events) before drawing anything: about a second of each PNG or PDF on
this machine, more at 100,000 events.  Kept, its page is loaded and holds the window's
events (:func:`araz.views.prepared.map_data`, the same packed events until the dataset
changes): the next export sends only what changed (the view, the filter, the colours,
View → Shaded relief and Map density; see :class:`MapRenderer`) and draws it.

It costs a second page's memory while kept, so it is closed :data:`KEEP_WARM_MS` after
the last export (never during one: the wait stops while an export uses it), when the
window takes another dataset (the page would hold the old one's events), when the window
closes, when the application quits, and after an export that failed (the next one starts
from a fresh page).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from .snapshot import MapRenderer

KEEP_WARM_MS = 120_000

_kept: dict[QWidget, WarmRenderer] = {}


class WarmRenderer(QObject):
    """One window's export renderer, closed with the window or after a while unused."""

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.renderer = MapRenderer()
        self.window = window
        self.closed = False
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(KEEP_WARM_MS)
        self._idle.timeout.connect(self.close)
        window.installEventFilter(self)
        self._model = getattr(window, "model", None)
        if self._model is not None:
            self._model.changed.connect(self._on_change)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.close)

    def busy(self) -> None:
        """An export starts drawing in it: not closed for being unused until it ends."""
        self._idle.stop()

    def _on_change(self, change) -> None:
        if change.dataset:
            self.close()

    def used(self) -> None:
        """An export just drew in it: kept KEEP_WARM_MS from now."""
        self._idle.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.close()
        return False

    def close(self) -> None:
        """Close the renderer's page now (once)."""
        if self.closed:
            return
        self.closed = True
        self._idle.stop()
        if self._model is not None:
            self._model.changed.disconnect(self._on_change)
            self._model = None
        if _kept.get(self.window) is self:
            del _kept[self.window]
        import shiboken6

        if shiboken6.isValid(self.window):
            self.window.removeEventFilter(self)
        self.renderer.close()
        self.deleteLater()


def renderer_for(window: QWidget) -> WarmRenderer:
    """The window's kept renderer (made now if there is none), for an export that starts
    now: it stays open until :meth:`WarmRenderer.used` or :meth:`WarmRenderer.close`."""
    warm = _kept.get(window)
    if warm is None or warm.closed:
        warm = _kept[window] = WarmRenderer(window)
    warm.busy()
    return warm
