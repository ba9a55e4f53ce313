"""What the map and the timeline draw, built from a Dataset as plain dicts.

Pure Python so that the app's views, the standalone HTML export and the benchmarks all
draw the same thing from the same code.
"""

from __future__ import annotations

import math

from .dataset import Dataset
from .entities import Event


def _point(ds: Dataset, event: Event) -> tuple[dict | None, dict | None, bool]:
    """(where, to, on a line): the event's marker, its second place, whether it lies on a
    river or other line."""
    where = to = None
    on_line = False
    for ref in event.places:
        p = ds.places.get(ref.place)
        if p is None or not p.has_point:
            continue
        if p.geometry is not None and p.geometry.get("type") in ("LineString", "MultiLineString"):
            on_line = True
        pt = {"lat": p.lat, "lon": p.lon}
        if ref.role == "to" and where is not None and to is None:
            to = pt
        elif where is None:
            where = pt
    return where, to, on_line


def map_record(ds: Dataset, event: Event) -> dict | None:
    where, to, on_line = _point(ds, event)
    if where is None:
        return None
    rec = {
        "id": event.id,
        "title": event.title,
        "date": event.date.display if event.date else "no date",
        "actors": ds.actor_names(event),
        "color": ds.colour(event),
        **where,
    }
    if to is not None:
        rec["to"] = to
    if on_line:
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
