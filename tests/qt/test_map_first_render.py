"""The map's first render (issue #19): its scripts come as two bundles, the regional band
from its binary file, the basemap's paths projected only where the canvas shows them,
and the map drawn so is the very picture it was before."""

from __future__ import annotations

import re
import shutil

import pytest

pytest.importorskip("pytestqt")

from map_support import TIMEOUT, near, point, run_js, steady_map_grab, wait_rendered

from araz.paths import resource
from araz.qt.map import MapView
from araz.qt.map.page_json import boolean
from araz.qt.map.scheme import read

LAND = "#ecebe5"  # map-base.js FILL.other: a country outside the three
BINARY_USED = "!!araz.basemap.data.bands[0].countries.features[0].geometry.arazRings"


def shown_map(qtbot, size=(900, 650)) -> MapView:
    """A map shown and loaded, its canvases grown to their pan margins already (as they
    are once the page is first idle: clipped wider, a path is simplified otherwise, and
    its edges' anti-aliasing differs)."""
    view = MapView()
    view.resize(*size)
    with qtbot.waitSignal(view.ready, timeout=TIMEOUT):
        view.show()
    assert view.request("pan_margin", {"shown": True}, boolean) is True
    return view


def dispose(qtbot, view: MapView) -> None:
    view.close()
    view.deleteLater()  # pages must go before the web engine shuts down with the app
    qtbot.wait(50)


def test_page_is_served_with_its_scripts_in_two_bundles():
    listed = resource("web", "map.html").read_text(encoding="utf-8")
    sources = re.findall(r'<script src="([^"]+)"></script>', listed)
    served = read("/web/map.html")[0].decode()
    assert re.findall(r'<script src="([^"]+)"></script>', served) == ["bundle/1.js", "bundle/2.js"]
    # the channel's bundle ends with map-channel.js; the rest, in map.html's order, after it
    cut = sources.index("map-channel.js") + 1
    for number, names in ((1, sources[:cut]), (2, sources[cut:])):
        bundle, mime = read(f"/web/bundle/{number}.js")
        assert mime.startswith(b"text/javascript")
        at = 0
        for src in names:
            path = "/" + src.replace("../", "") if src.startswith("../") else "/web/" + src
            text = read(path)[0].rstrip()
            found = bundle.find(text, at)
            assert found >= at, (number, src)
            at = found + len(text)
        assert bundle[at:].strip() == b";"
    assert read("/web/bundle/3.js") is None


def test_start_bundle_leaves_out_what_the_first_view_does_not_draw():
    """The regional band's JSON text (the page reads regional.bin) and the world beyond
    the regional box (fetched when a view first needs it) are not in the page's scripts:
    bundle 2, Leaflet and every map script with it, weighs well under basemap.js and
    world.js alone."""
    bundle = read("/web/bundle/2.js")[0]
    assert b'"binary":"regional.bin"' in bundle
    for name, before in (("basemap.js", '"json":'), ("world.js", "= ")):
        text = resource("basemap", name).read_text(encoding="utf-8")
        at = text.index(before)  # the regional band's, the world's JSON text
        assert text[at : at + 200].encode() not in bundle, name
    heavy = resource("basemap", "basemap.js").stat().st_size
    heavy += resource("basemap", "world.js").stat().st_size
    assert len(bundle) < 0.6 * heavy, (len(bundle), heavy)


def test_regional_band_from_its_binary_file_draws_the_same_map(qtbot, monkeypatch, tmp_path):
    view = shown_map(qtbot)
    assert run_js(qtbot, view, BINARY_USED) is True
    wait_rendered(qtbot, view, view.sync())
    from_binary = steady_map_grab(qtbot, view)
    dispose(qtbot, view)

    # the same basemap without its binary file: the page reads the band's JSON text from
    # basemap.js (its own script, start.js, has none of it) and parses it
    for name in ("start.js", "labels.js", "basemap.js", "world.js", "detail.json", "places.json"):
        shutil.copy(resource("basemap", name), tmp_path / name)
    monkeypatch.setenv("ARAZ_BASEMAP_DIR", str(tmp_path))
    view = shown_map(qtbot)
    assert run_js(qtbot, view, BINARY_USED) is False
    assert run_js(qtbot, view, "araz.basemap.current.name") == "regional"
    wait_rendered(qtbot, view, view.sync())
    from_json = steady_map_grab(qtbot, view)
    dispose(qtbot, view)
    assert from_binary.size() == from_json.size()
    assert from_binary == from_json  # every pixel


PROJECTED = """(function () {
  var out = {all: 0, projected: []};
  araz.basemap.layers.regional.eachLayer(function (group) {
    group.eachLayer(function (path) {
      out.all++;
      if (path._rings) out.projected.push(L.stamp(path));
    });
  });
  return out;
})()"""


