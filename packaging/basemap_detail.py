"""The basemap's detail layer (``resources/basemap/detail.json``), drawn from zoom 8 in the
close box: first-level administrative regions (their inner boundaries as lines, their
names as labels), urban areas, and the towns that the bands do not name.

Sources, committed under ``packaging/data/`` (see its README and
:mod:`basemap_cut_detail`): Natural Earth 1:10m admin-1 states and provinces and 1:50m
urban areas, cut to the close box; the towns are the Natural Earth populated places that
:mod:`build_basemap` reads anyway.

The regions are simplified as a coverage (the shared edges once each), so that a boundary
between two regions is one line; only the boundaries between two regions of the same
country are drawn (the countries' borders are the bands' own, at their own vintage).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Point, box, shape
from shapely.ops import polylabel

from basemap_labels import CLOSE_BOX
from basemap_source import _polygons, _read, _text

DATA_DIR = Path(__file__).resolve().parent / "data"
ADMIN1 = DATA_DIR / "ne_10m_admin_1_close.geojson"
URBAN = DATA_DIR / "ne_50m_urban_areas_close.geojson"
TOWNS = DATA_DIR / "geonames_towns_close.json"
ATTRIBUTION = "towns: GeoNames (CC BY 4.0)"

MIN_ZOOM = 8
TOLERANCE = 0.0005  # as the close band: ~50 m, under a pixel at zoom 11
DIGITS = 4  # ~10 m

# Region names in current English usage (Natural Earth's -> label).
REGION_NAMES = {
    "Erevan": "Yerevan",
    "East Azarbaijan": "East Azerbaijan",
    "West Azarbaijan": "West Azerbaijan",
    "Ardebil": "Ardabil",
    "Kordestan": "Kurdistan",
    "Esfahan": "Isfahan",
}
# Azerbaijani districts renamed since (Natural Earth's -> current).
REGION_NAMES.update({"Xanlar": "Goygol", "Dəvəçi": "Shabran", "Yevlakh Rayon": "Yevlakh"})
# Natural Earth's errors, by adm1_code: the Lachin district is named "Lankaran" there.
REGION_FIXES = {"AZE-1735": "Lachin"}
# Units dissolved into one first-level region: Azerbaijan's districts of the Nakhchivan
# Autonomous Republic (Natural Earth lists its districts, a second level).
DISSOLVE = {"Naxçıvan Autonomous Republic": "Nakhchivan"}
# Regions of at least this area (square degrees) are named from MIN_ZOOM, others from 9.
LARGE_AREA = 0.4
REGION_RANK = (
    12  # after every place (ranks 0-11): in a clash the town stays, the name moves or goes
)
TOWN_MIN_ZOOM = 9
# GeoNames towns: (at least this many people, minZoom, rank)
TOWN_ZOOMS = ((20_000, 9, 9), (5_000, 10, 10), (0, 11, 11))
TOWN_SPACING = 0.04  # degrees (~4 km): a town this close to a named place is that place


# Azerbaijani Latin letters as English writes them (Şəki -> Shaki, Cəbrayıl -> Jabrayil,
# Xaçmaz -> Khachmaz); q stays q (Quba, Qusar, Qubadli), as in English usage.
AZ_LATIN = str.maketrans(
    {"ə": "a", "Ə": "A", "ş": "sh", "Ş": "Sh", "ç": "ch", "Ç": "Ch", "ğ": "gh", "Ğ": "Gh",
     "x": "kh", "X": "Kh", "c": "j", "C": "J", "ı": "i", "İ": "I", "ö": "o", "Ö": "O",
     "ü": "u", "Ü": "U"}
)  # fmt: skip
# Town names keep their country's own letters where English does too (Turkish İğdır);
# elsewhere the marks of a transliteration go (Ebrāhīm Samī‘ -> Ebrahim Sami).
KEEP_MARKS = {"TR"}


def english(name: str, country: str) -> str:
    """A place name as an English map writes it (country: ISO 3166-1 alpha-2)."""
    if country == "AZ":
        name = name.translate(AZ_LATIN)
    if country in KEEP_MARKS:
        return name
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return "".join(ch for ch in plain if ch not in "‘’ʼʻ`").strip()


def _regions(fixes: dict[str, str]) -> list[dict]:
    """The first-level regions: name, country, geometry, NE's label point."""
    collection = json.loads(ADMIN1.read_text(encoding="utf-8"))
    units: list[dict] = []
    groups: dict[str, list[dict]] = {}
    for feature in collection["features"]:
        p = feature["properties"]
        name = _text(p.get("name"))
        if name and name in REGION_NAMES:
            name = REGION_NAMES[name]
        elif name and p["iso"] == "aze":
            name = english(name, "AZ")
        name = fixes.get(str(p["adm1_code"])) or name
        unit = {
            "key": str(p["adm1_code"]),
            "name": name,
            "iso": p["iso"],
            "municipality": p.get("type_en") in ("Municipality", "City", "Independent City"),
            "geometry": shapely.make_valid(shape(feature["geometry"])),
            "label": (p.get("longitude"), p.get("latitude")),
        }
        region = _text(p.get("region"))
        if region in DISSOLVE:
            groups.setdefault(region, []).append(unit)
        else:
            units.append(unit)
    for region, members in sorted(groups.items()):
        merged = shapely.union_all([m["geometry"] for m in members])
        units.append(
            {
                "key": f"{members[0]['iso']}-{DISSOLVE[region]}",
                "name": DISSOLVE[region],
                "iso": members[0]["iso"],
                "municipality": False,
                "geometry": merged,
                "label": (None, None),
            }
        )
    units.sort(key=lambda u: u["key"])
    return units


