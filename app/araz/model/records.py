"""What the map and the timeline draw, built from a Dataset as plain dicts.

Pure Python so that the app's views, the standalone HTML export and the benchmarks all
draw the same thing from the same code.
"""

from __future__ import annotations

import math

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
    if any(_is_line(p) for _, p in refs):
        rec["line"] = True
    return rec


def map_columns(ds: Dataset) -> dict[str, list]:
    """The same as :func:`map_records`, as columns (fast at 100k events): ids, lat, lon,
    title, date, actors, color, and ``to`` ([index, lat, lon]) and ``line`` (indexes)."""
    cols: dict[str, list] = {
        k: [] for k in ("ids", "lat", "lon", "title", "date", "actors", "color", "to", "line")
    }
    names: dict[tuple, str] = {}
    points = {}
    lines = set()
    for pid, p in ds.places.items():
        if p.lat is not None and p.lon is not None:
            points[pid] = (p.lat, p.lon)
        if (p.geometry is not None or p.kind in LINE_KINDS) and _is_line(p):
            lines.add(pid)
    for e, colour in zip(ds.events, ds.colours, strict=True):
        refs = e.places
        if len(refs) == 1 and refs[0].role is None:  # the common case, no roles to weigh
            pid = refs[0].place
            origin, target = (pid if pid in points else None), None
        else:
            usable = [r for r in refs if r.place in points]
            origin = next((r.place for r in usable if r.role == "from"), None)
            origin = origin or next((r.place for r in usable), None)
            target = next((r.place for r in usable if r.role == "to" and r.place != origin), None)
        if origin is None:
            continue
        i = len(cols["ids"])
        lat, lon = points[origin]
        if e.actors not in names:
            names[e.actors] = ds.actor_names(e)
        cols["ids"].append(e.id)
        cols["lat"].append(lat)
        cols["lon"].append(lon)
        cols["title"].append(e.title)
        cols["date"].append(e.date.display if e.date else "no date")
        cols["actors"].append(names[e.actors])
        cols["color"].append(colour)
        if target is not None:
            cols["to"].append([i, *points[target]])
        if any(r.place in lines for r in refs):
            cols["line"].append(i)
    return cols


def map_records(ds: Dataset) -> list[dict]:
    """One record per event with a place (events without one are not drawn)."""
    return [r for e in ds.events if (r := map_record(ds, e)) is not None]


def timeline_columns(ds: Dataset) -> dict:
    """Columns over the dated events, in the shape of the timeline's TimelineData: strict
    bounds in days, how to draw each end, colour (ARGB), label, tooltip, lanes."""
    cols: dict[str, list] = {k: [] for k in TIMELINE_FIELDS}
    argb = {c: 0xFF000000 | int(c.lstrip("#"), 16) for c in set(ds.colours)}
    lane_names: dict[str | None, str] = {}
    for e, colour in zip(ds.events, ds.colours, strict=True):
        if e.date is None:
            continue
        v = e.date.value
        fade_start, fade_end = v.approximate
        state = ds.state_of(e.actors[0]) if e.actors else None
        if state not in lane_names:
            lane_names[state] = (
                ds.actors[state].name if state in ds.actors else (state or "No actor")
            )
        names = ds.actor_names(e)
        cols["ids"].append(e.id)
        cols["start"].append(v.lower)
        cols["end"].append(v.upper)
        cols["precision"].append(v.precision)
        cols["fade_start"].append(fade_start)
        cols["fade_end"].append(fade_end)
        cols["open_start"].append(v.start is None)
        cols["open_end"].append(v.end is None)
        cols["color"].append(argb[colour])
        cols["label"].append(e.title)
        cols["tooltip"].append(f"{e.title}\n{e.date.display}\n{names}".strip())
        cols["lane_actor"].append(lane_names[state])
        cols["lane_category"].append(e.category or "uncategorised")
    return cols


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
