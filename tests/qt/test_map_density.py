"""The map at volume, as a person sees it (pixels of the real window): density bins with a
legend for thousands of events near a border, points when zoomed in with the wheel and
for the bundled story, border lines kept visible, uncertainty discs only where asked,
spread markers on their own side of a border (issue #18)."""

from __future__ import annotations

import csv
import json
import math
import random
import sys
from pathlib import Path

import numpy as np
import pytest
from export_support import pixels
from map_support import open_map_view, settle_map, steady_map_grab, wheel_at
from page_support import read_page_json
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from araz.paths import resource
from araz.qt.map import MapView
from araz.qt.map.page_json import of_type
from araz.views import density

pytestmark = pytest.mark.gui
TIMEOUT = 30_000
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

# places along the Armenia–Azerbaijan border (Syunik, Zangilan, Nakhchivan, Tavush, Gazakh)
HUBS = [
    (39.21, 46.41), (38.90, 46.25), (39.43, 46.55), (41.10, 45.20),
    (41.00, 45.05), (39.30, 45.60), (39.75, 46.75), (40.25, 45.65),
]  # fmt: skip


def write_border_sample(path: Path, n: int = 5000, seed: int = 0) -> Path:
    """A synthetic current-format ACLED export of n events around the border."""
    from synth import HEADER, acled_rows

    rng = random.Random(seed)
    lat_i, lon_i = HEADER.index("latitude"), HEADER.index("longitude")
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for row in acled_rows(n, seed):
            la, lo = rng.choice(HUBS)
            if rng.random() >= 0.4:
                la, lo = la + rng.gauss(0, 0.35), lo + rng.gauss(0, 0.45)
            row[lat_i], row[lon_i] = f"{la:.4f}", f"{lo:.4f}"
            w.writerow(row)
    return path


def page(view, expression: str):
    return read_page_json(view, expression)


def drawing(view) -> dict:
    return read_page_json(view, "araz.drawing()", of_type(dict))


def synced(qtbot, view: MapView) -> None:
    seq = view.sync()
    with qtbot.waitSignal(view.rendered, timeout=TIMEOUT, check_params_cb=lambda s: s >= seq):
        pass


def settle(qtbot, view: MapView) -> None:
    settle_map(qtbot, view, TIMEOUT)


def grab(qtbot, view: MapView) -> np.ndarray:
    """The map's pixels (h, w, 3) once two grabs a frame apart agree."""
    return pixels(steady_map_grab(qtbot, view)).astype(int)


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])


def near_mask(arr: np.ndarray, hex_colour: str, tol: int) -> np.ndarray:
    return (np.abs(arr - rgb(hex_colour)) <= tol).all(axis=2)


def wheel(qtbot, view: MapView, x: float, y: float, notches: int) -> None:
    """Turn the mouse wheel over a container point, ``notches`` clicks (in: > 0)."""
    wheel_at(qtbot, view, x, y, notches)
    settle(qtbot, view)


def border_points(view: MapView) -> list[list[float]]:
    """Container points along the basemap's border lines inside the view (away from its
    edges and from the legend and zoom controls), every few pixels."""
    script = """(function () {
      var b = araz.basemap.current, out = [], size = araz.map.getSize();
      (b.borders.features || []).forEach(function (f) {
        var g = f.geometry, lines = g.type === 'LineString' ? [g.coordinates] : g.coordinates;
        lines.forEach(function (line) {
          for (var k = 1; k < line.length; k++) {
            var a = araz.map.latLngToContainerPoint([line[k-1][1], line[k-1][0]]);
            var c = araz.map.latLngToContainerPoint([line[k][1], line[k][0]]);
            var len = a.distanceTo(c), steps = Math.max(1, Math.floor(len / 6));
            for (var s = 0; s < steps; s++) {
              var x = a.x + (c.x - a.x) * s / steps, y = a.y + (c.y - a.y) * s / steps;
              if (x > 60 && y > 80 && x < size.x - 20 && y < size.y - 20) out.push([x, y]);
            }
          }
        });
      });
      return out;
    })()"""
    return read_page_json(view, script, of_type(list))


def dark_line_near(arr: np.ndarray, x: float, y: float) -> bool:
    """A border-dark pixel (grey-brown, dark) within 1 px of (x, y)."""
    xi, yi = round(x), round(y)
    patch = arr[max(0, yi - 1) : yi + 2, max(0, xi - 1) : xi + 2].reshape(-1, 3)
    lum = patch.mean(axis=1)
    grey = (patch.max(axis=1) - patch.min(axis=1)) < 45
    return bool(((lum < 125) & grey).any())


