"""The map's payload and the timeline's data of a dataset, made from its columns with
numpy: each text, colour and date bound is worked out once per *distinct* value (a few
thousand dates, actor tuples and titles at a million events) and spread over the events
by their codes; the ids go to the page as the Arrow array's own buffers.  No Python
object is made per event: the timeline's ids, labels, tooltips and lanes are read
through its sort order when drawn (:class:`~araz.views.timeline.data.Permuted`).

What they give is what :func:`~araz.views.records.map_columns` and
:func:`~araz.views.records.timeline_columns` (the plain-Python reference, one list per
column) give, packed by :func:`~araz.views.map_payload.build_events_from_columns` and
sorted by :class:`~araz.views.timeline.data.TimelineData` (the tests compare them).
"""

from __future__ import annotations

import weakref
from dataclasses import replace
from typing import Any

import numpy as np

from ..model.columns import Coded, Strings, code_type, take
from ..model.dataset import Dataset
from .map_payload import MapEvents, clean_color, pack
from .records import line_places, tuple_markers
from .timeline.data import LazyTexts, Permuted, TimelineData

_INDEX = np.int32  # rows and positions (a dataset of over 2**31 events is not drawn)
_COARSE = frozenset(("month", "season", "year", "decade", "century"))


def actor_names(ds: Dataset) -> list[str]:
    """Per distinct actor tuple (``ds.events.actors.values``): the actors' names."""
    return _per_actor_tuple(ds)[0]


def actor_colours(ds: Dataset) -> tuple[list[str], str]:
    """Per distinct actor tuple, its main actor's state's colour ("#rrggbb"), and the
    colour of an event with no actor tuple."""
    _, per, none = _per_actor_tuple(ds)
    return per, none


def _per_actor_tuple(ds: Dataset) -> tuple[list[str], list[str], str]:
    """The names and colours of each distinct actor tuple, made once per dataset (the
    map and the timeline both show them)."""
    made = _PER_ACTOR_TUPLE.get(ds)
    if made is None:
        actors, palette, state_of = ds.actors, ds.palette, ds.state_of
        values = ds.events.actors.values
        names = _tuple_names(actors, values)
        colours = [palette.colour(state_of(t[0] if t else None)) for t in values]
        made = _PER_ACTOR_TUPLE[ds] = (names, colours, palette.colour(None))
    return made


def _tuple_names(actors: dict, tuples: list) -> list[str]:
    """Per actor tuple, its actors' names (an id not among ``actors``: the id)."""
    return [", ".join(actors[a].name if a in actors else a for a in t) for t in tuples]


# per dataset (weakly: the values never refer back to it)
_PER_ACTOR_TUPLE: weakref.WeakKeyDictionary[Dataset, tuple[list[str], list[str], str]] = (
    weakref.WeakKeyDictionary()
)


def _codes(codes: np.ndarray, missing: int) -> np.ndarray:
    """Little-endian int32 codes, ``missing`` for -1."""
    if len(codes) and int(codes.min()) < 0:
        codes = np.where(codes < 0, missing, codes)
    return codes.astype("<i4", copy=False)


def _ids(ids: Any, rows: np.ndarray, everyone: bool) -> tuple[Any, np.ndarray, Any]:
    """The ids of these rows (a Sequence[str]) and, for the payload, where each starts
    (n + 1 uint32 offsets) and their UTF-8 bytes: an Arrow array's own buffers (taken
    in Arrow for a subset), else encoded here."""
    if not isinstance(ids, Strings):
        from .map_payload import _id_bytes

        picked = take(ids, rows)
        return (picked, *_id_bytes(picked))
    array = ids.array
    if not everyone:
        import pyarrow as pa

        at = np.ascontiguousarray(rows, np.int64)
        array = array.take(pa.Array.from_buffers(pa.int64(), len(at), [None, pa.py_buffer(at)]))
    picked = ids if array is ids.array else Strings(array)
    offsets = picked._offsets
    first, last = int(offsets[0]), int(offsets[-1])
    if last - first >= 2**32:
        raise ValueError("the ids take over 4 GB")
    starts = (offsets - first).astype("<u4")
    return picked, starts, picked._data[first:last]


