"""The map view: page load, pixels, clicks, escaping, zero network, queued calls (headless)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import base64
import json
import signal
import sys
from pathlib import Path

import numpy as np
import pytest

try:  # a source checkout without `pip install -e .`
    import araz  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "app"))

import araz.qt.map as qt_map  # (registers the araz: scheme before QApplication)
from araz.paths import resource
from araz.qt.map import MapView
from araz.qt.map.interceptor import BlockingInterceptor
from araz.qt.map.scheme import DataShelf, read, resolve
from araz.qt.map.view import (
    DEFAULT_BOUNDS,
    build_events,
    build_events_from_columns,
    read_events,
)

pytest.importorskip("pytestqt")
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import QWebEnginePage

pytestmark = pytest.mark.gui

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


@pytest.fixture
def map_view(qtbot):
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


def test_page_loads_and_reports_ready(qtbot, map_view):
    assert run_js(qtbot, map_view, "typeof L.map") == "function"
    assert run_js(qtbot, map_view, "document.title") == "Araz map"
    text = run_js(
        qtbot, map_view, "document.querySelector('.leaflet-control-attribution').textContent"
    )
    assert "Made with Natural Earth" in text
    assert run_js(qtbot, map_view, "!!document.querySelector('.leaflet-control-scale')")


def test_first_view_frames_the_five_places(qtbot, map_view):
    width, height = map_view.web_view().width(), map_view.web_view().height()
    for lat, lon in [TEHRAN, BAKU, (39.2076, 46.4057), (39.76, 46.75), (39.1, 46.2)]:
        x, y = point(qtbot, map_view, lat, lon)
        assert 0 <= x < width and 0 <= y < height, (lat, lon, x, y)


def test_marker_pixel_at_tehran_and_gone_when_hidden(qtbot, map_view):
    seq = map_view.set_events([event("tehran-1", *TEHRAN), event("baku-1", *BAKU, "#0072b2")])
    wait_rendered(qtbot, map_view, seq)
    x, y = point(qtbot, map_view, *TEHRAN)
    qtbot.waitUntil(lambda: near(pixel(map_view, x, y), MARKER), timeout=TIMEOUT)

    seq = map_view.show_ids([])
    wait_rendered(qtbot, map_view, seq)
    qtbot.waitUntil(lambda: not near(pixel(map_view, x, y), MARKER, 30), timeout=TIMEOUT)

    seq = map_view.show_ids(["tehran-1"])
    wait_rendered(qtbot, map_view, seq)
    qtbot.waitUntil(lambda: near(pixel(map_view, x, y), MARKER), timeout=TIMEOUT)


def test_mouse_click_on_marker_emits_its_id(qtbot, map_view):
    seq = map_view.set_events([event("tehran-1", *TEHRAN), event("baku-1", *BAKU, "#0072b2")])
    wait_rendered(qtbot, map_view, seq)
    x, y = point(qtbot, map_view, *BAKU)
    qtbot.waitUntil(lambda: near(pixel(map_view, x, y), "#0072b2"), timeout=TIMEOUT)
    target = map_view.web_view().focusProxy()
    assert target is not None
    QTest.mouseMove(target, QPoint(x, y))
    with qtbot.waitSignal(map_view.clicked, timeout=TIMEOUT) as blocker:
        QTest.mouseClick(
            target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, y)
        )
    assert blocker.args == ["baku-1"]


def test_hover_reports_the_id_and_shows_an_escaped_tooltip(qtbot, map_view):
    seq = map_view.set_events([event("baku-1", *BAKU, title=HOSTILE)])
    wait_rendered(qtbot, map_view, seq)
    x, y = point(qtbot, map_view, *BAKU)
    target = map_view.web_view().focusProxy()
    QTest.mouseMove(target, QPoint(x - 60, y - 60))
    with qtbot.waitSignal(map_view.hovered, timeout=TIMEOUT) as blocker:
        QTest.mouseMove(target, QPoint(x, y))
    assert blocker.args == ["baku-1"]
    tooltip = "document.querySelector('.araz-tooltip')"
    assert run_js(qtbot, map_view, f"{tooltip}.hidden") is False
    assert run_js(qtbot, map_view, f"{tooltip}.querySelector('.araz-title').textContent") == HOSTILE
    assert run_js(qtbot, map_view, "document.querySelectorAll('img').length") == 0


def test_hostile_title_is_shown_as_text(qtbot, map_view):
    seq = map_view.set_events([event("evil", *BAKU, title=HOSTILE, actors=HOSTILE, date=HOSTILE)])
    wait_rendered(qtbot, map_view, seq)
    seq = map_view.select("evil")
    wait_rendered(qtbot, map_view, seq)
    qtbot.waitUntil(
        lambda: run_js(qtbot, map_view, "!!document.querySelector('.leaflet-popup-content')"),
        timeout=TIMEOUT,
    )
    title = run_js(
        qtbot, map_view, "document.querySelector('.leaflet-popup .araz-title').textContent"
    )
    assert title == HOSTILE
    assert run_js(qtbot, map_view, "document.querySelectorAll('img').length") == 0
    page = map_view.web_view().page()
    qtbot.wait(300)
    assert page.alerts == []
    assert map_view.blocked_requests() == []


def test_zero_network(qtbot, map_view):
    seq = map_view.set_events([event("tehran-1", *TEHRAN, to={"lat": BAKU[0], "lon": BAKU[1]})])
    wait_rendered(qtbot, map_view, seq)
    assert map_view.blocked_requests() == []
    web = resource("web")
    files = sorted(web.glob("*.html")) + sorted(web.glob("*.js")) + sorted(web.glob("*.css"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path.name
    csp = run_js(
        qtbot,
        map_view,
        "document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content",
    )
    assert "default-src 'self' araz: data: blob:" in csp


def test_interceptor_blocks_and_counts(qtbot, map_view):
    map_view.web_view().page().runJavaScript("location.href = 'https://example.invalid/x';")
    qtbot.waitUntil(lambda: bool(map_view.blocked_requests()), timeout=TIMEOUT)
    assert map_view.blocked_requests()[0].startswith("https://example.invalid")
    assert run_js(qtbot, map_view, "location.protocol") == "araz:"


def test_interceptor_blocks_what_csp_would_not_see(qtbot):
    page = QWebEnginePage()
    interceptor = BlockingInterceptor(page)
    page.setUrlRequestInterceptor(interceptor)
    html = '<img src="https://example.invalid/i.png"><img src="data:image/png;base64,AA==">'
    page.setHtml(html, QUrl("araz://app/web/"))
    qtbot.waitUntil(lambda: bool(interceptor.blocked()), timeout=TIMEOUT)
    assert interceptor.blocked() == ["https://example.invalid/i.png"]
    page.deleteLater()
    qtbot.wait(50)


def test_page_is_hardened(qtbot, map_view):
    page = map_view.web_view().page()
    assert page.createWindow(QWebEnginePage.WebWindowType.WebBrowserTab) is None
    nav = QWebEnginePage.NavigationType.NavigationTypeLinkClicked
    assert not page.acceptNavigationRequest(QUrl("https://example.com/"), nav, True)
    assert not page.acceptNavigationRequest(QUrl("file:///etc/passwd"), nav, True)
    assert page.acceptNavigationRequest(QUrl(qt_map.scheme.PAGE_URL), nav, True)
    assert map_view.blocked_requests() == ["https://example.com/", "file:///etc/passwd"]


def test_calls_before_ready_are_not_lost(qtbot):
    view = MapView()
    qtbot.addWidget(view)
    view.resize(900, 650)
    assert not view.is_ready()
    view.set_events([event(f"e{i}", TEHRAN[0], TEHRAN[1] + i * 0.01) for i in range(5)])
    view.show_ids(["e1", "e3", "nope"])
    view.highlight("e3")
    last = view.select("e1")
    with qtbot.waitSignal(view.ready, timeout=TIMEOUT):
        view.show()
    wait_rendered(qtbot, view, last)
    assert run_js(qtbot, view, "araz.events.n") == 5
    assert run_js(qtbot, view, "Array.from(araz.events.visible)") == [0, 1, 0, 1, 0]
    assert run_js(qtbot, view, "[araz.events.selected, araz.events.hovered]") == [1, 3]
    view.deleteLater()
    qtbot.wait(50)


def test_events_at_one_place_are_spread(qtbot, map_view):
    seq = map_view.set_events([event(f"t{i}", *TEHRAN) for i in range(10)])
    wait_rendered(qtbot, map_view, seq)
    points = [run_js(qtbot, map_view, f"araz.markerPoint({i})") for i in range(10)]
    assert all(p is not None for p in points)
    radius = run_js(qtbot, map_view, "araz.RADIUS")
    for a in range(10):
        for b in range(a + 1, 10):
            dx, dy = points[a][0] - points[b][0], points[a][1] - points[b][1]
            assert (dx * dx + dy * dy) ** 0.5 >= 2 * radius, (a, b)


def test_many_at_one_place_become_a_cluster_with_a_count(qtbot, map_view):
    seq = map_view.set_events([event(f"t{i}", *TEHRAN) for i in range(100)])
    wait_rendered(qtbot, map_view, seq)
    assert run_js(qtbot, map_view, "araz.events.drawn[0]") == 2
    assert run_js(qtbot, map_view, "araz.events.clusterSize[0]") == 100


def test_select_and_fit(qtbot, map_view):
    events = [event("a", *TEHRAN), event("b", *BAKU, line=True)]
    wait_rendered(qtbot, map_view, map_view.set_events(events))
    wait_rendered(qtbot, map_view, map_view.select("b"))
    assert run_js(qtbot, map_view, "araz.events.selected") == 1
    qtbot.waitUntil(
        lambda: run_js(qtbot, map_view, "!!document.querySelector('.leaflet-popup')"),
        timeout=TIMEOUT,
    )
    wait_rendered(qtbot, map_view, map_view.select(None))
    assert run_js(qtbot, map_view, "araz.events.selected") == -1
    wait_rendered(qtbot, map_view, map_view.fit(["a"]))
    # one place alone is framed with its surroundings (MIN_FIT_SPAN), not at street level
    qtbot.waitUntil(lambda: run_js(qtbot, map_view, "araz.map.getZoom()") >= 6, timeout=TIMEOUT)
    assert run_js(qtbot, map_view, "araz.map.getZoom()") <= 8
    x, _ = point(qtbot, map_view, *TEHRAN)
    assert abs(x - map_view.web_view().width() / 2) < 5
    # a mask frames the same as the ids it selects (what Fit all sends at 100k events)
    by_ids = map_view._state["fit"].payload
    map_view.fit_mask(np.array([True, False]))
    assert map_view._state["fit"].payload == by_ids
    map_view.fit_mask(np.array([False, False]))
    assert map_view._state["fit"].payload == {
        "bounds": [list(DEFAULT_BOUNDS[0]), list(DEFAULT_BOUNDS[1])]
    }
    with pytest.raises(ValueError):
        map_view.fit_mask(np.array([True]))


def test_basemap_band_swaps_at_zoom_8(qtbot, map_view):
    assert run_js(qtbot, map_view, "araz.basemap.current.name") == "regional"
    map_view.web_view().page().runJavaScript("araz.map.setZoom(9, {animate: false})")
    qtbot.waitUntil(
        lambda: run_js(qtbot, map_view, "araz.basemap.current.name") == "close", timeout=TIMEOUT
    )


def test_scheme_serves_only_its_folders():
    assert read("/web/map.html") is not None
    assert read("/vendor/leaflet/leaflet.js") is not None
    assert read("/vendor/qwebchannel.js") is not None
    assert resolve("/web/../../pyproject.toml") is None
    assert resolve("/web/%2e%2e/map.html") is None
    assert resolve("/etc/passwd") is None


def test_register_scheme_is_idempotent():
    from PySide6.QtWebEngineCore import QWebEngineUrlScheme

    qt_map.register_scheme()
    qt_map.register_scheme()
    scheme = QWebEngineUrlScheme.schemeByName(b"araz")
    assert bytes(scheme.name()) == b"araz"
    assert scheme.flags() & QWebEngineUrlScheme.Flag.SecureScheme


# --- labels, the river name, keyboard, accessibility ----------------------------------

STORY_PLACES = ("Tehran", "Baku", "Kafan", "Shusha", "Yerevan", "Tabriz", "Nakhchivan")
KAFAN = (39.2076, 46.4057)
SHUSHA = (39.7585, 46.7509)
YEREVAN = (40.1811, 44.5136)


def story_events() -> list[dict]:
    """Rings of markers on the story's places, as the bundled dataset draws them."""
    out = [event(f"tehran-{i}", *TEHRAN) for i in range(7)]
    out += [event(f"baku-{i}", *BAKU, "#0072b2") for i in range(5)]
    out += [event(f"yerevan-{i}", *YEREVAN, "#e69f00") for i in range(3)]
    out += [event(f"kafan-{i}", *KAFAN, "#e69f00") for i in range(2)]
    out += [event(f"shusha-{i}", *SHUSHA, "#0072b2") for i in range(2)]
    return out


