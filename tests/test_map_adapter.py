"""The model -> map adapter (pure Python, no Qt)."""

from __future__ import annotations

import re

from araz.qt.map.adapter import map_events


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
