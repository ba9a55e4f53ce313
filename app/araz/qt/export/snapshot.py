"""Map snapshots: PNG of exactly what the map draws, PDF of the map on a landscape page.

An offscreen :class:`MapRenderer` holds its own MapView (never on screen), sized to the
export in CSS pixels times ``scale`` with the page zoomed by ``scale``: the page then has
``devicePixelRatio`` = scale and draws its canvases that sharp, so ``scale=2`` gives a
2× image of the same map.  A picture is taken once the page acknowledged the last call
as drawn and Qt rendered the view after that (see :meth:`MapRenderer.grab`).  Everything
the export asks of the page or changes in it goes through the map's bridge
(:meth:`MapView.ask`, :meth:`MapView.set_caption`, …): no JavaScript here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QMarginsF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize

from araz.export.atomic import ExportError, atomic_write
from araz.export.selection import bounds_of, shown_records
from araz.model.dataset import Dataset
from araz.qt.export.colouring import MapColours
from araz.qt.export.png import fast_png
from araz.qt.export.png import opaque as opaque  # re-exported (the benchmarks)
from araz.qt.export.png import png_bytes as png_bytes  # re-exported (sheet, benchmarks)
from araz.qt.map import MapView
from araz.qt.map.page_json import PageReadError, Probe, boolean
from araz.qt.map.relief_menu import relief_shown
from araz.qt.stable_grab import QtRenders, StableGrab
from araz.views.map_payload import MapEvents
from araz.views.records import HOME_BOX, map_records

T = TypeVar("T")
TIMEOUT_S = 30.0
# How long a grab waits for Qt to render the view after the page acknowledged drawing
# it; past that, nothing the page drew changed the picture (no new frame comes).
RENDER_WAIT_S = 2.0
PAGES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
Bounds = tuple[float, float, float, float]  # west, south, east, north
# What a renderer draws: map records (dicts), or the events already packed for the page
# (araz.views.prepared.map_data: the window's own, made once per dataset)
Events = list[dict] | MapEvents


def events_key(records: Events) -> tuple[int, int]:
    """The events as the renderer knows them: the same list or packed events, by identity."""
    return (id(records), len(records.ids) if isinstance(records, MapEvents) else len(records))


def events_bounds(records: Events, shown: list[str]) -> Bounds | None:
    """The box around the shown events (their markers and arrow heads), as
    :func:`~araz.export.selection.bounds_of` frames records; None for none."""
    if not isinstance(records, MapEvents):
        return bounds_of(shown_records(records, shown))
    index, lat, lon, to = records.index, records.lat, records.lon, records.to
    points: list[dict] = []
    for event_id in set(shown):
        k = index.get(event_id)
        if k is None:
            continue
        point: dict = {"lat": float(lat[k]), "lon": float(lon[k])}
        if k in to:
            point["to"] = {"lat": to[k][0], "lon": to[k][1]}
        points.append(point)
    return bounds_of(points)


def wait_until(predicate: Callable[[], bool], timeout_s: float = TIMEOUT_S, what: str = "") -> None:
    """Run the event loop until ``predicate()``; ExportError after ``timeout_s``."""
    from ..map.page_json import run_until

    if not run_until(predicate, timeout_s):
        raise ExportError(f"the map did not finish drawing{' ' + what if what else ''}")


def page_size_px(page: str) -> tuple[int, int]:
    """A landscape page's size in CSS pixels (96 per inch)."""
    size = QPageSize(PAGES[page]).sizePoints()
    return round(size.height() * 96 / 72), round(size.width() * 96 / 72)