def label_state(qtbot, view: MapView, name: str):
    """A label's text box on screen (client px) and whether it is shown and rotated."""
    return run_js(
        qtbot,
        view,
        f"""(function () {{
          var name = {json.dumps(name)};
          var l = araz.basemap.labels.find(function (x) {{ return x.name === name; }});
          if (!l || !l.shown || !l.el.isConnected) return null;
          var r = l.el.getBoundingClientRect();
          return {{rect: [r.left, r.top, r.right, r.bottom], angle: l.shown.angle,
                   transform: l.el.style.transform, html: l.el.innerHTML,
                   text: l.el.textContent}};
        }})()""",
    )


def marker_points(qtbot, view: MapView) -> list[list[float]]:
    return run_js(
        qtbot,
        view,
        "Array.from({length: araz.events.n}, function (_, i) { return araz.markerPoint(i); })"
        ".filter(function (p) { return p; })",
    )


def test_story_labels_are_clear_of_marker_rings(qtbot, map_view):
    wait_rendered(qtbot, map_view, map_view.set_events(story_events()))
    wait_rendered(qtbot, map_view, map_view.sync())
    radius = run_js(qtbot, map_view, "araz.RADIUS")
    points = marker_points(qtbot, map_view)
    assert len(points) == len(story_events())
    for name in STORY_PLACES:
        state = label_state(qtbot, map_view, name)
        assert state is not None, f"{name} label not shown"
        x0, y0, x1, y1 = state["rect"]
        for px, py in points:
            dx = px - min(max(px, x0), x1)
            dy = py - min(max(py, y0), y1)
            assert dx * dx + dy * dy >= radius * radius, (name, state["rect"], (px, py))


