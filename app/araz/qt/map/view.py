"""``MapView``: the Leaflet map page in a hardened QWebEngineView, driven from Python.

The page (``resources/web/map.html``) is dumb: it draws what it is told and reports
clicks and hovers.  ``MapView`` keeps the state that matters (event ids and their order,
the last visibility mask, the selection) and numbers every call; the page acknowledges
each number through :attr:`MapView.rendered` once the call is drawn.  Calls made before
the page's channel is open are queued and sent in order once it is (the page holds them
until its map is built: they are drawn in its first frame).

The events themselves do not go through the web channel (a channel message is JSON
text, copied and parsed several times over on both sides: 60 MB for 5 MB of data at
100k events).  :meth:`MapView.set_events` puts the binary payload that
:func:`build_events_from_columns` made on the view's :class:`~araz.qt.map.scheme.DataShelf`
and sends only ``{"op": "events", "seq": N, "url": "araz://app/data/events/N", "n": ...}``;
the page fetches the URL, reads the columns as typed arrays straight off the buffer,
then runs the calls that came after it, in order.  A re-open's payload, kept in the
table cache's payload file, is fetched (and decoded) ahead: :meth:`MapView.prefetch`
(the loader names the file before it reads) sends ``{"op": "prefetch", "url": ...}``,
never acknowledged, and the next events call names that URL if its payload is that very
file, checked (else the page drops what it fetched).

Python reads the page the same way, never by evaluating JavaScript: :meth:`MapView.ask`
sends a numbered ``query`` (one of :data:`araz.qt.map.page_json.QUERIES`) and runs the
event loop until the page answers that number with JSON, checked against the answer's
shape; :meth:`MapView.request` does the same for any op (the export's caption, zoom
buttons, print colours).  No answer, a page error or a wrong shape: PageReadError.

The events payload's binary format is in :mod:`araz.views.map_payload`.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from araz.qt.map.bridge import MapBridge
from araz.qt.map.page import HardenedPage, make_profile
from araz.qt.map.page_json import (
    QUERIES,
    TIMEOUT_S,
    PageReadError,
    Query,
    boolean,
    parse_answer,
    run_until,
)
from araz.qt.map.scheme import PAGE_URL
from araz.qt.map.shelf import SourceShelf, file_device, let_go, payload_device, side_file
from araz.qt.map.watchdog import Watchdog

if TYPE_CHECKING:
    import numpy as np

    from araz.io.table_cache import SideFile
    from araz.views.map_payload import MapEvents

AHEAD_SEQ = 10**15  # the seqs of payloads fetched ahead (prefetch): never a call's
# numpy, the payload's builders and the model (araz.views.records) are imported when
# first used, not with the view: the app creates its map first, so that the web engine
# starts (and the page loads) while Python imports and builds the rest of the window
_PAYLOAD = ("MapEvents", "build_events", "build_events_from_columns", "clean_color", "read_events")


def __getattr__(name: str) -> Any:
    """``DEFAULT_BOUNDS`` and the payload's names (re-exported for callers of the view),
    imported on first use."""
    if name == "DEFAULT_BOUNDS":
        return default_bounds()
    if name in _PAYLOAD:
        from araz.views import map_payload

        return getattr(map_payload, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_bounds() -> tuple[tuple[float, float], tuple[float, float]]:
    """The first view (views.records.HOME_BOX) as [[south, west], [north, east]]."""
    from araz.views.records import HOME_BOX

    return ((HOME_BOX[1], HOME_BOX[0]), (HOME_BOX[3], HOME_BOX[2]))


log = logging.getLogger(__name__)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class _Call:
    """One numbered call to the page; its JSON text is made when it is sent."""

    seq: int
    op: str
    payload: dict[str, Any] | str  # a dict, or the JSON text of one

    def text(self) -> str:
        """``{"op": op, "seq": seq, ...payload's members}`` as JSON."""
        head = f'{{"op":{_dumps(self.op)},"seq":{self.seq}'
        body = self.payload if isinstance(self.payload, str) else _dumps(self.payload)
        if body == "{}":
            return head + "}"
        # splice op and seq in place of the opening brace: one copy of a big body
        return body.replace("{", head + ",", 1)


class MapView(QWidget):
    """The map of events.  See the module docstring; every call returns its sequence number."""

    clicked = Signal(str)  # event id the user clicked
    hovered = Signal(str)  # event id under the mouse, "" when none
    picked = Signal(list)  # event ids the user picked at once (a density bin), all known
    ready = Signal()  # page loaded and basemap drawn
    rendered = Signal(int)  # sequence number of a Python -> JS call that is now drawn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ready = False
        self._connected = False  # the page's channel is open: calls go out at once
        self._seq = 0
        self._ahead: tuple[SideFile, int] | None = None  # prefetch()'s file and seq
        self._aheads = 0
        # Calls not sent yet (the page's channel is not open) and, per op, its last call (replayed
        # after a renderer crash).  The events' payload is held once (the caller's
        # MapEvents.body, put on the shelf the page fetches it from), not copied here.
        self._pending: list[_Call] = []
        self._shelf = SourceShelf()
        self._ids: list[str] = []
        self._index: Mapping[str, int] = {}
        self._source: Callable[[], MapEvents] | None = None  # set by set_events
        self._to: dict[int, tuple[float, float]] = {}
        self._state: dict[str, _Call] = {}  # op -> its last call, for a reload
        self._waiting: set[int] = set()  # calls whose answer request() waits for
        self._answers: dict[int, str] = {}  # their answers (JSON text), by number

        self._view = QWebEngineView(self)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._profile = make_profile(self, self._shelf)  # after the view: deleted after its page
        self._page = HardenedPage(self._profile, self._view)
        self._bridge = MapBridge(self)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject("bridge", self._bridge)
        self._page.setWebChannel(self._channel)
        self._view.setPage(self._page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)

        self._bridge.page_connected.connect(self._on_page_connected)
        self._bridge.page_ready.connect(self._on_page_ready)
        self._bridge.page_clicked.connect(self.clicked)
        self._bridge.page_hovered.connect(self.hovered)
        self._bridge.page_picked.connect(self._on_picked)
        self._bridge.page_rendered.connect(self.rendered)
        self._bridge.page_answered.connect(self._on_answered)
        self._page.loadStarted.connect(self._on_load_started)
        self._page.renderProcessTerminated.connect(self._on_render_process_terminated)
        self._watchdog = Watchdog(self, self._page, self._bridge)  # a renderer that hangs
        self._view.load(QUrl(PAGE_URL))

    # --- public API -------------------------------------------------------------------

    def set_events(
        self, events: list[dict] | MapEvents, source: Callable[[], MapEvents] | None = None
    ) -> int:
        """Replace the events (all shown, none selected).  Text is escaped by the page.

        ``events``: the dicts described in the module's docs, or what
        :func:`build_events` made of them (in a worker thread, for big data).
        ``source``: where the same events are read again when needed (their payload
        when the page fetches it, their coordinates for a fit): the caller's current
        copy, whose payload may move meanwhile (into a file's mapped pages), so that the
        view holds no copy of its own.  None: ``events``, held.
        """
        from araz.views.map_payload import MapEvents, build_events

        prepared = events if isinstance(events, MapEvents) else build_events(events)
        self._ids, self._index, self._to = prepared.ids, prepared.index, prepared.to
        self._source = source = source if source is not None else lambda: prepared
        for op in ("show", "select", "highlight", "colors"):
            self._state.pop(op, None)
        # the page fetches the payload from the shelf: one version, this call's
        # (a function of the source alone: the shelf, the profile's, holds no view)
        seq = self._seq + 1
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == side_file(source().body):  # fetched ahead
            seq = ahead[1]
        self._shelf.drop_ahead("events")
        url = self._shelf.put_source("events", seq, lambda: payload_device(source))
        return self._call("events", {"url": url, "n": len(prepared.ids)})

    def prefetch(self, side: SideFile) -> None:
        """Let the page fetch the payload file ``side`` now, before the events it holds
        are set (a re-open's: the loader names it before the file is read).  The next
        :meth:`set_events` uses what the page fetched if its payload is that very file,
        checked; else it is dropped."""
        if self._connected:
            self._aheads += 1
            self._ahead = (side, AHEAD_SEQ + self._aheads)
            url = self._shelf.put_ahead("events", self._ahead[1], lambda: file_device(side))
            self._send(_Call(0, "prefetch", {"url": url}))

    def event_ids(self) -> list[str]:
        """The ids of the events set, in set_events order (the order of masks, colours)."""
        return list(self._ids)

    def show_mask(self, mask: np.ndarray) -> int:
        """Show the events where ``mask`` (one bool per event, in set_events order) is set."""
        import numpy as np

        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (len(self._ids),):
            raise ValueError(f"mask of {mask.shape} for {len(self._ids)} events")
        packed = np.packbits(mask, bitorder="little").tobytes()
        n = len(self._ids)
        return self._call("show", {"n": n, "mask": base64.b64encode(packed).decode("ascii")})

    def show_ids(self, ids: Iterable[str]) -> int:
        """Show only these events (unknown ids are ignored); returns the call's number."""
        import numpy as np

        n = len(self._ids)
        mask = np.zeros(n, dtype=bool)
        index = self._index
        found = [index[i] for i in ids if i in index]
        if found:
            mask[np.fromiter(found, dtype=np.intp, count=len(found))] = True
        packed = np.packbits(mask, bitorder="little").tobytes()
        return self._call("show", {"n": n, "mask": base64.b64encode(packed).decode("ascii")})

    def select(self, id: str | None) -> int:
        """Fly to the event, draw it selected and open its popup; None (or unknown) clears.

        The selected event is drawn even when ``show_ids`` hides it.
        """
        return self._call("select", {"i": self._index.get(id, -1) if id is not None else -1})

    def highlight(self, id: str | None) -> int:
        """Hover highlight coming from another view; None clears."""
        return self._call("highlight", {"i": self._index.get(id, -1) if id is not None else -1})

    def fit(self, ids: Iterable[str] | None = None) -> int:
        """Fit these events in view (None, or no known id: the default view)."""
        if ids is None:
            return self._fit([])
        if ids is self._ids:  # every event (the list set_events was given)
            return self._fit(slice(None))
        return self._fit([self._index[i] for i in ids if i in self._index])

    def fit_mask(self, mask: np.ndarray) -> int:
        """Fit the events where ``mask`` (one bool per event, in set_events order) is
        set; none: the default view."""
        import numpy as np

        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (len(self._ids),):
            raise ValueError(f"mask of {mask.shape} for {len(self._ids)} events")
        return self._fit(np.flatnonzero(mask))

    def _fit(self, found) -> int:
        """Fit the events at ``found`` (positions: a list, an array, or a slice)."""
        import numpy as np

        from araz.views.records import MIN_FIT_SPAN

        home = default_bounds()
        bounds: Any = [list(home[0]), list(home[1])]
        if not isinstance(found, slice):
            found = np.asarray(found, dtype=np.intp)
        n = len(self._ids) if isinstance(found, slice) else len(found)
        if n and self._source is not None:
            events = self._source()
            picked = np.zeros(len(events.lat), bool)  # the arrows' heads of the picked (few)
            picked[found] = True
            heads = [head for i, head in self._to.items() if picked[i]]
            lats = np.concatenate([events.lat[found], [la for la, _ in heads]])
            lons = np.concatenate([events.lon[found], [lo for _, lo in heads]])
            let_go(events.lat, events.lon)  # the views file's pages: read again if need be
            south, north = float(lats.min()), float(lats.max())
            west, east = float(lons.min()), float(lons.max())
            # never closer than MIN_FIT_SPAN across: one place alone shows its surroundings
            pad_lat = max(0.0, (MIN_FIT_SPAN - (north - south)) / 2)
            pad_lon = max(0.0, (MIN_FIT_SPAN - (east - west)) / 2)
            bounds = [[south - pad_lat, west - pad_lon], [north + pad_lat, east + pad_lon]]
        return self._call("fit", {"bounds": bounds})

    def fit_bounds(self, west: float, south: float, east: float, north: float) -> int:
        """Frame exactly these lon/lat bounds (Web Mercator, centred, fractional zoom, no
        animation): they touch two opposite edges of the view."""
        return self._call("view", {"bounds": [[south, west], [north, east]]})

    def go_to(self, lat: float, lon: float, zoom: float) -> int:
        """Fly to a place, at least this close (View → Go to place)."""
        return self._call("goto", {"lat": float(lat), "lon": float(lon), "zoom": float(zoom)})

    def set_style(
        self,
        *,
        density: str | None = None,
        outlines: bool | None = None,
        relief: bool | None = None,
    ) -> int:
        """Drawing options: ``density`` "hex", "heat" or "points" (when crowded, see
        :mod:`araz.views.density`), ``outlines`` of every event's location uncertainty,
        the basemap's shaded ``relief``; None keeps an option as it is."""
        given = {"density": density, "outlines": outlines, "relief": relief}
        options: dict[str, Any] = {
            k: v if k == "density" else bool(v) for k, v in given.items() if v is not None
        }
        previous = self._state.get("style")
        if previous is not None and isinstance(previous.payload, dict):
            options = {**previous.payload, **options}  # replayed whole after a crash
        return self._call("style", options)

    def set_colors(
        self,
        palette: list[str],
        codes: np.ndarray,
        sizes: np.ndarray | None = None,
        legend: dict[str, Any] | None = None,
    ) -> int:
        """Colour the events again (the events, the filter and the view stay): ``codes``
        one index in ``palette`` ("#RRGGBB" texts) per event in set_events order,
        ``sizes`` a marker radius in CSS px per event (None: one size), ``legend`` what
        the map's colour legend lists (``{"title", "rows": [[label, colour, count]],
        "size": text}``; None: no legend)."""
        import numpy as np

        from araz.views.map_payload import clean_color

        n = len(self._ids)
        codes = np.ascontiguousarray(codes, dtype="<u2")
        if codes.shape != (n,):
            raise ValueError(f"{codes.shape} colours for {n} events")
        if n and int(codes.max()) >= len(palette):  # the page would draw them in colour 0
            raise ValueError(f"a colour code {int(codes.max())} past a palette of {len(palette)}")
        size = None
        if sizes is not None:  # sent in quarter pixels, one byte each (up to 63.75 px)
            radii = np.asarray(sizes, dtype=np.float64)
            if radii.shape != (n,):
                raise ValueError(f"{radii.shape} sizes for {n} events")
            quarters = np.clip(np.nan_to_num(np.rint(radii * 4)), 0, 255).astype(np.uint8)
            size = base64.b64encode(quarters.tobytes()).decode("ascii")
        payload = {
            "n": n,
            "palette": [clean_color(c) for c in palette],
            "color": base64.b64encode(codes.tobytes()).decode("ascii"),
            "size": size,
            "legend": legend,
        }
        return self._call("colors", payload)

    def set_pan_margins(self, shown: bool) -> int:
        """Whether the page's canvases grow a margin beyond the view once it is idle (a
        pan then shows drawn pixels at once): on for a person's map, by default; off for
        a picture that never pans (the screenshot's window; the snapshot asks the page
        and waits).  Sent, not waited for: the call's number."""
        return self._call("pan_margin", {"shown": bool(shown)})

    def sync(self) -> int:
        """A call that draws nothing: its acknowledgement means every earlier call is
        drawn and one more frame has been painted (then the view can be grabbed)."""
        return self._call("sync", {})

    def ask(
        self,
        what: Query,
        validate: Callable[[Any], Any] | None = None,
        *,
        timeout_s: float = TIMEOUT_S,
    ) -> Any:
        """The page's answer to one of :data:`~araz.qt.map.page_json.QUERIES` (the view's
        bounds, its size, its scale, where markers are drawn), checked against that
        query's shape (or ``validate``'s).  Answered after every earlier call is applied,
        the map has stopped moving and is drawn.  PageReadError otherwise (see
        :meth:`request`)."""
        check = validate if validate is not None else QUERIES.get(what)
        return self.request("query", {"what": what}, check, timeout_s=timeout_s)

    def request(
        self,
        op: str,
        payload: dict[str, Any],
        validate: Callable[[Any], Any] | None = None,
        *,
        timeout_s: float = TIMEOUT_S,
    ) -> Any:
        """Send one call and run the event loop until the page answers it; its value,
        checked by ``validate``.  PageReadError when the page does not answer in
        ``timeout_s`` (or reloads first), answers an error (an unknown op or query, an
        op that threw) or a value ``validate`` refuses."""
        seq = self._call(op, payload)
        self._waiting.add(seq)
        asked = f"{op} {_dumps(payload)} (call {seq})"
        try:
            if not run_until(lambda: seq in self._answers, timeout_s):
                raise PageReadError(f"the map page did not answer {asked} in {timeout_s:g} s")
            return parse_answer(self._answers[seq], asked, validate)
        finally:
            self._waiting.discard(seq)
            self._answers.pop(seq, None)

    def set_caption(self, title: str | None, subtitle: str = "") -> bool:
        """The export's title box over the map (None: no box); plain text, never HTML."""
        return self.request("caption", {"title": title, "subtitle": subtitle}, boolean)

    def set_zoom_control(self, shown: bool) -> bool:
        """Leaflet's zoom buttons on or off (an export draws the map without them)."""
        return self.request("zoom_control", {"shown": bool(shown)}, boolean)

    def set_print_colors(self, exact: bool) -> bool:
        """Print backgrounds and colours as drawn (True, for the PDF) or as the printer
        likes (False)."""
        return self.request("print_colors", {"exact": bool(exact)}, boolean)

    def is_ready(self) -> bool:
        return self._ready

    def blocked_requests(self) -> list[str]:
        """URLs the page tried to reach outside ``araz:``/``data:``/``blob:`` (all blocked)."""
        return self._page.interceptor.blocked()

    def web_view(self) -> QWebEngineView:
        return self._view

    # --- plumbing ---------------------------------------------------------------------

    def _call(self, op: str, payload: dict[str, Any] | str) -> int:
        """Send one call; ``payload`` is a dict, or the JSON text of one."""
        self._seq += 1
        call = _Call(self._seq, op, payload)
        if op != "query":  # a question is not state to replay after a crash
            self._state[op] = call
        if self._connected:
            self._send(call)
        else:
            self._pending.append(call)
        return call.seq

    def _send(self, call: _Call) -> None:
        self._bridge.command.emit(call.text())
        if call.seq:  # (a prefetch is never acknowledged)
            self._watchdog.sent(call.seq)

    def _on_page_connected(self) -> None:
        self._connected = True
        pending, self._pending = self._pending, []
        for call in pending:
            self._send(call)

    def _on_page_ready(self) -> None:
        if not self._connected:  # a page that said ready without connected() first
            self._on_page_connected()
        self._ready = True
        self.ready.emit()

    def _on_picked(self, ids: list) -> None:
        """The page picked events (a density bin's): only ids it was given go on."""
        index = self._index
        known = [i for i in ids if i in index]
        if len(known) < len(ids):
            log.warning(
                "araz: the map page picked %d unknown events; ignored", len(ids) - len(known)
            )
        if known:
            self.picked.emit(known)

    def _on_answered(self, seq: int, text: str) -> None:
        if seq in self._waiting:
            self._answers.setdefault(seq, text)
        elif '"error"' in text:
            log.warning("araz: the map page could not apply call %d: %s", seq, text[:200])

    def _on_load_started(self) -> None:
        self._ready = self._connected = False
        # calls already sent are gone with the old page: say so to whoever waits for them
        queued = {call.seq for call in self._pending}
        for seq in self._waiting - queued - self._answers.keys():
            self._answers[seq] = _dumps({"error": "the page reloaded before answering"})

    def _on_render_process_terminated(self, status, exit_code: int) -> None:
        """The page died: reload it and replay the last state (events, filter, selection)."""
        log.error("araz: map page renderer ended (%s, %s); reloading", status, exit_code)
        self._ready = self._connected = False
        self._pending = sorted(self._state.values(), key=lambda call: call.seq)
        self._view.load(QUrl(PAGE_URL))
