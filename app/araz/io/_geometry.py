"""GeoJSON geometries: whether one can be drawn (:func:`geometry_problem`) and where its
marker goes (:func:`geometry_point`); shared by the GeoJSON and curated readers."""

from __future__ import annotations

import math
from typing import Any

from ._common import number, on_earth

GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)


def _coords_ok(c: Any, depth: int) -> bool:
    """Coordinates nested ``depth`` levels deep, every position finite and in range."""
    if depth == 0:
        if not isinstance(c, list) or len(c) < 2:
            return False
        x, y = number(c[0]), number(c[1])
        if not isinstance(c[0], int | float) or not isinstance(c[1], int | float):
            return False
        return x is not None and y is not None and on_earth(y, x)
    return isinstance(c, list) and len(c) > 0 and all(_coords_ok(x, depth - 1) for x in c)


_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def geometry_problem(g: Any, level: int = 0) -> str | None:
    """Why a geometry cannot be drawn, or None (coordinates nested exactly as deep as
    the type says: a deeper structure is refused before anything recurses into it)."""
    if not isinstance(g, dict) or g.get("type") not in GEOMETRY_TYPES:
        t = g.get("type") if isinstance(g, dict) else None
        return f"geometry type {t!r} is not one of {', '.join(GEOMETRY_TYPES)}"
    if g["type"] == "GeometryCollection":
        parts = g.get("geometries")
        if level > 3 or not isinstance(parts, list) or not parts:
            return "an empty or nested GeometryCollection"
        for p in parts:
            why = geometry_problem(p, level + 1)
            if why:
                return why
        return None
    if not _coords_ok(g.get("coordinates"), _DEPTH[g["type"]]):
        return f"{g['type']} with missing, non-numeric or out-of-range coordinates"
    if g["type"] == "LineString" and len(g["coordinates"]) < 2:
        return "a LineString needs two positions"
    return None


def geometry_point(g: Any) -> tuple[tuple[float, float] | None, str | None]:
    """((lon, lat) of the marker, None), ((lon, lat), what is wrong but usable) or
    (None, why not)."""
    why = geometry_problem(g)
    if why:
        return None, why
    if g["type"] == "Point":
        c = g["coordinates"]
        return (float(c[0]), float(c[1])), None
    try:
        from shapely import make_valid
        from shapely.geometry import shape
        from shapely.validation import explain_validity

        geom = shape(g)
        note = None
        if not geom.is_valid:  # e.g. a self-intersecting polygon: say so, draw it anyway
            note = f"invalid {g['type']}: {explain_validity(geom)}"
            geom = make_valid(geom)
        p = geom.representative_point()
        if p.is_empty or not (math.isfinite(p.x) and math.isfinite(p.y)):
            return None, "an empty geometry"
        return (float(p.x), float(p.y)), note
    except Exception as exc:  # shapely/GEOS reject some invalid shapes
        return None, f"{g['type']} geometry not usable ({type(exc).__name__})"