def test_tehran_label_pixels_are_not_under_markers(qtbot, map_view):
    """The pixels of Tehran's text box are not marker-coloured (the grab, not the model)."""
    wait_rendered(qtbot, map_view, map_view.set_events(story_events()))
    wait_rendered(qtbot, map_view, map_view.sync())
    x0, y0, x1, y1 = (round(v) for v in label_state(qtbot, map_view, "Tehran")["rect"])
    image = map_view.web_view().grab().toImage()
    ratio = image.devicePixelRatio()
    hits = [
        (x, y)
        for x in range(x0, x1)
        for y in range(y0, y1)
        if near(image.pixelColor(round(x * ratio), round(y * ratio)), MARKER, 20)
    ]
    assert hits == []


def test_araz_is_written_along_its_line(qtbot, map_view):
    wait_rendered(qtbot, map_view, map_view.sync())
    assert run_js(qtbot, map_view, "araz.map.getZoom()") >= 5
    state = label_state(qtbot, map_view, "Araz")
    assert state is not None
    assert state["angle"] != 0 and "rotate(" in state["transform"]
    assert state["text"] == "Araz" and "<" not in state["html"].replace("<span", "").replace(
        "</span>", ""
    )
    # the text's centre sits beside the river line, within a line height
    distance = run_js(
        qtbot,
        map_view,
        """(function () {
          var b = araz.basemap, l = b.labels.find(function (x) { return x.name === 'Araz'; });
          var r = l.el.getBoundingClientRect();
          var cx = (r.left + r.right) / 2, cy = (r.top + r.bottom) / 2;
          var best = Infinity;
          b._riverLine(l).forEach(function (part) {
            var pts = part.map(function (w) {
              return araz.map.unproject([w[0] * 256 * Math.pow(2, araz.map.getZoom()),
                                         w[1] * 256 * Math.pow(2, araz.map.getZoom())]);
            }).map(function (ll) { return araz.map.latLngToContainerPoint(ll); });
            for (var k = 1; k < pts.length; k++) {
              var a = pts[k - 1], c = pts[k], vx = c.x - a.x, vy = c.y - a.y;
              var t = ((cx - a.x) * vx + (cy - a.y) * vy) / (vx * vx + vy * vy || 1);
              t = Math.max(0, Math.min(1, t));
              best = Math.min(best, Math.hypot(a.x + t * vx - cx, a.y + t * vy - cy));
            }
          });
          return best;
        })()""",
    )
    assert 3 <= distance <= 20, distance
    # below zoom 5 it is not rotated (or not shown)
    map_view.web_view().page().runJavaScript("araz.map.setZoom(4, {animate: false})")
    qtbot.waitUntil(lambda: run_js(qtbot, map_view, "araz.map.getZoom()") == 4, timeout=TIMEOUT)
    state = label_state(qtbot, map_view, "Araz")
    assert state is None or state["angle"] == 0


