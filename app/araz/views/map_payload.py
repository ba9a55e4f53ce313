"""The map's events payload, packed for the page (pure: numpy, no Qt; safe in a worker
thread).  :class:`araz.qt.map.view.MapView` puts :attr:`MapEvents.body` on its data
shelf and the page reads the columns as typed arrays straight off the buffer.

The events payload, all numbers little-endian::

    offset 0   b"ARZE"        magic
           4   uint32         version (3)
           8   uint32         n, the number of events
          12   uint32         J, length of the JSON part in bytes (a multiple of 8)
          16   JSON (UTF-8, padded with spaces to J bytes):
               {"title": [distinct texts], "date": [...], "actors": [...],
                "palette": ["#rrggbb", ...], "to": [[i, lat, lon], ...], "line": [i, ...],
                "radius": true | false, "places": P}
    then these sections, each starting at a multiple of 8 (zero bytes between):
               x        uint32 × n     the longitude in Web Mercator world units times
                                       2^32 (0 west .. 1 east), rounded
               y        uint32 × n     the latitude likewise (0 north .. 1 south), as
                                       the page draws it: 1 cm steps, screen-independent
               place    int32 × n      event i's place: events at one point (to 1e-4
                                       degree) share one, numbered 0 .. P - 1 in order of
                                       first appearance
               title    code × n       event i's title is title[code] of the JSON part
               date     code × n
               actors   code × n       a code is uint8 when its table has at most 256
                                       texts, uint16 up to 65,536, else int32
               color    uint8 × n      index in palette (uint16 over 256 colours)
               radius   float32 × n    metres of location uncertainty (only if "radius")
               idStart  uint32 × (n + 1)  event i's id is ids[idStart[i]:idStart[i + 1]]
               ids      the ids' UTF-8 bytes, one after the other

About 30 bytes an event (60 in version 2, which sent the degrees and the world y as
float64 and every code as int32): what the page draws from (x, y, place, colour) comes
first; the page works out an event's degrees from x and y when it needs them (a popup).
``y`` and ``place`` are worked out here, once (with numpy; kept in the views' cache),
not by the page at each payload: a long loop of Math.log/Math.tan and a hash of every
event's place ran in the page before its JIT had compiled them (0.1-0.4 s at 300k).

Texts repeat a lot at 100k events: each distinct one is sent (and kept by the page)
once.  Event text reaches the page's DOM only through ``textContent``.
"""

from __future__ import annotations

import json
import logging
import math
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_FALLBACK_COLOR = "#808080"


def _clean_color(value: Any) -> str:
    return value if isinstance(value, str) and _COLOR.match(value) else _FALLBACK_COLOR


clean_color = _clean_color  # "#RRGGBB", or grey for anything else


def _coord(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class MapEvents:
    """Events ready for the page: ids in order, coordinates, and the payload to send
    (the binary format in the module docstring)."""

    ids: list[str]
    index: Mapping[str, int]
    lat: np.ndarray
    lon: np.ndarray
    to: dict[int, tuple[float, float]]
    # the payload: bytes, or (kept by araz.views.prepared) a read-only uint8 view of the
    # views' cache file, read from there when used
    body: bytes | np.ndarray


def build_events(events: list[dict]) -> MapEvents:
    """Check and pack event dicts for the page (pure: safe in a worker thread)."""
    cols: dict[str, list] = {
        k: [] for k in ("ids", "lat", "lon", "title", "date", "actors", "color", "to", "line")
    }
    seen: set[str] = set()
    for event in events:
        event_id = str(event.get("id", ""))
        la, lo = _coord(event.get("lat")), _coord(event.get("lon"))
        if not event_id or la is None or lo is None or event_id in seen:
            log.warning("araz: map skips event %r (no id, no place or a duplicate)", event_id)
            continue
        seen.add(event_id)
        i = len(cols["ids"])
        cols["ids"].append(event_id)
        cols["lat"].append(la)
        cols["lon"].append(lo)
        cols["title"].append(str(event.get("title", "")))
        cols["date"].append(str(event.get("date", "")))
        cols["actors"].append(str(event.get("actors", "")))
        cols["color"].append(_clean_color(event.get("color")))
        target = event.get("to")
        if isinstance(target, dict):
            tla, tlo = _coord(target.get("lat")), _coord(target.get("lon"))
            if tla is not None and tlo is not None:
                cols["to"].append([i, tla, tlo])
        if event.get("line"):
            cols["line"].append(i)
        radius = _coord(event.get("radius"))
        if radius:
            cols.setdefault("radius", [0.0] * i).append(radius)
        elif "radius" in cols:
            cols["radius"].append(0.0)
    return build_events_from_columns(cols)


MAGIC = b"ARZE"
VERSION = 3
_MAX_LAT = 85.0511287798  # Web Mercator's edge (the page's worldY)
_WORLD = 2.0**32  # world units in the payload's x and y
_HEAD = struct.Struct("<4sIII")  # magic, version, n, length of the JSON part


def _codes(values: Sequence) -> tuple[list, np.ndarray]:
    """A column of repeated values as its distinct values (in order of first use) and,
    per row, its value's index among them (int32)."""
    index = {value: i for i, value in enumerate(dict.fromkeys(values))}
    codes = np.fromiter(map(index.__getitem__, values), dtype="<i4", count=len(values))
    return list(index), codes


def _world(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per event its Web Mercator x and y (as the page's worldX and worldY) in units of
    2^-32 of the world, rounded (uint32)."""
    phi = (np.clip(lat, -_MAX_LAT, _MAX_LAT) * np.pi) / 180
    wy = 0.5 - np.log(np.tan(np.pi / 4 + phi / 2)) / (2 * np.pi)
    out = []
    for unit in (lon / 360 + 0.5, wy):
        unit *= _WORLD
        np.floor(unit + 0.5, out=unit)
        out.append(np.clip(unit, 0, _WORLD - 1).astype("<u4"))
    return out[0], out[1]


def degrees(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The latitudes and longitudes of a payload's world units ``x`` and ``y``, as the
    page works them out (within 1e-6 degree of those packed)."""
    lon = (np.asarray(x, np.float64) / _WORLD - 0.5) * 360
    lat = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * (np.asarray(y, np.float64) / _WORLD)))))
    return lat, lon


