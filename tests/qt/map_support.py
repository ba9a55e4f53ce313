"""Shared by the map view's tests: places, an event record, JavaScript and pixel helpers,
a loaded map view."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication

from araz.qt.map import MapView

TIMEOUT = 20_000
TEHRAN = (35.6892, 51.3890)
BAKU = (40.4093, 49.8671)
MARKER = "#d81b60"
HOSTILE = "<img src=x onerror=alert(1)>"


def event(event_id: str, lat: float, lon: float, color: str = MARKER, **extra) -> dict:
    return {
        "id": event_id,
        "title": extra.pop("title", f"Event {event_id}"),
        "date": extra.pop("date", "27 January 2023"),
        "actors": extra.pop("actors", "Iran"),
        "color": color,
        "lat": lat,
        "lon": lon,
        **extra,
    }


def run_js(qtbot, view: MapView, script: str):
    """Evaluate a JavaScript expression in the page and return its (JSON) value."""
    box: list = []
    view.web_view().page().runJavaScript(f"JSON.stringify({script})", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=TIMEOUT)
    return json.loads(box[0]) if box[0] else None  # "" while the page is reloading


def wait_rendered(qtbot, view: MapView, seq: int) -> None:
    seen: list[int] = []
    view.rendered.connect(seen.append)
    try:
        qtbot.waitUntil(lambda: bool(seen) and max(seen) >= seq, timeout=TIMEOUT)
    finally:
        view.rendered.disconnect(seen.append)


def pixel(view: MapView, x: int, y: int) -> QColor:
    return view.web_view().grab().toImage().pixelColor(x, y)


def near(color: QColor, hex_color: str, tolerance: int = 6) -> bool:
    want = QColor(hex_color)
    return (
        abs(color.red() - want.red()) <= tolerance
        and abs(color.green() - want.green()) <= tolerance
        and abs(color.blue() - want.blue()) <= tolerance
    )


def point(qtbot, view: MapView, lat: float, lon: float) -> tuple[int, int]:
    x, y = run_js(qtbot, view, f"araz.containerPoint({lat}, {lon})")
    return round(x), round(y)


def open_map_view(qtbot, size: tuple[int, int] = (900, 650)):
    """A shown map view with its page loaded (a generator: the tests' fixture yields from it)."""
    view = MapView()
    # a renderer that hangs (Chromium's, rarely, under load) is ended and the page
    # reloaded well within TIMEOUT (the app waits 15 + 5 s; the error is logged)
    view._watchdog.hang_s, view._watchdog.probe_s = 6.0, 4.0
    qtbot.addWidget(view)
    view.resize(*size)
    with qtbot.waitSignal(view.ready, timeout=TIMEOUT):
        view.show()
    assert view.is_ready()
    yield view
    view.close()
    view.deleteLater()  # pages must go before the web engine shuts down with the app
    qtbot.wait(50)


def wheel_at(qtbot, view: MapView, x: float, y: float, notches: int = 1) -> None:
    """Turn the mouse wheel over a container point of the map, ``notches`` clicks (in: > 0),
    as real wheel events on the page's widget."""
    target = view.web_view().focusProxy()
    assert target is not None
    local = QPointF(x, y)
    for _ in range(abs(notches)):
        event = QWheelEvent(
            local, QPointF(target.mapToGlobal(local.toPoint())), QPoint(0, 0),
            QPoint(0, 120 if notches > 0 else -120), Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        QApplication.sendEvent(target, event)
        qtbot.wait(150)


def settle_map(qtbot, view: MapView, timeout: int = TIMEOUT) -> None:
    """Wait until the map's view (zoom and centre) stays put and one more frame is drawn."""
    from page_support import read_page_json

    from araz.qt.map.page_json import numbers

    state = "[araz.map.getZoom(), araz.map.getCenter().lat, araz.map.getCenter().lng]"
    last = None
    for _ in range(100):
        now = read_page_json(view, state, numbers(3))
        if now == last:
            break
        last = now
        qtbot.wait(200)
    seq = view.sync()
    with qtbot.waitSignal(view.rendered, timeout=timeout, check_params_cb=lambda s: s >= seq):
        pass


def steady_map_grab(qtbot, view: MapView, timeout: int = TIMEOUT):
    """A grab of the map once two grabs a painted frame apart agree (the compositor can
    lag the page by a few frames)."""
    web = view.web_view()
    image = web.grab().toImage()
    for _ in range(50):
        seq = view.sync()
        with qtbot.waitSignal(
            view.rendered, timeout=timeout, check_params_cb=lambda s, q=seq: s >= q
        ):
            pass
        qtbot.wait(100)
        again = web.grab().toImage()
        if again == image:
            break
        image = again
    return image


def points_in_view(features: str) -> str:
    """JavaScript for the vertices of the line features ``features`` (an expression) in
    the map's view, away from its edges and controls, as container points."""
    return """
(function () {
  var out = [], size = araz.map.getSize();
  FEATURES.forEach(function (f) {
    var g = f.geometry, parts = g.type === "LineString" ? [g.coordinates] : g.coordinates;
    parts.forEach(function (part) {
      part.forEach(function (c) {
        var q = araz.map.latLngToContainerPoint([c[1], c[0]]);
        if (q.x > 60 && q.y > 90 && q.x < size.x - 60 && q.y < size.y - 40) out.push([q.x, q.y]);
      });
    });
  });
  return out;
})()
""".replace("FEATURES", features)