def map_events(ds: Dataset) -> tuple[MapEvents, np.ndarray]:
    """The map's packed events (the events with a place, in dataset order) and, per
    map event, its dataset row; its ``index`` is empty (the caller gives one)."""
    places, tuples = ds.places, ds.place_tuples
    lines = line_places(ds)
    origin, heads = tuple_markers(ds)  # per distinct tuple of places
    has = np.append(origin >= 0, False)  # code -1 (no places) reads False
    rows = np.flatnonzero(has[tuples.codes])
    kinds = tuples.codes[rows]  # per drawn event, its tuple of places
    at = np.where(origin >= 0, origin, len(places))
    lat = np.append(places.lat, np.nan)[at][kinds].astype("<f8")
    lon = np.append(places.lon, np.nan)[at][kinds].astype("<f8")
    ev = ds.events
    meta: dict[str, Any] = {}
    sections: list[np.ndarray] = [lat, lon]
    title = ev.title
    titles = [str(v) for v in title.values] + [str(title.missing or "")]
    date_codes, dates = ds.date_codes
    shown = [d.display if d is not None else "no date" for d in dates] + ["no date"]
    names = [*actor_names(ds), ""]
    actor_codes = ev.actors.codes[rows]
    for key, values, codes in (
        ("title", titles, title.codes[rows]),
        ("date", shown, date_codes[rows]),
        ("actors", names, actor_codes),
    ):
        meta[key] = values  # each distinct text once (a few the map does not show)
        sections.append(_codes(codes, len(values) - 1))
    per, none = actor_colours(ds)
    palette: dict[str, int] = {}
    colour_of = [palette.setdefault(clean_color(c), len(palette)) for c in [*per, none]]
    sections.append(np.asarray(colour_of, "<u2")[actor_codes])  # -1 reads the last
    given = np.nan_to_num(places.radius_m) != 0
    radius = np.append(np.where(given, places.radius_m, 0.0), 0.0)[at]
    radius = np.where(origin >= 0, radius, 0.0)[kinds].astype("<f4")
    has_radius = bool(given.any()) and bool(np.any(radius > 0))
    if has_radius:
        sections.append(np.nan_to_num(radius, nan=0.0, posinf=0.0, neginf=0.0))
    arrows = np.flatnonzero(np.isin(kinds, list(heads))).tolist() if heads else []
    kind_list = kinds[arrows].tolist()
    to = [[i, *heads[k]] for i, k in zip(arrows, kind_list, strict=True)]
    line = np.flatnonzero(tuples.any(lines)[kinds]).tolist() if lines.any() else []
    meta.update(palette=list(palette), to=to, line=line, radius=has_radius)
    ids, starts, blob = _ids(ev.ids, rows, len(rows) == len(ev))
    body = pack(len(rows), meta, sections, starts, blob)
    del sections  # the payload has the world units, not the degrees: these are kept
    return MapEvents(ids, {}, lat, lon, {t[0]: (t[1], t[2]) for t in to}, body), rows


# the timeline's columns per row kept by araz.views.prepared (TIMELINE_KEPT, "flags"
# packing the booleans bit by bit in _FLAGS' order)
TIMELINE_KEPT = ("rows", "order", "start", "end", "flags", "color", "precision")
_FLAGS = ("is_point", "fade_start", "fade_end", "open_start", "open_end")