def _code_type(size: int) -> str:
    """The narrowest type of a code into a table of ``size`` entries (the page's rule)."""
    return "<u1" if size <= 256 else "<u2" if size <= 65536 else "<i4"


def _places(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, int]:
    """Per event its place (events at the same point to 1e-4 degree share one; numbered
    in order of first appearance), and the number of places."""
    # JavaScript's Math.round: halves up
    keys = np.floor((lat + 90) * 1e4 + 0.5).astype(np.int64) * 4_000_000
    keys += np.floor((lon + 180) * 1e4 + 0.5).astype(np.int64)
    # runs of equal keys in sorted order; a place's number is its run's rank by the
    # run's first event (np.unique with its index and inverse sorts stably: 3x slower)
    order = np.argsort(keys)
    ordered = keys[order]
    del keys
    new = np.empty(len(ordered), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    del ordered
    starts = np.flatnonzero(new)
    first = np.minimum.reduceat(order, starts) if len(starts) else starts
    rank = np.empty(len(starts), dtype="<i4")
    rank[np.argsort(first)] = np.arange(len(starts), dtype="<i4")
    place = np.empty(len(order), dtype="<i4")
    place[order] = rank[np.cumsum(new) - 1]
    return place, len(starts)


def _id_bytes(ids: Sequence[str]) -> tuple[np.ndarray, bytes]:
    """The ids as one UTF-8 text and, per id, where it starts (n + 1 offsets)."""
    joined = "".join(ids)
    # a lone surrogate (JSON allows "\\ud800") must not stop a load: the page reads it
    # as U+FFFD
    blob = joined.encode("utf-8", "surrogatepass")
    if len(blob) == len(joined):  # ASCII: a character is a byte
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    else:
        lengths = np.fromiter(
            (len(i.encode("utf-8", "surrogatepass")) for i in ids), dtype=np.int64, count=len(ids)
        )
    starts = np.zeros(len(ids) + 1, dtype="<u4")
    np.cumsum(lengths, out=starts[1:])
    return starts, blob


def _pad8(size: int) -> bytes:
    return b"\0" * (-size % 8)


def build_events_from_columns(
    cols: dict[str, Sequence], index: Mapping[str, int] | None = None
) -> MapEvents:
    """Pack columns (ids, lat, lon, title, date, actors, color as "#RRGGBB", to as
    [index, lat, lon], line as indexes, optional radius in metres; lists or arrays) for
    the page; ids must be unique strings and the coordinates finite (as
    :func:`araz.views.records.map_columns` makes them).

    The payload is the binary format in the module docstring: coordinates and per-event
    codes as little-endian arrays, each distinct text once in a small JSON part.

    ``index`` (id -> position in ``ids``) may be given when the caller has one (the app
    has its dataset's); else it is built here.
    """
    ids = list(cols["ids"])
    n = len(ids)
    lat = np.ascontiguousarray(cols["lat"], dtype="<f8")
    lon = np.ascontiguousarray(cols["lon"], dtype="<f8")
    if lat.shape != (n,) or lon.shape != (n,):
        raise ValueError(f"{lat.shape} latitudes and {lon.shape} longitudes for {n} ids")
    raw, raw_codes = _codes(cols["color"])  # clean each distinct value once, not each event
    palette: dict[str, int] = {}
    remap = np.array([palette.setdefault(_clean_color(c), len(palette)) for c in raw], dtype="<u2")
    colors = remap[raw_codes] if n else np.zeros(0, "<u2")
    meta: dict[str, Any] = {}
    sections: list[np.ndarray] = [lat, lon]
    for key in ("title", "date", "actors"):
        values = cols[key]
        if len(values) != n:
            raise ValueError(f"{len(values)} {key} for {n} ids")
        meta[key], codes = _codes(values)
        sections.append(codes)
    sections.append(colors)
    radius = cols.get("radius")
    radius = np.asarray(radius if radius is not None else (), dtype="<f4")
    has_radius = radius.shape == (n,) and bool(np.any(radius > 0))
    if has_radius:
        sections.append(np.nan_to_num(radius, nan=0.0, posinf=0.0, neginf=0.0))
    to = [[int(t[0]), float(t[1]), float(t[2])] for t in cols["to"]]
    line = [int(i) for i in cols["line"]]
    meta.update(palette=list(palette), to=to, line=line, radius=has_radius)
    starts, blob = _id_bytes(ids)
    return MapEvents(
        ids,
        dict(zip(ids, range(n), strict=True)) if index is None else index,
        lat,
        lon,
        {t[0]: (t[1], t[2]) for t in to},
        pack(n, meta, sections, starts, blob),
    )


def pack(n: int, meta: dict, sections: list[np.ndarray], starts: np.ndarray, blob: Any) -> bytes:
    """The payload of ``n`` events: the JSON part, the little-endian arrays in the
    module docstring's order, from ``sections``: the latitudes and longitudes (float64),
    the title, date and actors codes, the colours (palette indexes) and the radius if
    any; then ``starts``, the ids' n + 1 offsets into ``blob``, their UTF-8 bytes.  Each
    event's x, y and place are worked out here from the latitudes and longitudes, and
    each code is packed in the narrowest type its table allows."""
    lat, lon, *codes = sections
    place, places = _places(lat, lon)
    sizes = [len(meta[k]) for k in ("title", "date", "actors", "palette")]
    packed = [*_world(lat, lon), place]
    types = [_code_type(k) for k in sizes[:3]] + ["<u1" if sizes[3] <= 256 else "<u2"]
    packed += [np.asarray(c).astype(t, copy=False) for c, t in zip(codes, types, strict=False)]
    packed += [np.asarray(r, "<f4") for r in codes[4:]]
    meta = {**meta, "places": places}
    text = _dumps(meta).encode("utf-8", "surrogatepass")
    text += b" " * (-len(text) % 8)
    parts: list[Any] = [_HEAD.pack(MAGIC, VERSION, n, len(text)), text]
    for array in [*packed, starts]:
        data = memoryview(np.ascontiguousarray(array)).cast("B")
        parts += [data, _pad8(len(data))]
    parts.append(blob)
    return b"".join(parts)


def read_events(body: bytes) -> dict[str, Any]:
    """The columns of an events payload, as the page reads them (for tests and tools):
    ``ids``, ``x``, ``y`` (world units), ``lat``, ``lon`` (worked out from them, as the
    page does), ``wy`` (the world y, 0..1), ``place``, ``color`` (palette indexes),
    ``radius`` (or None) as arrays, ``title``/``date``/``actors`` as ``{"t": texts,
    "c": codes}``, and ``palette``, ``to``, ``line`` and ``places``."""
    magic, version, n, size = _HEAD.unpack_from(body)
    if magic != MAGIC or version != VERSION:
        raise ValueError(f"not an events payload ({magic!r}, version {version})")
    meta = json.loads(body[_HEAD.size : _HEAD.size + size])
    at = _HEAD.size + size

    def take(dtype: str, count: int) -> np.ndarray:
        nonlocal at
        at += -at % 8
        array = np.frombuffer(body, dtype=dtype, count=count, offset=at)
        at += array.nbytes
        return array

    out: dict[str, Any] = {"x": take("<u4", n), "y": take("<u4", n), "place": take("<i4", n)}
    out["lat"], out["lon"] = degrees(out["x"], out["y"])
    out["wy"] = out["y"] / _WORLD
    for key in ("title", "date", "actors"):
        out[key] = {"t": meta[key], "c": take(_code_type(len(meta[key])), n)}
    out["color"] = take("<u1" if len(meta["palette"]) <= 256 else "<u2", n)
    out["radius"] = take("<f4", n) if meta["radius"] else None
    starts = take("<u4", n + 1)
    at += -at % 8
    blob = body[at : at + int(starts[-1])]
    out["ids"] = [blob[a:b].decode("utf-8") for a, b in pairwise(starts.tolist())]
    out.update(palette=meta["palette"], to=meta["to"], line=meta["line"], places=meta["places"])
    return out
