"""What the map and the timeline draw, built from a Dataset as plain dicts.

Pure Python so that the app's views, the standalone HTML export and the benchmarks all
draw the same thing from the same code.
"""

from __future__ import annotations

import math

import numpy as np

from .dataset import Dataset
from .entities import Event, Place

LINE_KINDS = frozenset({"river", "border", "line"})
MIN_FIT_SPAN = 3.0  # degrees: the smallest extent a "fit" frames (one place shows its region)


def _latlon(place: Place) -> dict[str, float]:
    assert place.lat is not None and place.lon is not None  # callers check has_point
    return {"lat": float(place.lat), "lon": float(place.lon)}


def _is_line(place: Place) -> bool:
    geometry = place.geometry or {}
    return place.kind in LINE_KINDS or geometry.get("type") in {"LineString", "MultiLineString"}


def map_record(ds: Dataset, event: Event) -> dict | None:
    """One event as the map draws it, or None when it has no place with a point.

    The marker goes at the ``from`` place if there is one, else the first place with a
    point; a ``to`` place becomes the arrow's head; an event placed on a line (the Araz)
    is flagged ``line`` so the map highlights the river.
    """
    refs = [(r, ds.places[r.place]) for r in event.places if r.place in ds.places]
    origin = next((p for r, p in refs if r.role == "from" and p.has_point), None)
    origin = origin or next((p for _, p in refs if p.has_point), None)
    if origin is None:
        return None
    target = next((p for r, p in refs if r.role == "to" and p.has_point and p is not origin), None)
    rec = {
        "id": event.id,
        "title": event.title,
        "date": event.date.display if event.date else "no date",
        "actors": ds.actor_names(event),
        "color": ds.colour(event),
        **_latlon(origin),
    }
    if target is not None:
        rec["to"] = _latlon(target)
    if origin.radius_m:
        rec["radius"] = float(origin.radius_m)
    if any(_is_line(p) for _, p in refs):
        rec["line"] = True
    return rec


def map_columns(ds: Dataset) -> dict[str, list]:
    """The same as :func:`map_records`, as columns (fast at 100k events): ids, lat, lon,
    title, date, actors, color, and ``to`` ([index, lat, lon]) and ``line`` (indexes);
    ``radius`` (metres of location uncertainty per marker) when any place has one."""
    points = {}
    lines = set()
    for pid, p in ds.places.items():
        if p.lat is not None and p.lon is not None:
            points[pid] = (p.lat, p.lon)
        if (p.geometry is not None or p.kind in LINE_KINDS) and _is_line(p):
            lines.add(pid)
    # the marker, the arrow's head and the line flag per distinct tuple of places
    codes, tuples = ds.place_codes
    drawn: list[tuple[str | None, str | None, bool]] = []
    for refs in tuples:
        if len(refs) == 1 and refs[0].role is None:  # the common case, no roles to weigh
            pid = refs[0].place
            origin, target = (pid if pid in points else None), None
        else:
            usable = [r for r in refs if r.place in points]
            origin = next((r.place for r in usable if r.role == "from"), None)
            origin = origin or next((r.place for r in usable), None)
            target = next((r.place for r in usable if r.role == "to" and r.place != origin), None)
        drawn.append((origin, target, any(r.place in lines for r in refs)))
    rows = np.flatnonzero(np.array([o is not None for o, _, _ in drawn], bool)[codes])
    kinds = codes[rows].tolist()  # per drawn event, its tuple of places
    events = [ds.events[i] for i in rows.tolist()]
    origins = [points[o] if o is not None else (0.0, 0.0) for o, _, _ in drawn]
    date_codes, dates = ds.date_codes
    shown = [d.display if d is not None else "no date" for d in dates]
    names = actor_names_column(ds)
    colours = ds.colours
    cols = {
        "ids": [e.id for e in events],
        "lat": [origins[k][0] for k in kinds],
        "lon": [origins[k][1] for k in kinds],
        "title": [e.title for e in events],
        "date": [shown[k] for k in date_codes[rows].tolist()],
        "actors": [names[i] for i in rows.tolist()],
        "color": [colours[i] for i in rows.tolist()],
        "to": [[i, *points[t]] for i, k in enumerate(kinds) if (t := drawn[k][1]) is not None],
        "line": [i for i, k in enumerate(kinds) if drawn[k][2]],
    }
    # location uncertainty (metres) of each marker's place, when the data gives any
    radii = {pid: p.radius_m for pid, p in ds.places.items() if p.radius_m}
    if radii:
        per_kind = [radii.get(o, 0.0) if o is not None else 0.0 for o, _, _ in drawn]
        cols["radius"] = [per_kind[k] for k in kinds]
    return cols


