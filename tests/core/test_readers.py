"""The readers of araz.io: ACLED CSV, GeoJSON, TimelineJS and StoryMapJS (read_path and
validate: test_read_path.py).

Hand-made fixtures (tests/data/readers/) pin each rule; the real files written by others
(tests/data/samples/) are read as they are.
"""

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from araz.io import read_path
from araz.io._common import plain_text
from araz.io.acled import read_acled
from araz.io.geojson import guess_columns, read_geojson
from araz.io.timelinejs import read_storymapjs, read_timelinejs

DATA = Path(__file__).resolve().parents[1] / "data"
READERS = DATA / "readers"
SAMPLES = DATA / "samples"
ROOT = Path(__file__).resolve().parents[2]


def _by_id(ds):
    return {e.id: e for e in ds.events}


def _place(ds, e):
    return ds.places[e.places[0].place] if e.places else None


# ---------------------------------------------------------------- ACLED


@pytest.fixture(scope="module")
def acled():
    return read_acled(READERS / "acled_current.csv")


def test_acled_current_reads_every_row_and_skips_the_hashtag_row(acled):
    assert acled.dataset is not None
    ids = [e.id for e in acled.dataset.events]
    assert ids == [
        "ARM1001",
        "ARM1002",
        "IRN2001",
        "AZE3001",
        "AZE3002",
        "AZE3003",
        "AZE3004",
        "ARM1003",
    ]
    assert acled.skipped == 0


def test_acled_dates_in_four_forms_and_precisions(acled):
    ev = _by_id(acled.dataset)
    assert ev["ARM1001"].date.edtf == "2023-01-27"  # 27 January 2023
    assert ev["AZE3001"].date.edtf == "2023-01-27"  # 27-Jan-23
    assert ev["ARM1002"].date.edtf == "2023-01-25/2023-01-31"  # 2023-01-28, the week around
    assert ev["IRN2001"].date.edtf == "2023-02"  # 15/02/2023, the month
    assert ev["ARM1001"].date.basis == "source"
    assert "week" in ev["ARM1002"].date.display


def test_acled_bad_date_kept_without_date_and_reported_on_its_physical_line(acled):
    ev = _by_id(acled.dataset)
    assert ev["AZE3002"].date is None
    msgs = [str(p) for p in acled.problems]
    # header 1, hashtag row 2, ARM1001 3, ARM1002 4-6 (multi-line notes), IRN2001 7…
    assert any(
        m.endswith(
            ":9: AZE3002: event date '32 January 2023' not understood"
            " (expected e.g. 27 January 2023 or 2023-01-27); kept under 'no date'"
        )
        for m in msgs
    ), msgs


def test_acled_bad_coordinates_kept_without_place_never_zero(acled):
    ev = _by_id(acled.dataset)
    assert ev["AZE3003"].places == () and ev["AZE3004"].places == ()
    lines = {p.line: p for p in acled.problems}
    assert "out of range" in lines[10].message and "swapped" in lines[10].message
    assert "nan" in lines[11].message
    assert all(lines[n].severity == "warning" for n in (9, 10, 11))
    assert len(acled.problems) == 3
    assert not any(p.lat == 0 and p.lon == 0 for p in acled.dataset.places.values())


def test_acled_places_radius_aliases_country(acled):
    ds = acled.dataset
    ev = _by_id(ds)
    kapan = _place(ds, ev["ARM1001"])
    assert _place(ds, ev["ARM1003"]) is kapan  # one place per (location, lat, lon)
    assert (kapan.name, kapan.kind, kapan.country, kapan.radius_m) == (
        "Kapan",
        "site",
        "Armenia",
        0,
    )
    assert (kapan.aliases, kapan.within) == ((), ("Syunik",))  # a region, not a name
    # searching the town finds it, not every event of its region; the region finds both
    assert set(ds.search_terms("Kapan")) == {"kapan"}
    in_kapan = {ds.events.ids[i] for i in ds.search_mask("Kapan").nonzero()[0]}
    assert {"ARM1001", "ARM1003"} <= in_kapan
    assert ds.search_mask("Syunik").sum() >= ds.search_mask("Kapan").sum()
    assert _place(ds, ev["ARM1002"]).radius_m == 25_000
    assert _place(ds, ev["IRN2001"]).radius_m == 100_000


