"""The map's start: Python's calls go out once the page's channel is open (before its map
is built), the page draws them in its first frame, and the markers spread around a place
ask a small window of the country mask that answers as the whole view's does."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("pytestqt")

from map_support import TIMEOUT, event, open_map_view, run_js, wait_rendered

from araz.qt.map import MapView

pytestmark = pytest.mark.gui


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot, (1100, 760))


def test_calls_go_out_when_the_channel_opens_and_draw_with_the_map(qtbot):
    view = MapView()
    qtbot.addWidget(view)
    view.resize(900, 650)
    connected: list[bool] = []
    view._bridge.page_connected.connect(lambda: connected.append(view.is_ready()))
    seq = view.set_events([event(f"e{i}", 39.0 + i * 0.2, 46.0 + i * 0.2) for i in range(4)])
    last = view.show_ids(["e1", "e2"])
    assert seq < last
    with qtbot.waitSignal(view.ready, timeout=TIMEOUT):
        view.show()
    wait_rendered(qtbot, view, last)
    # connected came first, before the map was built (not ready yet then)
    assert connected == [False]
    assert run_js(qtbot, view, "araz.events.n") == 4
    assert run_js(qtbot, view, "Array.from(araz.events.visible)") == [0, 1, 1, 0]
    view.close()
    view.deleteLater()
    qtbot.wait(50)


# the windowed masks and the whole view's, asked about every slot of every place in view
COMPARE = """(function () {
  var e = araz.events, band = araz.basemap.current, m = araz.map;
  var size = e._bounds.getSize(), K = araz.eventConstants;
  var scale = 256 * Math.pow(2, m.getZoom()), o = m.getPixelOrigin();
  var ox = -o.x - e._bounds.min.x, oy = -o.y - e._bounds.min.y;
  var out = {places: 0, asked: 0, differ: 0, countries: {}};
  for (var i = 0; i < e.n; i++) {
    var x = e.wx[i] * (scale * e.wper) + ox, y = e.wy[i] * (scale * e.wper) + oy;
    if (x < 0 || y < 0 || x > size.x || y > size.y) continue;
    out.places++;
    var whole = e._countryMask(band, size, x, y, false);
    var part = e._countryMask(band, size, x, y, true);
    if (whole.home(x, y) !== part.home(x, y)) out.differ++;
    out.countries[whole.home(x, y)] = 1;
    for (var k = 0; k < K.SPREAD_MAX; k++) {
      out.asked++;
      var sx = x + K.SLOT_X[k], sy = y + K.SLOT_Y[k];
      if (whole.at(sx, sy) !== part.at(sx, sy)) out.differ++;
    }
  }
  out.countries = Object.keys(out.countries).length;
  return out;
})()"""


@pytest.mark.parametrize(
    "bounds",
    [(44.0, 38.5, 48.5, 41.5), (45.0, 39.0, 47.0, 40.5), (45.3, 38.8, 46.3, 39.4)],
    ids=["regional", "close", "closer"],
)
def test_a_window_of_the_country_mask_answers_as_the_whole_view(qtbot, map_view, bounds):
    rng = random.Random(7)
    # places around the borders of Armenia, Azerbaijan, Iran and Turkey
    events = [event(f"e{i}", rng.uniform(38.3, 41.3), rng.uniform(43.8, 48.7)) for i in range(300)]
    wait_rendered(qtbot, map_view, map_view.set_events(events))
    wait_rendered(qtbot, map_view, map_view.fit_bounds(*bounds))
    found = run_js(qtbot, map_view, COMPARE)
    assert found["places"] >= 10  # enough places, in several countries, to mean something
    assert found["countries"] >= 3
    assert found["asked"] == found["places"] * 19
    assert found["differ"] == 0
