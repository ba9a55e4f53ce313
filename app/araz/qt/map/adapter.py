"""From the model to the plain dicts :meth:`MapView.set_events` takes.

Pure Python (no Qt): the main window calls :func:`map_events` when the dataset changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from araz.model.dataset import Dataset
    from araz.model.entities import Event, Place

LINE_KINDS = frozenset({"river", "border", "line"})


def _point(place: Place | None) -> dict[str, float] | None:
    if place is None or not place.has_point:
        return None
    return {"lat": float(place.lat), "lon": float(place.lon)}  # type: ignore[arg-type]


def _is_line(place: Place) -> bool:
    geometry = place.geometry or {}
    return place.kind in LINE_KINDS or geometry.get("type") in {"LineString", "MultiLineString"}


def map_event(dataset: Dataset, event: Event) -> dict[str, Any] | None:
    """One event as the map draws it, or None when it has no place with a point.

    The marker goes at the ``from`` place if there is one, else the first place with a
    point; a ``to`` place (another point) becomes the arrow's head; an event placed on a
    line (the Araz) is flagged ``line`` so the map highlights the river.
    """
    refs = [(ref, dataset.places.get(ref.place)) for ref in event.places]
    refs = [(ref, place) for ref, place in refs if place is not None]
    origin = next((p for r, p in refs if r.role == "from" and p.has_point), None)
    origin = origin or next((p for _, p in refs if p.has_point), None)
    if origin is None:
        return None
    target = next((p for r, p in refs if r.role == "to" and p.has_point and p is not origin), None)
    out: dict[str, Any] = {
        "id": event.id,
        "title": event.title,
        "date": event.date.display if event.date is not None else "",
        "actors": dataset.actor_names(event),
        "color": dataset.colour(event),
        **_point(origin),  # type: ignore[dict-item]
    }
    if target is not None:
        out["to"] = _point(target)
    if any(_is_line(p) for _, p in refs):
        out["line"] = True
    return out


def map_events(dataset: Dataset) -> list[dict[str, Any]]:
    """Every placed event of the dataset, in dataset order (unplaced ones are left out)."""
    out = []
    for event in dataset.events:
        item = map_event(dataset, event)
        if item is not None:
            out.append(item)
    return out