def open_and_wait(qtbot, window, path: Path) -> None:
    with qtbot.waitSignal(window.loadFinished, timeout=TIMEOUT):
        window.open_path(path)
    settle(qtbot, window.map)


@pytest.fixture(scope="module")
def border_sample(tmp_path_factory) -> Path:
    return write_border_sample(tmp_path_factory.mktemp("density") / "border5k.csv")


def test_5000_events_near_a_border_draw_as_bins_with_a_legend(qtbot, main_window, border_sample):
    w = main_window
    open_and_wait(qtbot, w, border_sample)
    arr = grab(qtbot, w.map)
    h, wd, _ = arr.shape
    # bin colours (viridis, over the basemap) cover a good part of the map
    bins = np.zeros(arr.shape[:2], bool)
    for colour in density.SCALE:
        bins |= near_mask(arr, colour, 40)
    assert bins.sum() > 0.05 * h * wd, bins.sum()
    # no 5,000 discs: the actors' marker colours are (almost) nowhere on the map
    ds = w.model.dataset
    actor_colours = {ds.colour(ds.event(e)) for e in list(w.map._ids)[:500]}
    markers = sum(int(near_mask(arr, c, 10).sum()) for c in actor_colours)
    assert markers < 400, markers
    # the border lines stay visible: dark line pixels along nearly all of them
    points = border_points(w.map)
    assert len(points) > 100
    seen = sum(dark_line_near(arr, x, y) for x, y in points)
    assert seen >= 0.9 * len(points), (seen, len(points))
    # the legend is there (its swatches' pure colours) and says what a colour step counts
    legend = page(w.map, "(document.querySelector('.araz-legend') || {}).textContent || ''")
    assert "Events per hexagon" in legend and "each colour step" in legend
    assert near_mask(arr, density.SCALE[0], 2).sum() > 50
    state = drawing(w.map)
    assert state["mode"] == "hex" and state["places"] > density.DENSITY_ABOVE, state


def test_wheel_in_over_the_border_gives_points(qtbot, main_window, border_sample):
    w = main_window
    open_and_wait(qtbot, w, border_sample)
    assert drawing(w.map)["mode"] == "hex"
    for _ in range(20):  # notch by notch over Kapan, as a person does, until zoom 10.5
        x, y = page(w.map, "araz.containerPoint(39.21, 46.41)")
        wheel(qtbot, w.map, x, y, 1)
        if page(w.map, "araz.map.getZoom()") >= 10.5:
            break
    state = drawing(w.map)
    assert state["mode"] == "points", state
    assert state["legend"] == ""
    arr = grab(qtbot, w.map)
    ds = w.model.dataset
    actor_colours = {ds.colour(ds.event(e)) for e in list(w.map._ids)[:500]}
    markers = sum(int(near_mask(arr, c, 10).sum()) for c in actor_colours)
    assert markers > 2000, markers  # markers, in the actors' colours
    attribution = page(w.map, "document.querySelector('.leaflet-control-attribution').textContent")
    assert "borders at 1:10m, approximate" in attribution  # past the data's scale
    bins = sum(int(near_mask(arr, c, 4).sum()) for c in density.SCALE)
    assert bins < 200, bins


def test_bundled_story_stays_points_without_a_legend(qtbot, main_window):
    w = main_window
    settle(qtbot, w.map)
    arr = grab(qtbot, w.map)
    for colour in density.SCALE:  # no bin colours anywhere
        assert near_mask(arr, colour, 3).sum() < 30, colour
    iran = w.model.dataset.colour(w.model.dataset.event(w.map._ids[0]))
    assert near_mask(arr, iran, 10).sum() > 40
    state = drawing(w.map)
    assert state == {**state, "mode": "points", "legend": "", "bins": 0}


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot)


def many(n: int, seed: int = 3, actors=("Iran", "Armenia", "Azerbaijan")) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        la, lo = rng.choice(HUBS)
        out.append(
            {
                "id": f"e{i}",
                "title": f"Event {i}",
                "date": "2023",
                "actors": f"{actors[i % len(actors)]}, Russia",
                "color": ["#0072b2", "#d55e00", "#009e73"][i % 3],
                "lat": la + rng.gauss(0, 0.2),
                "lon": lo + rng.gauss(0, 0.3),
                "radius": 25_000.0,
            }
        )
    return out