def _lines(geometry) -> list:
    if geometry is None or geometry.is_empty:
        return []
    if geometry.geom_type in ("LineString", "MultiLineString"):
        return [geometry]
    return [g for part in getattr(geometry, "geoms", []) for g in _lines(part)]


def inner_boundaries(units: list[dict], coverage: dict) -> list:
    """The boundaries shared by two regions of the same country, merged into lines."""
    keys = [u["key"] for u in units if u["key"] in coverage]
    iso = {u["key"]: u["iso"] for u in units}
    shapes = [coverage[k] for k in keys]
    tree = shapely.STRtree(shapes)
    shared = []
    for i, key in enumerate(keys):
        for j in sorted(tree.query(shapes[i])):
            if j <= i or iso[keys[j]] != iso[key]:
                continue
            common = shapes[i].boundary.intersection(shapes[j].boundary)
            shared.extend(_lines(common))
    if not shared:
        return []
    merged = shapely.line_merge(shapely.union_all(shared))
    return [line for line in _lines(merged) if line.length > 0]


def _label_point(unit: dict, geometry) -> tuple[float, float]:
    lon, lat = unit["label"]
    if lon is not None and lat is not None and geometry.contains(Point(lon, lat)):
        return float(lon), float(lat)
    largest = max(_polygons(geometry), key=lambda p: p.area)
    point = polylabel(largest, tolerance=0.005)
    return point.x, point.y


def region_labels(units: list[dict], coverage: dict) -> list[tuple[dict, object]]:
    out = []
    for unit in units:
        geometry = coverage.get(unit["key"])
        name = unit["name"]
        if geometry is None or not name:
            continue
        if unit["municipality"]:
            continue  # a city's own region (Yerevan, Baku, Ganja): the city is named
        inside = shapely.clip_by_rect(geometry, *CLOSE_BOX)
        if inside.is_empty or inside.area < 0.01:
            continue  # a sliver of a region beyond the box's edge
        lon, lat = _label_point(unit, inside)
        large = geometry.area >= LARGE_AREA
        properties = {
            "name": name,
            "kind": "region",
            "minZoom": MIN_ZOOM if large else MIN_ZOOM + 1,
            "rank": REGION_RANK if large else REGION_RANK + 1,
        }
        out.append((properties, Point(lon, lat)))
    return out


def town_labels(source_dir: Path, taken: list[tuple[float, float]]) -> list[tuple[dict, object]]:
    """Towns of the close box the bands do not name: Natural Earth's other populated
    places, then GeoNames' towns (biggest first), each only where no named place is
    within TOWN_SPACING (the same town under another spelling, or a suburb)."""
    out: list[tuple[dict, object]] = []
    placed = list(taken)
    area = box(*CLOSE_BOX)

    def add(name: str, lon: float, lat: float, min_zoom: int, rank: int) -> None:
        if not name or not area.contains(Point(lon, lat)):
            return
        if any(abs(lon - x) < TOWN_SPACING and abs(lat - y) < TOWN_SPACING for x, y in placed):
            return
        placed.append((lon, lat))
        properties = {"name": name, "kind": "city", "minZoom": min_zoom, "rank": rank}
        out.append((properties, Point(lon, lat)))

    places = _read(source_dir, "populated_places")
    for row in places.itertuples(index=False):
        if row.featurecla == "Historic place":
            continue
        min_zoom = max(TOWN_MIN_ZOOM, min(10, int(-(-float(row.min_zoom) // 1))))
        add(str(row.name), float(row.longitude), float(row.latitude), min_zoom, 9)
    towns = json.loads(TOWNS.read_text(encoding="utf-8"))
    for _, name, lat, lon, population, country in towns:
        min_zoom, rank = next((z, r) for floor, z, r in TOWN_ZOOMS if population >= floor)
        add(english(str(name), str(country)), float(lon), float(lat), min_zoom, rank)
    return out


def urban_areas(tolerance: float) -> list[tuple[dict, object]]:
    collection = json.loads(URBAN.read_text(encoding="utf-8"))
    out = []
    for feature in collection["features"]:
        geometry = shape(feature["geometry"]).simplify(tolerance, preserve_topology=True)
        if not geometry.is_empty and geometry.area > tolerance * tolerance * 4:
            out.append(({}, geometry))
    return out


def build_detail(
    source_dir: Path,
    named: list[tuple[float, float]],
    simplify_coverage: Callable[[list, float], dict],
    feature_collection: Callable[[list, int], dict],
) -> dict:
    """The detail layer as a JSON-ready dict (``named``: where the bands name places)."""
    units = _regions(REGION_FIXES)
    polygons = [(u["key"], MultiPolygon(_polygons(u["geometry"]))) for u in units]
    coverage = simplify_coverage(polygons, TOLERANCE)
    labels = region_labels(units, coverage) + town_labels(source_dir, named)
    labels.sort(key=lambda item: (item[0]["minZoom"], item[0]["rank"], item[0]["name"]))
    lines = [({}, line) for line in inner_boundaries(units, coverage)]
    return {
        "version": 1,
        "attribution": ATTRIBUTION,
        "minZoom": MIN_ZOOM,
        "box": list(CLOSE_BOX),
        "regions": feature_collection(lines, DIGITS),
        "urban": feature_collection(urban_areas(TOLERANCE), DIGITS),
        "labels": feature_collection(labels, DIGITS),
    }
