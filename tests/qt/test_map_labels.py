"""The map view's labels (story places, the Araz river), keyboard navigation and
accessibility (headless)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import json
import sys
from pathlib import Path

import pytest

try:  # a source checkout without `pip install -e .`
    import araz  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "app"))

from araz.qt.map import MapView

pytest.importorskip("pytestqt")
from map_support import (
    BAKU,
    HOSTILE,
    MARKER,
    TEHRAN,
    TIMEOUT,
    event,
    near,
    open_map_view,
    pixel,
    point,
    run_js,
    wait_rendered,
)
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

pytestmark = pytest.mark.gui


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot)


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
    """An event with a radius (ACLED's geo_precision) gets a tinted disc of that size when
    selected (the hovered, selected and focused events only: never thousands of discs).
    The pixel compared is read once the fit has ended (it was read, before, while the
    fit's zoom animation ran, and differed from the one after without any disc)."""
    wait_rendered(qtbot, map_view, map_view.set_events([event("a", *TEHRAN)]))
    wait_rendered(qtbot, map_view, map_view.fit(["a"]))
    wait_rendered(qtbot, map_view, map_view.select("a"))
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
    qtbot.wait(200)
    before = pixel(map_view, *probe)
    wait_rendered(qtbot, map_view, map_view.set_events([event("a", *TEHRAN, radius=100_000)]))
    wait_rendered(qtbot, map_view, map_view.select("a"))
    qtbot.wait(200)
    assert run_js(qtbot, map_view, "araz.events.radius[0]") == 100_000
    after = pixel(map_view, *probe)
    assert after != before  # the disc tints the basemap inside its radius
    outside = (x + round(px * 1.6), y)
    assert not near(pixel(map_view, *outside), MARKER, 40)
