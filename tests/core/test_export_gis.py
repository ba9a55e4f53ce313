"""GeoPackage and GeoParquet exports: read back by geopandas (and by Araz, once it reads
them) to the same events; hostile text kept as data; ``araz export -o`` writes both."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from test_export import hostile_dataset

from araz.cli import main
from araz.export import ExportError, build_filter, select
from araz.export.csv import SEPARATOR, rows
from araz.export.data import export_data
from araz.export.gis import (
    COLUMNS,
    LIST_COLUMNS,
    event_columns,
    write_geopackage,
    write_geoparquet,
)
from araz.io import read_path
from araz.model.dates import iso_day
from araz.views.records import map_record

WRITERS = {".gpkg": write_geopackage, ".parquet": write_geoparquet}
DATA = Path(__file__).resolve().parents[1] / "data"


def read_back(path):
    return gpd.read_parquet(path) if path.suffix == ".parquet" else gpd.read_file(path)


def names(value) -> list[str]:
    """A list column as a list: "; "-joined text in GeoPackage, a list in GeoParquet."""
    if isinstance(value, str):
        return value.split("; ") if value else []
    return [] if value is None else list(value)


def text(value) -> str | None:
    return None if value is None or value != value else value  # NaN/None: missing


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet"])
def test_geopandas_reads_back_the_same_events(curated, tmp_path, suffix):
    shown = select(curated, build_filter(curated, actors=["Iran"], date_from="2021"))
    assert 0 < shown.mask.sum() < len(curated)
    path = WRITERS[suffix](curated, shown.mask, tmp_path / f"iran{suffix}")
    frame = read_back(path)
    assert frame.crs.to_epsg() == 4326
    assert list(frame["id"]) == shown.shown_ids
    assert set(COLUMNS) <= set(frame.columns)
    placed = 0
    for row in frame.itertuples():
        e = curated.event(row.id)
        assert row.title == e.title
        assert text(row.date) == (e.date.edtf if e.date else None)
        if e.date is not None:
            v = e.date.value
            assert text(row.date_lower) == (iso_day(v.lower) if v.start is not None else None)
            assert text(row.date_upper) == (iso_day(v.upper) if v.end is not None else None)
            assert row.date_display == e.date.display
        assert names(row.actors) == [curated.actors[a].name for a in e.actors]
        assert names(row.actor_ids) == list(e.actors)
        assert names(row.place_ids) == [r.place for r in e.places]
        assert text(row.category) == (e.category or None)
        assert row.color == curated.colour(e)
        rec = map_record(curated, e)
        if rec is None:
            assert row.geometry is None or row.geometry.is_empty
        else:
            placed += 1
            assert (row.geometry.y, row.geometry.x) == pytest.approx(
                (rec["lat"], rec["lon"]), abs=1e-9
            )
    assert placed > 0


def test_events_without_a_place_or_date_are_kept(curated, tmp_path):
    unplaced = set(curated.unplaced)
    assert unplaced, "the bundled dataset has events without a place"
    for suffix, write in WRITERS.items():
        frame = read_back(write(curated, None, tmp_path / f"all{suffix}"))
        assert len(frame) == len(curated)
        missing = {
            i for i, g in zip(frame["id"], frame.geometry, strict=True) if g is None or g.is_empty
        }
        assert missing == unplaced, suffix


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet"])
def test_hostile_text_is_kept_as_data(tmp_path, suffix):
    ds = hostile_dataset()
    path = WRITERS[suffix](ds, None, tmp_path / f"hostile{suffix}")
    frame = read_back(path)
    by_id = {row.id: row for row in frame.itertuples()}
    assert by_id["e1"].title == "</script><script>alert(1)</script>"
    assert by_id["e1"].summary == "@SUM(A1)"  # not "'@SUM(A1)" as in the CSV
    assert by_id["e2"].title == "+danger"
    assert names(by_id["e2"].actors) == ["=cmd|' /C calc'!A0"]
    assert by_id["e2"].category == "=1+1"
    assert by_id["e3"].date is None or by_id["e3"].date != by_id["e3"].date  # no date


def test_geopackage_layer_and_description(curated, tmp_path):
    path = write_geopackage(curated, None, tmp_path / "all.gpkg", title="Tensions <b>2023</b>")
    with sqlite3.connect(path) as db:
        rows = db.execute("select table_name, description from gpkg_contents").fetchall()
    assert rows == [("events", "Tensions <b>2023</b>")]


def test_refuses_the_loaded_dataset_and_keeps_it(curated, tmp_path):
    first = write_geopackage(curated, None, tmp_path / "data.gpkg")
    before = first.read_bytes()
    ds = hostile_dataset()
    ds.source = str(first)  # as if read from this file
    with pytest.raises(ExportError, match="will not overwrite the loaded dataset"):
        write_geopackage(ds, None, first)
    assert first.read_bytes() == before
    with pytest.raises(ExportError, match=r"must end in \.csv, \.geojson, \.gpkg, \.parquet"):
        export_data(select(ds), tmp_path / "out.shp")


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet"])
def test_araz_reads_back_the_same_events(curated, tmp_path, suffix):
    shown = select(curated, build_filter(curated, actors=["Iran"]))
    path = WRITERS[suffix](curated, shown.mask, tmp_path / f"iran{suffix}")
    result = read_path(path)
    back = result.dataset
    assert back is not None, [str(p) for p in result.problems]
    assert [e.id for e in back.events] == shown.shown_ids
    for e in back.events:
        orig = curated.event(e.id)
        assert e.title == orig.title
        assert (e.date.edtf if e.date else None) == (orig.date.edtf if orig.date else None)
        assert [back.actors[a].name for a in e.actors] == [
            curated.actors[a].name for a in orig.actors
        ]
        rec = map_record(curated, orig)
        point = back.first_point(e)
        if rec is None:
            assert point is None
        else:
            assert point is not None
            assert (point.lat, point.lon) == pytest.approx((rec["lat"], rec["lon"]), abs=1e-6)


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet"])
def test_cli_export(tmp_path, capsys, suffix):
    out = tmp_path / f"iran{suffix}"
    code = main(["export", "-o", str(out), "--actor", "Iran", "--from", "2021", "--to", "2023"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.strip() == str(out)
    frame = read_back(out)
    from araz.io.curated import read_curated
    from araz.paths import default_dataset

    ds = read_curated(default_dataset()).dataset
    want = select(ds, build_filter(ds, actors=["Iran"], date_from="2021", date_to="2023")).shown_ids
    assert list(frame["id"]) == want
    assert not list(tmp_path.glob(".*.part"))  # no temporary file left behind


def test_cli_export_refuses_another_suffix(tmp_path, capsys):
    code = main(["export", "-o", str(tmp_path / "x.shp")])
    err = capsys.readouterr().err
    assert code == 2
    assert "must end in .csv, .geojson, .gpkg, .parquet, .kml, .kmz or .html" in err


def test_araz_maps_the_columns_by_their_names(curated, tmp_path):
    """Until read_path reads .gpkg itself: the GeoPackage's rows, turned into GeoJSON by
    geopandas, are read by Araz's property guessing (id, title, date, actors) into the
    same events: the columns are named as Araz's readers look for them."""
    shown = select(curated, build_filter(curated, actors=["Iran"]))
    frame = gpd.read_file(write_geopackage(curated, shown.mask, tmp_path / "iran.gpkg"))
    frame.to_file(tmp_path / "iran.geojson", driver="GeoJSON")
    back = read_path(tmp_path / "iran.geojson").dataset
    assert back is not None
    assert [e.id for e in back.events] == shown.shown_ids
    for e in back.events:
        orig = curated.event(e.id)
        assert e.title == orig.title
        assert (e.date.edtf if e.date else None) == (orig.date.edtf if orig.date else None)
        assert [back.actors[a].name for a in e.actors] == [
            curated.actors[a].name for a in orig.actors
        ]


