"""Python reads the map page through numbered bridge operations with JSON answers
(``MapView.ask`` and ``MapView.request``), in order with the other calls, and fails
loudly: an unknown query, an unknown op, a wrong shape is a PageReadError that says so."""

from __future__ import annotations

import math
import os
import signal

import pytest

pytest.importorskip("pytestqt")
from map_support import (
    BAKU,
    TEHRAN,
    TIMEOUT,
    event,
    near,
    open_map_view,
    point,
    run_js,
    settle_map,
    steady_map_grab,
    wait_rendered,
    wheel_at,
)

from araz.qt.map import MapView
from araz.qt.map.page_json import PageReadError, numbers

pytestmark = pytest.mark.gui

RED, BLUE = "#d81b60", "#1e88e5"
EARTH_M = 40_075_016.686  # the equator's length in Web Mercator (EPSG:3857), metres


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot)


def leaflet_bounds(qtbot, view: MapView) -> list[float]:
    """(west, south, east, north) as Leaflet says, through the test-only window.araz."""
    text = run_js(qtbot, view, "araz.map.getBounds().toBBoxString()")
    return [float(v) for v in text.split(",")]


def load_two(qtbot, view: MapView) -> None:
    """Tehran in red, Baku in blue, the whole dataset fitted."""
    wait_rendered(qtbot, view, view.set_events([event("t", *TEHRAN, RED), event("b", *BAKU, BLUE)]))
    wait_rendered(qtbot, view, view.fit(["t", "b"]))
    settle_map(qtbot, view)


def test_view_bounds_follow_the_wheel(qtbot, map_view):
    load_two(qtbot, map_view)
    west0, south0, east0, north0 = map_view.ask("view_bounds")
    assert west0 < TEHRAN[1] < east0 and south0 < TEHRAN[0] < north0
    assert west0 < BAKU[1] < east0 and south0 < BAKU[0] < north0

    x, y = point(qtbot, map_view, *BAKU)
    wheel_at(qtbot, map_view, x, y, 3)
    settle_map(qtbot, map_view)
    west, south, east, north = map_view.ask("view_bounds")
    assert west < BAKU[1] < east and south < BAKU[0] < north
    assert not (south < TEHRAN[0] < north and west < TEHRAN[1] < east)  # zoomed past it
    assert east - west < (east0 - west0) / 2 and north - south < (north0 - south0) / 2
    assert [west, south, east, north] == pytest.approx(leaflet_bounds(qtbot, map_view), abs=1e-9)


def test_viewport_is_the_page_size(qtbot, map_view):
    map_view.resize(640, 410)
    qtbot.waitUntil(lambda: map_view.ask("viewport") == [640, 410], timeout=TIMEOUT)
    map_view.resize(700, 380)
    qtbot.waitUntil(lambda: map_view.ask("viewport") == [700, 380], timeout=TIMEOUT)


def test_metres_per_pixel_is_the_scale_at_the_centre(qtbot, map_view):
    load_two(qtbot, map_view)
    zoom, lat = run_js(qtbot, map_view, "[araz.map.getZoom(), araz.map.getCenter().lat]")
    want = EARTH_M * math.cos(math.radians(lat)) / (256 * 2**zoom)
    coarse = map_view.ask("metres_per_pixel")
    assert coarse == pytest.approx(want, rel=0.01)

    x, y = point(qtbot, map_view, *BAKU)
    wheel_at(qtbot, map_view, x, y, 2)
    settle_map(qtbot, map_view)
    assert map_view.ask("metres_per_pixel") < coarse / 1.5


def test_marker_probes_are_where_the_markers_are_drawn(qtbot, map_view):
    load_two(qtbot, map_view)
    probes = map_view.ask("marker_probes")
    assert len(probes) == 2
    grab = steady_map_grab(qtbot, map_view)
    for (x, y, rgb), place, colour in zip(probes, (BAKU, TEHRAN), (BLUE, RED), strict=True):
        assert (x, y) == pytest.approx(point(qtbot, map_view, *place), abs=1.5)
        assert rgb == tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        assert near(grab.pixelColor(round(x), round(y)), colour, 12)


def test_an_unknown_query_or_op_is_an_error_that_names_it(map_view):
    with pytest.raises(PageReadError, match="no_such_query"):
        map_view.ask("no_such_query")  # type: ignore[arg-type]
    with pytest.raises(PageReadError, match="no_such_op"):
        map_view.request("no_such_op", {})
    with pytest.raises(PageReadError, match="a list of 3 numbers"):
        map_view.ask("viewport", numbers(3))
    assert map_view.ask("viewport") == numbers(2)(map_view.ask("viewport"))  # still answers