class MapRenderer:
    """Draws maps offscreen.  Reuse one for several exports (the page loads once per
    scale); call :meth:`close` when done."""

    def __init__(self) -> None:
        self._views: dict[float, MapView] = {}
        self._events_key: dict[float, object] = {}
        self._colours_key: dict[float, object] = {}  # (MapColours or None, legend) drawn
        self._acked: dict[float, int] = {}
        self._last: dict[float, int] = {}  # the last drawing call sent, per scale
        self._resized = False
        # per scale: the last picture taken and what it shows (image()'s key)
        self._pictured: dict[float, tuple[tuple, QImage]] = {}
        self._bare: set[float] = set()  # scales whose view has its zoom buttons off
        self._caption: dict[float, tuple[str | None, str]] = {}  # the caption on the page
        # per scale: the events key and the shown ids the page filters to (sent again
        # only when they change: a "show" draws the events once more, in a frame of its own)
        self._shown: dict[float, tuple[object, tuple[str, ...]]] = {}
        # per scale: Qt's renders of the view, and their count when the page acknowledged
        # the last drawing call (None until it has)
        self._renders: dict[float, QtRenders] = {}
        self._drawn: dict[float, int | None] = {}
        # per scale: the view last framed (page size and bounds), and whether the page
        # prints its colours as drawn (set once)
        self._framed: dict[float, tuple] = {}
        self._print_exact: set[float] = set()
        self._fitted: tuple[tuple, Bounds, Events] | None = None  # see _shown_box
        # per scale: the events its page holds, kept alive while it does (their key is
        # their id(): another list made at the same address must not pass for them)
        self._held: dict[float, Events] = {}
        self._fresh: set[float] = set()  # scales whose view has not drawn an export yet
        # per scale: the drawing options sent (relief, density, outlines); scales whose
        # options changed since their last drawing
        self._style: dict[float, tuple[bool, str, bool]] = {}
        self._restyled: set[float] = set()

    def close(self) -> None:
        """Delete the views now (their pages must go before the profiles they use)."""
        from PySide6.QtCore import QCoreApplication, QEvent

        views = list(self._views.values())
        for view in views:
            view.close()
            view.deleteLater()
        self._views.clear()
        self._pictured.clear()
        self._held.clear()
        self._fitted = None
        # only these views' deletions: flushing every pending deletion of the application
        # could delete, inside a nested event loop, what an outer caller still uses
        for view in views:
            QCoreApplication.sendPostedEvents(view, QEvent.Type.DeferredDelete)

    def view(self, scale: float = 1.0, size: tuple[int, int] = (800, 500)) -> MapView:
        """The view drawing at ``scale``, made at ``size`` (device px) when there is none
        yet: the page then builds its map at the export's size (no resize, no second
        drawing of it)."""
        view = self._views.get(scale)
        if view is None:
            self._fresh.add(scale)
            view = MapView()
            view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
            view.web_view().setZoomFactor(scale)  # before the page loads: devicePixelRatio
            self._acked[scale] = 0
            self._caption.pop(scale, None)
            self._shown.pop(scale, None)
            self._framed.pop(scale, None)
            self._print_exact.discard(scale)
            self._style.pop(scale, None)
            self._held.pop(scale, None)
            self._events_key.pop(scale, None)  # a new page: no events yet
            self._colours_key.pop(scale, None)
            view.rendered.connect(lambda seq, s=scale: self._ack(s, seq))
            view.resize(*size)
            view.show()
            self._renders[scale] = QtRenders(view.web_view())
            self._views[scale] = view
        wait_until(view.is_ready, what="(the page did not load)")
        if scale not in self._bare:
            self._on_page(view.set_zoom_control, False)  # an export has no zoom buttons
            # nor pans: its canvases need no margin beyond the view (a quarter of the
            # basemap's pixels to draw)
            self._on_page(view.request, "pan_margin", {"shown": False}, boolean)
            self._bare.add(scale)
        self._restyle(view, scale)
        return view

    def _restyle(self, view: MapView, scale: float) -> None:
        """The window's drawing options (View → Shaded relief, Map density, outlines),
        sent when the view at ``scale`` does not draw them yet: a renderer kept between
        exports follows the window's menus.  The next export then draws again."""
        from araz.qt.map.density_menu import current_style

        density, outlines = current_style()
        style = (relief_shown(), density, outlines)
        if self._style.get(scale) == style:
            return
        view.set_style(relief=style[0], density=density, outlines=outlines)
        self._style[scale] = style
        self._restyled.add(scale)
        self._pictured.pop(scale, None)

    def _ack(self, scale: float, seq: int) -> None:
        self._acked[scale] = max(self._acked.get(scale, 0), seq)
        if self._drawn.get(scale, 0) is None and seq >= self._last.get(scale, seq + 1):
            self._drawn[scale] = self._renders[scale].count  # Qt's renders until now

    @staticmethod
    def _on_page(call: Callable[..., T], *args: Any) -> T:
        """``call(*args)``, one of the view's bridge calls (ask, set_caption, …);
        ExportError when the page does not answer it."""
        try:
            return call(*args)
        except PageReadError as exc:
            raise ExportError(f"the map page failed: {exc}") from exc

    def prepare(
        self, records: Events, shown: list[str], *, settle: bool = True, **kw: Any
    ) -> MapView:
        """Draw the map as :meth:`_send` says (its keywords: size, scale, bounds,
        caption, colours, legend); returns once it is drawn and (when ``settle``) one
        more frame painted."""
        view = self._send(records, shown, **kw)
        scale = kw.get("scale", 1.0)
        seq = self._last[scale]
        wait_until(lambda: self._acked[scale] >= seq)
        # One more painted frame; after a resize the new surface needs a second one.
        for _ in range((2 if self._resized else 1) if settle else 0):
            seq = view.sync()
            wait_until(lambda s=seq: self._acked[scale] >= s)
        return view

    def _send(
        self,
        records: Events,
        shown: list[str],
        *,
        width: int,
        height: int,
        scale: float = 1.0,
        bounds: Bounds | None = None,
        caption: tuple[str, str] | None = None,
        colours: MapColours | None = None,
        legend: bool = False,
    ) -> MapView:
        """Send the calls that draw the map at ``width``×``height`` CSS px framing
        ``bounds`` (None: the shown events), in ``colours`` (None: the records' own, the
        main actors'; with their legend on the map when ``legend``), after a resize once
        the page has its new size; the last call's number is ``self._last[scale]``."""
        self._pictured.pop(scale, None)  # the page changes: no longer that picture
        w, h = round(width * scale), round(height * scale)
        view = self.view(scale, (w, h))
        resized = (view.width(), view.height()) != (w, h)
        # a page drawing for the first time is waited for as a resized one (its first
        # frames can lag the compositor more)
        fresh = scale in self._fresh
        self._fresh.discard(scale)
        self._resized = resized or fresh
        if resized or fresh:
            if resized:
                view.resize(w, h)
            wait_until(
                lambda: self._on_page(view.ask, "viewport") == [width, height], what="(resize)"
            )
        key = events_key(records)
        drawn = self._colours_key.get(scale)
        same = isinstance(drawn, tuple) and drawn[0] is colours and drawn[1] == legend
        changed = resized or scale in self._restyled
        self._restyled.discard(scale)
        if self._events_key.get(scale) != key or not same:
            changed = True
            view.set_events(records)  # the records' own colours again
            self._shown.pop(scale, None)  # new events: every one shown until told
            self._events_key[scale] = key
            self._held[scale] = records
            self._colours_key[scale] = (colours, legend)
            if colours is not None:
                spec = colours.page_legend if legend else None
                view.set_colors(*colours.for_ids(view.event_ids()), legend=spec)
        filtered = (key, tuple(shown))
        if self._shown.get(scale) != filtered:
            changed = True
            view.show_ids(shown)
            view.select(None)  # never selects: once with each set of shown events
            self._shown[scale] = filtered
        box = bounds or self._shown_box(filtered, records, shown)
        changed = self.set_caption(view, caption, scale) or changed
        framed = (w, h, tuple(box))
        if not changed and self._framed.get(scale) == framed and scale in self._last:
            return view  # the page shows this map already: nothing to draw again
        self._drawn[scale] = None  # until the page acknowledges the calls below
        self._framed[scale] = framed
        self._last[scale] = view.fit_bounds(*box)
        return view

    def _shown_box(self, filtered: tuple, records: Events, shown: list[str]) -> Bounds:
        """The box around the shown events (HOME_BOX for none), kept for the last set of
        them (``filtered``: the events key and the shown ids): at 100k events it takes
        a tenth of a second to work out, and an export of a changed view needs it
        again whenever the view returns to the shown events."""
        if self._fitted is None or self._fitted[2] is not records or self._fitted[0] != filtered:
            self._fitted = (filtered, events_bounds(records, shown) or HOME_BOX, records)
        return self._fitted[1]

    def set_caption(self, view: MapView, caption: tuple[str, str] | None, scale: float) -> bool:
        """A title box over the map (for the PDF page), text set with textContent; sent
        only when the view at ``scale`` does not show it already (a round trip saved).
        Whether it was sent."""
        title, subtitle = caption if caption else (None, "")
        if self._caption.get(scale) == (title, subtitle):
            return False
        self._caption.pop(scale, None)
        self._on_page(view.set_caption, title, subtitle)
        self._caption[scale] = (title, subtitle)
        return True

    def metres_per_pixel(self, view: MapView) -> float:
        """Ground metres per CSS pixel at the map's centre (asked of the page)."""
        return self._on_page(view.ask, "metres_per_pixel")

    def grab(self, view: MapView, scale: float, probes: list[Probe] | None = None) -> QImage:
        """The view's picture once the compositor has caught up with the page (it lags
        the page by a few frames, by hundreds of ms under load): Qt must have rendered
        the view since the page acknowledged the drawing calls (up to RENDER_WAIT_S: no
        render comes when they changed nothing), the topmost drawn markers must show their
        colours where the page says they are (``probes``, None: asked now), and two grabs
        a painted frame apart must agree. (Qt's first render after the acknowledgement
        may still show an older frame of Chromium's, the markers in place and the
        basemap's regions not yet: one grab there is not the picture.)"""
        if probes is None:
            probes = self._on_page(view.ask, "marker_probes")
        renders, drawn = self._renders.get(scale), self._drawn.get(scale)
        if renders is not None and renders.count is not None and drawn is not None:
            from ..map.page_json import run_until

            run_until(lambda: renders.count > drawn, RENDER_WAIT_S)  # type: ignore[operator]

        def shows_markers(image: QImage) -> bool:
            if not probes:
                return True
            for x, y, want in probes:
                px, py = round(x * scale), round(y * scale)
                if not (0 <= px < image.width() and 0 <= py < image.height()):
                    return True  # off the picture: nothing to check
                got = image.pixelColor(px, py)
                if all(abs(a - b) <= 8 for a, b in zip(want, got.getRgb()[:3], strict=True)):
                    return True
            return False

        last: list = [None, None]  # Qt's render count at the last grab, that grab

        def take() -> QImage:
            count = None if renders is None else renders.count
            if count is not None and last[0] == count:
                return last[1]  # Qt has not rendered the view since: the same picture
            image = view.web_view().grab().toImage()
            last[:] = [count, image]
            return image

        stable = StableGrab(take, accept=shows_markers, timeout_s=TIMEOUT_S)
        while (image := stable.offer()) is None:
            seq = view.sync()
            wait_until(lambda s=seq: self._acked[scale] >= s)
        return image

    def image(self, records, shown, **kw) -> QImage:
        """The drawn map's picture: :meth:`prepare` and :meth:`grab` with the marker
        probes asked right behind the drawing calls (answered once those are applied and
        drawn: no round trip of its own).  When the map asked for is the one the last
        picture at this scale showed (same records, shown ids, size, bounds, colours,
        caption) nothing is sent: one grab that equals that verified picture is the
        picture (else the whole way as above)."""
        scale = kw.get("scale", 1.0)
        view = self._views.get(scale)
        if view is not None:
            self._restyle(view, scale)  # the window's menus changed: not that picture
        key = self._picture_key(records, shown, kw)
        last = self._pictured.pop(scale, None)
        if view is not None and last is not None and last[0] == key:
            image = view.web_view().grab().toImage()
            if image == last[1]:
                self._pictured[scale] = last
                return image
        view = self._send(records, shown, **kw)
        seq = self._last[scale]
        probes: list[Probe] = self._on_page(view.ask, "marker_probes")
        wait_until(lambda: self._acked[scale] >= seq)
        # after a resize, one more painted frame (the new surface); else the grab waits
        # for Qt to render what the page drew
        for _ in range(1 if self._resized else 0):
            seq = view.sync()
            wait_until(lambda s=seq: self._acked[scale] >= s)
        image = self.grab(view, scale, probes)
        self._pictured[scale] = (key, image)
        return image

    @staticmethod
    def _picture_key(records: Events, shown: list[str], kw: dict) -> tuple:
        """What a picture shows: the records (as the events key: the same list), the
        shown ids, and every option (colours by identity, as the colours key)."""
        given = {"scale": 1.0, "bounds": None, "caption": None, "colours": None} | kw
        options = tuple(sorted((k, id(v) if k == "colours" else v) for k, v in given.items()))
        return (*events_key(records), tuple(shown), options)

    def pdf_bytes(
        self,
        records,
        shown,
        *,
        page: str = "a4",
        bounds: Bounds | None = None,
        caption: tuple[str, str] | None = None,
        colours: MapColours | None = None,
    ) -> bytes:
        """The map on one landscape page, no margins (text and basemap labels stay
        text; the canvases are embedded as images), in ``colours`` with their legend."""
        width, height = page_size_px(page)
        # no frame waited for after the drawing: printing draws the page itself (its
        # canvases as drawn), not what the compositor shows
        view = self.prepare(
            records, shown, width=width, height=height, bounds=bounds, caption=caption,
            colours=colours, legend=True, settle=False,
        )  # fmt: skip
        if 1.0 not in self._print_exact:  # the PDF's view is the one at scale 1
            self._on_page(view.set_print_colors, True)
            self._print_exact.add(1.0)
        layout = QPageLayout(
            QPageSize(PAGES[page]), QPageLayout.Orientation.Landscape, QMarginsF(0, 0, 0, 0)
        )
        box: list = []
        view.web_view().page().printToPdf(lambda data: box.append(bytes(data)), layout)
        wait_until(lambda: bool(box), what="(PDF)")
        if not box[0]:
            raise ExportError("the map could not be printed to PDF")
        return box[0]


def write_snapshot(
    renderer: MapRenderer,
    ds: Dataset,
    shown: list[str],
    path: str | os.PathLike,
    *,
    width: int = 1600,
    height: int = 1000,
    scale: float = 1.0,
    bounds: Bounds | None = None,
    page: str = "a4",
    title: str = "",
    description: str = "",
    records: Events | None = None,
    colours: MapColours | None = None,
) -> Path:
    """The map as PNG (``width``×``height`` × ``scale`` pixels) or PDF (by the suffix),
    in ``colours`` with their legend on the map (None: the main actors' colours)."""
    records = map_records(ds) if records is None else records
    target = Path(path)
    if target.suffix.lower() == ".pdf":
        caption = (title or ds.title or "Araz", description)
        data = renderer.pdf_bytes(
            records, shown, page=page, bounds=bounds, caption=caption, colours=colours
        )
    else:
        image = renderer.image(
            records, shown, width=width, height=height, scale=scale, bounds=bounds,
            colours=colours, legend=True,
        )  # fmt: skip
        data = fast_png(image)
    return atomic_write(target, data, ds)
