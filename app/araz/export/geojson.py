"""The shown events as GeoJSON (RFC 7946): one Feature per event, read back by
:func:`araz.io.read_path` into the same events, and by geopandas.

The geometry is the event's marker (a Point, lon/lat WGS 84, no ``crs`` member), or
``null`` for an event without a place.  Properties hold the normalized fields under the
names the GeoJSON reader looks for (``title``, ``date`` as EDTF, ``actors`` as a list of
names, ``summary``, ``category``), the rest flat beside them; the feature ``id`` is the
event id.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from ..io.normalized import event_dict
from ..model.dataset import Dataset
from ..views.records import map_record
from .atomic import atomic_write


def _coord(value: float) -> float:
    return round(float(value), 7)  # about a centimetre: RFC 7946 §11.2


def feature(ds: Dataset, e) -> dict:
    d = event_dict(ds, e)
    rec = map_record(ds, e)
    date = d["date"] or {}
    geometry = None
    if rec is not None:
        geometry = {"type": "Point", "coordinates": [_coord(rec["lon"]), _coord(rec["lat"])]}
    props = {
        "title": d["title"],
        "date": date.get("edtf"),
        "date_display": date.get("display"),
        "date_lower": date.get("lower"),
        "date_upper": date.get("upper"),
        "date_basis": date.get("basis"),
        "actors": [a["name"] for a in d["actors"]],
        "actor_ids": [a["id"] for a in d["actors"]],
        "places": [
            {k: p[k] for k in ("id", "name", "lat", "lon", "kind", "country", "role")}
            for p in d["places"]
        ],
        "category": d["category"] or None,
        "certainty": d["certainty"],
        "summary": d["summary"],
        "quotes": d["quotes"],
        "color": ds.colour(e),
    }
    return {"type": "Feature", "id": d["id"], "geometry": geometry, "properties": props}


def feature_collection(ds: Dataset, mask: np.ndarray | None = None) -> dict:
    feats = [feature(ds, e) for i, e in enumerate(ds.events) if mask is None or mask[i]]
    return {"type": "FeatureCollection", "features": feats}


def geojson_bytes(ds: Dataset, mask: np.ndarray | None = None) -> bytes:
    doc = feature_collection(ds, mask)
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_geojson(ds: Dataset, mask: np.ndarray | None, path: str | os.PathLike) -> Path:
    """Write the shown events as GeoJSON, atomically; returns the path (ExportError if not)."""
    return atomic_write(path, geojson_bytes(ds, mask), ds)