def test_acled_actors_grouped_under_their_state(acled):
    ds = acled.dataset
    ev = _by_id(ds)
    a = [ds.actors[x] for x in ev["ARM1002"].actors]
    assert [x.name for x in a] == [
        "Military Forces of Azerbaijan (2003-)",
        "Civilians (Armenia)",
        "Women (Armenia)",
        "Children (Armenia)",
    ]
    assert [x.state for x in a] == ["azerbaijan", "armenia", "armenia", "armenia"]
    assert ds.actors["azerbaijan"].kind == "state"
    assert all(x.kind == "organisation" for x in a)
    assert len(set(ds.actors)) == len(ds.actors)
    assert {m.name for m in ds.members("armenia")} >= {"Military Forces of Armenia (2018-)"}
    # a row in Azerbaijan: Iran's government still belongs to Iran
    talks = [ds.actors[x] for x in ev["AZE3001"].actors]
    assert [x.state for x in talks] == ["azerbaijan", "iran"]


def test_acled_text_fields_na_multiline_extra(acled):
    ev = _by_id(acled.dataset)
    e = ev["ARM1002"]
    assert (
        e.summary
        == 'Shells hit a school.\nTwo teachers were hurt;\nthe report says "NA" for the count.'
    )
    assert e.extra["source"] == "NA" and e.extra["fatalities"] == "NA"  # text, not missing
    assert ev["ARM1001"].extra["fatalities"] == 2
    assert ev["ARM1001"].extra["source"] == "Azatutyun; Hetq"
    assert ev["ARM1001"].extra["sub_event_type"] == "Armed clash"
    assert ev["ARM1001"].category == "Battles"
    assert acled.dataset.categories[0] == "Battles"


def test_acled_legacy_hdx_sample_as_it_is():
    r = read_acled(SAMPLES / "acled_legacy_uppercase_hdx_fixture.csv")
    assert r.problems == [] and r.skipped == 0
    ds = r.dataset
    assert [e.date.edtf for e in ds.events] == [
        "2001-04-18",
        "2001-04-19",
        "2001-04-20",
        "2001-04-21",
    ]
    first = ds.events[0]
    assert first.id == "1416RTA"
    assert ds.actors[first.actors[0]].name == "Police Forces of Algeria (1999-)"
    assert ds.actors[first.actors[0]].state == "algeria"
    # ALLY_ACTOR_2 is the legacy name of assoc_actor_2
    assert "Berber Ethnic Group (Algeria)" in ds.actor_names(first)
    assert _place(ds, first).country == "Algeria"
    assert ds.events[1].extra["geo_precision"] == "3"