def focus_map(qtbot, view: MapView):
    view.web_view().setFocus()
    view.web_view().page().runJavaScript("araz.map.getContainer().focus()")
    qtbot.waitUntil(
        lambda: run_js(qtbot, view, "document.activeElement === araz.map.getContainer()"),
        timeout=TIMEOUT,
    )


def test_keyboard_moves_between_markers_and_enter_selects(qtbot, map_view):
    events = [
        event("tehran", *TEHRAN),
        event("yerevan", *YEREVAN),
        event("baku", *BAKU),
        event("kafan", *KAFAN),
    ]
    wait_rendered(qtbot, map_view, map_view.set_events(events))
    focus_map(qtbot, map_view)
    target = map_view.web_view().focusProxy()
    order = []
    for _ in range(4):
        QTest.keyClick(target, Qt.Key.Key_Tab)
        qtbot.waitUntil(
            lambda: run_js(qtbot, map_view, "araz.events.focused") not in [-1, *order],
            timeout=TIMEOUT,
        )
        order.append(run_js(qtbot, map_view, "araz.events.focused"))
    assert [events[i]["id"] for i in order] == ["yerevan", "kafan", "baku", "tehran"]  # W -> E
    live = run_js(qtbot, map_view, "document.querySelector('.araz-live').textContent")
    assert live.startswith("Event tehran")
    QTest.keyClick(target, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: run_js(qtbot, map_view, "araz.events.focused") == 2, timeout=TIMEOUT)
    with qtbot.waitSignal(map_view.clicked, timeout=TIMEOUT) as blocker:
        QTest.keyClick(target, Qt.Key.Key_Return)
    assert blocker.args == ["baku"]
    qtbot.waitUntil(
        lambda: run_js(qtbot, map_view, "!!document.querySelector('.leaflet-popup')"),
        timeout=TIMEOUT,
    )
    # the focus ring is drawn: pixels of its colour around the focused marker
    x, y = (round(v) for v in run_js(qtbot, map_view, "araz.markerPoint(2)"))
    ring = run_js(qtbot, map_view, "araz.RADIUS") + 5
    qtbot.waitUntil(
        lambda: any(
            near(pixel(map_view, x + dx, y), "#0b4f9c", 40) for dx in (ring - 1, ring, ring + 1)
        ),
        timeout=TIMEOUT,
    )


