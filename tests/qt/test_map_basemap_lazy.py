"""The basemap's parts that the first view does not show are parsed when a view needs
them (a faster start), and are then drawn as before: the close band when the map first
zooms in to 8 or more, the world layer when the view first leaves the regional box."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from map_support import (
    event,
    near,
    open_map_view,
    point,
    points_in_view,
    run_js,
    steady_map_grab,
    wait_rendered,
)

BORDER = "#6f6659"  # map-base.js: the borders' colour
ARAZ = "#2f6fa8"  # map-base.js: the Araz, drawn over the borders that follow it
LAND = "#ecebe5"  # map-base.js FILL.other: a country outside the three
SEA = "#a9cbe0"  # map.css: the background


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot)


# The vertices of the close band's borders inside the view, away from its edges, as
# container points: at zoom 9 the regional band's lines (simplified to 0.01 degree, 4 px
# here) would pass beside many of them.
CLOSE_BORDER_POINTS = points_in_view("araz.basemap.data.bands[1].borders.features")


def on_line(image, x: float, y: float) -> bool:
    """A border or the Araz drawn at that point (give or take a pixel's rounding)."""
    colors = [
        image.pixelColor(round(x) + dx, round(y) + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)
    ]
    return any(near(c, BORDER, 40) or near(c, ARAZ, 40) for c in colors)


def test_close_band_is_fetched_and_drawn_when_the_map_first_zooms_in(qtbot, asked, map_view):
    # at start only the regional band is read: the close band's file is not even fetched
    # (the start's scripts do not carry it either: test_map_first_render.py)
    assert run_js(qtbot, map_view, "araz.basemap.data.bands[1].binary") == "close.bin"
    assert run_js(qtbot, map_view, "araz.basemap.data.bands[1].countries === undefined")
    assert run_js(qtbot, map_view, "araz.basemap.current.name") == "regional"
    assert "/basemap/regional.bin" in asked
    assert "/basemap/close.bin" not in asked, asked
    # zoom 9 around Kafan: the close band's file is fetched, read and drawn (the fit is
    # acknowledged once it is), its borders' detail too
    wait_rendered(qtbot, map_view, map_view.fit_bounds(46.1, 39.0, 46.7, 39.4))
    assert run_js(qtbot, map_view, "araz.map.getZoom()") >= 9
    assert run_js(qtbot, map_view, "araz.basemap.current.name") == "close"
    assert asked.count("/basemap/close.bin") == 1, asked
    assert "/basemap/basemap.js" not in asked  # read from its file, not the fallback
    assert run_js(qtbot, map_view, "araz.basemap.data.bands[1].binary") is None
    wait_rendered(qtbot, map_view, map_view.sync())
    points = run_js(qtbot, map_view, CLOSE_BORDER_POINTS)
    assert len(points) >= 20, points
    image = steady_map_grab(qtbot, map_view)
    on_border = sum(on_line(image, x, y) for x, y in points)
    assert on_border >= 0.6 * len(points), (on_border, len(points))


def test_world_layer_is_parsed_when_the_view_leaves_the_regional_box(qtbot, map_view):
    # the first view (the Caucasus) lies inside the regional box: no world layer yet
    assert run_js(qtbot, map_view, "araz.basemap.world === null")
    # an event in Africa, the view around it: the land there is drawn
    nairobi = (-1.286, 36.817)
    wait_rendered(qtbot, map_view, map_view.set_events([event("nairobi", *nairobi)]))
    wait_rendered(qtbot, map_view, map_view.fit_bounds(28.0, -8.0, 46.0, 6.0))
    wait_rendered(qtbot, map_view, map_view.sync())
    assert run_js(qtbot, map_view, "araz.basemap.world !== null")
    image = steady_map_grab(qtbot, map_view)
    # north-west of Nairobi (Uganda) is land, east of Mombasa is the Indian Ocean
    x, y = point(qtbot, map_view, 0.6, 33.0)
    assert near(image.pixelColor(x, y), LAND), image.pixelColor(x, y).name()
    x, y = point(qtbot, map_view, -4.5, 41.0)
    assert near(image.pixelColor(x, y), SEA), image.pixelColor(x, y).name()


def test_world_layer_is_drawn_beneath_the_bands(qtbot, map_view):
    """Added after the regional band, the world layer still goes under it on the shared
    canvas: where the box's edge cuts Greece, the band's coast and the world's meet."""
    wait_rendered(qtbot, map_view, map_view.fit_bounds(18.0, 33.0, 30.0, 45.0))
    wait_rendered(qtbot, map_view, map_view.sync())
    assert run_js(qtbot, map_view, "araz.basemap.world !== null")
    order = run_js(
        qtbot,
        map_view,
        """(function () {
          var r = araz.basemap.renderer, first = r._drawFirst.layer, world = araz.basemap.world;
          return world.fills.hasLayer(first);
        })()""",
    )
    assert order is True