def test_acled_missing_columns_is_one_clear_problem(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    r = read_acled(p)
    assert r.dataset is None
    assert r.problems[0].line == 1 and "not an ACLED CSV" in r.problems[0].message


def test_acled_tab_or_semicolon_separated(tmp_path):
    src = (SAMPLES / "acled_legacy_uppercase_hdx_fixture.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(src)))
    for sep in ("\t", ";"):
        buf = io.StringIO()
        csv.writer(buf, delimiter=sep).writerows(rows)
        p = tmp_path / "x.csv"
        p.write_text(buf.getvalue(), encoding="utf-8")
        r = read_acled(p)
        assert r.problems == [] and len(r.dataset) == 4


def test_acled_cp1252_read_with_a_warning(tmp_path):
    src = (READERS / "acled_current.csv").read_text(encoding="utf-8-sig")
    p = tmp_path / "latin.csv"
    p.write_bytes(src.replace("Goris", "Göris").encode("cp1252"))
    r = read_acled(p)
    assert r.dataset is not None and len(r.dataset) == 8
    assert "Göris" in {pl.name for pl in r.dataset.places.values()}
    assert any("Windows-1252" in p.message and p.severity == "warning" for p in r.problems)


def test_acled_progress_and_cancel(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import write_acled_csv

    path = write_acled_csv(tmp_path / "s.csv", 2000, seed=1)
    seen: list[float] = []
    r = read_acled(path, progress=seen.append)
    assert len(r.dataset) == 2000 and r.problems == []
    assert 50 <= len(seen) <= 110 and seen[-1] == 1.0 and seen == sorted(seen)
    calls = []
    r = read_acled(path, cancel=lambda: calls.append(1) or len(calls) > 3)
    assert r.dataset is None and [p.message for p in r.problems] == ["cancelled"]


# ---------------------------------------------------------------- GeoJSON


def test_geojson_points_lines_polygons_and_dates():
    r = read_geojson(READERS / "geojson_mixed.geojson")
    ds = r.dataset
    ev = _by_id(ds)
    assert len(ds) == 7
    k = ev["kapan-shelling"]
    assert k.date.edtf == "2023-01-27"  # property 'Event_Date': any case
    assert [ds.actors[a].name for a in k.actors] == ["Azerbaijan", "Armenia"]
    assert k.summary == "Shells hit the town." and k.category == "Battles"
    assert k.extra == {"fatalities": 2}
    assert (_place(ds, k).lat, _place(ds, k).lon) == (39.2076, 46.4058)
    line = _place(ds, ev["feature-2"])
    assert line.geometry["type"] == "LineString" and line.has_point
    assert ev["feature-2"].date.edtf == "2020-09-27"  # ISO date-time
    poly = _place(ds, ev["feature-3"])
    assert poly.kind == "region" and 40.2 < poly.lat < 40.6 and 45.0 < poly.lon < 45.6
    assert ev["feature-3"].date.edtf == "2021-06"  # EDTF
    assert ev["feature-4"].date.edtf == "2020-09-27"  # epoch milliseconds
    assert ev["feature-6"].date.edtf == "2019" and ev["feature-6"].places == ()
    assert ev["feature-5"].date is None  # free text, reported
    assert ev["feature-7"].places == ()  # out of range, reported
    msgs = [p.message for p in r.problems]
    assert any(m.startswith("feature 5:") and "not understood" in m for m in msgs)
    assert any(m.startswith("feature 6:") and "no geometry" in m for m in msgs)
    assert any(m.startswith("feature 7:") and "out-of-range" in m for m in msgs)


def test_geojson_chosen_properties(tmp_path):
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"when": "1828-02-10", "who": "Persia;Russia", "date": "x"},
                "geometry": {"type": "Point", "coordinates": [46.75, 38.95]},
            }
        ],
    }
    p = tmp_path / "c.geojson"
    p.write_text(json.dumps(fc), encoding="utf-8")
    r = read_geojson(p, date_property="when", actor_property="who")
    e = r.dataset.events[0]
    assert e.date.edtf == "1828-02-10"
    assert [r.dataset.actors[a].name for a in e.actors] == ["Persia", "Russia"]
    assert read_path(p, date_property="when").dataset.events[0].date.edtf == "1828-02-10"


def test_geojson_progress_and_cancel(tmp_path):
    feature = {"type": "Feature", "properties": {"date": "2023"}, "geometry": None}
    p = tmp_path / "many.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": [feature] * 500}))
    seen: list[float] = []
    r = read_path(p, progress=seen.append)
    assert len(r.dataset) == 500 and seen[-1] == 1.0 and len(seen) > 50
    r = read_path(p, cancel=lambda: True)
    assert r.dataset is None and r.problems[0].message == "cancelled"


def test_guess_columns():
    g = guess_columns(READERS / "geojson_mixed.geojson")
    assert g["properties"][:4] == ["Event_Date", "name", "actor", "category"]
    assert (g["date"], g["actor"], g["title"], g["features"]) == ("Event_Date", "actor", "name", 7)
    assert g["problems"] == []
    assert guess_columns(READERS / "acled_current.csv")["problems"]


# ---------------------------------------------------------------- TimelineJS


