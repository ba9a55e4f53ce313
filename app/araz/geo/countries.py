"""Which country a place lies in, computed from geometry (never typed by hand).

Uses the countries layer built from Natural Earth (``resources/basemap/countries.geojson``)
with shapely's STRtree.  shapely is imported on first use only; the result for the same
coordinates is cached.
"""

from __future__ import annotations

import json
from functools import cache

from ..paths import resource


@cache
def _index():
    from shapely import STRtree
    from shapely.geometry import shape
    from shapely.prepared import prep

    with open(resource("basemap", "countries.geojson"), encoding="utf-8") as f:
        fc = json.load(f)
    geoms, names = [], []
    for feat in fc["features"]:
        geoms.append(shape(feat["geometry"]))
        names.append(feat["properties"]["name"])
    return STRtree(geoms), geoms, [prep(g) for g in geoms], names


def country_at(lon: float, lat: float) -> str | None:
    """The country containing the point, or None (sea, outside the covered region)."""
    return _country_at(round(lon, 6), round(lat, 6))


@cache
def _country_at(lon: float, lat: float) -> str | None:
    from shapely.geometry import Point

    tree, _geoms, prepared, names = _index()
    pt = Point(lon, lat)
    for i in tree.query(pt):
        if prepared[int(i)].covers(pt):
            return names[int(i)]
    return None


def countries_touched(geometry: dict) -> list[str]:
    from shapely.geometry import shape

    tree, geoms, _prepared, names = _index()
    g = shape(geometry)
    out = []
    for i in sorted(int(i) for i in tree.query(g)):
        if geoms[i].intersects(g):
            out.append(names[i])
    return out
