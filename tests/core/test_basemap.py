"""The committed offline basemap (resources/basemap/, built by packaging/build_basemap.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

BASEMAP_DIR = Path(__file__).resolve().parents[2] / "resources" / "basemap"
PREFIX = "window.ARAZ_BASEMAP = "
LAYERS = ("countries", "borders", "rivers", "lakes")
LABEL_KINDS = {"capital", "city", "river", "lake", "country", "peak"}
ROLES = {"iran", "azerbaijan", "armenia", "other"}


@pytest.fixture(scope="module")
def basemap() -> dict:
    text = (BASEMAP_DIR / "basemap.js").read_text(encoding="utf-8").strip()
    assert text.startswith(PREFIX)
    assert text.endswith(";")
    data = json.loads(text[len(PREFIX) : -1])
    for band in data["bands"]:  # a band the page parses when first shown: its layers as text
        if "json" in band:
            band.update(json.loads(band.pop("json")))
    return data


def test_bands_come_as_json_text_parsed_when_shown():
    text = (BASEMAP_DIR / "basemap.js").read_text(encoding="utf-8").strip()
    bands = json.loads(text[len(PREFIX) : -1])["bands"]
    for band in bands:
        assert set(band) == {"name", "minZoom", "maxZoom", "json"}
        assert set(json.loads(band["json"])) == set(LAYERS)


@pytest.fixture(scope="module")
def countries() -> list[tuple[str, str, object]]:
    data = json.loads((BASEMAP_DIR / "countries.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    return [
        (f["properties"]["name"], f["properties"]["role"], shape(f["geometry"]))
        for f in data["features"]
    ]


def _is_fc(value: dict) -> bool:
    return value.get("type") == "FeatureCollection" and isinstance(value.get("features"), list)


def test_header(basemap: dict) -> None:
    assert basemap["version"] == 1
    assert basemap["attribution"] == "Made with Natural Earth"


def test_bands_have_the_four_layers(basemap: dict) -> None:
    bands = basemap["bands"]
    assert [b["name"] for b in bands] == ["regional", "close"]
    assert (bands[0]["minZoom"], bands[0]["maxZoom"]) == (0, 7)
    assert (bands[1]["minZoom"], bands[1]["maxZoom"]) == (8, 19)
    for band in bands:
        for layer in LAYERS:
            assert _is_fc(band[layer]), (band["name"], layer)
            assert band[layer]["features"], (band["name"], layer)


def test_country_roles(basemap: dict) -> None:
    for band in basemap["bands"]:
        roles = {f["properties"]["role"] for f in band["countries"]["features"]}
        assert roles == ROLES, band["name"]
        for feature in band["countries"]["features"]:
            assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_aras_is_major(basemap: dict) -> None:
    for band in basemap["bands"]:
        rivers = band["rivers"]["features"]
        aras = [f for f in rivers if f["properties"]["name"] == "Aras"]
        assert aras and all(f["properties"]["major"] is True for f in aras), band["name"]
        others = [f for f in rivers if f["properties"]["name"] != "Aras"]
        assert all(f["properties"]["major"] is False for f in others)
        assert any(f["properties"]["name"] == "Kura" for f in rivers), band["name"]


def test_lakes(basemap: dict) -> None:
    for band in basemap["bands"]:
        names = {f["properties"]["name"] for f in band["lakes"]["features"]}
        assert {"Lake Sevan", "Lake Urmia"} <= names, band["name"]


def test_labels(basemap: dict) -> None:
    labels = basemap["labels"]
    assert _is_fc(labels)
    names = set()
    for feature in labels["features"]:
        props = feature["properties"]
        assert set(props) == {"name", "kind", "minZoom", "rank"}
        assert props["kind"] in LABEL_KINDS
        assert isinstance(props["minZoom"], int) and isinstance(props["rank"], int)
        assert feature["geometry"]["type"] == "Point"
        names.add(props["name"])
    wanted = {
        "Tehran",
        "Baku",
        "Kafan",
        "Shusha",
        "Yerevan",
        "Tabriz",
        "Nakhchivan",
        "Araz",
        "Kura",
        "Lake Sevan",
        "Lake Urmia",
    }
    assert wanted <= names, wanted - names
    assert "Kapan" not in names


def _roles_at(countries, lon: float, lat: float) -> list[str]:
    point = Point(lon, lat)
    return [role for _, role, geometry in countries if geometry.covers(point)]


@pytest.mark.parametrize(
    ("place", "lat", "lon", "role"),
    [
        ("Kafan", 39.2076, 46.4057, "armenia"),
        ("Shusha", 39.7585, 46.7509, "azerbaijan"),
        ("Nakhchivan", 39.2089, 45.4122, "azerbaijan"),
        ("Tehran", 35.6892, 51.3890, "iran"),
        ("Tabriz", 38.0800, 46.2919, "iran"),
        ("Yerevan", 40.1792, 44.4991, "armenia"),
        ("Baku", 40.4093, 49.8671, "azerbaijan"),
    ],
)
def test_point_in_country(countries, place: str, lat: float, lon: float, role: str) -> None:
    assert _roles_at(countries, lon, lat) == [role], place


def test_caspian_is_sea(countries) -> None:
    assert _roles_at(countries, 50.6, 41.6) == []


def test_total_size() -> None:
    total = sum(p.stat().st_size for p in BASEMAP_DIR.rglob("*") if p.is_file())
    assert total < 4 * 1024 * 1024, total


def test_world_layer_covers_what_the_regional_box_does_not():
    from shapely.geometry import box

    text = (BASEMAP_DIR / "world.js").read_text(encoding="utf-8")
    # JSON text in a string literal: the page parses it when the view first leaves the box
    literal = text[text.index("window.ARAZ_WORLD_JSON = ") :].split(" = ", 1)[1].strip()
    world = json.loads(json.loads(literal.rstrip(";")))
    fc = world["fills"]
    names = {f["properties"]["name"] for f in fc["features"]}
    assert {"United States of America", "Brazil", "China", "France"} <= names
    inner = box(24.5, 20.5, 75.5, 59.5)
    for f in fc["features"]:
        assert not shape(f["geometry"]).intersects(inner), f["properties"]["name"]
    usa = next(
        shape(f["geometry"])
        for f in fc["features"]
        if f["properties"]["name"] == "United States of America"
    )
    assert usa.contains(Point(-91.4, 39.7))  # Hannibal, Missouri
    # outlines are the countries' own coasts and borders, never the cut along the box
    edge = box(24.0, 20.0, 76.0, 60.0).boundary
    for f in world["lines"]["features"]:
        assert shape(f["geometry"]).intersection(edge).length < 1e-3, f["properties"]["name"]
