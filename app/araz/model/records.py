"""What the map and the timeline draw, built from a Dataset as plain dicts.

Pure Python so that the app's views, the standalone HTML export and the benchmarks all
draw the same thing from the same code.
"""

from __future__ import annotations

import math

from .dataset import Dataset
from .entities import Event, Place

LINE_KINDS = frozenset({"river", "border", "line"})


def _latlon(place: Place) -> dict[str, float]:
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


def map_records(ds: Dataset) -> list[dict]:
    """One record per event with a place (events without one are not drawn)."""
    return [r for e in ds.events if (r := map_record(ds, e)) is not None]


def timeline_records(ds: Dataset) -> list[dict]:
    """One record per dated event: strict bounds in days, how to draw each end."""
    out = []
    for e in ds.events:
        if e.date is None:
            continue
        v = e.date.value
        fade_start, fade_end = v.approximate
        state = ds.main_state(e)
        lane = ds.actors[state].name if state in ds.actors else (state or "No actor")
        out.append(
            {
                "id": e.id,
                "start": float(v.lower),
                "end": float(v.upper),
                "precision": v.precision,
                "fade_start": fade_start,
                "fade_end": fade_end,
                "open_start": v.start is None,
                "open_end": v.end is None,
                "color": ds.colour(e),
                "label": e.title,
                "tooltip": f"{e.title}\n{e.date.display}\n{ds.actor_names(e)}".strip(),
                "lane_actor": lane,
                "lane_category": e.category or "uncategorised",
            }
        )
    return out


def date_extent(ds: Dataset) -> tuple[float, float] | None:
    """First and last day covered by the dataset's strict date bounds."""
    lows = [e.date.value.lower for e in ds.events if e.date is not None]
    highs = [e.date.value.upper for e in ds.events if e.date is not None]
    if not lows:
        return None
    lo, hi = float(min(lows)), float(max(highs))
    return (lo, hi) if math.isfinite(lo) and math.isfinite(hi) else None
