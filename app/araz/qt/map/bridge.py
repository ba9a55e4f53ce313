"""The one QObject the map page sees through QWebChannel.

Python → page: the :attr:`MapBridge.command` signal carries one JSON string per call
(``{"op": ..., "seq": ...}``); the page applies it and answers :meth:`rendered` with the
same ``seq`` once it is drawn.  A call Python waits for (a query, an export op: see
:meth:`araz.qt.map.view.MapView.request`) is also answered through :meth:`answered`, with
its ``seq`` and one JSON text, ``{"ok": value}`` or ``{"error": "why"}``; so is a call the
page cannot apply (an unknown op): never silence.  Calls stay small: the events
themselves are fetched by the page from the ``araz:`` scheme (see
:mod:`araz.qt.map.view`).  Page → Python: the slots below, JSON primitives only;
:meth:`connected` comes first, as soon as the page's channel is open, and Python sends
its calls from then on (the page holds them until its map is built, so the events
payload is fetched while Leaflet and the basemap are parsed, and the first frame draws
them with the basemap: one paint, not two).
The bridge holds no state; :class:`araz.qt.map.view.MapView` does.

QWebChannel publishes every public slot, inherited ones included: the page sees
QObject's ``deleteLater()`` too, and a script in the page calling it would delete the
bridge and leave the map dead for good.  The bridge refuses that deferred deletion (it
goes with its MapView, whose destructor deletes it directly).  ``destroyed`` and
``objectNameChanged`` are signals (the page can only listen) and the ``objectName``
property changes nothing of ours.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QEvent, QObject, Signal, Slot

log = logging.getLogger(__name__)

#: The most event ids one ``picked`` call may carry (a density bin's events); more are
#: cut to this many, with a log line.  The JSON text is refused past MAX_PICKED_CHARS.
MAX_PICKED = 20_000
MAX_PICKED_CHARS = MAX_PICKED * 80


def picked_ids(json_text: object) -> list[str] | None:
    """The ids of a ``picked`` call: a JSON list of strings, at most MAX_PICKED of them
    (duplicates dropped, order kept); None (and a log line) for anything else."""
    if not isinstance(json_text, str) or len(json_text) > MAX_PICKED_CHARS:
        log.warning("araz: the map page picked junk (not a short JSON text); ignored")
        return None
    try:
        value = json.loads(json_text)
    except ValueError:
        log.warning("araz: the map page picked junk (not JSON); ignored")
        return None
    if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
        log.warning("araz: the map page picked junk (not a list of ids); ignored")
        return None
    ids = list(dict.fromkeys(value))
    if len(ids) > MAX_PICKED:
        log.warning("araz: the map page picked %d events; the first %d kept", len(ids), MAX_PICKED)
        ids = ids[:MAX_PICKED]
    return ids


class _PageEvents(QObject):
    """What the page reported, as signals for Python; not on the channel."""

    page_connected = Signal()  # the channel is open: calls may be sent (the page holds them)
    page_ready = Signal()  # page loaded and basemap drawn
    page_clicked = Signal(str)  # event id
    page_hovered = Signal(str)  # event id, "" when the mouse left the markers
    page_picked = Signal(list)  # event ids (a density bin's), checked by picked_ids()
    page_rendered = Signal(int)  # sequence number of a command now drawn
    page_answered = Signal(int, str)  # sequence number, its answer as JSON text


class MapBridge(QObject):
    """Published on the channel as ``bridge``: the page sees :attr:`command` and the seven
    slots, nothing else of ours (the ``page_*`` signals live on a child it cannot see)."""

    command = Signal(str)  # Python -> page: one JSON-encoded call

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events = _PageEvents(self)
        self.page_connected = self._events.page_connected
        self.page_ready = self._events.page_ready
        self.page_clicked = self._events.page_clicked
        self.page_hovered = self._events.page_hovered
        self.page_picked = self._events.page_picked
        self.page_rendered = self._events.page_rendered
        self.page_answered = self._events.page_answered

    @Slot()
    def connected(self) -> None:
        """The page's channel is open (before Leaflet and the basemap are parsed): the
        page holds the calls sent from now on until its map is built, and fetches an
        events payload at once."""
        self.page_connected.emit()

    @Slot()
    def ready(self) -> None:
        self.page_ready.emit()

    @Slot(str)
    def clicked(self, event_id: str) -> None:
        self.page_clicked.emit(str(event_id))

    @Slot(str)
    def hovered(self, event_id: str) -> None:
        self.page_hovered.emit(str(event_id))

    @Slot(str)
    def picked(self, json_text: str) -> None:
        """Several events picked at once (a density bin clicked): a JSON list of ids."""
        ids = picked_ids(json_text)
        if ids is not None:
            self.page_picked.emit(ids)

    @Slot(int)
    def rendered(self, seq: int) -> None:
        self.page_rendered.emit(int(seq))

    @Slot(int, str)
    def answered(self, seq: int, json_text: str) -> None:
        self.page_answered.emit(int(seq), str(json_text))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DeferredDelete:
            # only the page calls deleteLater() on the bridge: refuse
            log.warning("araz: the map page asked to delete its bridge; refused")
            return True
        return super().event(event)
