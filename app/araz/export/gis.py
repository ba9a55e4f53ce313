"""The shown events as GeoPackage or GeoParquet, through geopandas; and as a GeoDataFrame.

One row per event, the same fields as the CSV export (:data:`COLUMNS`), with the marker
as a Point in WGS 84 (EPSG:4326), or an empty geometry for an event without a place:

* ``date`` is the EDTF text (``2021-06``, ``2022-09/2023-04``, ``2020-11~``) and
  ``date_lower``/``date_upper`` its bounds as ISO days (text: historical dates are not
  pandas timestamps, and an open end stays empty);
* ``actors``/``actor_ids``/``places``/``place_ids`` are lists in GeoParquet and in the
  GeoDataFrame, and ``"; "``-joined text in GeoPackage (which has no list type);
* text from the data (titles, summaries, names) is written exactly as it is: these
  formats hold typed values, nothing in them is run, so unlike the CSV export no cell is
  altered.

The GeoPackage layer is named ``events`` and carries the dataset's title as its
description.  geopandas, pandas and pyogrio are imported when a function here is called,
never when :mod:`araz.export` is imported.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..io.normalized import event_dict
from ..model.dataset import Dataset
from ..views.records import map_record
from .atomic import ExportError, atomic_write, check_target
from .csv import SEPARATOR

LAYER = "events"
CRS = "EPSG:4326"
LIST_COLUMNS = ("actors", "actor_ids", "places", "place_ids")
COLUMNS = (
    "id",
    "title",
    "date",
    "date_display",
    "date_lower",
    "date_upper",
    "date_basis",
    "actors",
    "actor_ids",
    "places",
    "place_ids",
    "country",
    "category",
    "certainty",
    "summary",
    "quotes",
    "color",
)


def event_columns(ds: Dataset, mask: np.ndarray | None = None) -> dict[str, list[Any]]:
    """The events where ``mask`` is true, as columns (plain Python lists): every name in
    :data:`COLUMNS` plus ``lon`` and ``lat`` (None for an event without a place)."""
    cols: dict[str, list[Any]] = {name: [] for name in (*COLUMNS, "lon", "lat")}
    for i, e in enumerate(ds.events):
        if mask is not None and not mask[i]:
            continue
        d = event_dict(ds, e)
        date = d["date"] or {}
        rec = map_record(ds, e)
        marker = next((p for p in d["places"] if p["lat"] is not None), None)
        row = {
            "id": d["id"],
            "title": d["title"],
            "date": date.get("edtf"),
            "date_display": date.get("display"),
            "date_lower": date.get("lower"),
            "date_upper": date.get("upper"),
            "date_basis": date.get("basis"),
            "actors": [a["name"] for a in d["actors"]],
            "actor_ids": [a["id"] for a in d["actors"]],
            "places": [p["name"] for p in d["places"]],
            "place_ids": [p["id"] for p in d["places"]],
            "country": (marker or {}).get("country"),
            "category": d["category"] or None,
            "certainty": d["certainty"],
            "summary": d["summary"] or None,
            "quotes": " … ".join(q["text"] for q in d["quotes"]) or None,
            "color": ds.colour(e),
            "lon": float(rec["lon"]) if rec else None,
            "lat": float(rec["lat"]) if rec else None,
        }
        for name, value in row.items():
            cols[name].append(value)
    return cols


def geodataframe(ds: Dataset, mask: np.ndarray | None = None, *, lists: bool = True):
    """A ``geopandas.GeoDataFrame`` of the shown events: :data:`COLUMNS` and a Point
    ``geometry`` (EPSG:4326; None without a place).  ``lists=False``: the list columns
    as ``"; "``-joined text."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    cols = event_columns(ds, mask)
    lon = np.array([np.nan if v is None else v for v in cols.pop("lon")], dtype=float)
    lat = np.array([np.nan if v is None else v for v in cols.pop("lat")], dtype=float)
    points = shapely.points(lon, lat)
    points[np.isnan(lon)] = None  # no place: no geometry (not an empty point)
    if not lists:
        for name in LIST_COLUMNS:
            cols[name] = [SEPARATOR.join(v) for v in cols[name]]
    frame = pd.DataFrame(cols, columns=list(COLUMNS))
    return gpd.GeoDataFrame(frame, geometry=points, crs=CRS)


def _gis_error(path: Path, exc: Exception) -> ExportError:
    return ExportError(f"cannot write {path}: {str(exc).splitlines()[0] if str(exc) else exc}")


def geopackage_bytes(ds: Dataset, mask: np.ndarray | None = None, *, title: str = "") -> bytes:
    """The GeoPackage file's bytes: one layer ``events``, the title as its description."""
    import pyogrio

    frame = geodataframe(ds, mask, lists=False)
    buf = io.BytesIO()
    description = " ".join((title or ds.title or "Araz events").split())
    pyogrio.write_dataframe(
        frame,
        buf,
        driver="GPKG",
        layer=LAYER,
        geometry_type="Point",
        layer_options={"DESCRIPTION": description},
    )
    return buf.getvalue()


def geoparquet_bytes(ds: Dataset, mask: np.ndarray | None = None) -> bytes:
    """The GeoParquet file's bytes (GeoParquet 1.x metadata, geometry as WKB)."""
    buf = io.BytesIO()
    geodataframe(ds, mask).to_parquet(buf, index=False)
    return buf.getvalue()


def write_geopackage(
    ds: Dataset, mask: np.ndarray | None, path: str | os.PathLike, *, title: str = ""
) -> Path:
    """Write the shown events as a GeoPackage, atomically; returns the path
    (ExportError if not)."""
    target = check_target(path, ds)  # refuse before the work, not after
    try:
        data = geopackage_bytes(ds, mask, title=title)
    except (OSError, RuntimeError, ValueError) as exc:
        raise _gis_error(target, exc) from exc
    return atomic_write(target, data, ds)


def write_geoparquet(ds: Dataset, mask: np.ndarray | None, path: str | os.PathLike) -> Path:
    """Write the shown events as GeoParquet, atomically; returns the path
    (ExportError if not)."""
    target = check_target(path, ds)
    try:
        data = geoparquet_bytes(ds, mask)
    except (OSError, RuntimeError, ValueError) as exc:
        raise _gis_error(target, exc) from exc
    return atomic_write(target, data, ds)
