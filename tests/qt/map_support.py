"""Shared by the map view's tests: places, an event record, JavaScript and pixel helpers,
a loaded map view."""

from __future__ import annotations

import json

from PySide6.QtGui import QColor

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


def open_map_view(qtbot):
    """A shown map view with its page loaded (a generator: the tests' fixture yields from it)."""
    view = MapView()
    qtbot.addWidget(view)
    view.resize(900, 650)
    with qtbot.waitSignal(view.ready, timeout=TIMEOUT):
        view.show()
    assert view.is_ready()
    yield view
    view.close()
    view.deleteLater()  # pages must go before the web engine shuts down with the app
    qtbot.wait(50)
