"""KML/KMZ export: valid KML 2.2 that Google Earth's time slider plays (TimeStamp/TimeSpan
from the EDTF bounds, the app's colours in aabbggrr), hostile text kept as plain text in
valid XML, read back by GDAL and by Araz's own KML reader; ``araz export -o x.kml``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pyogrio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from araz.cli import main
from araz.export import ExportError, build_filter, select
from araz.export.data import export_data, export_note
from araz.export.kml import esc, kml_bytes, kml_colour, write_kml, xml_text
from araz.io import read_path
from araz.model.dataset import Dataset
from araz.model.dates import FuzzyDate, iso_day
from araz.model.entities import Actor, Event, EventDate, Place, PlaceRef
from araz.paths import default_dataset
from araz.views.records import map_record

NS = "{http://www.opengis.net/kml/2.2}"
DATA = Path(__file__).resolve().parents[1] / "data"
HOSTILE = "<script>alert(1)</script> ]]> & \x00\x01\x0b\x1f\x7f \ufffe \ud800 a\r\nb"
HOSTILE_CLEAN = "<script>alert(1)</script> ]]> & \ufffd\ufffd\ufffd\ufffd\x7f \ufffd \ufffd a\nb"


@pytest.fixture(scope="module")
def bundled() -> Dataset:
    result = read_path(default_dataset())
    assert result.dataset is not None
    return result.dataset


def placemarks(path) -> list[ET.Element]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{NS}kml"
    docs = root.findall(f"{NS}Document")
    assert len(docs) == 1
    return docs[0].findall(f"{NS}Placemark")


def data(mark: ET.Element) -> dict[str, str]:
    out = {}
    for d in mark.iter(f"{NS}Data"):
        out[d.get("name")] = d.findtext(f"{NS}value")
    return out


def styles(path) -> dict[str, str]:
    """Style id -> IconStyle colour."""
    doc = ET.parse(path).getroot().find(f"{NS}Document")
    return {s.get("id"): s.findtext(f"{NS}IconStyle/{NS}color") for s in doc.iter(f"{NS}Style")}


def bounds(e: Event) -> tuple[str | None, str | None]:
    if e.date is None:
        return None, None
    v = e.date.value
    lower = iso_day(v.lower) if v.start is not None else None
    upper = iso_day(v.upper) if v.end is not None else None
    return lower, upper


def test_kml_colour_is_aabbggrr():
    assert kml_colour("#D55E00") == "ff005ed5"
    assert kml_colour("#0072b2") == "ffb27200"


def test_bundled_dataset_as_kml(bundled, tmp_path):
    path = write_kml(bundled, None, tmp_path / "araz.kml")
    marks = placemarks(path)
    placed = [e for e in bundled.events if map_record(bundled, e) is not None]
    assert 0 < len(placed) < len(bundled)  # the bundled data has unplaced events too
    assert [data(m)["id"] for m in marks] == [e.id for e in placed]
    colour_of = styles(path)
    stamps = spans = lines = quoted = 0
    for mark, e in zip(marks, placed, strict=True):
        assert mark.findtext(f"{NS}name") == e.title
        lower, upper = bounds(e)
        stamp, span = mark.find(f"{NS}TimeStamp"), mark.find(f"{NS}TimeSpan")
        if lower is not None and lower == upper:
            stamps += 1
            assert span is None and stamp is not None
            assert stamp.findtext(f"{NS}when") == lower
        else:
            spans += 1
            assert stamp is None and span is not None
            assert span.findtext(f"{NS}begin") == lower
            assert span.findtext(f"{NS}end") == upper
        style = mark.findtext(f"{NS}styleUrl")
        assert style.startswith("#")
        want = bundled.colour(e).lower()  # "#rrggbb"
        assert colour_of[style[1:]] == "ff" + want[5:7] + want[3:5] + want[1:3]
        rec = map_record(bundled, e)
        point = mark.find(f"{NS}Point")
        if "to" in rec:
            lines += 1
            text = mark.findtext(f"{NS}LineString/{NS}coordinates")
            ends = [tuple(map(float, c.split(","))) for c in text.split()]
            assert ends == [(rec["lon"], rec["lat"]), (rec["to"]["lon"], rec["to"]["lat"])]
        else:
            lon, lat = map(float, point.findtext(f"{NS}coordinates").split(","))
            assert (lon, lat) == pytest.approx((rec["lon"], rec["lat"]), abs=1e-7)
        d = data(mark)
        assert d["date"] == e.date.edtf
        assert d["actors"] == "; ".join(bundled.actors[a].name for a in e.actors)
        assert d["certainty"] == e.certainty
        assert "time_note" not in d
        desc = mark.findtext(f"{NS}description")
        assert e.summary in desc and e.date.display in desc
        if e.quotes:  # the seed article's sentence is the source
            quoted += 1
            assert f"“{e.quotes[0].text}" in desc.split("\nSource: ", 1)[1]
    assert stamps and spans and lines and quoted  # every kind of placemark is exercised
    assert len(colour_of) == len({bundled.colour(e) for e in placed})  # one Style a colour
    raw = path.read_text(encoding="utf-8")
    assert "CDATA" not in raw and "href" not in raw and "http://" not in raw.replace(NS[1:-1], "")


def test_unplaced_events_are_counted(bundled, tmp_path):
    shown = select(bundled)
    unplaced = [e for e in bundled.events if map_record(bundled, e) is None]
    path = export_data(shown, tmp_path / "all.kml")
    assert len(placemarks(path)) == len(bundled) - len(unplaced)
    note = export_note(shown, path)
    assert note == f"{len(unplaced)} shown events without a place left out of the KML"
    desc = ET.parse(path).getroot().findtext(f"{NS}Document/{NS}description")
    assert f"{len(unplaced)} without a place" in desc
    assert export_note(shown, tmp_path / "all.csv") is None
    only_placed = select(bundled)
    mask = only_placed.mask & ~bundled.unplaced_mask
    assert export_note(type(shown)(bundled, shown.filter, mask), path) is None


def _dataset(events: list[Event], title: str = "t") -> Dataset:
    actors = {"iran": Actor("iran", "Iran")}
    places = {
        "teh": Place("teh", "Tehran", "city", 35.6892, 51.389),
        "nowhere": Place("nowhere", "Nowhere", "region"),
    }
    return Dataset(events, actors, places, title=title)


def _event(eid: str, edtf: str | None, title: str = "x", place: str = "teh") -> Event:
    date = EventDate(FuzzyDate.parse(edtf), edtf) if edtf else None
    return Event(eid, title, date, "", ("iran",), (PlaceRef(place),))


def test_hostile_text_round_trips_as_text(tmp_path):
    e = Event(
        "e1", HOSTILE, EventDate(FuzzyDate.parse("2023-01-27"), "27 January 2023"),
        HOSTILE, ("iran",), (PlaceRef("teh"),), HOSTILE,
    )  # fmt: skip
    ds = _dataset([e], title=HOSTILE)
    path = write_kml(ds, None, tmp_path / "hostile.kml")
    raw = path.read_bytes()
    assert b"<script>" not in raw and b"CDATA" not in raw
    assert b"&lt;script&gt;" in raw and b"]]&gt;" in raw and b"&amp;" in raw
    root = ET.parse(path).getroot()  # valid XML: the parser would raise
    name = root.findtext(f"{NS}Document/{NS}name")  # on one line
    assert name.startswith("<script>alert(1)</script> ]]> & ") and name.endswith(" a b")
    (mark,) = placemarks(path)
    assert mark.findtext(f"{NS}name") == HOSTILE_CLEAN
    assert mark.findtext(f"{NS}description").startswith(HOSTILE_CLEAN + "\n")
    assert data(mark)["category"] == HOSTILE_CLEAN
    frame = pyogrio.read_dataframe(path)  # and GDAL reads it
    assert list(frame["Name"]) == [HOSTILE_CLEAN]


@given(st.text())
def test_any_text_makes_valid_xml(text):
    clean = xml_text(text)
    assert "\r" not in clean
    elem = ET.fromstring(f'<a b="{esc(text)}">{esc(text)}</a>'.encode())
    assert (elem.text or "") == clean
    assert elem.get("b") == clean.replace("\n", " ").replace(
        "\t", " "
    )  # attribute-value normalization


def test_times_open_ends_and_deep_time(tmp_path):
    events = [
        _event("day", "2021-06-05"),
        _event("month", "2021-06"),
        _event("from", "2021-06/.."),
        _event("until", "../2021"),
        _event("caesar", "-0044-03-15"),
        _event("year0", "0000"),
        _event("far", "Y170000002"),
        _event("across", "-0500/2020"),
        _event("undated", None),
        _event("unplaced", "2021", place="nowhere"),
    ]
    ds = _dataset(events)
    marks = {data(m)["id"]: m for m in placemarks(write_kml(ds, None, tmp_path / "t.kml"))}
    assert "unplaced" not in marks and len(marks) == len(events) - 1

    def when(eid):
        m = marks[eid]
        stamp, span = m.find(f"{NS}TimeStamp"), m.find(f"{NS}TimeSpan")
        if stamp is not None:
            return ("stamp", stamp.findtext(f"{NS}when"))
        if span is not None:
            return ("span", span.findtext(f"{NS}begin"), span.findtext(f"{NS}end"))
        return None

    assert when("day") == ("stamp", "2021-06-05")
    assert when("month") == ("span", "2021-06-01", "2021-06-30")
    assert when("from") == ("span", "2021-06-01", None)
    assert when("until") == ("span", None, "2021-12-31")
    assert when("undated") is None and "time_note" not in data(marks["undated"])
    for eid in ("caesar", "year0", "far", "across"):
        assert when(eid) is None, eid
        assert "outside the years 1 to 9999" in data(marks[eid])["time_note"]
        assert data(marks[eid])["date"] == ds.event(eid).date.edtf  # the EDTF is kept


def test_gdal_reads_the_same_names_and_coordinates(bundled, tmp_path):
    shown = select(bundled, build_filter(bundled, actors=["Iran"]))
    path = write_kml(bundled, shown.mask, tmp_path / "iran.kml")
    placed = [bundled.event(i) for i in shown.shown_ids]
    placed = [e for e in placed if map_record(bundled, e) is not None]
    frame = pyogrio.read_dataframe(path)
    assert list(frame["Name"]) == [e.title for e in placed]
    assert list(frame["id"]) == [e.id for e in placed]
    for geom, e in zip(frame.geometry, placed, strict=True):
        rec = map_record(bundled, e)
        first = geom.coords[0]
        assert first == pytest.approx((rec["lon"], rec["lat"]), abs=1e-7)
        assert geom.geom_type == ("LineString" if "to" in rec else "Point")


def mark_is_stamp(e: Event) -> bool:
    lower, upper = bounds(e)
    return lower is not None and lower == upper


@pytest.mark.parametrize("suffix", [".kml", ".kmz"])
def test_araz_reads_back_ids_titles_dates_and_places(bundled, tmp_path, suffix):
    path = write_kml(bundled, None, tmp_path / f"araz{suffix}")
    if suffix == ".kmz":
        with zipfile.ZipFile(path) as z:
            assert z.namelist() == ["doc.kml"]
            assert z.read("doc.kml") == kml_bytes(bundled)
    back = read_path(path).dataset
    assert back is not None
    placed = [e for e in bundled.events if map_record(bundled, e) is not None]
    assert [e.id for e in back.events] == [e.id for e in placed]
    for got, e in zip(back.events, placed, strict=True):
        assert got.title == e.title
        # the same days (the reader joins the EDTF ``date`` field with the TimeSpan's
        # ``end``: ``2022-03`` comes back as ``2022-03/2022-03-31``)
        assert got.date is not None
        assert (got.date.value.lower, got.date.value.upper) == (
            e.date.value.lower,
            e.date.value.upper,
        )
        if "/" in e.date.edtf or mark_is_stamp(e):
            assert got.date.edtf == e.date.edtf
        assert [back.actors[a].name for a in got.actors] == [
            bundled.actors[a].name for a in e.actors
        ]
        assert got.category == e.category
        rec = map_record(bundled, e)
        where = back.first_point(got)
        assert where is not None
        if "to" in rec:  # a line: Araz puts it at a point on it, between its ends
            lons = sorted((rec["lon"], rec["to"]["lon"]))
            assert lons[0] - 1e-6 <= where.lon <= lons[1] + 1e-6
        else:
            assert (where.lon, where.lat) == pytest.approx((rec["lon"], rec["lat"]), abs=1e-6)


@pytest.mark.parametrize("suffix", [".kml", ".kmz"])
def test_cli_export_kml(tmp_path, capsys, bundled, suffix):
    out = tmp_path / f"iran{suffix}"
    code = main(["export", "-o", str(out), "--actor", "Iran", "--title", "Iran & co"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.strip() == str(out)
    shown = select(bundled, build_filter(bundled, actors=["Iran"]))
    placed = [i for i in shown.shown_ids if map_record(bundled, bundled.event(i))]
    frame = pyogrio.read_dataframe(out)
    assert list(frame["id"]) == placed
    assert pyogrio.list_layers(out)[0][0] == "Iran & co"
    left_out = len(shown.shown_ids) - len(placed)
    if left_out:
        assert f"note: {left_out} shown event" in captured.err
    else:
        assert "without a place" not in captured.err
    assert not list(tmp_path.glob(".*.part"))


def test_description_names_the_source(tmp_path):
    """ACLED's ``source`` field, else the seed article's sentence (the bundled data)."""
    path = tmp_path / "acled.kml"
    ds = read_path(DATA / "readers" / "acled_current.csv").dataset
    assert ds is not None
    marks = placemarks(write_kml(ds, None, path))
    assert marks
    for mark in marks:
        e = ds.event(data(mark)["id"])
        source = e.extra.get("source")
        assert source, e.id
        assert f"\nSource: {xml_text(source)}" in mark.findtext(f"{NS}description")


def test_refuses_to_overwrite_the_loaded_kml(bundled, tmp_path):
    """KML is read as well as written: exporting over the file that is open is refused
    and leaves it as it was."""
    path = write_kml(bundled, None, tmp_path / "open.kml")
    before = path.read_bytes()
    loaded = read_path(path).dataset
    assert loaded is not None
    with pytest.raises(ExportError, match="will not overwrite the loaded dataset"):
        write_kml(loaded, None, path)
    assert path.read_bytes() == before
    again = write_kml(loaded, None, tmp_path / "again.kml")  # a loaded KML exports
    assert len(placemarks(again)) == len(placemarks(path))