def actor_names_column(ds: Dataset) -> list[str]:
    """Per event: its actors' names, as :meth:`Dataset.actor_names` (kept in the
    dataset's cache: the map and the timeline both show them)."""
    if "actor_names" not in ds.cache:
        names: dict[tuple[str, ...], str] = {}
        out = []
        for e in ds.events:
            text = names.get(e.actors)
            if text is None:
                text = names[e.actors] = ds.actor_names(e)
            out.append(text)
        ds.cache["actor_names"] = out
    return ds.cache["actor_names"]


def map_records(ds: Dataset) -> list[dict]:
    """One record per event with a place (events without one are not drawn)."""
    return [r for e in ds.events if (r := map_record(ds, e)) is not None]


def timeline_columns(ds: Dataset) -> dict:
    """Columns over the dated events, in the shape of the timeline's TimelineData: strict
    bounds in days, how to draw each end, colour (ARGB), label, tooltip, lanes."""
    date_codes, dates = ds.date_codes
    rows = np.flatnonzero(np.array([d is not None for d in dates], bool)[date_codes]).tolist()
    kinds = date_codes[rows].tolist()  # per dated event, its distinct date
    values = [d.value if d is not None else None for d in dates]
    per_date = [
        (v.lower, v.upper, v.precision, *v.approximate, v.start is None, v.end is None)
        if v is not None
        else None
        for v in values
    ]
    argb = {c: 0xFF000000 | int(c.lstrip("#"), 16) for c in set(ds.colours)}
    lane_names: dict[str | None, str] = {}
    lane_of_main: dict[str | None, str] = {}
    for e in ds.events:  # lanes by main actor, in order of first appearance
        main = e.actors[0] if e.actors else None
        if main in lane_of_main:
            continue
        state = ds.state_of(main)
        if state not in lane_names:
            lane_names[state] = (
                ds.actors[state].name if state in ds.actors else (state or "No actor")
            )
        lane_of_main[main] = lane_names[state]
    events = [ds.events[i] for i in rows]
    names = actor_names_column(ds)
    colours = ds.colours
    cols: dict[str, list] = {"ids": [e.id for e in events]}
    for n, key in enumerate(("start", "end", "precision", "fade_start", "fade_end")):
        cols[key] = [per_date[k][n] for k in kinds]
    cols["open_start"] = [per_date[k][5] for k in kinds]
    cols["open_end"] = [per_date[k][6] for k in kinds]
    cols["color"] = [argb[colours[i]] for i in rows]
    cols["label"] = [e.title for e in events]
    cols["tooltip"] = [
        f"{e.title}\n{e.date.display}\n{names[i]}".strip()  # type: ignore[union-attr]
        for e, i in zip(events, rows, strict=True)
    ]
    cols["lane_actor"] = [lane_of_main[e.actors[0] if e.actors else None] for e in events]
    cols["lane_category"] = [e.category or "uncategorised" for e in events]
    return {k: cols[k] for k in TIMELINE_FIELDS}


TIMELINE_FIELDS = (
    "ids",
    "start",
    "end",
    "precision",
    "fade_start",
    "fade_end",
    "open_start",
    "open_end",
    "color",
    "label",
    "tooltip",
    "lane_actor",
    "lane_category",
)


def timeline_records(ds: Dataset) -> list[dict]:
    """The same as :func:`timeline_columns`, one dict per dated event."""
    cols = timeline_columns(ds)
    keys = [("id" if k == "ids" else k) for k in TIMELINE_FIELDS]
    return [
        dict(zip(keys, row, strict=True))
        for row in zip(*(cols[k] for k in TIMELINE_FIELDS), strict=True)
    ]


def date_extent(ds: Dataset) -> tuple[float, float] | None:
    """First and last day covered by the dataset's strict date bounds."""
    lows = [e.date.value.lower for e in ds.events if e.date is not None]
    highs = [e.date.value.upper for e in ds.events if e.date is not None]
    if not lows:
        return None
    lo, hi = float(min(lows)), float(max(highs))
    return (lo, hi) if math.isfinite(lo) and math.isfinite(hi) else None