@pytest.mark.parametrize(
    "source",
    [
        "curated",
        "hostile",
        "readers/acled_current.csv",
        "readers/geojson_mixed.geojson",
        "readers/timelinejs_deeptime.json",
        "samples/storymapjs_sochi.json",
    ],
)
def test_columns_agree_with_the_csv_rows(curated, source):
    """event_columns works once per distinct date, actor list and place list: it gives
    what the CSV export works out event by event."""
    if source == "curated":
        ds = curated
    elif source == "hostile":
        ds = hostile_dataset()
    else:
        ds = read_path(DATA / source).dataset
        assert ds is not None and len(ds)
    mask = np.arange(len(ds)) % 3 != 1  # a selection with gaps
    cols = event_columns(ds, mask)
    want = rows(ds, mask)
    assert len(cols["id"]) == len(want) == int(mask.sum())
    for k, row in enumerate(want):
        got = {name: cols[name][k] for name in cols}
        for name in LIST_COLUMNS:
            got[name] = SEPARATOR.join(got[name])
        for name in ("lon", "lat"):
            got[name] = "" if got[name] is None else repr(got[name])
        got = {name: "" if value is None else value for name, value in got.items()}
        assert {name: got[name] for name in row} == row
        assert got["color"] == ds.colour(ds.event(row["id"]))