def test_timelinejs_deep_time_bce_html_and_lanes():
    r = read_timelinejs(READERS / "timelinejs_deeptime.json")
    ds = r.dataset
    ev = ds.events
    assert ds.title == "Deep time to the Araz"  # the title slide: no date, not an event
    assert len(ev) == 6
    assert ev[0].date.edtf == "Y-13799999999" and ev[0].date.display == "13800000000 BCE"
    assert ev[1].date.edtf == "-0043-03-15" and "44 BCE" in ev[1].date.display
    assert ev[1].summary == "Caesar's end & Rome’s turn."
    assert ev[1].extra == {"credit": "Wikimedia"}
    t = ev[2]
    assert t.id == "turkmenchay"
    assert t.title == "Treaty of Turkmenchay signed."  # empty headline: from the text
    assert t.summary == "Treaty of Turkmenchay signed."
    assert "<" not in t.summary and "alert" not in t.summary
    assert t.date.edtf == "1828/1828-02-10"
    assert _place(ds, t).name == "Turkmenchay"
    assert [e.category for e in ev[:3]] == ["Cosmos", "Antiquity", "Treaties"]
    assert ev[3].date.edtf == "2020"  # month 13 dropped, reported
    assert _place(ds, ev[3]).lat == 39.8  # numbers given as text
    assert ev[4].title == "Untitled event (row 5)" and ev[4].date is None
    assert ev[5].date is None and ev[5].places == ()
    msgs = [p.message for p in r.problems]
    assert "event 5: no date: listed under 'no date'" in msgs
    assert any("month 13" in m for m in msgs)
    assert any(m.startswith("event 6:") and "out of range" in m for m in msgs)


def test_timelinejs_marktwain_sample_as_it_is():
    r = read_timelinejs(SAMPLES / "timelinejs_marktwain.json")
    ds = r.dataset
    assert r.problems == []
    assert len(ds) == 17  # the 'title' slide has no date: the dataset's title, not an event
    assert sum(1 for e in ds.events if e.places) == 12
    assert ds.title.startswith("Samuel Langhorne Clemens")
    assert ds.events[0].extra["type"] == "overview"
    assert ds.events[2].date.edtf == "1920-01-05/1923-01-05"
    assert ds.events[-1].date.edtf == "2014"  # empty month and day
    assert ds.events[3].title == "Untitled event (row 4)"
    assert "credit" not in ds.events[3].extra  # a null credit
    assert all("<" not in e.summary for e in ds.events)


def test_storymapjs_sochi_sample_no_dates_listed_never_dropped():
    r = read_storymapjs(SAMPLES / "storymapjs_sochi.json")
    ds = r.dataset
    assert ds.title == "Sochi 2014 Olympic Torch Relay Highlights"
    assert len(ds) == 10  # the overview slide without a location is not an event
    assert all(e.date is None and e.places for e in ds.events)
    assert len(r.problems) == 10
    assert all(
        p.severity == "warning" and p.message.endswith("no date: listed under 'no date'")
        for p in r.problems
    )
    assert len(ds.places) == 9  # two slides share a location
    assert all("&nbsp;" not in e.summary and "<" not in e.summary for e in ds.events)


def test_storymapjs_dates_free_text_and_titles():
    r = read_storymapjs(READERS / "storymapjs_dates.json")
    ev = r.dataset.events
    assert r.dataset.title == "Along the Araz"
    assert [e.date.edtf if e.date else None for e in ev] == ["2023-01-27", None, None, "1828"]
    assert ev[1].extra["date_text"] == "Spring 1920"
    assert ev[2].title.endswith("…") and len(ev[2].title) <= 81
    msgs = [p.message for p in r.problems]
    assert any("'Spring 1920' not understood" in m for m in msgs)
    assert any(m.startswith("slide 5") and "no location" in m for m in msgs)


@pytest.mark.parametrize(
    "html, text",
    [
        ("<script>alert('x')</script><p>Hi</p>", "Hi"),
        ("<span>a&nbsp;b</span><br>c", "a b\nc"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;ok", "ok"),
        ("<img src=x onerror=alert(1)>pic", "pic"),
        ("<style>p{}</style><b>bold</b>   and\n\n  more", "bold and more"),
        ("a < b & c", "a < b & c"),
        ("<a href='javascript:x'>link</a>", "link"),
    ],
)
def test_plain_text_never_keeps_html(html, text):
    assert plain_text(html) == text


@given(st.text(alphabet=st.sampled_from(list("<>/&;#ab =\"'scriptxl\n")), max_size=60))
def test_plain_text_has_no_tags_for_any_input(s):
    out = plain_text(s)
    assert "<script" not in out.lower()
    assert not any(out[i] == "<" and out[i + 1 : i + 2].isalpha() for i in range(len(out)))