def test_paths_are_projected_when_the_canvas_first_reaches_them(qtbot):
    view = shown_map(qtbot)
    try:
        first = run_js(qtbot, view, PROJECTED)
        # the home view (and the margin drawn around it) holds a small part of the band
        assert first["all"] > 200 and len(first["projected"]) < first["all"] / 2, first
        # Kazakhstan, far from the first view: drawn there, its land filled
        wait_rendered(qtbot, view, view.fit_bounds(62.0, 45.0, 72.0, 52.0))
        wait_rendered(qtbot, view, view.sync())
        then = run_js(qtbot, view, PROJECTED)
        assert set(then["projected"]) - set(first["projected"]), (first, then)
        image = steady_map_grab(qtbot, view)
        x, y = point(qtbot, view, 48.5, 67.0)
        assert near(image.pixelColor(x, y), LAND, 8), image.pixelColor(x, y).name()
    finally:
        dispose(qtbot, view)


SIZES_NOW = """(function () {
  // the labels' texts measured again, in the built map (as the page measured them once
  // Leaflet had made it), against the sizes measured before Leaflet loaded
  var feats = window.ARAZ_BASEMAP_LABELS.features;
  var again = araz.labelNodes(feats, araz.map.getContainer());
  var early = {};
  araz.basemap.labels.forEach(function (l) { early[l.name + "|" + l.kind] = [l.w, l.h]; });
  return feats.map(function (f, i) {
    var key = f.properties.name + "|" + f.properties.kind;
    return [key, early[key], [again[i].w, again[i].h]];
  });
})()"""


def test_labels_measured_before_the_map_is_built_have_their_sizes_in_it(qtbot):
    """The labels come in the first bundle and are made and measured while Leaflet and
    the map scripts load: each has the size it has in the built map."""
    view = shown_map(qtbot)
    try:
        rows = run_js(qtbot, view, SIZES_NOW)
        assert len(rows) > 150
        assert run_js(qtbot, view, "araz.earlyLabels === null") is True  # made, then taken
        for key, early, again in rows:
            assert early == again and early[0] > 0, key
    finally:
        dispose(qtbot, view)


BOXES = """(function () {
  // each country's box of metres as read with the binary band, and over its rings again
  return araz.basemap.data.bands[0].countries.features.map(function (f) {
    var m = [Infinity, Infinity, -Infinity, -Infinity];
    f.geometry.arazPolys.forEach(function (rings) {
      rings.forEach(function (xy) {
        for (var k = 0; k < xy.length; k += 2) {
          m[0] = Math.min(m[0], xy[k]);
          m[1] = Math.min(m[1], xy[k + 1]);
          m[2] = Math.max(m[2], xy[k]);
          m[3] = Math.max(m[3], xy[k + 1]);
        }
      });
    });
    return [f.properties.name, f.arazBox, m];
  });
})()"""


def test_countries_come_with_their_boxes_from_the_binary_band(qtbot):
    """The countries' boxes (where a name may go) are worked out as the band is read,
    while the page waits for its scripts: the very boxes of their vertices."""
    view = shown_map(qtbot)
    try:
        rows = run_js(qtbot, view, BOXES)
        assert len(rows) > 40
        for name, box, again in rows:
            assert box == again, name
    finally:
        dispose(qtbot, view)


SLOTS = """(function () {
  // the spread's slots per place in view, with the shortcut for places far from any
  // country's edge (map-base-land.js's _edgesNear) and with the country mask alone
  var ev = araz.events, bm = araz.basemap, b = ev._bounds.min, size = ev._bounds.getSize();
  var scale = 256 * Math.pow(2, araz.map.getZoom()), o = araz.map.getPixelOrigin();
  var ox = -o.x - b.x, oy = -o.y - b.y;
  function slots() {
    var out = {};
    ev._allowedSlots(scale, ox, oy, size).forEach(function (list, g) { out[g] = list; });
    return out;
  }
  var quick = slots(), calls = 0, edgesNear = bm._edgesNear;
  bm._edgesNear = function () { calls++; return edgesNear.apply(this, arguments); };
  slots();
  bm._edgesNear = function () { return true; }; // an edge near every place: the mask decides
  ev._maskKey = null;
  var masked = slots();
  delete bm._edgesNear;
  var far = 0;
  Object.keys(quick).forEach(function (g) { if (quick[g].length === 19) far++; });
  return {quick: quick, masked: masked, calls: calls, far: far};
})()"""


def test_spread_slots_far_from_any_border_need_no_country_mask(qtbot):
    """A place with no country's edge near keeps every ring slot without painting the
    country mask; the slots are those the mask gives, near a border or not."""
    from araz.io.curated import read_curated
    from araz.paths import default_dataset
    from araz.views.records import map_records

    view = shown_map(qtbot, (1200, 800))
    try:
        records = map_records(read_curated(default_dataset()).dataset)
        wait_rendered(qtbot, view, view.set_events(records))
        for bounds in (None, (44.5, 38.5, 49.0, 41.5)):  # the home view, then closer
            if bounds is not None:
                wait_rendered(qtbot, view, view.fit_bounds(*bounds))
            got = run_js(qtbot, view, SLOTS)
            assert got["quick"] == got["masked"] and got["quick"], got
            assert got["calls"] == len(got["quick"]) and got["far"] >= 1, got
            # and some place is near a border: the mask decided there
            assert any(len(v) < 19 for v in got["masked"].values()), got
    finally:
        dispose(qtbot, view)