def timeline_arrays(
    ds: Dataset, kept: dict[str, Any] | None = None
) -> tuple[TimelineData, np.ndarray]:
    """The timeline's data (the dated events, sorted by start and id) and, per
    timeline row, its dataset row; no index set (the caller gives one).  ``kept``: the
    columns :func:`timeline_kept` gave for this dataset earlier (kept by
    :mod:`araz.views.prepared`), not made again: checked for length and range (else
    ValueError)."""
    ev = ds.events
    date_codes, dates = ds.date_codes
    if kept is None:
        columns = _timeline_columns(ds, date_codes, dates)
    else:
        columns = _checked_columns(kept, len(ev))
    rows = columns["rows"]
    actor_codes = ev.actors.codes[rows]
    shown = [d.display if d is not None else "" for d in dates]
    title, codes_of_date, codes_of_actor = ev.title, date_codes, ev.actors.codes
    # the actor tuples' names, made at the first tooltip (or taken from the map's, made
    # already): not on the way to a first draw of a file re-opened from the cache
    names: list[str] | None = _PER_ACTOR_TUPLE[ds][0] if ds in _PER_ACTOR_TUPLE else None
    actors, tuples = ds.actors, ev.actors.values

    def tooltip(i: int) -> str:  # a dataset row's; reads no dataset (held weakly)
        nonlocal names
        a = int(codes_of_actor[i])
        if a >= 0 and names is None:
            names = _tuple_names(actors, tuples)
        who = names[a] if a >= 0 and names is not None else ""
        return f"{title[i]}\n{shown[int(codes_of_date[i])]}\n{who}".strip()

    # the lanes' names, read when lanes are built (a re-open reads its first ones back)
    lane_actor = Coded.lazy(actor_codes, lambda: _lane_names(actors, tuples)[0], "No actor")
    cats = ev.category
    data = TimelineData.sorted_columns(
        order=columns["order"],
        is_point=columns["is_point"],
        ids=Permuted(ev.ids, rows),
        start=columns["start"],
        end=columns["end"],
        precision=columns["precision"],
        fade_start=columns["fade_start"],
        fade_end=columns["fade_end"],
        open_start=columns["open_start"],
        open_end=columns["open_end"],
        color=columns["color"],
        label=Permuted(title, rows),
        tooltip=Permuted(LazyTexts(len(ev), tooltip), rows),
        lane_actor=lane_actor,
        lane_category=Coded(
            cats.codes[rows], [c or "uncategorised" for c in cats.values], "uncategorised"
        ),
    )
    return data, rows


def _timeline_columns(ds: Dataset, date_codes: np.ndarray, dates: list) -> dict[str, Any]:
    """The timeline's columns per row that take time: its sort and what is spread to it
    (the dates' bounds and flags, the colours)."""
    ev = ds.events
    values = [d.value if d is not None else None for d in dates]
    dated = np.array([v is not None for v in values] + [False], bool)[date_codes]
    known = [v for v in values if v is not None]
    per_date = np.array(
        [
            (v.lower, v.upper, *v.approximate, v.start is None, v.end is None)
            if v is not None
            else (0.0, 0.0, False, False, False, False)
            for v in values
        ]
        + [(0.0, 0.0, False, False, False, False)],
        np.float64,
    ).reshape(len(values) + 1, 6)
    precision = [v.precision if v is not None else "" for v in values] + [""]
    if known and not (np.isfinite(per_date[:, :2]).all()):
        raise ValueError("start and end must be finite day numbers (the strict bounds)")
    rows = _by_start_and_id(ev.ids, dated, per_date[:, 0], date_codes)
    k = date_codes[rows]  # per timeline row, its distinct date (never -1: dated)
    bools = per_date[:, 2:].astype(bool)
    coarse = np.array([p in _COARSE for p in precision], bool)
    # a code per row (a byte) into the few precision names, not an 8-byte object
    names = sorted(set(precision))
    where = {p: c for c, p in enumerate(names)}
    precision_code = np.array([where[p] for p in precision], code_type(len(names)))
    point = (per_date[:, 1] <= per_date[:, 0]) & ~coarse
    per, none = actor_colours(ds)
    argb = [0xFF000000 | int(c.lstrip("#"), 16) for c in [*per, none]]
    rows = rows.astype(_INDEX)  # 4 MB a million less than intp
    return {
        "rows": rows,
        # the rows as TimelineData would sort them (int32: 4 MB a million less); every
        # event dated (an ACLED file's), the rows themselves: one array, not two
        "order": rows if len(rows) == len(dated) else (np.cumsum(dated, dtype=_INDEX) - 1)[rows],
        "start": per_date[:, 0][k],
        "end": np.maximum(per_date[:, 1], per_date[:, 0])[k],
        "precision": Coded(precision_code[k], names),
        "is_point": _flag(point[k]),
        "fade_start": _flag(bools[:, 0][k]),
        "fade_end": _flag(bools[:, 1][k]),
        "open_start": _flag(bools[:, 2][k]),
        "open_end": _flag(bools[:, 3][k]),
        "color": np.asarray(argb, np.uint32)[ev.actors.codes[rows]],  # -1 reads the last
    }


