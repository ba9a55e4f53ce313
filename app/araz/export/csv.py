"""The shown events as CSV: one row per event, the normalized fields flattened.

UTF-8 *with* a byte-order mark: Excel (still the usual way such a file is opened) reads
a BOM-less CSV in the machine's ANSI code page and mangles Şuşa, Ղափան or Raisi's
Persian name; LibreOffice, pandas and Python's ``utf-8-sig`` read the BOM as intended.
Cells that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a
carriage return) get a leading apostrophe, unless the cell is a plain number, so that
``-12.5`` stays a number.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import numpy as np

from ..io.normalized import event_dict
from ..model.dataset import Dataset
from ..views.records import map_record
from .atomic import atomic_write

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
    "lat",
    "lon",
    "country",
    "category",
    "certainty",
    "summary",
    "quotes",
)
SEPARATOR = "; "  # between the names in one cell

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    if cell.startswith(_TRIGGERS) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def _num(value) -> str:
    return "" if value is None else repr(float(value))


def rows(ds: Dataset, mask: np.ndarray | None = None) -> list[dict[str, str]]:
    """The CSV rows (before neutralising) of the events where ``mask`` is true."""
    out = []
    for i, e in enumerate(ds.events):
        if mask is not None and not mask[i]:
            continue
        d = event_dict(ds, e)
        date = d["date"] or {}
        rec = map_record(ds, e)
        marker = next((p for p in d["places"] if p["lat"] is not None), None)
        out.append(
            {
                "id": d["id"],
                "title": d["title"],
                "date": date.get("edtf") or "",
                "date_display": date.get("display") or "",
                "date_lower": date.get("lower") or "",
                "date_upper": date.get("upper") or "",
                "date_basis": date.get("basis") or "",
                "actors": SEPARATOR.join(a["name"] for a in d["actors"]),
                "actor_ids": SEPARATOR.join(a["id"] for a in d["actors"]),
                "places": SEPARATOR.join(p["name"] for p in d["places"]),
                "place_ids": SEPARATOR.join(p["id"] for p in d["places"]),
                "lat": _num(rec["lat"]) if rec else "",
                "lon": _num(rec["lon"]) if rec else "",
                "country": (marker or {}).get("country") or "",
                "category": d["category"] or "",
                "certainty": d["certainty"] or "",
                "summary": d["summary"] or "",
                "quotes": " … ".join(q["text"] for q in d["quotes"]),
            }
        )
    return out


def csv_bytes(ds: Dataset, mask: np.ndarray | None = None) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(ds, mask):
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return buf.getvalue().encode("utf-8-sig")


def write_csv(ds: Dataset, mask: np.ndarray | None, path: str | os.PathLike) -> Path:
    """Write the shown events as CSV, atomically; returns the path (ExportError if not)."""
    return atomic_write(path, csv_bytes(ds, mask), ds)
