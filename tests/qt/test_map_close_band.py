"""The close band (zoom 8 and more) comes as its own binary file, ``close.bin``, which the
app's page fetches only the first time a view needs it: the start's scripts do not carry
its 214 KB of JSON text, and the map drawn from the file is the very picture the band's
JSON text (``basemap.js``, the fallback) draws."""

from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("pytestqt")

from map_support import (
    near,
    point,
    points_in_view,
    run_js,
    settle_map,
    steady_map_grab,
    wait_rendered,
    wheel_at,
)
from test_map_first_render import dispose, shown_map

from araz.paths import resource
from araz.qt.map.scheme import read

# Kafan and the Araz east of it: regions, towns, borders and rivers at zoom 9
KAFAN = (46.1, 39.0, 46.7, 39.4)
FROM_FILE = "!!araz.basemap.data.bands[1].countries.features[0].geometry.arazRings"


def test_start_bundles_do_not_carry_the_close_band():
    text = resource("basemap", "basemap.js").read_text(encoding="utf-8")
    basemap = json.loads(text[text.index("=") + 1 :].strip().rstrip(";"))
    close = basemap["bands"][1]
    assert close["name"] == "close"
    bundles = read("/web/bundle/1.js")[0] + read("/web/bundle/2.js")[0]
    assert b'"binary":"close.bin"' in bundles
    # no part of the band's JSON text (as basemap.js escapes it in its string)
    escaped = json.dumps(close["json"])[1:-1]
    for at in (0, len(escaped) // 2, len(escaped) - 300):
        assert escaped[at : at + 200].encode() not in bundles
    assert len(bundles) < 600_000, len(bundles)


def zoomed_in(qtbot, view) -> None:
    wait_rendered(qtbot, view, view.fit_bounds(*KAFAN))
    wait_rendered(qtbot, view, view.sync())
    assert run_js(qtbot, view, "araz.map.getZoom()") >= 9
    assert run_js(qtbot, view, "araz.basemap.current.name") == "close"
    assert run_js(qtbot, view, "araz.basemap.detailState") == 2  # regions and towns in


def test_close_band_from_its_file_draws_the_same_map_as_its_json_text(qtbot, monkeypatch, tmp_path):
    view = shown_map(qtbot)
    zoomed_in(qtbot, view)
    assert run_js(qtbot, view, FROM_FILE) is True
    from_file = steady_map_grab(qtbot, view)
    dispose(qtbot, view)

    # without close.bin: the page reads the band's JSON text from basemap.js
    names = ("start.js", "labels.js", "regional.bin", "basemap.js", "world.js", "detail.json")
    for name in names:
        shutil.copy(resource("basemap", name), tmp_path / name)
    monkeypatch.setenv("ARAZ_BASEMAP_DIR", str(tmp_path))
    view = shown_map(qtbot)
    zoomed_in(qtbot, view)
    assert run_js(qtbot, view, FROM_FILE) is False
    from_json = steady_map_grab(qtbot, view)
    dispose(qtbot, view)
    assert from_file.size() == from_json.size()
    # every pixel, the towns' credit included (the detail comes before the band's text
    # here: the band, once in, shows it)
    assert from_file == from_json


REGION = "#8a7a66"  # map-base-detail.js: the regions' boundaries (from zoom 8)
# the vertices of the regions' boundaries in view, away from its edges, as container points
REGION_POINTS = points_in_view("araz.basemap.detail.regions.features")


def on_region(image, x: float, y: float) -> bool:
    """A region boundary drawn at that point (give or take a pixel's rounding)."""
    return any(
        near(image.pixelColor(round(x) + dx, round(y) + dy), REGION, 24)
        for dx in (-1, 0, 1)
        for dy in (-1, 0, 1)
    )


def test_wheel_zoom_past_the_regional_band_fetches_and_draws_the_close_band(qtbot, asked):
    view = shown_map(qtbot)
    try:
        # around Kafan at zoom 7 (the regional band's last): nothing of the close band asked for
        wait_rendered(qtbot, view, view.fit_bounds(41.4, 36.7, 51.4, 41.7))
        wait_rendered(qtbot, view, view.sync())
        assert run_js(qtbot, view, "araz.map.getZoom()") < 8
        assert "/basemap/close.bin" not in asked and "/basemap/detail.json" not in asked
        assert run_js(qtbot, view, "araz.basemap.current.name") == "regional"
        x, y = point(qtbot, view, 39.2, 46.4)
        for _ in range(8):  # the wheel, a notch at a time, until the close band's zoom
            wheel_at(qtbot, view, x, y)
            settle_map(qtbot, view)
            if run_js(qtbot, view, "araz.map.getZoom()") >= 8:
                break
        assert run_js(qtbot, view, "araz.map.getZoom()") >= 8
        # the band's file and the detail fetched once each, the band shown with its
        # regions' dashed boundaries drawn
        assert asked.count("/basemap/close.bin") == 1, asked
        assert asked.count("/basemap/detail.json") == 1, asked
        assert run_js(qtbot, view, "araz.basemap.current.name") == "close"
        image = steady_map_grab(qtbot, view)
        points = run_js(qtbot, view, REGION_POINTS)
        assert len(points) >= 20, points
        drawn = sum(on_region(image, px, py) for px, py in points)
        assert drawn >= 0.3 * len(points), (drawn, len(points))  # dashed: some fall in gaps
    finally:
        dispose(qtbot, view)