def timeline_kept(data: TimelineData, rows: np.ndarray) -> tuple[dict[str, np.ndarray], list]:
    """What :func:`timeline_arrays` takes back as ``kept``: the columns of ``data`` (as
    it made them, with its ``rows``) as arrays of numbers, and the precision names."""
    given = data.precision  # a Coded column, as timeline_arrays makes it
    if not isinstance(given, Coded):
        raise TypeError("timeline_kept takes the timeline timeline_arrays made")
    per_value = [str(p) for p in [*given.values, given.missing]]  # code -1: missing
    names = sorted(set(per_value))
    where = {p: k for k, p in enumerate(names)}
    precision = np.array([where[p] for p in per_value], np.int16)[given.codes]
    flags = np.zeros(len(rows), np.uint8)
    for bit, name in enumerate(_FLAGS):
        flags |= np.asarray(getattr(data, name), bool).astype(np.uint8) << bit
    arrays = {
        "rows": np.asarray(rows, _INDEX),  # as made (int64: an 8 MB copy at a million)
        "order": np.asarray(data.order),
        "start": np.asarray(data.start, np.float64),
        "end": np.asarray(data.end, np.float64),
        "flags": flags,
        "color": np.asarray(data.color, np.uint32),
        "precision": precision,
    }
    return arrays, names


def _checked_columns(kept: dict[str, Any], n_events: int) -> dict[str, Any]:
    """The kept columns (:func:`timeline_kept`, with ``"names"`` the precision names),
    checked and unpacked; ValueError if they do not fit a dataset of ``n_events``."""
    rows, names = kept["rows"], kept["names"]
    n = len(rows)
    if any(len(kept[k]) != n for k in TIMELINE_KEPT):
        raise ValueError("the kept timeline's columns differ in length")
    if n and (int(rows.min()) < 0 or int(rows.max()) >= n_events):
        raise ValueError("the kept timeline's rows are not the dataset's")
    order, precision = kept["order"], kept["precision"]
    if order.dtype.kind != "i" or rows.dtype.kind != "i":
        raise ValueError("the kept timeline's rows or order are not integers")
    if n and (int(order.min()) < 0 or int(order.max()) >= n):
        raise ValueError("the kept timeline's order")
    if n and (int(precision.min()) < 0 or int(precision.max()) >= len(names)):
        raise ValueError("the kept timeline's precisions")
    if not all(isinstance(p, str) for p in names):
        raise ValueError("the kept timeline's precision names")
    start, end, flags = kept["start"], kept["end"], kept["flags"]
    if n and not (np.isfinite(start).all() and np.isfinite(end).all() and (end >= start).all()):
        raise ValueError("the kept timeline's bounds")
    columns = {
        "rows": rows.astype(_INDEX, copy=False),  # checked in range above
        "order": order,
        "start": start,
        "end": end,
        "precision": Coded(precision, list(names)),  # int16 codes, as kept
        "color": kept["color"],
    }
    for bit, name in enumerate(_FLAGS):
        columns[name] = _flag((flags & (1 << bit)).astype(bool))
    return columns


def _flag(values: np.ndarray) -> np.ndarray:
    """A flag per timeline row, or, when every row has the same, that one flag repeated
    (a read-only view with no byte a row): an ACLED file's fades and open ends are all
    False, 4 MB at a million events."""
    if len(values) and (values.all() or not values.any()):
        return np.broadcast_to(np.array(values[0]), values.shape)  # not a view of values
    return values


