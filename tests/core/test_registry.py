"""One registry of readers (araz.io.registry): read_path, sniff and the open dialog's
formats all come from it, and a new format is one more entry."""

import json
from pathlib import Path

import pytest

from araz.io import (
    FORMATS,
    READERS,
    LoadResult,
    ReadContext,
    Reader,
    name_filters,
    read_path,
    registry,
    sniff,
)
from araz.io.problems import Reporter

DATA = Path(__file__).resolve().parents[1] / "data"


def test_every_reader_is_named_once_and_offered_by_the_open_dialog():
    names = [r.name for r in READERS]
    assert len(set(names)) == len(names)
    assert tuple((r.label, r.patterns) for r in READERS) == FORMATS
    for r in READERS:
        assert r.label and r.suffixes
        assert all(s.startswith(".") and s == s.lower() for s in r.suffixes)
        assert (r.accepts is None) == (r.from_doc is None)  # a JSON format has both
    offered = {p for _, patterns in FORMATS for p in patterns}
    assert {"*.yaml", "*.yml", "*.csv", "*.geojson", "*.json"} <= offered
    filters = name_filters()
    assert filters[0] == (
        "Araz datasets (*.yaml *.yml *.csv *.tsv *.geojson *.json *.xlsx *.xlsm *.xlsb *.xls "
        "*.ods *.gpkg *.zip *.shp *.fgb *.kml *.kmz *.parquet *.geoparquet)"
    )
    assert "ACLED CSV (*.csv *.tsv)" in filters and filters[-1] == "All files (*)"
    assert len(filters) == len(READERS) + 2


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("a.yaml", b"", "curated"),
        ("a.YML", b"", "curated"),
        ("a.csv", b"", "acled"),
        ("a.tsv", b"", "acled"),
        ("a.geojson", b"", "json"),
        ("a.json", b"", "json"),
        ("noext", b'\xef\xbb\xbf  {"type": "FeatureCollection"}', "json"),
        ("a.txt", b"[1, 2]", "json"),
        ("a.dat", b"title: x\nformat: araz-dataset\n", "curated"),
        ("data", b"event_id_cnty,event_date,latitude\nX,1,2\n", "acled"),
        ("data", b'{"event_date": 1, "x": 2}', "json"),  # JSON first, as before
        ("a.txt", b"hello", None),
        ("a.csv", b"date,title,lat,lon\n2023-01-27,x,1,2\n", "csv"),
        ("a.csv", b"event_date,title,lat,lon\n2023-01-27,x,1,2\n", "csv"),  # not ACLED
        ("a.csv", b"event_id_cnty,event_date,latitude,longitude\n", "acled"),
        ("a.csv", b"event_date,title,actor1,lat,lon\n", "csv"),  # ACLED needs latitude
        ("a.csv", b"EVENT_DATE,ACTOR1,LATITUDE,LONGITUDE\n", "acled"),
        ("noext", b"date;title\n", "csv"),
        ("noext", b"SQLite format 3\x00\x10\x00", "geopackage"),
        ("a.gpkg", b"", "geopackage"),
        ("a.zip", b"", "shapefile"),
        ("a.kmz", b"", "kml"),
        ("noext", b'<?xml version="1.0"?>\n<kml xmlns="x">', "kml"),
        ("a.fgb", b"", "flatgeobuf"),
        ("noext", b"PAR1\x15\x04", "geoparquet"),
        ("a.tif", b"II*\x00", None),
        ("a.xlsx", b"", "spreadsheet"),
        ("a.ODS", b"", "spreadsheet"),
        ("a.xls", b"", "spreadsheet"),
        ("noext", b"PK\x03\x04\x14\x00\x00\x00\x08\x00xl/workbook.xml", "spreadsheet"),
        ("noext", b"PK\x03\x04\x14\x00\x00\x00\x08\x00a.shp", "shapefile"),
        ("noext", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "spreadsheet"),
    ],
)
def test_sniff_by_suffix_then_by_the_first_bytes(name, head, kind):
    assert sniff(name, head) == kind


