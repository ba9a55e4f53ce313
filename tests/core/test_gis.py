"""GIS files (GeoPackage, Shapefile, FlatGeobuf, KML/KMZ, GeoParquet) and any CSV that is
not ACLED: read to events with the column guesser GeoJSON uses, unmapped fields kept.

Real files written by others (tests/data/samples/, provenance in its README) are read as
they are; files of events in each format are written here from the bundled dataset with
geopandas, so that every format is checked against the same expected events.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from araz.io import read_path, sniff
from araz.io._columns import guess
from araz.io.geojson import guess_columns
from araz.paths import default_dataset

# writing the fixtures with geopandas: what it says about them is not what is tested
pytestmark = [
    pytest.mark.filterwarnings("ignore:Geometry is in a geographic CRS"),
    pytest.mark.filterwarnings("ignore:Column names longer than 10"),
    pytest.mark.filterwarnings("ignore:Normalized/laundered field name"),
    pytest.mark.filterwarnings("ignore:'crs' was not provided"),
]

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _place(ds, e):
    return ds.places[e.places[0].place] if e.places else None


@pytest.fixture(scope="module")
def bundled_rows():
    """Ten dated events of the bundled dataset that have a point: what every written
    file holds."""
    ds = read_path(default_dataset()).dataset
    rows = []
    for e in ds.events:
        p = _place(ds, e)
        if e.date is None or p is None or p.geometry is not None or not p.has_point:
            continue
        rows.append(
            {
                "event_id": e.id,
                "title": e.title,
                "date": e.date.edtf,
                "actors": "; ".join(ds.actors[a].name for a in e.actors),
                "lon": p.lon,
                "lat": p.lat,
                "link": f"https://example.org/{e.id}",
                "verification": "verified" if len(rows) % 2 else "unverified",
            }
        )
        if len(rows) == 10:
            break
    assert len(rows) == 10
    return rows


def _gdf(rows, crs="EPSG:4326"):
    import geopandas as gpd

    df = gpd.GeoDataFrame(
        [{k: v for k, v in r.items() if k not in ("lon", "lat")} for r in rows],
        geometry=gpd.points_from_xy([r["lon"] for r in rows], [r["lat"] for r in rows]),
        crs="EPSG:4326",
    )
    return df.to_crs(crs)


def _check_events(result, rows, *, ids=True, ordered=True, verification="verification"):
    ds = result.dataset
    assert ds is not None, [str(p) for p in result.problems]
    assert len(ds) == len(rows)
    events = list(ds.events)
    if not ordered:  # FlatGeobuf's spatial index orders the features along a curve
        order = {r["event_id"]: i for i, r in enumerate(rows)}
        events.sort(key=lambda e: order[e.id])
    for e, r in zip(events, rows, strict=True):
        if ids:
            assert e.id == r["event_id"]
        assert e.title == r["title"]
        assert e.date is not None and e.date.edtf == r["date"]
        assert [ds.actors[a].name for a in e.actors] == r["actors"].split("; ")
        p = _place(ds, e)
        assert p.lat == pytest.approx(r["lat"], abs=1e-6)
        assert p.lon == pytest.approx(r["lon"], abs=1e-6)
        # the fields Araz does not map are kept
        assert e.extra["link"] == r["link"]
        assert e.extra[verification] == r["verification"]


# ---------------------------------------------------------------- each format


def test_geopackage_of_events_reads_to_the_same_events(tmp_path, bundled_rows):
    path = tmp_path / "events.gpkg"
    _gdf(bundled_rows).to_file(path, layer="events", driver="GPKG")
    assert sniff(path) == "geopackage"
    result = read_path(path)
    _check_events(result, bundled_rows)
    assert result.problems == []


def test_geopackage_in_another_crs_is_reprojected(tmp_path, bundled_rows):
    path = tmp_path / "utm.gpkg"
    _gdf(bundled_rows, crs="EPSG:32638").to_file(path, layer="events", driver="GPKG")
    _check_events(read_path(path), bundled_rows)


def test_geopackage_of_several_layers_reads_the_first_point_layer_and_says_so(
    tmp_path, bundled_rows
):
    path = tmp_path / "two.gpkg"
    gdf = _gdf(bundled_rows)
    regions = gdf.copy()
    regions["geometry"] = gdf.buffer(0.5)
    regions.to_file(path, layer="areas", driver="GPKG")
    gdf.to_file(path, layer="events", driver="GPKG")
    result = read_path(path)
    _check_events(result, bundled_rows)
    [note] = [p for p in result.problems if "layers" in p.message]
    assert "read 'events', the first point layer" in note.message and "areas" in note.message
    assert note.severity == "warning"
    # the caller names a layer: the polygons, each drawn at a point inside it
    areas = read_path(path, layer="areas")
    assert len(areas.dataset) == 10
    assert any("representative point" in p.message for p in areas.problems)
    p = _place(areas.dataset, areas.dataset.events[0])
    assert p.kind == "region" and p.geometry["type"] == "Polygon"
    assert p.lat == pytest.approx(bundled_rows[0]["lat"], abs=0.5)
    # the app asks which layer, with the fields of each
    guess = read_path(path, ask_mapping=True).mapping
    assert guess["layers"] == ["areas", "events"] and guess["layer"] == "events"
    assert "date" in guess["layer_properties"]["areas"]
    assert read_path(path, layer="nope").problems[0].message.startswith("no layer 'nope'")


def test_flatgeobuf_reads_to_the_same_events(tmp_path, bundled_rows):
    path = tmp_path / "events.fgb"
    _gdf(bundled_rows).to_file(path, driver="FlatGeobuf")
    assert sniff(path) == "flatgeobuf"
    _check_events(read_path(path), bundled_rows, ordered=False)


def test_zipped_shapefile_and_shp_read_to_the_same_events(tmp_path, bundled_rows):
    folder = tmp_path / "shp"
    folder.mkdir()
    _gdf(bundled_rows).to_file(folder / "events.shp")
    # a Shapefile's field names are at most 10 characters
    _check_events(read_path(folder / "events.shp"), bundled_rows, verification="verificati")
    zipped = tmp_path / "events.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    _check_events(read_path(zipped), bundled_rows, verification="verificati")


def test_geoparquet_reads_to_the_same_events(tmp_path, bundled_rows):
    path = tmp_path / "events.parquet"
    _gdf(bundled_rows, crs="EPSG:3857").to_parquet(path)
    assert sniff(path) == "geoparquet"
    _check_events(read_path(path), bundled_rows)


def _kml(rows, timespan=False) -> str:
    from xml.sax.saxutils import escape

    marks = []
    for r in rows:
        when = f"<TimeStamp><when>{r['date']}</when></TimeStamp>"
        if timespan:
            when = f"<TimeSpan><begin>{r['date']}</begin><end>2030-01-01</end></TimeSpan>"
        marks.append(
            f"<Placemark><name>{escape(r['title'])}</name>{when}<ExtendedData>"
            f'<Data name="event_id"><value>{r["event_id"]}</value></Data>'
            f'<Data name="actors"><value>{escape(r["actors"])}</value></Data>'
            f'<Data name="link"><value>{r["link"]}</value></Data>'
            f'<Data name="verification"><value>{r["verification"]}</value></Data>'
            f"</ExtendedData><Point><coordinates>{r['lon']!r},{r['lat']!r},0</coordinates>"
            "</Point></Placemark>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><name>events</name>{''.join(marks)}</Document></kml>\n"
    )


def test_kml_and_kmz_timestamps_are_dates(tmp_path, bundled_rows):
    day_rows = [r for r in bundled_rows if len(r["date"]) == 10]  # GDAL reads days
    path = tmp_path / "events.kml"
    path.write_text(_kml(day_rows))
    result = read_path(path)
    _check_events(result, day_rows)
    e = result.dataset.events[0]
    assert not {"altitudeMode", "tessellate", "icon"} & set(e.extra)  # KML display fields
    kmz = tmp_path / "events.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.writestr("doc.kml", _kml(day_rows))
    _check_events(read_path(kmz), day_rows)
    span = tmp_path / "span.kml"
    span.write_text(_kml(day_rows, timespan=True))
    e = read_path(span).dataset.events[0]
    assert e.date.edtf == f"{day_rows[0]['date']}/2030-01-01"


def test_kml_over_the_cap_is_refused_naming_the_cap(tmp_path):
    path = tmp_path / "big.kml"
    with path.open("wb") as f:
        f.truncate(26 * 1024 * 1024)
    result = read_path(path)
    assert result.dataset is None
    assert "KML/KMZ of at most 25 MB" in result.problems[0].message
    kmz = tmp_path / "bomb.kmz"
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doc.kml", b" " * (26 * 1024 * 1024))
    result = read_path(kmz)
    assert result.dataset is None and "unzips to 26 MB" in result.problems[0].message


# ---------------------------------------------------------------- real files


def test_real_geopackage_points_without_dates_keep_their_typed_fields():
    result = read_path(SAMPLES / "gpkg_pyogrio_test_gpkg_nulls.gpkg")
    ds = result.dataset
    assert [e.id for e in ds.events] == [f"feature-{i}" for i in range(1, 5)]
    assert all(e.date is None for e in ds.events)
    assert [(_place(ds, e).lon, _place(ds, e).lat) for e in ds.events] == [
        (0, 0),
        (1, 1),
        (2, 2),
        (4, 4),
    ]
    first = ds.events[0].extra
    assert first["col_bool"] is True and first["col_uint64"] == 1
    assert first["col_float32"] == 1.5
    assert ds.events[3].extra == {}  # every field null
    assert [p.severity for p in result.problems] == ["warning"]  # no date column


def test_real_zipped_shapefile_of_country_polygons():
    result = read_path(SAMPLES / "shapefile_naturalearth_lowres.zip")
    ds = result.dataset
    assert len(ds) == 177
    fiji = ds.events[0]
    assert fiji.title == "Fiji" and fiji.extra["iso_a3"] == "FJI"
    p = _place(ds, fiji)
    assert p.kind == "region" and p.geometry["type"] == "MultiPolygon"
    assert -19 < p.lat < -16 and 177 < p.lon < 180
    assert any("177 features are lines or polygons" in p.message for p in result.problems)


def test_real_kml_files():
    one = read_path(SAMPLES / "kml_gdal_placemark.kml").dataset
    [e] = one.events
    assert e.title == "Simple placemark" and e.summary == "Some\nHTML\ncontent"
    assert (_place(one, e).lon, _place(one, e).lat) == (2, 49)
    times = read_path(SAMPLES / "kml_gdal_gxtimestamp.kml").dataset
    assert [e.date.edtf for e in times.events] == ["2016-02-13", "2016-02-13/2016-02-14"]
    assert all(not e.places for e in times.events)


# ---------------------------------------------------------------- refusals


def test_a_raster_is_refused_clearly(tmp_path):
    tif = tmp_path / "dem.tif"
    tif.write_bytes(b"II*\x00" + bytes(100))
    assert "raster image" in read_path(tif).problems[0].message
    fake = tmp_path / "dem.gpkg"  # a raster under a vector name
    fake.write_bytes(b"II*\x00" + bytes(100))
    result = read_path(fake)
    assert result.dataset is None
    assert result.problems[0].message == (
        "not a vector file GDAL reads (not a .gpkg file: a raster, or another format renamed?)"
    )


def test_a_layer_with_no_usable_column_is_refused(tmp_path):
    import geopandas as gpd

    path = tmp_path / "table.gpkg"
    gpd.GeoDataFrame({"colour": ["red", "blue"]}, geometry=[None, None]).to_file(path)
    result = read_path(path)
    assert result.dataset is None
    assert "has no usable column" in result.problems[0].message
    assert "colour" in result.problems[0].message


def test_a_zip_without_a_shapefile_is_refused(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("notes.txt", "hello")
    result = read_path(path)
    assert (
        "the zip file holds no Shapefile (.shp): it holds notes.txt" in result.problems[0].message
    )


# ---------------------------------------------------------------- one guesser


def test_one_guesser_for_geojson_properties_and_table_columns(tmp_path):
    names = ["Event_Date", "Title", "LAT", "Lng", "actor1", "actor2", "notes", "geometry"]
    g = guess(names)
    assert (g["date"], g["title"], g["lat"], g["lon"], g["actor"]) == (
        "Event_Date",
        "Title",
        "LAT",
        "Lng",
        "actor1",
    )
    feats = [{"type": "Feature", "properties": dict.fromkeys(names, 1), "geometry": None}]
    path = tmp_path / "a.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    gj = guess_columns(path)
    assert (gj["date"], gj["title"], gj["actor"]) == (g["date"], g["title"], g["actor"])


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@settings(max_examples=25, deadline=None)
@given(
    props=st.lists(
        st.dictionaries(
            st.sampled_from(["date", "name", "note", "link", "n"]),
            st.one_of(_TEXT, st.integers(-(10**6), 10**6), st.none(), st.booleans()),
            max_size=5,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_geopackage_of_points_reads_without_raising(tmp_path_factory, props):
    import geopandas as gpd

    frame = gpd.GeoDataFrame(
        {
            k: [str(p.get(k)) if p.get(k) is not None else None for p in props]
            for k in ["date", "name", "note", "link", "n"]
        },
        geometry=gpd.points_from_xy(range(len(props)), range(len(props))),
        crs="EPSG:4326",
    )
    path = tmp_path_factory.mktemp("gpkg") / "h.gpkg"
    frame.to_file(path, driver="GPKG")
    result = read_path(path)
    assert result.dataset is not None
    assert len(result.dataset) == len(props)
    for e, p in zip(result.dataset.events, props, strict=True):
        link = p.get("link")
        if link is not None and str(link).strip():
            assert e.extra["link"] == str(link).strip()[:2000]


def test_araz_validate_reads_a_plain_csv_and_the_first_point_layer(tmp_path, capsys, bundled_rows):
    from araz.cli import main

    path = tmp_path / "plain.csv"
    path.write_text("date,title,lat,lon\n2023-01-27,Embassy attack,35.7,51.4\n")
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.startswith("1 events, 1 places, 0 actors, 0 problems")
    gpkg = tmp_path / "two.gpkg"
    gdf = _gdf(bundled_rows)
    gdf.assign(geometry=gdf.buffer(0.1)).to_file(gpkg, layer="boxes", driver="GPKG")
    gdf.to_file(gpkg, layer="events", driver="GPKG")
    assert main(["validate", str(gpkg)]) == 1  # the warning is a problem it prints
    out = capsys.readouterr().out
    assert out.startswith("10 events, 10 places")
    assert "2 layers: read 'events', the first point layer; the others: boxes (Polygon)" in out


def test_geoparquet_point_encoding_and_plain_parquet_with_coordinates(tmp_path, bundled_rows):
    import pyarrow as pa
    import pyarrow.parquet as pq

    native = tmp_path / "native.parquet"
    _gdf(bundled_rows).to_parquet(native, geometry_encoding="geoarrow")
    geo = json.loads(pq.read_schema(native).metadata[b"geo"])
    assert geo["columns"]["geometry"]["encoding"] == "point"
    _check_events(read_path(native), bundled_rows)
    plain = tmp_path / "plain.parquet"
    pq.write_table(pa.Table.from_pylist(bundled_rows), plain)
    _check_events(read_path(plain), bundled_rows)


@pytest.mark.parametrize(
    ("name", "record", "col"),
    [
        ("geoparquet_data_point_encoding_wkb.parquet", "feature", [0, 1, 2, 3]),
        ("csv_geoparquet_data_point_wkt.csv", "row", ["0", "1", "2", "3"]),
    ],
)
def test_real_geoparquet_and_its_wkt_csv_read_to_the_same_places(name, record, col):
    result = read_path(SAMPLES / name)
    ds = result.dataset
    assert [e.id for e in ds.events] == [f"{record}-{i}" for i in range(1, 5)]
    where = [(_place(ds, e).lon, _place(ds, e).lat) if e.places else None for e in ds.events]
    assert where == [(30, 10), None, None, (40, 40)]
    assert [e.extra["col"] for e in ds.events] == col
    messages = [p.message for p in result.problems]
    assert f"{record} 2: an empty or unusable geometry; kept without a place" in messages
    assert f"{record} 3: no geometry: on the timeline only" in messages


def test_progress_and_cancel_in_the_csv_and_gis_readers(tmp_path, bundled_rows):
    csv_path = tmp_path / "many.csv"
    lines = ["date,title,lat,lon"] + [f"2020-01-{1 + i % 28:02d},E{i},39,46" for i in range(500)]
    csv_path.write_text("\n".join(lines) + "\n")
    gpkg = tmp_path / "many.gpkg"
    _gdf(bundled_rows * 50).to_file(gpkg, driver="GPKG")
    for path in (csv_path, gpkg):
        seen: list[float] = []
        result = read_path(path, progress=seen.append)
        assert len(result.dataset) == 500 and seen[-1] == 1.0 and len(seen) > 10
        calls = []

        def cancel(calls=calls):
            calls.append(1)
            return len(calls) > 3  # in the middle of the rows

        stopped = read_path(path, cancel=cancel)
        assert stopped.dataset is None
        assert [p.message for p in stopped.problems] == ["cancelled"]
