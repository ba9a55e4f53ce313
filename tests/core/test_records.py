"""What the map and the timeline draw, built from the model (pure Python, no Qt)."""

from __future__ import annotations

import re

from araz.views.records import map_records as map_events
from araz.views.records import timeline_records


def test_every_placed_event_reaches_the_map(curated):
    events = map_events(curated)
    ids = {e["id"] for e in events}
    assert ids == {e.id for e in curated.events} - set(curated.unplaced)
    for item in events:
        assert re.fullmatch(r"#[0-9a-fA-F]{6}", item["color"])
        assert -90 <= item["lat"] <= 90 and -180 <= item["lon"] <= 180
        assert isinstance(item["title"], str) and isinstance(item["actors"], str)


def test_araz_events_highlight_the_river_and_two_places_make_an_arrow(curated):
    events = {e["id"]: e for e in map_events(curated)}
    assert any(e.get("line") for e in events.values())
    for event in curated.events:
        roles = {ref.role for ref in event.places}
        if {"from", "to"} <= roles and event.id in events:
            assert "to" in events[event.id]


def test_timeline_records_keep_coarse_dates_coarse(curated):
    recs = {r["id"]: r for r in timeline_records(curated)}
    assert len(recs) == len([e for e in curated.events if e.date is not None])
    for e in curated.events:
        r = recs[e.id]
        assert r["start"] == e.date.value.lower and r["end"] == e.date.value.upper
        assert r["precision"] == e.date.value.precision
        assert r["color"] == 0xFF000000 | int(curated.colour(e)[1:], 16)
    opened = [r for r in recs.values() if r["open_end"] or r["open_start"]]
    assert opened  # the curated data has open intervals ("from June 2021")


def test_map_columns_match_the_records(curated):
    from araz.views.records import map_columns

    cols = map_columns(curated)
    records = map_events(curated)
    assert cols["ids"] == [r["id"] for r in records]
    for i, r in enumerate(records):
        assert (cols["lat"][i], cols["lon"][i]) == (r["lat"], r["lon"])
        assert cols["title"][i] == r["title"] and cols["color"][i] == r["color"]
        assert cols["actors"][i] == r["actors"] and cols["date"][i] == r["date"]
        assert (i in cols["line"]) == bool(r.get("line"))
        to = [t for t in cols["to"] if t[0] == i]
        assert (to[0][1:] if to else None) == (
            [r["to"]["lat"], r["to"]["lon"]] if "to" in r else None
        )


def test_acled_uncertainty_reaches_the_map_columns():
    from pathlib import Path

    from araz.io import read_path
    from araz.views.records import map_columns

    ds = read_path(
        Path(__file__).resolve().parents[1] / "data" / "readers" / "acled_current.csv"
    ).dataset
    cols = map_columns(ds)
    assert "radius" in cols and len(cols["radius"]) == len(cols["ids"])
    for eid, r in zip(cols["ids"], cols["radius"], strict=True):
        place = ds.first_point(ds.event(eid))
        assert r == (place.radius_m or 0.0)
    assert any(r > 0 for r in cols["radius"])