def biggest_bin_point(view: MapView) -> list[float]:
    script = """(function () {
      var b = araz.events.bins, best = 0;
      for (var k = 1; k < b.count.length; k++) if (b.count[k] > b.count[best]) best = k;
      return araz.binPoint(best).concat([b.count[best]]);
    })()"""
    return read_page_json(view, script, of_type(list))


def test_hovering_a_bin_says_how_many_and_of_which_main_actors(qtbot, map_view):
    wait = map_view.set_events(many(3000))
    map_view.fit_bounds(44.0, 38.0, 48.0, 42.0)
    with qtbot.waitSignal(map_view.rendered, check_params_cb=lambda s: s > wait, timeout=TIMEOUT):
        pass
    settle(qtbot, map_view)
    x, y, count = biggest_bin_point(map_view)
    target = map_view.web_view().focusProxy()
    QTest.mouseMove(target, QPoint(round(x) + 40, round(y) + 40))
    QTest.mouseMove(target, QPoint(round(x), round(y)))
    tooltip = "document.querySelector('.araz-tooltip')"
    want = f"{int(count):,} events here"
    qtbot.waitUntil(
        lambda: page(map_view, f"{tooltip}.hidden ? '' : {tooltip}.textContent").startswith(want),
        timeout=TIMEOUT,
    )
    text = page(map_view, f"{tooltip}.textContent")
    assert "Main actors: " in text and "Iran" in text and "Armenia" in text
    assert "Russia" not in text  # the main (first) actor only
    assert "double-click or Ctrl+click to zoom in" in text
    # click: the bin's events are picked, the map stays put
    before = page(map_view, "araz.map.getZoom()")
    with qtbot.waitSignal(map_view.picked, timeout=TIMEOUT) as picked:
        QTest.mouseClick(
            target,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            QPoint(round(x), round(y)),
        )
    assert len(picked.args[0]) == int(count) and len(set(picked.args[0])) == int(count)
    assert page(map_view, "araz.map.getZoom()") == before
    # Ctrl+click: the map zooms in on the bin
    QTest.mouseClick(
        target,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        QPoint(round(x), round(y)),
    )
    qtbot.waitUntil(lambda: page(map_view, "araz.map.getZoom()") >= before + 2, timeout=TIMEOUT)


def test_filters_update_the_bins_and_the_page_agrees_with_python(qtbot, map_view):
    events = many(4000, seed=5)
    map_view.set_events(events)
    map_view.fit_bounds(44.0, 38.0, 48.0, 42.0)
    settle(qtbot, map_view)
    full = drawing(map_view)
    assert full["mode"] == "hex"
    zoom = full["zoom"]
    lat = np.array([e["lat"] for e in events])
    lon = np.array([e["lon"] for e in events])
    ref = density.hexbin(lat, lon, zoom)
    # bins inside the view agree with the reference at the densest
    assert full["maxBin"] == max(ref.values())
    mask = np.arange(len(events)) % 2 == 0
    seq = map_view.show_mask(mask)
    with qtbot.waitSignal(map_view.rendered, check_params_cb=lambda s: s >= seq, timeout=TIMEOUT):
        pass
    half = drawing(map_view)
    assert half["maxBin"] == max(density.hexbin(lat, lon, zoom, mask).values())
    assert half["maxBin"] < full["maxBin"]
    # below the threshold: points
    seq = map_view.show_mask(np.arange(len(events)) < density.DENSITY_ABOVE - 10)  # places
    with qtbot.waitSignal(map_view.rendered, check_params_cb=lambda s: s >= seq, timeout=TIMEOUT):
        pass
    assert drawing(map_view)["mode"] == "points"


def test_heatmap_is_a_choice_and_points_only_too(qtbot, map_view):
    map_view.set_events(many(3000))
    map_view.fit_bounds(44.0, 38.0, 48.0, 42.0)
    map_view.set_style(density="heat")
    settle(qtbot, map_view)
    state = drawing(map_view)
    assert state["mode"] == "heat" and "heatmap" in state["legend"]
    map_view.set_style(density="points")
    settle(qtbot, map_view)
    assert drawing(map_view)["mode"] == "points"


