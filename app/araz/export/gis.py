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

from ..model.columns import take
from ..model.dataset import Dataset
from ..model.dates import iso_day
from ..model.entities import EventDate
from ..views.records import tuple_markers
from .atomic import ExportError, atomic_write, check_target
from .csv import COLUMNS as CSV_COLUMNS
from .csv import SEPARATOR

LAYER = "events"
CRS = "EPSG:4326"
LIST_COLUMNS = ("actors", "actor_ids", "places", "place_ids")
# the CSV export's fields (its lat/lon become the geometry), and the marker's colour
COLUMNS = (*(c for c in CSV_COLUMNS if c not in ("lat", "lon")), "color")


def event_columns(ds: Dataset, mask: np.ndarray | None = None) -> dict[str, list[Any]]:
    """The events where ``mask`` is true, as columns (plain Python lists): every name in
    :data:`COLUMNS` plus ``lon`` and ``lat`` (None for an event without a place).

    The fields of :func:`araz.io.normalized.event_dict` and the marker of
    :func:`araz.views.records.map_record`, worked out once per distinct date, actor list
    and place list of the table's coded columns (they repeat: 100k ACLED events have a
    few thousand dates and actor lists), then spread to the rows."""
    table = ds.events
    rows = np.arange(len(ds)) if mask is None else np.flatnonzero(mask)
    per_date = {c: _date_fields(_value(table.date, c)) for c in _codes(table.date, rows)}
    per_actors = {c: _actor_fields(ds, _value(table.actors, c)) for c in _codes(table.actors, rows)}
    per_places = _place_fields(ds, _codes(table.places, rows))
    cols: dict[str, list[Any]] = {"id": take(table.ids, rows)}
    cols["title"] = _spread(table.title, rows)
    dates = _spread_from(per_date, table.date, rows)
    for k, name in enumerate(("date", "date_display", "date_lower", "date_upper", "date_basis")):
        cols[name] = [d[k] for d in dates]
    actors = _spread_from(per_actors, table.actors, rows)
    cols["actors"] = [a[0] for a in actors]
    cols["actor_ids"] = [a[1] for a in actors]
    places = _spread_from(per_places, table.places, rows)
    cols["places"] = [p[0] for p in places]
    cols["place_ids"] = [p[1] for p in places]
    cols["country"] = [p[2] for p in places]
    cols["category"] = [c or None for c in _spread(table.category, rows)]
    cols["certainty"] = _spread(table.certainty, rows)
    summary = table.summary
    cols["summary"] = [summary[r] or None for r in rows.tolist()]
    quotes = table.quotes
    cols["quotes"] = [" … ".join(q.text for q in quotes.get(r, ())) or None for r in rows.tolist()]
    cols["color"] = [a[2] for a in actors]
    cols["lon"] = [p[3] for p in places]
    cols["lat"] = [p[4] for p in places]
    return {name: cols[name] for name in (*COLUMNS, "lon", "lat")}


def _date_fields(date: EventDate | None) -> tuple:
    """(edtf, display, lower, upper, basis) as :func:`event_dict` gives them."""
    if date is None:
        return (None,) * 5
    v = date.value
    lower = iso_day(v.lower) if v.start is not None else None
    upper = iso_day(v.upper) if v.end is not None else None
    return (v.edtf, date.display, lower, upper, date.basis)


def _actor_fields(ds: Dataset, actors: tuple[str, ...]) -> tuple:
    """(names, ids, the main actor's colour)."""
    names = [ds.actors[a].name for a in actors]
    return names, list(actors), ds.palette.colour(ds.state_of(actors[0] if actors else None))


def _place_fields(ds: Dataset, codes: list[int]) -> dict[int, tuple]:
    """Per place tuple code: (names, ids, the first located place's country, the
    marker's lon, lat), from the gazetteer's columns (no Place objects)."""
    places, tuples = ds.places, ds.place_tuples
    origin, _ = tuple_markers(ds)
    located = tuples.first(~np.isnan(places.lat))
    countries = [*places.country.values, None]  # code -1 reads the last
    out: dict[int, tuple] = {}
    for c in codes:
        if c < 0:
            out[c] = ([], [], None, None, None)
            continue
        rows = tuples.rows[tuples.starts[c] : tuples.starts[c + 1]]
        rows = rows[rows >= 0]
        at, first = int(origin[c]), int(located[c])
        out[c] = (
            take(places.name.values, places.name.codes[rows]),
            take(places.ids, rows),
            countries[places.country.codes[first]] if first >= 0 else None,
            float(places.lon[at]) if at >= 0 else None,
            float(places.lat[at]) if at >= 0 else None,
        )
    return out


def _value(column, code: int):
    return column.values[code] if code >= 0 else column.missing


def _codes(column, rows: np.ndarray) -> list[int]:
    """The distinct codes of ``column`` at ``rows``."""
    return np.unique(column.codes[rows]).tolist()


def _spread_from(per_code: dict, column, rows: np.ndarray) -> list:
    return [per_code[c] for c in column.codes[rows].tolist()]


def _spread(column, rows: np.ndarray) -> list:
    """A coded column's values at ``rows`` (code -1: its ``missing``)."""
    values = [*column.values, column.missing]  # code -1 reads the last
    return [values[c] for c in column.codes[rows].tolist()]


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