def map_events_kept(
    ds: Dataset, body: Any, rows: np.ndarray, to: list, lat: np.ndarray, lon: np.ndarray
) -> MapEvents:
    """:func:`map_events`' result made again from its payload, rows, coordinates and
    arrows' heads as kept (:mod:`araz.views.prepared`): checked against the dataset
    (ValueError)."""
    n, size = _payload_head(body)
    ev = ds.events
    if len(rows) != n or (n and (int(rows.min()) < 0 or int(rows.max()) >= len(ev))):
        raise ValueError("the kept map rows are not the dataset's")
    if n > 1 and not bool(np.all(rows[1:] > rows[:-1])):
        raise ValueError("the kept map rows are not in order")
    if len(body) < 16 + size + 12 * n:
        raise ValueError("the kept map payload is short")
    for a in (lat, lon):
        if a.dtype != np.float64 or a.shape != (n,):
            raise ValueError("the kept map coordinates")
    heads: dict[int, tuple[float, float]] = {}
    for t in to:
        if not (isinstance(t, list) and len(t) == 3 and isinstance(t[0], int) and 0 <= t[0] < n):
            raise ValueError("a kept arrow's head")
        heads[t[0]] = (float(t[1]), float(t[2]))
    ids = ev.ids if n == len(ev) else _ids(ev.ids, rows, False)[0]
    return MapEvents(ids, {}, lat, lon, heads, body)


def remapped(events: MapEvents, body: Any, lat: Any = None, lon: Any = None) -> MapEvents:
    """``events`` over another copy of the same payload (and of its coordinates)."""
    _payload_head(body)
    if lat is None or lon is None:
        return replace(events, body=body)
    return replace(events, lat=lat, lon=lon, body=body)


def _payload_head(body: Any) -> tuple[int, int]:
    """An events payload's count of events and the length of its JSON part."""
    from .map_payload import _HEAD, MAGIC, VERSION

    if len(body) < _HEAD.size:
        raise ValueError("the kept map payload is short")
    magic, version, n, size = _HEAD.unpack_from(body)
    if magic != MAGIC or version != VERSION or size % 8:
        raise ValueError("the kept map payload is not one")
    return n, size


def actor_lanes(ds: Dataset) -> tuple[list[str], str]:
    """Per distinct actor tuple, the name of its actor lane (its main actor's state, or
    "No actor"), and the lane of an event with no actor tuple."""
    return _lane_names(ds.actors, ds.events.actors.values)


def _lane_names(actors: dict, tuples: list) -> tuple[list[str], str]:
    """:func:`actor_lanes` from the dataset's actors and its actor tuples (no dataset:
    a lazy column of the timeline holds these, never the dataset)."""
    lane_names: dict[str | None, str] = {}

    def lane(main: str | None) -> str:
        got = actors.get(main) if main is not None else None
        state = got.state_id if got is not None else main  # as Dataset.state_of
        if state not in lane_names:
            actor = actors.get(state) if state is not None else None
            lane_names[state] = actor.name if actor is not None else (state or "No actor")
        return lane_names[state]

    return [lane(t[0] if t else None) for t in tuples], lane(None)


def _by_start_and_id(
    ids: Any, keep: np.ndarray, start_of: np.ndarray, codes: np.ndarray
) -> np.ndarray:
    """The rows where ``keep``, sorted by start (``start_of`` per distinct date, which
    ``codes`` give per row) then by id (as text): the ids sorted once (in Arrow for an
    Arrow array: bytes of UTF-8 sort as their characters), then a stable sort by the
    rank of the start among the distinct starts (16 bits: a radix sort)."""
    if isinstance(ids, Strings):
        import pyarrow.compute as pc

        indices = pc.sort_indices(ids.array)
        by_id = np.frombuffer(indices.buffers()[1], np.uint64, count=len(indices))
        by_id = by_id.astype(np.intp)
    else:
        by_id = np.argsort(np.asarray(list(ids), object).astype(str), kind="stable")
    by_id = by_id[keep[by_id]]
    starts, rank = np.unique(start_of, return_inverse=True)
    rank = rank.reshape(-1).astype(np.uint16 if len(starts) <= 2**16 else np.int64)
    return by_id[np.argsort(rank[codes[by_id]], kind="stable")]
