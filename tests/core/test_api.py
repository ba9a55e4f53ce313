"""The Python API for notebooks (araz.open, Events, araz.to_folium): the app's filter
semantics, the GeoDataFrame and Arrow table, an offline folium map with escaped text, and
errors that name the file.  No Qt."""

from __future__ import annotations

import doctest
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import folium
import pandas as pd
import pytest
from test_export import hostile_dataset

import araz
import araz.api
import araz.api.events
from araz.api import Events, OpenError
from araz.export.gis import COLUMNS
from araz.export.html import script_json
from araz.model import AppModel, Filter, FuzzyDate
from araz.model.dates import iso_day
from araz.paths import default_dataset
from araz.views.records import map_record
from support import require_tool

APP = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture(scope="module")
def events() -> Events:
    return araz.open(default_dataset())


def app_ids(ds, **changes) -> list[str]:
    """The ids the app shows after these changes to its model's filter."""
    model = AppModel(ds)
    model.update_filter(**changes)
    return [e.id for e, m in zip(ds.events, model.mask, strict=True) if m]


def test_open_the_bundled_dataset(events):
    assert len(events) == len(events.dataset) > 20
    assert events.problems == []
    assert events.ids == [e.id for e in events.dataset.events]
    assert [e.id for e in events] == events.ids
    assert "All events" in repr(events)


def test_filter_by_actor_and_dates_is_the_apps(events):
    ds = events.dataset
    iran = ds.expand_actors(["Iran"])
    window = (float(FuzzyDate.parse("2021").lower), float(FuzzyDate.parse("2022").upper))
    want = app_ids(ds, actors=iran, window=window)
    assert 0 < len(want) < len(ds)
    got = events.filter(actors="Iran", since="2021", until="2022")
    assert got.ids == want
    # chained filters AND together; an alias or another case names the same actor
    assert events.filter(actors="iran").filter(since=2021, until="2022").ids == want
    assert got.describe() == Filter(actors=frozenset(iran), window=window).describe(ds)
    # only the actors: every event whose main actor is Iran's, and "involved" finds more
    main = events.filter(actors=["Iran"])
    assert main.ids == app_ids(ds, actors=iran)
    involved = events.filter(actors="Iran", actor_match="involved")
    assert involved.ids == app_ids(ds, actors=iran, actor_match="involved")
    assert set(main.ids) < set(involved.ids)
    assert len(events) == len(events.dataset)  # the original is unchanged


def test_dates_as_text_numbers_or_date_objects(events):
    import datetime as dt

    by_text = events.filter(since="2021-03-01", until="2022-06-30").ids
    assert events.filter(since=dt.date(2021, 3, 1), until=dt.datetime(2022, 6, 30, 12)).ids == (
        by_text
    )
    assert events.filter(since=2022).ids == events.filter(since="2022").ids
    assert events.filter(actors=[]).ids == []  # no actor checked: nothing shows


def test_filter_by_text_and_category(events):
    ds = events.dataset
    assert events.filter(text="Araz").ids == app_ids(ds, text="Araz")
    category = ds.categories[0]
    by_category = events.filter(category=category)
    assert by_category.ids == app_ids(ds, categories={category})
    assert {e.category for e in by_category} == {category}


