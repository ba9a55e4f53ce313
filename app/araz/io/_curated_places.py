"""The curated format's places: points, GeoJSON geometries beside the file, swapped
coordinates, the country each place lies in (used by :mod:`araz.io.curated`)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from statistics import median
from typing import Any

from ..model.entities import Place
from ._common import on_earth
from ._curated_checker import Checker
from ._files import InputError, inside, read_input
from ._geometry import geometry_problem


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def read_places(c: Checker, root, path: Path, compute_countries: bool) -> dict[str, Place]:
    places: dict[str, Place] = {}
    lines: dict[str, int] = {}
    seen: set[str] = set()
    for d in c.items(root, "places"):
        if (pid := c.ident(d, seen, "place")) is None:
            continue
        name, kind = c.text(d, "name"), d.get("kind", "city")
        lat = lon = None
        if "point" in d:  # in range (the schema); finite (YAML has .nan and .inf)
            pt = d["point"]
            lat, lon = _number(pt["lat"]), _number(pt["lon"])
            if lat is None or lon is None:
                c.report(pt.line, f"{pid}: point needs numeric 'lat' and 'lon'", pid)
                continue
        geometry = None
        if "geometry" in d:
            geometry = _read_geometry(c, d, pid, path)
            if geometry is None:
                continue
            if lat is None:
                lon, lat = _representative(geometry)
        places[pid] = Place(pid, name, kind, lat, lon, c.aliases(d), geometry)
        lines[pid] = d.line
    _check_swapped(c, places, lines)
    if compute_countries and places:
        places = _with_countries(c, places, lines)
    return places


def _read_geometry(c: Checker, d, pid: str, path: Path) -> dict | None:
    ref = d["geometry"]
    line = d.line_of("geometry")
    try:
        gpath = inside(path.parent, ref)
        data = json.loads(read_input(gpath, "geometry", path.parent).decode("utf-8"))
    except RecursionError:
        c.report(line, f"{pid}: cannot read geometry {ref}: nested too deeply", pid)
        return None
    except (InputError, ValueError) as exc:
        c.report(line, f"{pid}: cannot read geometry {ref}: {exc}", pid)
        return None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        feats = data.get("features") or []
        data = feats[0] if len(feats) == 1 else None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    kinds = ("LineString", "MultiLineString", "Polygon", "MultiPolygon", "Point")
    if not isinstance(data, dict) or data.get("type") not in kinds:
        c.report(line, f"{pid}: {ref} must hold one GeoJSON geometry ({', '.join(kinds)})", pid)
        return None
    for x, y in _coords(data.get("coordinates")):
        if not on_earth(y, x):
            c.report(line, f"{pid}: {ref} has a coordinate out of range ({x}, {y})", pid)
            return None
    why = geometry_problem(data)  # also: nested exactly as deep as its type says
    if why:
        c.report(line, f"{pid}: {ref}: {why}", pid)
        return None
    return data


def _coords(value) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, list) and len(v) >= 2 and all(_number(x) is not None for x in v[:2]):
            out.append((float(v[0]), float(v[1])))
        elif isinstance(v, list):
            stack.extend(v)
    return out


def _representative(geometry: dict) -> tuple[float, float]:
    pts = _coords(geometry.get("coordinates"))
    return pts[len(pts) // 2] if pts else (0.0, 0.0)


def _check_swapped(c: Checker, places: dict[str, Place], lines: dict[str, int]) -> None:
    """Warn when a point is far from the others but its swap would sit among them."""
    pts = [(p.lat, p.lon) for p in places.values() if p.has_point]
    if len(pts) < 3:
        return
    mlat, mlon = median(p[0] for p in pts), median(p[1] for p in pts)
    for p in places.values():
        if not p.has_point:
            continue
        here = math.hypot(p.lat - mlat, p.lon - mlon)
        swapped = math.hypot(p.lon - mlat, p.lat - mlon)
        if here > 5 and swapped < here / 2:
            c.report(
                lines[p.id],
                f"{p.id}: lat {p.lat}, lon {p.lon} lies far from the other "
                "places; lat and lon look swapped",
                p.id,
                "warning",
            )


def _with_countries(c: Checker, places: dict[str, Place], lines) -> dict[str, Place]:
    from dataclasses import replace

    from ..geo.countries import countries_touched, country_at

    out = {}
    for pid, p in places.items():
        if p.geometry is not None and p.geometry.get("type") != "Point":
            touched = countries_touched(p.geometry)
            country = ", ".join(touched) if touched else None
        else:
            country = country_at(p.lon, p.lat)
        if country is None:
            c.report(
                lines[pid],
                f"{pid}: lies in no country of the basemap (at sea, or outside the region?)",
                pid,
                "warning",
            )
        out[pid] = replace(p, country=country)
    return out
