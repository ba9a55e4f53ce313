"""A map page whose renderer stopped answering is ended, so that the view reloads it.

Qt WebEngine has no hang monitor of its own (Chrome's "page unresponsive" has no Qt
counterpart): a renderer that hangs leaves the map frozen until the app is restarted.
Seen here, rarely, under load: when a popup opened, the renderer's main thread waited
in layout for three of its pool's threads, themselves waiting on a lock, while the
browser side was idle — for good (no JavaScript ran again, nor did a debugger's pause).

:class:`Watchdog` watches the calls :class:`~araz.qt.map.view.MapView` sends: while one
is not acknowledged and the page has given no sign of life (an acknowledgement, an
answer, a hover, a click) for :attr:`Watchdog.hang_s` seconds, it pings the page (a
``ping`` command, answered by map-channel.js as it arrives, ahead of the calls that
wait, the map built or not); no answer within :attr:`Watchdog.probe_s` more seconds, it
ends the renderer's process. The view then reloads the page and replays its last
state, as after any crash (:meth:`MapView._on_render_process_terminated`). A page that
is only slow (a long draw) answers the ping once it is done, and is left alone.
"""

from __future__ import annotations

import logging
import os
import signal
import time

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

HANG_S = 15.0  # no sign of life while a call waits this long (Chromium: 15 s): ask the page
PROBE_S = 5.0  # no answer to that question this long after it: end the renderer
PING = '{"op": "ping", "seq": 0}'  # answered at once (map-channel.js, the same text)


class Watchdog(QObject):
    """Ends ``page``'s renderer when it stops answering while calls wait (see above)."""

    def __init__(self, parent: QObject, page, bridge, hang_s=HANG_S, probe_s=PROBE_S):
        super().__init__(parent)
        self._page = page
        self._bridge = bridge  # the view's MapBridge: its signals are the page's life
        self.hang_s = hang_s
        self.probe_s = probe_s
        self.ended = 0  # renderers ended so far (for the log and the tests)
        self._sent = 0  # the last call sent (its number)
        self._acked = 0  # the last call acknowledged
        self._life = time.monotonic()  # the page's last sign of life
        self._asked: float | None = None  # when the page was pinged, not answered yet
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._check)
        page.loadStarted.connect(self.reset)  # a new page: the calls sent are gone
        for life in ("connected", "ready", "clicked", "hovered", "picked", "answered"):
            getattr(bridge, f"page_{life}").connect(self.alive)
        bridge.page_rendered.connect(self.acknowledged)

    def sent(self, seq: int) -> None:
        """Call ``seq`` went to the page."""
        if self._acked >= self._sent:  # nothing was waiting: the wait starts now
            self._life = time.monotonic()
        self._sent = max(self._sent, seq)
        if not self._timer.isActive():
            self._timer.start()

    def acknowledged(self, seq: int) -> None:
        self._acked = max(self._acked, seq)
        self.alive()

    def alive(self, *_args) -> None:
        """A sign of life from the page (an answer to the ping among them)."""
        self._life = time.monotonic()
        self._asked = None

    def reset(self) -> None:
        self._sent = self._acked = 0
        self._asked = None
        self._timer.stop()

    def _check(self) -> None:
        now = time.monotonic()
        if self._acked >= self._sent:
            self._timer.stop()
            self._asked = None
            return
        if self._asked is None:
            if now - self._life >= self.hang_s:
                self._asked = now
                self._bridge.command.emit(PING)
            return
        if now - self._asked >= self.probe_s:
            self._end(now)

    def _end(self, now: float) -> None:
        pid = self._page.renderProcessPid()
        waited, sent = now - self._life, self._sent
        self.reset()
        if pid <= 0:
            return
        log.error(
            "araz: the map page has not answered for %.0f s (calls up to %d waiting); "
            "ending its renderer (%d) to reload it",
            waited,
            sent,
            pid,
        )
        self.ended += 1
        try:
            os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        except OSError as exc:
            log.error("araz: could not end the map page's renderer: %s", exc)