def test_tab_past_the_last_marker_leaves_the_map(qtbot, map_view):
    wait_rendered(qtbot, map_view, map_view.set_events([event("only", *BAKU)]))
    focus_map(qtbot, map_view)
    target = map_view.web_view().focusProxy()
    QTest.keyClick(target, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: run_js(qtbot, map_view, "araz.events.focused") == 0, timeout=TIMEOUT)
    QTest.keyClick(target, Qt.Key.Key_Tab)
    qtbot.waitUntil(
        lambda: run_js(qtbot, map_view, "document.activeElement !== araz.map.getContainer()"),
        timeout=TIMEOUT,
    )
    assert run_js(qtbot, map_view, "araz.events.focused") == -1


def test_page_accessibility(qtbot, map_view):
    container = "araz.map.getContainer()"
    assert run_js(qtbot, map_view, f"{container}.getAttribute('aria-label')") == "Map of events"
    assert run_js(qtbot, map_view, f"{container}.tabIndex") == 0
    labels = run_js(
        qtbot,
        map_view,
        "Array.from(document.querySelectorAll('.leaflet-control-zoom a'))"
        ".map(function (a) { return a.getAttribute('aria-label'); })",
    )
    assert labels == ["Zoom in", "Zoom out"]
    described = run_js(qtbot, map_view, f"{container}.getAttribute('aria-describedby')")
    assert "Enter" in run_js(qtbot, map_view, f"document.getElementById('{described}').textContent")
    wait_rendered(qtbot, map_view, map_view.set_events([event("evil", *BAKU, title=HOSTILE)]))
    wait_rendered(qtbot, map_view, map_view.select("evil"))
    qtbot.waitUntil(
        lambda: run_js(qtbot, map_view, "!!document.querySelector('.leaflet-popup')"),
        timeout=TIMEOUT,
    )
    popup = "document.querySelector('.leaflet-popup')"
    assert run_js(qtbot, map_view, f"{popup}.getAttribute('role')") == "dialog"
    assert (
        run_js(qtbot, map_view, f"{popup}.querySelector('.araz-card').getAttribute('aria-label')")
        == HOSTILE
    )
    live = run_js(qtbot, map_view, "document.querySelector('[aria-live]').textContent")
    assert live.startswith(HOSTILE)
    assert run_js(qtbot, map_view, "document.querySelectorAll('img').length") == 0
    assert (
        run_js(qtbot, map_view, "araz.map.getPane('labels').getAttribute('aria-hidden')") == "true"
    )


def test_araz_is_named_in_a_close_up_of_syunik(qtbot, map_view):
    """Close up the label's own point is off screen: the name goes where the river runs."""
    wait_rendered(qtbot, map_view, map_view.fit_bounds(46.0, 39.0, 47.0, 39.9))
    wait_rendered(qtbot, map_view, map_view.sync())
    assert run_js(qtbot, map_view, "araz.map.getZoom()") >= 9
    state = label_state(qtbot, map_view, "Araz")
    assert state is not None and state["angle"] != 0
    x0, y0, x1, y1 = state["rect"]
    width, height = map_view.web_view().width(), map_view.web_view().height()
    assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height, state["rect"]


def test_location_uncertainty_is_drawn_as_a_disc(qtbot, map_view):
    """An event with a radius (ACLED's geo_precision) gets a tinted disc of that size."""
    wait_rendered(qtbot, map_view, map_view.set_events([event("a", *TEHRAN)]))
    wait_rendered(qtbot, map_view, map_view.fit(["a"]))
    x, y = point(qtbot, map_view, *TEHRAN)
    # 100 km at Tehran's latitude, in pixels at the current zoom
    px = run_js(
        qtbot,
        map_view,
        "100000 / (40075016.686 * Math.cos(35.6892 * Math.PI / 180))"
        " * 256 * Math.pow(2, araz.map.getZoom())",
    )
    assert px > 20
    probe = (x + round(px * 0.6), y)
    before = pixel(map_view, *probe)
    wait_rendered(qtbot, map_view, map_view.set_events([event("a", *TEHRAN, radius=100_000)]))
    wait_rendered(qtbot, map_view, map_view.sync())
    qtbot.wait(200)
    assert run_js(qtbot, map_view, "araz.events.radius[0]") == 100_000
    after = pixel(map_view, *probe)
    assert after != before  # the disc tints the basemap inside its radius
    outside = (x + round(px * 1.6), y)
    assert not near(pixel(map_view, *outside), MARKER, 40)


# --- the events payload: repeated texts are sent once ---

TITLES = ("Armed clash in Baku", "Protest in Tehran", HOSTILE)
DATES = ("27 January 2023", "March 2020", "no date")
ACTORS = ("Iran", "Armenia, Azerbaijan", "")