def test_the_issues_names_for_the_filters(events):
    ds = events.dataset
    category = ds.categories[0]
    by_issue = events.filter(categories=[category], start="2021", end="2022-06", search="Iran")
    by_app = events.filter(category=[category], since="2021", until="2022-06", text="Iran")
    assert 0 < len(by_issue) < len(events)
    assert by_issue.ids == by_app.ids
    assert by_issue.describe() == by_app.describe()
    for name, alias, value in (
        ("since", "start", "2021"),
        ("until", "end", "2022"),
        ("text", "search", "Iran"),
        ("category", "categories", category),
    ):
        alone = events.filter(**{alias: value})
        assert alone.ids == events.filter(**{name: value}).ids
        assert len(alone) < len(events), alias  # each alias filters on its own
        with pytest.raises(TypeError, match=f"both {name}= and {alias}="):
            events.filter(**{name: value, alias: value})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"actors": "Narnia"}, "no actor named 'Narnia'"),
        ({"since": "yesterday"}, "since='yesterday' is not a date"),
        ({"since": "2023", "until": "2021"}, "is after"),
        ({"category": "nope"}, "no category 'nope'"),
    ],
)
def test_filter_errors_say_what_is_wrong(events, options, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        events.filter(**options)


def test_to_geodataframe(events):
    iran = events.filter(actors="Iran")
    frame = iran.to_geodataframe()
    assert list(frame.columns) == [*COLUMNS, "geometry"]
    assert frame.crs.to_epsg() == 4326
    assert list(frame["id"]) == iran.ids
    ds = events.dataset
    for row in frame.itertuples():
        e = ds.event(row.id)
        assert list(row.actors) == [ds.actors[a].name for a in e.actors]
        assert row.date == e.date.edtf
        v = e.date.value
        if v.start is not None and v.end is not None:
            assert row.date_lower == iso_day(v.lower) <= row.date_upper == iso_day(v.upper)
        else:  # an open end has no bound
            assert pd.isna(row.date_upper if v.end is None else row.date_lower)
        rec = map_record(ds, e)
        if rec is None:
            assert row.geometry is None
        else:
            assert (row.geometry.x, row.geometry.y) == pytest.approx((rec["lon"], rec["lat"]))


def test_to_arrow(events):
    import pyarrow as pa

    table = events.filter(since="2022").to_arrow()
    assert table.column("id").to_pylist() == events.filter(since="2022").ids
    assert table.schema.field("actors").type == pa.list_(pa.string())
    assert table.schema.field("lat").type == pa.float64()
    assert table.num_rows == len(events.filter(since="2022"))


def offline_problems(page: str) -> list[str]:
    """What in the page would reach the network: scripts, styles or tiles from a URL."""
    found = re.findall(r"<script[^>]*\bsrc\s*=", page, flags=re.I)
    found += re.findall(r"<link[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//", page, flags=re.I)
    found += re.findall(r"url\(\s*[\"']?(?:https?:)?//", page, flags=re.I)
    found += re.findall(r"L\.tileLayer\(|https?://[^\s\"']*\{z\}", page)
    return found


def test_map_is_offline_and_escapes_the_titles(events):
    fmap = araz.to_folium(events.filter(actors="Iran"))
    assert isinstance(fmap, folium.Map)
    page = fmap.get_root().render()
    assert offline_problems(page) == []
    assert "Made with Natural Earth" in page
    placed = [e for e in events.filter(actors="Iran") if map_record(events.dataset, e)]
    assert placed
    for e in placed:
        assert script_json(e.title) in page  # as escaped JSON, set with textContent
    # only the shown events are on the map
    azerbaijan = events.filter(actors="Azerbaijan")
    other = next(e for e in placed if e.id not in azerbaijan.ids)
    assert script_json(other.title) not in azerbaijan.map().get_root().render()
    # the check sees a tile layer when there is one
    online = events.map(tiles="OpenStreetMap").get_root().render()
    assert offline_problems(online)


def test_maps_frame_the_events_unless_told(events):
    framed = events.map()
    page = framed.get_root().render()
    assert f"{framed.get_name()}.fitBounds(" in page
    there = events.map(location=[40.0, 47.0], zoom_start=6)
    assert f"{there.get_name()}.fitBounds(" not in there.get_root().render()


def test_map_of_hostile_text_shows_it_as_text():
    page = araz.to_folium(Events(hostile_dataset())).get_root().render()
    assert "<script>alert(1)" not in page
    assert "</script><script>" not in page
    assert script_json("</script><script>alert(1)</script>") in page
    assert "innerHTML" not in page.split("araz-card", 1)[-1]  # our code sets textContent


def chromium_dom(page: Path, tmp_path: Path) -> tuple[str, set[str]]:
    """The DOM headless Chromium builds from ``page``, and the URLs the page asked for
    (the net log lists every request; the browser's own housekeeping is initiated by
    'not an origin')."""
    chromium = require_tool("chromium", "chromium")
    log = tmp_path / "net.json"
    run = subprocess.run(
        [
            chromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
            "--disable-sync", "--disable-default-apps", "--metrics-recording-only",
            "--disable-features=NetworkTimeServiceQuerying",
            f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={log}",
            "--virtual-time-budget=5000", "--dump-dom", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "leaflet-container" in run.stdout, run.stderr[-2000:]
    events_log = json.loads(log.read_text(encoding="utf-8") or "{}") if log.exists() else {}
    asked = set()
    for ev in events_log.get("events", []):
        params = ev.get("params") or {}
        url, initiator = params.get("url"), params.get("initiator")
        if isinstance(url, str) and initiator not in (None, "not an origin"):
            asked.add(url)
    return run.stdout, asked


def test_map_renders_offline_in_chromium(events, tmp_path):
    out = tmp_path / "map.html"
    events.map().save(str(out))
    dom, asked = chromium_dom(out, tmp_path)
    places = {
        (round(r["lat"], 4), round(r["lon"], 4))
        for e in events
        if (r := map_record(events.dataset, e)) is not None
    }
    markers = re.findall(r'<path class="leaflet-interactive"[^>]*fill="(#[0-9A-Fa-f]{6})"', dom)
    assert len(markers) == len(places)
    assert "#D55E00" in markers  # Iran's colour
    assert "araz-legend" in dom
    assert not {u for u in asked if not u.startswith(("file:", "data:", "blob:"))}, asked


# run in the page: an alert marks the body; then a click on the (one) marker opens its popup
_PROBE = (
    """<script>window.alert = function () { document.body.dataset.alerted = "yes"; };</script>"""
)
_CLICK = """<script>setTimeout(function () {
  var marker = document.querySelector("path.leaflet-interactive");
  marker.dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: 1, clientY: 1 }));
}, 300);</script>"""


def test_popup_shows_hostile_text_as_text_in_chromium(tmp_path):
    out = tmp_path / "hostile.html"
    page = araz.to_folium(Events(hostile_dataset())).get_root().render()
    head = page.index("<head>") + len("<head>")
    page = page[:head] + _PROBE + page[head:].replace("</html>", _CLICK + "</html>")
    out.write_text(page, encoding="utf-8")
    dom, _ = chromium_dom(out, tmp_path)
    assert "data-alerted" not in dom
    popup = dom[dom.index("leaflet-popup-content") :]
    assert "2 events here" in popup  # e1 and e2 share Tehran
    assert (
        '<div class="araz-title">&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</div>'
        in popup
    )
    assert "=cmd|' /C calc'!A0" in popup


def test_a_missing_file_raises_with_its_name(tmp_path):
    missing = tmp_path / "no-such-events.gpkg"
    with pytest.raises(OpenError, match=r"no-such-events\.gpkg") as caught:
        araz.open(missing)
    assert caught.value.problems
    assert str(missing) in str(caught.value)
    wrong = tmp_path / "notes.txt"
    wrong.write_text("just some notes\n", encoding="utf-8")
    with pytest.raises(OpenError, match="not a format Araz reads"):
        araz.open(wrong)


def test_warnings_are_kept_as_problems(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"title": "A", "date": "2021-05-01"},
             "geometry": {"type": "Point", "coordinates": [47.0, 40.0]}},
            {"type": "Feature", "properties": {"title": "B", "date": "2021-05-02"},
             "geometry": None},
        ],
    }  # fmt: skip
    path = tmp_path / "two.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    events = araz.open(path)
    assert len(events) == 2
    assert any("no geometry" in p.message for p in events.problems)


