"""The map's events payload: repeated texts sent once, columns, malformed payloads, and the
events going over the araz: scheme rather than the web channel (headless)."""

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

from araz.qt.map import MapView
from araz.qt.map.scheme import DataShelf
from araz.qt.map.view import (
    build_events,
    build_events_from_columns,
    read_events,
)

pytest.importorskip("pytestqt")

from map_support import (
    BAKU,
    HOSTILE,
    TEHRAN,
    TIMEOUT,
    event,
    open_map_view,
    run_js,
    wait_rendered,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot)


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
        assert column["c"].dtype == np.uint8, key  # a code of a 3-text table: a byte
    assert body["ids"] == [e["id"] for e in events]
    # the places in world units of 2^-32 (about 1 cm): their degrees within 1e-6
    assert body["lat"] == pytest.approx([e["lat"] for e in events], abs=1e-6)
    assert body["lon"] == pytest.approx([e["lon"] for e in events], abs=1e-6)
    x = [round((e["lon"] / 360 + 0.5) * 2**32) for e in events]
    assert body["x"].dtype == np.uint32 and body["x"].tolist() == x
    assert prepared.lat.tolist() == [e["lat"] for e in events]  # Python keeps them exact
    assert len(body["palette"]) == 1 and set(body["color"].tolist()) == {0}
    assert body["color"].dtype == np.uint8
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
    for key in ("x", "y", "place", "color", "radius"):
        assert body[key].ctypes.data % 8 == 0 or body[key].size == 0, key
    for key in ("title", "date", "actors"):
        assert body[key]["c"].ctypes.data % 8 == 0, key
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
        " araz.events.titles.codes instanceof Uint8Array, araz.events.titles.codes.length]",
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


def test_page_keeps_the_payloads_coordinates_as_they_came(qtbot, map_view):
    """The events' places are the payload's own Uint32Array columns (no Float64Array
    copy: 16 MB at a million events), read as world fractions exactly."""
    events = [event(f"e{i}", 38.0 + i * 0.01, 45.0 + i * 0.02) for i in range(200)]
    wait_rendered(qtbot, map_view, map_view.set_events(events))
    got = run_js(
        qtbot,
        map_view,
        "(function () { var e = araz.events;"
        " return [e.wx instanceof Uint32Array, e.wy instanceof Uint32Array,"
        " e.wper === Math.pow(2, -32), e.lat[7], e.lon[7], e.lat[199], e.lon[199]]; })()",
    )
    assert got[:3] == [True, True, True]
    assert got[3:] == pytest.approx([38.07, 45.14, 39.99, 48.98], abs=1e-6)


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
        "version": body[:4] + (1).to_bytes(4, "little") + body[8:],  # the format before
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
    served = map_view._shelf.get(f"/data/events/{seq}")
    assert served.body is prepared.body and bytes(served.readAll().data()) == prepared.body
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


def test_the_payload_is_read_from_its_source_when_the_page_fetches_it(qtbot, map_view):
    """A source's payload that moved (into a file's pages, as the views' cache does)
    after set_events is what the page fetches and draws; the view keeps no copy."""

    from araz.views.arrays import remapped

    events = shared_text_events(50)
    made = build_events(events)
    current = [made]
    seq = map_view.set_events(made, lambda: current[0])
    copy = np.frombuffer(bytearray(made.body), np.uint8)
    moved = remapped(made, copy, made.lat.copy(), made.lon.copy())
    current[0] = moved
    wait_rendered(qtbot, map_view, map_view.select("e7"))
    served = map_view._shelf.get(f"/data/events/{seq}")
    assert served.body is moved.body and bytes(served.readAll().data()) == made.body
    assert run_js(qtbot, map_view, "araz.events.n") == 50
    assert run_js(qtbot, map_view, "araz.events.selected") == 7
    # a fit reads the source's coordinates: the moved payload's
    moved.lat[7] = 10.0
    map_view.fit(["e7"])
    (south, _), (north, _) = map_view._state["fit"].payload["bounds"]
    assert south < 10.0 < north and made.lat[7] != 10.0


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
    # typed arrays straight off the fetched buffer; the degrees made from the world units
    # (when first read: by the popup, here)
    assert run_js(
        qtbot,
        map_view,
        "[araz.events.lat instanceof Float64Array, araz.events.titles.codes.buffer"
        " === araz.events.group.buffer, araz.events.group.buffer.byteLength]",
    ) == [True, True, map_view._shelf.get(f"/data/events/{seq}").size()]
    lat = run_js(qtbot, map_view, "Array.from(araz.events.lat.subarray(0, 20))")
    assert lat == pytest.approx([e["lat"] for e in events[:20]], abs=1e-6)
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

    size = map_view._shelf.get(f"/data/events/{second}").size()
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


def test_payload_carries_world_y_and_places_in_order_of_first_appearance():
    """The page draws from the payload's Web Mercator y and places (events at one point
    to 1e-4 degree share one, numbered as first met): worked out once by Python."""
    import math

    events = [
        event("a", 35.0, 51.0),
        event("b", 40.0, 49.0),
        event("c", 35.00004, 51.00004),  # the same point as a, to 1e-4 degree
        event("d", 89.9, -179.9),  # beyond Web Mercator's edge: drawn at it
        event("e", 40.0, 49.0),
    ]
    body = read_events(build_events(events).body)
    assert body["place"].tolist() == [0, 1, 0, 2, 1] and body["places"] == 3
    lats = [35.0, 40.0, 35.00004, 85.0511287798, 40.0]
    for got, lat in zip(body["y"].tolist(), lats, strict=True):
        phi = math.radians(lat)
        want = 0.5 - math.log(math.tan(math.pi / 4 + phi / 2)) / (2 * math.pi)
        assert got == round(want * 2**32)
    assert body["y"].ctypes.data % 8 == 0 and body["place"].ctypes.data % 8 == 0
    empty = read_events(build_events([]).body)
    assert empty["places"] == 0 and len(empty["wy"]) == 0 and len(empty["place"]) == 0