def test_a_query_answers_after_the_calls_before_it(qtbot, map_view):
    """Sent in a row without waiting: each query sees the view the call before it made."""
    load_two(qtbot, map_view)
    map_view.fit_bounds(44.0, 38.0, 46.0, 40.0)
    west, south, east, north = map_view.ask("view_bounds")
    # exactly framed: the box (to a pixel's rounding) touches two opposite edges
    pixel = 0.005
    assert west <= 44.0 + pixel and east >= 46.0 - pixel
    assert south <= 38.0 + pixel and north >= 40.0 - pixel
    assert min(abs(west - 44.0) + abs(east - 46.0), abs(south - 38.0) + abs(north - 40.0)) < pixel
    assert east - west < 8

    map_view.go_to(*TEHRAN, 9)  # a flight: the answer waits until the map has arrived
    west, south, east, north = map_view.ask("view_bounds")
    assert (west + east) / 2 == pytest.approx(TEHRAN[1], abs=1e-3)
    assert south < TEHRAN[0] < north and east - west < 2.5
    assert run_js(qtbot, map_view, "araz.map.getZoom()") == 9

    map_view.fit(["b"])
    west, south, east, north = map_view.ask("view_bounds")
    assert west < BAKU[1] < east and south < BAKU[0] < north
    assert east - west < 8 and not (west < TEHRAN[1] < east and south < TEHRAN[0] < north)

    map_view.show_ids(["t"])  # the probes come from the drawing after it
    probes = map_view.ask("marker_probes")
    assert probes == [] or all(rgb == (0xD8, 0x1B, 0x60) for _x, _y, rgb in probes)
    map_view.fit(["t"])
    probes = map_view.ask("marker_probes")
    assert [rgb for _x, _y, rgb in probes] == [(0xD8, 0x1B, 0x60)]


def test_a_query_before_the_page_is_ready_waits_for_it(qtbot):
    view = MapView()  # deleted here: its page must go before the web engine
    view.resize(500, 300)
    view.show()
    assert not view.is_ready()
    try:
        assert view.ask("viewport") == [500, 300]
        assert view.is_ready()
    finally:
        view.close()
        view.deleteLater()
        qtbot.wait(50)


def test_export_ops_change_the_page(qtbot, map_view):
    zoom_buttons = "document.querySelectorAll('.leaflet-control-zoom').length"
    assert run_js(qtbot, map_view, zoom_buttons) == 1
    map_view.set_zoom_control(False)
    assert run_js(qtbot, map_view, zoom_buttons) == 0
    map_view.set_zoom_control(True)
    assert run_js(qtbot, map_view, zoom_buttons) == 1

    caption = "document.getElementById('araz-export-caption')"
    map_view.set_caption("<b>Title</b>", "Shown: 2 of 3 <i>events</i>")
    assert run_js(qtbot, map_view, f"{caption}.textContent") == (
        "<b>Title</b>Shown: 2 of 3 <i>events</i>"
    )
    assert run_js(qtbot, map_view, f"{caption}.querySelectorAll('b, i').length") == 0
    map_view.set_caption("Only a title")
    assert run_js(qtbot, map_view, f"{caption}.children.length") == 1
    map_view.set_caption(None)
    assert run_js(qtbot, map_view, f"!!{caption}") is False

    adjust = "document.documentElement.style.printColorAdjust"
    map_view.set_print_colors(True)
    assert run_js(qtbot, map_view, adjust) == "exact"
    map_view.set_print_colors(False)
    assert run_js(qtbot, map_view, adjust) == ""


def test_no_answer_in_time_or_a_dying_page_is_an_error(qtbot, map_view):
    """An answer that comes too late is dropped (the next question gets its own); a page
    whose renderer dies before answering is an error that says so, and the reloaded page
    answers again."""
    with pytest.raises(PageReadError, match="did not answer query"):
        map_view.ask("viewport", timeout_s=0)
    map_view.resize(610, 400)
    qtbot.waitUntil(lambda: map_view.ask("viewport") == [610, 400], timeout=TIMEOUT)

    os.kill(map_view._page.renderProcessPid(), signal.SIGKILL)
    with pytest.raises(PageReadError, match="reloaded before answering"):
        map_view.ask("view_bounds")
    qtbot.waitUntil(map_view.is_ready, timeout=TIMEOUT)
    assert map_view.ask("viewport") == [610, 400]


def test_answers_nobody_waits_for_are_dropped(qtbot, map_view):
    """A script in the page forges answers to the next fifty calls before they are made,
    and junk: the next question still gets the page's own answer."""
    first = map_view._seq + 1
    forge = (
        "window.__forged = 0; new QWebChannel(qt.webChannelTransport, function (c) {"
        " var b = c.objects.bridge; b.answered(-1, 'junk'); b.answered(null, null);"
        f" for (var s = {first}; s < {first + 50}; s++) b.answered(s, '{{\"ok\": [0, 0, 1, 1]}}');"
        " window.__forged = 1; });"
    )
    map_view.web_view().page().runJavaScript(forge)
    qtbot.waitUntil(lambda: run_js(qtbot, map_view, "window.__forged") == 1, timeout=TIMEOUT)
    qtbot.wait(300)  # the forged answers reach Python
    # the forging client took the page's transport over: reload, then ask
    with qtbot.waitSignal(map_view.ready, timeout=TIMEOUT):
        map_view.web_view().reload()
    assert map_view._seq < first + 50
    west, south, east, north = map_view.ask("view_bounds")
    assert east - west > 1 and north - south > 1


def test_a_query_skipped_with_replaced_events_is_answered(qtbot, map_view):
    """Events replaced before they were fetched are skipped with the calls made for them;
    a question among those calls is answered with an error, not left unanswered."""
    answers: dict[int, str] = {}
    map_view._bridge.page_answered.connect(lambda seq, text: answers.setdefault(seq, text))
    map_view.set_events([event("t", *TEHRAN)])  # fetched while the calls below arrive
    map_view.set_events([event("b", *BAKU)])  # replaced before it is fetched: skipped
    asked = map_view._call("query", {"what": "viewport"})
    wait_rendered(qtbot, map_view, map_view.set_events([event("x", *BAKU)]))
    qtbot.waitUntil(lambda: asked in answers, timeout=TIMEOUT)
    assert "replaced" in answers[asked]
    assert run_js(qtbot, map_view, "araz.events.idOf(0)") == "x"