def test_heatmap_and_bins_draw_the_same_after_switching_between_them(qtbot, map_view):
    """The heatmap's canvas is a third of the view's size each way (scaled up on
    screen), the bins' the view's: switching back and forth draws each as before."""
    map_view.set_events(many(3000))
    map_view.fit_bounds(44.0, 38.0, 48.0, 42.0)
    pictures = {}
    for mode in ("hex", "heat", "hex", "heat"):
        map_view.set_style(density=mode)
        settle(qtbot, map_view)
        assert drawing(map_view)["mode"] == mode
        now = grab(qtbot, map_view)
        if mode in pictures:
            assert np.abs(now - pictures[mode]).max() <= 2, mode
        pictures[mode] = now
    hex_px, heat_px = pictures["hex"], pictures["heat"]
    changed = np.abs(hex_px - heat_px).max(axis=2) > 30
    assert changed.mean() > 0.02  # two different drawings
    # the heatmap scaled up smoothly: many shades where it differs from the bins
    assert len(np.unique(heat_px[changed].reshape(-1, 3), axis=0)) > 200


def test_density_choice_is_in_the_view_menu_and_remembered(qtbot, main_window):
    from araz.qt import settings as app_settings

    w = main_window
    act = w.density_actions["heat"]
    assert not act.isChecked() and w.density_actions["hex"].isChecked()
    act.trigger()
    assert act.isChecked()
    assert app_settings.qsettings().value("map/density") == "heat"
    w.density_actions["outlines"].trigger()
    assert app_settings.read_bool(app_settings.qsettings(), "map/outlines", False) is True
    synced(qtbot, w.map)
    assert page(w.map, "[araz.events.densityMode, araz.events.outlines]") == ["heat", True]