def test_the_json_reader_is_chosen_by_the_document():
    def kind(doc):
        reader = registry.json_reader(doc)
        return reader and reader.name

    assert kind({"type": "FeatureCollection", "features": []}) == "geojson"
    assert kind({"events": [{"start_date": {"year": 1}}]}) == "timelinejs"
    assert kind({"events": []}) == "timelinejs"
    assert kind({"storymap": {"slides": []}, "events": []}) == "storymapjs"
    assert kind({"events": [1, 2]}) is None
    assert kind([]) is None


def test_read_path_passes_its_keywords_in_one_context():
    seen = []
    context = ReadContext.from_options(
        {"progress": seen.append, "date_property": "when", "ask_mapping": True, "other": 1}
    )
    assert context.progress is not None and context.date_property == "when"
    assert not context.ask_mapping  # the date property is known: nothing to ask
    assert ReadContext.from_options({"ask_mapping": True}).ask_mapping
    assert ReadContext.from_options({}).compute_countries


def test_a_new_format_is_one_more_registry_entry(tmp_path, monkeypatch):
    """A reader of "one event per line" files (date, place, lat, lon), added by one
    entry: read_path, sniff and the dialog's formats take it."""
    from araz.model.dataset import Dataset
    from araz.model.dates import FuzzyDate
    from araz.model.entities import Event, EventDate, Place, PlaceRef

    def read_lines(path: Path, context: ReadContext) -> LoadResult:
        reporter = Reporter(path)
        events, places = [], {}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                day, name, lat, lon = line.split("|")
                places[name] = Place(name, name, "site", float(lat), float(lon))
                date = EventDate(FuzzyDate.parse(day), day, "source")
            except ValueError as exc:
                reporter.report(n, f"not date|place|lat|lon: {exc}", f"line {n}")
                continue
            events.append(Event(f"e{n}", name, date, places=(PlaceRef(name),)))
        return LoadResult(Dataset(events, {}, places, title=path.stem), reporter.problems)

    lines = Reader(
        "lines", "Event lines", (".evl",), lambda head: head.count(b"|") >= 3, read_lines
    )
    monkeypatch.setattr(registry, "READERS", (*registry.READERS, lines))
    p = tmp_path / "trip.evl"
    p.write_text("2023-01-27|Kapan|39.2|46.4\nbad line\n", encoding="utf-8")
    r = read_path(p)
    assert [e.title for e in r.dataset.events] == ["Kapan"]
    assert [str(x) for x in r.problems] == [
        f"{p}:2: not date|place|lat|lon: not enough values to unpack (expected 4, got 1)"
    ]
    assert sniff(p) == "lines"
    q = tmp_path / "trip"  # no suffix: its first bytes say what it is
    q.write_bytes(p.read_bytes())
    assert sniff(q) == "lines" and len(read_path(q).dataset) == 1


def test_reporter_one_shape_for_every_reader():
    r = Reporter("f.csv")
    r.report(3, "bad date", "E1", "warning")
    r.report(None, "no column")
    r.about("feature 2", "no geometry: on the timeline only")
    assert [str(p) for p in r.problems] == [
        "f.csv:3: bad date",
        "f.csv: no column",
        "f.csv: feature 2: no geometry: on the timeline only",
    ]
    assert [(p.record, p.severity) for p in r.problems] == [
        ("E1", "warning"),
        (None, "error"),
        ("feature 2", "warning"),
    ]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (DATA / "readers" / "acled_current.csv", "acled"),
        (DATA / "readers" / "geojson_mixed.geojson", "geojson"),
        (DATA / "readers" / "storymapjs_dates.json", "storymapjs"),
        (DATA / "readers" / "timelinejs_deeptime.json", "timelinejs"),
        (DATA / "samples" / "timelinejs_marktwain.json", "timelinejs"),
    ],
)
def test_every_sample_reads_through_its_reader(path, kind):
    reader = registry.reader_for(path)
    if reader.accepts is not None:  # a JSON format: the document says which
        reader = registry.json_reader(json.loads(path.read_text(encoding="utf-8")))
    assert reader.name == kind
    assert read_path(path).dataset is not None