def test_doctests():
    for module in (araz.api, araz.api.events):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_importing_araz_pays_for_nothing_heavy():
    code = (
        "import sys, araz, araz.export, araz.export.data, araz.export.gis\n"
        "heavy = {'geopandas', 'pandas', 'folium', 'araz.api'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
        "events = araz.open(__import__('araz.paths').paths.default_dataset())\n"
        "assert 'araz.api' in sys.modules\n"
        "heavy = {'geopandas', 'pandas', 'folium', 'PySide6'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "PYTHONPATH": str(APP)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr


def test_the_notebook_example_runs():
    text = (APP.parent / "docs" / "notebook.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, flags=re.S).group(1)
    assert len(code.strip().splitlines()) <= 10
    scope: dict = {}
    exec(compile(code, "docs/notebook.md", "exec"), scope)
    assert isinstance(scope["frame"], __import__("geopandas").GeoDataFrame)
    assert list(scope["frame"]["id"]) == scope["iran"].ids


def test_many_places_are_drawn_on_one_canvas(tmp_path):
    from araz.api.folium_map import SVG_UP_TO
    from araz.model import Dataset, Event, EventDate, Place, PlaceRef
    from araz.model.entities import Actor

    n = SVG_UP_TO + 1
    places = {
        f"p{i}": Place(f"p{i}", f"P{i}", "site", 38 + i % 60 / 20, 45 + i // 60 / 20)
        for i in range(n)
    }
    date = EventDate(FuzzyDate.parse("2022-05"), "May 2022")
    events = [Event(f"e{i}", f"E{i}", date, "", ("iran",), (PlaceRef(f"p{i}"),)) for i in range(n)]
    ds = Dataset(events, {"iran": Actor("iran", "Iran")}, places)
    out = tmp_path / "many.html"
    Events(ds).map().save(str(out))
    dom, _ = chromium_dom(out, tmp_path)
    assert "<canvas" in dom
    assert '<path class="leaflet-interactive"' not in dom  # no SVG marker
    few = tmp_path / "few.html"
    Events(ds).filter(text="E1").map().save(str(few))  # E1, E10…: far fewer places
    dom, _ = chromium_dom(few, tmp_path)
    assert "<canvas" not in dom
    assert '<path class="leaflet-interactive"' in dom