def test_uncertainty_discs_only_for_hovered_and_selected(qtbot, map_view):
    events = [
        {"id": f"u{i}", "title": "t", "date": "2023", "actors": "Iran", "color": "#d55e00",
         "lat": 39.0 + 0.5 * (i // 6), "lon": 45.0 + 0.6 * (i % 6), "radius": 25_000.0}
        for i in range(24)
    ]  # fmt: skip
    map_view.set_events(events)
    map_view.fit_bounds(44.5, 38.5, 49.0, 41.5)
    settle(qtbot, map_view)
    arr = grab(qtbot, map_view)
    x, y = page(map_view, "araz.containerPoint(39.0, 45.0)")
    px = page(map_view, "araz.metresPerPixel()")
    r = 25_000 / px
    # a ring 25 km out from the first event: no disc edge in the marker colour there
    ring = [
        (round(x + r * math.cos(a)), round(y + r * math.sin(a)))
        for a in np.linspace(0, 2 * math.pi, 48, endpoint=False)
    ]

    def tinted(arr) -> int:
        return sum(
            bool(near_mask(arr[yy - 1 : yy + 2, xx - 1 : xx + 2], "#d55e00", 110).any())
            and bool(
                (
                    arr[yy - 1 : yy + 2, xx - 1 : xx + 2, 0]
                    - arr[yy - 1 : yy + 2, xx - 1 : xx + 2, 2]
                    > 60
                ).any()
            )
            for xx, yy in ring
        )

    quiet = tinted(arr)
    seq = map_view.select("u0")
    with qtbot.waitSignal(map_view.rendered, check_params_cb=lambda s: s >= seq, timeout=TIMEOUT):
        pass
    settle(qtbot, map_view)
    x2, y2 = page(map_view, "araz.containerPoint(39.0, 45.0)")
    assert abs(x2 - x) < 1 and abs(y2 - y) < 1  # the view did not move
    shown = tinted(grab(qtbot, map_view))
    assert shown > 30 and quiet < 12, (quiet, shown)


def point_in_ring(x: float, y: float, ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def country_of(lat: float, lon: float, countries: list[dict]) -> str:
    for f in countries:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for poly in polys:
            if point_in_ring(lon, lat, poly[0]) and not any(
                point_in_ring(lon, lat, hole) for hole in poly[1:]
            ):
                return f["properties"]["name"]
    return ""


def test_spread_markers_stay_on_their_side_of_the_border(qtbot, map_view):
    text = resource("basemap", "basemap.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("{") : text.rindex("}") + 1])
    regional = next(b for b in data["bands"] if b["minZoom"] == 0)
    countries = json.loads(regional["json"])["countries"]["features"]  # its layers as text
    # places within 4 km of Armenia's border with Azerbaijan, on the Armenian side
    # (Tavush, Syunik): 0.04 degree east is Azerbaijan
    places = [(40.9, 45.49), (40.8, 45.56), (39.3, 46.48), (39.1, 46.46)]
    for lat, lon in places:
        assert country_of(lat, lon, countries) == "Armenia", (lat, lon)
        assert country_of(lat, lon + 0.04, countries) == "Azerbaijan", (lat, lon)
    events = [
        {"id": f"p{k}-{j}", "title": "t", "date": "2023", "actors": "Armenia",
         "color": "#d55e00", "lat": la, "lon": lo}
        for k, (la, lo) in enumerate(places) for j in range(9)
    ]  # fmt: skip
    map_view.set_events(events)
    map_view.fit_bounds(44.3, 38.6, 47.6, 41.4)  # zoom ~7: the border is drawn
    settle(qtbot, map_view)
    assert page(map_view, "araz.map.getZoom()") < 8  # the regional band, whose border this is
    drawn = read_page_json(
        map_view,
        "Array.from({length: araz.events.n}, (_, i) => araz.markerPoint(i))"
        ".map(p => p && araz.map.containerPointToLatLng(p)).map(p => p && [p.lat, p.lng])",
        of_type(list),
    )
    for i, at in enumerate(drawn):
        if at is None:
            continue  # part of a cluster drawn at the place itself
        assert country_of(at[0], at[1], countries) == "Armenia", (events[i]["id"], at)
    assert sum(at is not None for at in drawn) >= len(places)


def test_the_ruler_measures_kilometres_along_the_great_circle(qtbot, map_view):
    map_view.fit_bounds(43.5, 37.5, 51.5, 41.5)
    settle(qtbot, map_view)
    target = map_view.web_view().focusProxy()
    bx, by = page(
        map_view,
        "(function () {"
        " var r = document.querySelector('.araz-ruler-button').getBoundingClientRect();"
        " var m = araz.map.getContainer().getBoundingClientRect();"
        " return [r.left - m.left + r.width / 2, r.top - m.top + r.height / 2]; })()",
    )
    QTest.mouseClick(
        target,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(round(bx), round(by)),
    )
    qtbot.waitUntil(lambda: page(map_view, "araz.ruler.active"), timeout=TIMEOUT)
    yerevan, baku = (40.1811, 44.5136), (40.4093, 49.8671)
    for lat, lon in (yerevan, baku):
        x, y = page(map_view, f"araz.containerPoint({lat}, {lon})")
        QTest.mouseClick(
            target,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            QPoint(round(x), round(y)),
        )
        qtbot.wait(300)
    qtbot.waitUntil(lambda: page(map_view, "araz.ruler.points.length") == 2, timeout=TIMEOUT)
    text = page(map_view, "document.querySelector('.araz-ruler-readout').textContent")
    # haversine, 6,371 km
    p1, p2 = math.radians(yerevan[0]), math.radians(baku[0])
    dl = math.radians(baku[1] - yerevan[1])
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    want = 2 * 6371 * math.asin(math.sqrt(a))
    km = float(text.split(" km")[0].replace(",", ""))
    assert abs(km - want) < 0.01 * want, (text, want)
    assert "great circle" in text
    arr = grab(qtbot, map_view)
    assert near_mask(arr, "#c2185b", 12).sum() > 200  # the line is drawn


def test_events_of_one_place_at_other_points_are_binned_at_their_own(qtbot, map_view):
    """The hexagons' pass takes the cell of the last event of the same place (the
    layer's group, when places hold 8 events or more on average) only for an event at
    the very same point: events a place's group holds at other points (a group is "to
    1e-4 degree", or any other numbering) are binned where they are, as with no groups."""
    settle(qtbot, map_view)
    script = """(function () {
      var D = window.araz.density, x = [0.6, 0.6, 0.61, 0.6, 0.62, 0.61, 0.6000001, 0.62];
      var y = [0.6, 0.6, 0.61, 0.6, 0.62, 0.605, 0.6, 0.62];
      var wx = Float64Array.from(x.concat(x)), wy = Float64Array.from(y.concat(y));
      var n = wx.length, scale = 256 * 64, ox = -0.595 * scale, oy = -0.595 * scale;
      function binned(group, places) {
        var layer = { n: n, wx: wx, wy: wy, wper: 1, visible: new Uint8Array(n).fill(1),
          group: group, groupCount: places ? new Uint32Array(places) : null };
        var bins = D.hexbin(layer, scale, ox, oy, 600, 600);
        return { count: bins.count, binOf: Array.from(D.binOf(layer)) };
      }
      var two = [0, 0, 0, 1, 1, 0, 1, 0];
      return [binned(null, 0), binned(Int32Array.from(two.concat(two)), 2),
        binned(new Int32Array(n), 1)];
    })()"""
    none, two, one = page(map_view, script)
    assert none == two == one
    assert sum(none["count"]) == 16 and len(none["count"]) == 4
    b = none["binOf"]
    assert b[0] == b[1] == b[3] == b[6] == b[8] and len({b[0], b[2], b[4], b[5]}) == 4
