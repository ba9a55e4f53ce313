"""Zoomed in, the basemap is no empty field: from zoom 8 it draws first-level regions
(Syunik, Nakhchivan, East Azerbaijan…: their inner boundaries dashed, their names),
urban areas and more towns (Natural Earth's and GeoNames'), from
resources/basemap/detail.json, which the page fetches only when the map first reaches
that zoom (not at start)."""

from __future__ import annotations

import json
import math

import pytest

pytest.importorskip("pytestqt")

from map_support import TIMEOUT, near, open_map_view, settle_map, steady_map_grab
from page_support import read_page_json
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from araz.paths import resource
from araz.qt.map.page_json import boolean, number, numbers, of_type

REGION = "#8a7a66"  # map-base-detail.js: region boundaries
KAPAN = (39.2076, 46.4057)
# around Kapan: the region boundaries the data has there (Syunik's with Vayots Dzor,
# Azerbaijan's districts of Qubadli, Zangilan, Jabrayil, Nakhchivan's edge)
NEAR_KAPAN = (45.9, 38.95, 46.95, 39.5)


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot)


def region_vertices() -> list[tuple[float, float]]:
    """The vertices of the detail's region boundaries near Kapan, as (lat, lon)."""
    detail = json.loads(resource("basemap", "detail.json").read_text(encoding="utf-8"))
    west, south, east, north = NEAR_KAPAN
    out = []
    for feature in detail["regions"]["features"]:
        geometry = feature["geometry"]
        parts = (
            [geometry["coordinates"]]
            if geometry["type"] == "LineString"
            else geometry["coordinates"]
        )
        for part in parts:
            out += [(lat, lon) for lon, lat in part if west < lon < east and south < lat < north]
    return out


def container_points(view, latlons) -> list[tuple[float, float]]:
    script = (
        json.dumps([[lat, lon] for lat, lon in latlons])
        + ".map(function (c) { var p = araz.map.latLngToContainerPoint(c); return [p.x, p.y]; })"
    )
    return [tuple(numbers(2)(p)) for p in read_page_json(view, script, of_type(list))]


def region_hits(image, points) -> tuple[int, int]:
    """How many of the points, inside the view and clear of its controls, have a region
    boundary pixel within 2 px; and how many points were looked at."""
    w, h = image.width(), image.height()
    inside = [(x, y) for x, y in points if 60 < x < w - 10 and 20 < y < h - 30]
    hits = 0
    for x, y in inside:
        cx, cy = round(x), round(y)
        window = [image.pixelColor(cx + dx, cy + dy) for dx in range(-2, 3) for dy in range(-2, 3)]
        hits += any(near(c, REGION, 14) for c in window)
    return hits, len(inside)


def mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def latitude(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def shown_labels(view, kind: str) -> list[str]:
    """The names of the labels of that kind shown inside the view."""
    return read_page_json(
        view,
        "araz.basemap.labels.filter(function (l) { return l.kind === '" + kind + "' && l.shown"
        " && l.el.isConnected && araz.map.getBounds().contains(l.latlng); })"
        ".map(function (l) { return l.name; })",
        of_type(list),
    )


def attribution(view) -> str:
    return read_page_json(
        view, "araz.map.attributionControl.getContainer().textContent", of_type(str)
    )


def zoom(view) -> float:
    return read_page_json(view, "araz.map.getZoom()", number)


def click_zoom_in(qtbot, view) -> None:
    """Click the map's own "+" button, as a person would, and wait for the map to settle."""
    x, y = read_page_json(
        view,
        "(function () { var r = document.querySelector('.leaflet-control-zoom-in')"
        ".getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()",
        numbers(2),
    )
    target = view.web_view().focusProxy()
    assert target is not None
    at = QPoint(round(x), round(y))
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    settle_map(qtbot, view)


def test_regions_are_drawn_zoomed_in_and_not_zoomed_out(qtbot, map_view):
    vertices = region_vertices()
    assert len(vertices) >= 40, len(vertices)
    # not fetched at start
    assert read_page_json(map_view, "!araz.basemap.detailState", boolean)

    # zoom 5 around Kapan: no region boundaries (and still nothing fetched)
    lat, lon = KAPAN
    # a box centred on Kapan in Web Mercator (the map's own centre), so that the zoom
    # buttons, which zoom about the centre, stay on Kapan
    y, dy = mercator_y(lat), mercator_y(lat + 8.0) - mercator_y(lat)
    south, north = latitude(y - dy), latitude(y + dy)
    seq = map_view.fit_bounds(lon - 19.0, south, lon + 19.0, north)
    with qtbot.waitSignal(map_view.rendered, timeout=TIMEOUT, check_params_cb=lambda s: s >= seq):
        pass
    settle_map(qtbot, map_view)
    assert abs(zoom(map_view) - 5.0) <= 0.5, zoom(map_view)
    assert read_page_json(map_view, "!araz.basemap.detailState", boolean)
    image = steady_map_grab(qtbot, map_view)
    hits, seen = region_hits(image, container_points(map_view, vertices))
    assert seen >= 20, seen
    assert hits <= 0.1 * seen, (hits, seen)
    assert "GeoNames" not in attribution(map_view)

    # the map's own zoom-in button, to zoom 10 around Kapan
    for _ in range(16):
        if zoom(map_view) >= 10:
            break
        click_zoom_in(qtbot, map_view)
    assert zoom(map_view) >= 10
    centre = read_page_json(
        map_view, "[araz.map.getCenter().lat, araz.map.getCenter().lng]", numbers(2)
    )
    assert abs(centre[0] - lat) < 0.05 and abs(centre[1] - lon) < 0.05, centre
    qtbot.waitUntil(
        lambda: read_page_json(map_view, "araz.basemap.detailState === 2", boolean),
        timeout=TIMEOUT,
    )
    settle_map(qtbot, map_view)
    image = steady_map_grab(qtbot, map_view)
    hits, seen = region_hits(image, container_points(map_view, vertices))
    assert seen >= 20, seen
    assert hits >= 0.6 * seen, (hits, seen)
    # Syunik, the region of Kapan, is named in view
    shown = shown_labels(map_view, "region")
    assert "Syunik" in shown, shown
    # and a town near Kapan that only the detail names (GeoNames), credited meanwhile
    towns = shown_labels(map_view, "city")
    assert "Kafan" in towns and "Kajaran" in towns, towns
    assert "GeoNames" in attribution(map_view)

    # as close, but far from the detail's box (Cairo): the towns' credit goes
    seq = map_view.fit_bounds(31.1, 29.9, 31.4, 30.2)
    with qtbot.waitSignal(map_view.rendered, timeout=TIMEOUT, check_params_cb=lambda s: s >= seq):
        pass
    settle_map(qtbot, map_view)
    assert zoom(map_view) >= 9, zoom(map_view)
    assert "GeoNames" not in attribution(map_view)
