"""The normalized form of a dataset: what ``araz validate --json`` prints.

Every reader's output goes through here, so a curated file, an ACLED export and a
TimelineJS story all print the same shape.
"""

from __future__ import annotations

from ..model.dataset import Dataset
from ..model.dates import iso_day


def to_dict(ds: Dataset) -> dict:
    return {"events": [event_dict(ds, e) for e in ds.events]}


def event_dict(ds: Dataset, e) -> dict:
    date = None
    if e.date is not None:
        v = e.date.value
        date = {
            "edtf": v.edtf,
            "display": e.date.display,
            "lower": iso_day(v.lower) if v.start is not None else None,
            "upper": iso_day(v.upper) if v.end is not None else None,
            "basis": e.date.basis,
        }
        if e.date.note:
            date["note"] = e.date.note
    actors = []
    for a in e.actors:
        actor = ds.actors[a]
        actors.append(
            {
                "id": actor.id,
                "name": actor.name,
                "aliases": list(actor.aliases),
                "state": actor.state_id,
            }
        )
    places = []
    for ref in e.places:
        p = ds.places[ref.place]
        places.append(
            {
                "id": p.id,
                "name": p.name,
                "aliases": list(p.aliases),
                "within": list(p.within),
                "lat": p.lat,
                "lon": p.lon,
                "kind": p.kind,
                "country": p.country,
                "role": ref.role,
            }
        )
    return {
        "id": e.id,
        "title": e.title,
        "summary": e.summary,
        "date": date,
        "actors": actors,
        "places": places,
        "category": e.category,
        "certainty": e.certainty,
        "quotes": [{"text": q.text, "start": q.start, "end": q.end} for q in e.quotes],
    }