def shared_text_events(n: int) -> list[dict]:
    """n events, each at its own place, sharing three titles, dates and actor lists."""
    return [
        event(
            f"e{i}",
            35.0 + (i // 40) * 0.15,
            44.0 + (i % 40) * 0.2,
            title=TITLES[i % 3],
            date=DATES[(i // 3) % 3],
            actors=ACTORS[(i // 9) % 3],
        )
        for i in range(n)
    ]


def test_payload_sends_each_repeated_text_once():
    events = shared_text_events(1000)
    prepared = build_events(events)
    assert isinstance(prepared.body, bytes) and prepared.body[:4] == b"ARZE"
    body = read_events(prepared.body)
    for key, texts in (("title", TITLES), ("date", DATES), ("actors", ACTORS)):
        column = body[key]
        assert sorted(column["t"]) == sorted(texts), key  # a table of 3 distinct texts
        assert len(column["c"]) == 1000
        assert [column["t"][c] for c in column["c"]] == [e[key] for e in events], key
    assert body["ids"] == [e["id"] for e in events]
    assert body["lat"].tolist() == [e["lat"] for e in events]
    assert body["lon"].tolist() == [e["lon"] for e in events]
    assert len(body["palette"]) == 1 and set(body["color"].tolist()) == {0}
    assert body["radius"] is None
    # the texts are in the payload once each, not once per event
    assert prepared.body.count(TITLES[0].encode()) == 1


def test_payload_columns_in_and_out():
    """The columns' input (a text per event) is unchanged; odd colours fall back to grey."""
    cols = {
        "ids": ["a", "b", "c"],
        "lat": [1.0, 2.0, 3.0],
        "lon": [4.0, 5.0, 6.0],
        "title": ["x", "y", "x"],
        "date": ["d", "d", "d"],
        "actors": ["", "", "p, q"],
        "color": ["#112233", "red", None],
        "to": [[2, 7.0, 8.0]],
        "line": [1],
    }
    prepared = build_events_from_columns(cols)
    body = read_events(prepared.body)

    def column(key):
        return {"t": body[key]["t"], "c": body[key]["c"].tolist()}

    assert column("title") == {"t": ["x", "y"], "c": [0, 1, 0]}
    assert column("date") == {"t": ["d"], "c": [0, 0, 0]}
    assert column("actors") == {"t": ["", "p, q"], "c": [0, 0, 1]}
    assert body["palette"] == ["#112233", "#808080"] and body["color"].tolist() == [0, 1, 1]
    assert body["to"] == [[2, 7.0, 8.0]] and body["line"] == [1]
    assert prepared.index == {"a": 0, "b": 1, "c": 2} and prepared.to == {2: (7.0, 8.0)}
    empty = read_events(build_events([]).body)
    assert empty["title"]["t"] == [] and len(empty["title"]["c"]) == 0 and empty["ids"] == []


def test_payload_sections_are_aligned_and_ids_any_text():
    """Each typed section starts at a multiple of 8 (the page views the buffer as
    Float64Array and the like in place); ids keep non-ASCII text; radius is float32."""
    events = [
        event("é-1", *TEHRAN, radius=2500),
        event("b", *BAKU),
        event("日本-3", 39.0, 46.0, title="ü", radius=100_000),
    ]
    prepared = build_events(events)
    body = read_events(prepared.body)
    assert body["ids"] == ["é-1", "b", "日本-3"]
    assert body["radius"].tolist() == [2500.0, 0.0, 100_000.0]
    for key in ("lat", "lon", "color", "radius"):
        assert body[key].ctypes.data % 8 == 0 or body[key].size == 0, key
    head_size = int.from_bytes(prepared.body[12:16], "little")
    assert head_size % 8 == 0
    assert json.loads(prepared.body[16 : 16 + head_size])["title"] == ["Event é-1", "Event b", "ü"]


def card_text(qtbot, view: MapView, where: str) -> list:
    return run_js(
        qtbot,
        view,
        f"(function () {{ var el = document.querySelector('{where}');"
        " if (!el) return null; return ['.araz-title', '.araz-date', '.araz-actors'].map("
        " function (c) { var x = el.querySelector(c); return x ? x.textContent : null; }); })()",
    )


def test_page_shows_each_events_own_texts(qtbot, map_view):
    events = shared_text_events(1000)
    wait_rendered(qtbot, map_view, map_view.set_events(events))
    # the page keeps the three tables and a typed array of codes, not 1000 strings each
    assert run_js(
        qtbot,
        map_view,
        "[araz.events.titles.table.length, araz.events.dates.table.length,"
        " araz.events.actorLists.table.length,"
        " araz.events.titles.codes instanceof Int32Array, araz.events.titles.codes.length]",
    ) == [3, 3, 3, True, 1000]
    picks = [0, 1, 5, 13, 26, 499, 998, 999]
    got = run_js(
        qtbot,
        map_view,
        f"{picks}.map(function (i) {{ var e = araz.events;"
        " return [e.titleOf(i), e.dateOf(i), e.actorsOf(i)]; })",
    )
    assert got == [[events[i]["title"], events[i]["date"], events[i]["actors"]] for i in picks]
    for i in (13, 26):  # actors "Armenia, Azerbaijan", then none (no actors line)
        wait_rendered(qtbot, map_view, map_view.select(events[i]["id"]))
        want = [events[i]["title"], events[i]["date"], events[i]["actors"] or None]
        qtbot.waitUntil(
            lambda want=want: card_text(qtbot, map_view, ".leaflet-popup") == want,
            timeout=TIMEOUT,
        )
    assert run_js(qtbot, map_view, "document.querySelectorAll('img').length") == 0
    assert map_view.web_view().page().alerts == []


def test_text_codes_out_of_range_read_as_empty(qtbot, map_view):
    wait_rendered(qtbot, map_view, map_view.set_events([event("a", *BAKU)]))
    got = run_js(
        qtbot,
        map_view,
        "(function () { var e = new araz.EventLayer(); e.setEvents({ids: ['a', 'b', 'c'],"
        " lat: [1, 2, 3], lon: [1, 2, 3], color: [0, 9, 0], palette: ['#000000'],"
        " title: {t: ['x'], c: Int32Array.from([0, 7, -1])}, date: {t: 'oops', c: [0]}});"
        " return [0, 1, 2, 3].map(function (i) {"
        " return [e.titleOf(i), e.dateOf(i), e.actorsOf(i), e.idOf(i), i < 3 && e.colorOf(i)];"
        " }); })()",
    )
    assert got == [
        ["x", "", "", "a", "rgb(0,0,0)"],
        ["", "", "", "b", "rgb(0,0,0)"],  # a colour out of the palette: its first
        ["", "", "", "c", "rgb(0,0,0)"],
        ["", "", "", "", False],
    ]


def test_malformed_events_payloads_are_refused(qtbot, map_view):
    """decodeEvents throws on a wrong magic, a wrong version or a truncated buffer."""
    body = build_events(shared_text_events(10)).body
    cases = {
        "good": body,
        "magic": b"XXXX" + body[4:],
        "version": body[:4] + (2).to_bytes(4, "little") + body[8:],
        "short": body[:-40],
        "tiny": body[:10],
    }
    got = run_js(
        qtbot,
        map_view,
        "(function (cases) { var out = {}; Object.keys(cases).forEach(function (k) {"
        " var buf = Uint8Array.from(atob(cases[k]), function (ch) { return ch.charCodeAt(0); });"
        " try { var d = araz.decodeEvents(buf.buffer); out[k] = d.n + ' ' + d.title.t.length; }"
        " catch (err) { out[k] = 'error'; } }); return out; })("
        + json.dumps({k: base64.b64encode(v).decode() for k, v in cases.items()})
        + ")",
    )
    assert got == {
        "good": "10 3",
        "magic": "error",
        "version": "error",
        "short": "error",
        "tiny": "error",
    }


def test_one_copy_of_the_events_body_and_it_comes_back_after_a_renderer_crash(qtbot, map_view):
    events = shared_text_events(300)
    prepared = build_events(events)
    seq = map_view.set_events(prepared)
    map_view.show_ids([e["id"] for e in events[:100]])
    wait_rendered(qtbot, map_view, map_view.select("e40"))
    # the view serves the prepared body itself (for the page and a replay), not a copy
    assert map_view._shelf.get(f"/data/events/{seq}") is prepared.body
    pid = map_view._page.renderProcessPid()
    assert pid > 0
    with qtbot.waitSignal(map_view.ready, timeout=TIMEOUT):
        os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: run_js(qtbot, map_view, "araz.events.selected") == 40, timeout=TIMEOUT)
    assert run_js(qtbot, map_view, "araz.events.n") == 300
    visible = run_js(qtbot, map_view, "Array.from(araz.events.visible)")
    assert visible == [1] * 100 + [0] * 200
    want = [events[40]["title"], events[40]["date"], events[40]["actors"] or None]
    qtbot.waitUntil(lambda: card_text(qtbot, map_view, ".leaflet-popup") == want, timeout=TIMEOUT)


# --- the events go over the araz: scheme, not through the web channel ---


def test_events_command_is_small_and_the_payload_comes_over_the_scheme(qtbot, map_view):
    events = shared_text_events(1000)
    sent: list[str] = []
    map_view._bridge.command.connect(sent.append)
    try:
        seq = map_view.set_events(events)
        last = map_view.select("e13")  # sent while the payload is being fetched: waits
        wait_rendered(qtbot, map_view, last)
    finally:
        map_view._bridge.command.disconnect(sent.append)
    command = json.loads(sent[0])
    assert command == {
        "op": "events",
        "seq": seq,
        "url": f"araz://app/data/events/{seq}",
        "n": 1000,
    }
    assert len(sent[0]) < 200
    assert all(t not in s for s in sent for t in ("Armed clash", "Protest", "e999"))
    # the select sent right after ran once the events were in
    assert run_js(qtbot, map_view, "[araz.events.n, araz.events.selected]") == [1000, 13]
    want = [events[13]["title"], events[13]["date"], events[13]["actors"]]
    qtbot.waitUntil(lambda: card_text(qtbot, map_view, ".leaflet-popup") == want, timeout=TIMEOUT)
    got = run_js(
        qtbot,
        map_view,
        "[0, 13, 999].map(function (i) { var e = araz.events;"
        " return [e.idOf(i), e.titleOf(i), e.dateOf(i), e.actorsOf(i)]; })",
    )
    assert got == [[events[i][k] for k in ("id", "title", "date", "actors")] for i in (0, 13, 999)]
    # typed arrays straight off the fetched buffer
    assert run_js(
        qtbot,
        map_view,
        "[araz.events.lat instanceof Float64Array, araz.events.titles.codes.buffer"
        " === araz.events.lat.buffer]",
    ) == [True, True]
    assert map_view.blocked_requests() == []
    assert map_view.web_view().page().alerts == []


def test_scheme_serves_only_the_latest_events(qtbot, map_view):
    first = map_view.set_events(shared_text_events(20))
    second = map_view.set_events(shared_text_events(30))
    wait_rendered(qtbot, map_view, second)
    assert run_js(qtbot, map_view, "araz.events.n") == 30

    def fetch(path: str):
        box: list = []
        map_view.web_view().page().runJavaScript(
            f"window.__got = null; fetch('araz://app{path}').then(function (r) {{"
            " if (!r.ok) throw new Error(r.status); return r.arrayBuffer(); })"
            ".then(function (b) { window.__got = 'ok ' + b.byteLength; },"
            " function (e) { window.__got = 'error'; });",
            0,
            box.append,
        )
        qtbot.waitUntil(lambda: run_js(qtbot, map_view, "window.__got") is not None)
        return run_js(qtbot, map_view, "window.__got")

    size = len(map_view._shelf.get(f"/data/events/{second}"))
    assert fetch(f"/data/events/{second}") == f"ok {size}"
    assert fetch(f"/data/events/{first}") == "error"  # replaced: gone
    assert fetch("/data/events/999999") == "error"
    assert fetch("/data/nothing/1") == "error"
    assert fetch("/data/events/x") == "error"
    assert map_view.blocked_requests() == []


def test_data_shelf_keeps_one_version_per_name():
    shelf = DataShelf()
    payload = b"one"
    assert shelf.put("events", 3, payload) == "araz://app/data/events/3"
    assert shelf.get("/data/events/3") is payload
    shelf.put("events", 5, b"two")
    assert shelf.get("/data/events/3") is None
    assert shelf.get("/data/events/5") == b"two"
    for path in (
        "/data/events/05x",
        "/data/events/",
        "/data/other/5",
        "/data/events/5/x",
        "/web/../data/events/5",
    ):
        assert shelf.get(path) is None, path
    with pytest.raises(ValueError):
        shelf.put("../x", 1, b"")


def test_a_later_events_call_wins_over_one_in_flight(qtbot, map_view):
    """Two set_events in a row (the first one's payload is gone from the shelf before
    the page fetches it): the last events are drawn and every call is acknowledged."""
    a = map_view.set_events(shared_text_events(10))
    hidden = map_view.show_ids(["e1"])
    b = map_view.set_events(shared_text_events(40))
    c = map_view.show_ids(["e2", "e3"])
    seen: list[int] = []
    map_view.rendered.connect(seen.append)
    qtbot.waitUntil(lambda: c in seen, timeout=TIMEOUT)
    map_view.rendered.disconnect(seen.append)
    assert {a, hidden, b, c} <= set(seen)
    assert run_js(qtbot, map_view, "araz.events.n") == 40
    visible = run_js(qtbot, map_view, "Array.from(araz.events.visible)")
    assert visible == [0, 0, 1, 1] + [0] * 36


def test_events_that_cannot_be_fetched_leave_no_stale_events(qtbot, map_view):
    """A payload the shelf does not have (or a URL outside araz://app/data/) is not
    loaded: the page drops its events (their ids are no longer Python's), acknowledges
    the call and fetches nothing outside."""
    wait_rendered(qtbot, map_view, map_view.set_events(shared_text_events(20)))
    seen: list[int] = []
    map_view.rendered.connect(seen.append)
    for seq, url in ((9001, "araz://app/data/events/9001"), (9002, "https://example.invalid/e")):
        map_view._bridge.command.emit(json.dumps({"op": "events", "seq": seq, "url": url}))
        qtbot.waitUntil(lambda seq=seq: seq in seen, timeout=TIMEOUT)
        assert run_js(qtbot, map_view, "araz.events.n") == 0
        wait_rendered(qtbot, map_view, map_view.set_events(shared_text_events(5)))
        assert run_js(qtbot, map_view, "araz.events.n") == 5
    map_view.rendered.disconnect(seen.append)
    assert map_view.blocked_requests() == []
