"""The map view: page load, pixels, clicks, escaping, zero network, queued calls (headless)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

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
from araz.qt.map.scheme import read, resolve
from araz.qt.map.view import (
    DEFAULT_BOUNDS,
)

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
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import QWebEnginePage

pytestmark = pytest.mark.gui


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot)


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
    assert run_js(qtbot, map_view, "araz.events.clusterSizeOf(0)") == 100


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


def test_scheme_finds_a_file_again_after_it_went_and_came_back(tmp_path, monkeypatch):
    # a path once found is kept, but never served once its file is gone
    monkeypatch.setenv("ARAZ_BASEMAP_DIR", str(tmp_path))
    (tmp_path / "extra.json").write_bytes(b"{}")
    assert read("/basemap/extra.json") == (b"{}", b"application/json")
    (tmp_path / "extra.json").unlink()
    assert resolve("/basemap/extra.json") is None
    assert read("/basemap/extra.json") is None
    (tmp_path / "extra.json").write_bytes(b"[1]")
    assert read("/basemap/extra.json") == (b"[1]", b"application/json")
    monkeypatch.setenv("ARAZ_BASEMAP_DIR", str(tmp_path / "elsewhere"))
    assert resolve("/basemap/extra.json") is None


def test_register_scheme_is_idempotent():
    from PySide6.QtWebEngineCore import QWebEngineUrlScheme

    qt_map.register_scheme()
    qt_map.register_scheme()
    scheme = QWebEngineUrlScheme.schemeByName(b"araz")
    assert bytes(scheme.name()) == b"araz"
    assert scheme.flags() & QWebEngineUrlScheme.Flag.SecureScheme
