"""The Natural Earth extracts as :mod:`build_basemap` reads them, and the small shape
helpers its modules share."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import MultiPolygon, Polygon


def _read(source_dir: Path, layer: str) -> gpd.GeoDataFrame:
    frame = gpd.read_file(source_dir / f"ne_10m_{layer}_region.geojson")
    return frame.set_crs(4326, allow_override=True)


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def _polygons(geometry) -> list[Polygon]:
    if geometry is None or geometry.is_empty:
        return []
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    return [g for part in getattr(geometry, "geoms", []) for g in _polygons(part)]


def _merged_by_name(frame: gpd.GeoDataFrame, name_column: str = "name") -> list[tuple]:
    groups: dict[str | None, list] = {}
    for name, geometry in zip(frame[name_column], frame.geometry, strict=True):
        groups.setdefault(_text(name), []).append(geometry)
    out = []
    for name in sorted(groups, key=lambda n: (n is None, n or "")):
        merged = shapely.union_all(groups[name])
        out.append((name, merged))
    return out
