"""The gazetteer by column (araz.model.places): a Mapping like the dict it replaces, and
the views that work over all places read its columns, never one Place object each."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from araz.export.gis import event_columns
from araz.io import read_path
from araz.model import Dataset, Place
from araz.model.places import Places
from araz.views.places import PlaceIndex
from araz.views.records import map_columns

ACLED = Path(__file__).resolve().parents[1] / "data" / "readers" / "acled_current.csv"


def _by_columns(ds: Dataset) -> Dataset:
    """The same dataset, its places as columns only (no objects kept)."""
    places = Places.from_objects(dict(ds.places.items()), keep=False)
    assert places._objects is None
    return Dataset(
        ds.events, ds.actors, places, title=ds.title, seed=ds.seed, categories=ds.categories
    )


def test_places_behave_like_the_dict(curated):
    given = dict(curated.places.items())
    places = Places.from_objects(given, keep=False)
    assert list(places) == list(given) and len(places) == len(given)
    assert dict(places.items()) == given  # the same Place values, field by field
    assert places == given
    some = next(iter(given))
    assert some in places and places.get(some) == given[some]
    assert "no such place" not in places and places.get("no such place") is None
    with pytest.raises(KeyError):
        places["no such place"]
    with pytest.raises(KeyError):
        places[3]  # type: ignore[index]
    # the columns say what the objects say
    assert places.has_point.tolist() == [p.has_point for p in given.values()]
    assert any(p.geometry for p in given.values())  # the Araz: a line, kept
    assert places.names() == [p.names() for p in given.values()]


def test_places_kept_as_objects_hand_back_the_same_objects(curated):
    given = dict(curated.places.items())
    places = Places.from_objects(given)
    assert all(places[k] is p for k, p in given.items())


def test_a_place_made_from_the_columns_is_kept_while_used(curated):
    places = _by_columns(curated).places
    pid = next(iter(places))
    assert places[pid] is places[pid] and places.made == 1
    assert isinstance(places[pid], Place)


def test_views_over_all_places_read_columns_not_objects(curated):
    """A view that falls back to one Place object per place fails here: the columns'
    dataset makes none, and draws, searches and exports what the objects' one does."""
    ds = _by_columns(curated)
    assert map_columns(ds) == map_columns(curated)
    np.testing.assert_array_equal(ds.unplaced_mask, curated.unplaced_mask)
    for text in ("kapan", "kafan", "araz", "aras", "syunik", "nowhere at all"):
        assert ds.search_terms(text) == curated.search_terms(text)
        np.testing.assert_array_equal(ds.search_mask(text), curated.search_mask(text))
    assert event_columns(ds) == event_columns(curated)
    assert ds.place_names() == curated.place_names()
    ours, theirs = PlaceIndex(), PlaceIndex()
    ours.add_dataset(ds)
    theirs.add_dataset(curated)
    assert ours._rows == theirs._rows and ours._rows
    assert ds.places.made == 0


def _open_twice(tmp_path, monkeypatch):
    """An ACLED export read, then read again from the table cache (a fresh one)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("ARAZ_TABLE_CACHE", "on")
    path = tmp_path / "export.csv"
    shutil.copy(ACLED, path)
    first = read_path(path).dataset
    return first, read_path(path)


def test_a_cached_open_makes_no_place_until_asked(tmp_path, monkeypatch):
    first, again = _open_twice(tmp_path, monkeypatch)
    assert "cache" in again.timings
    ds = again.dataset
    assert isinstance(ds.places, Places) and ds.places._objects is None
    assert "place_tuples" in ds.__dict__  # kept in the cache, not worked out again
    assert map_columns(ds) == map_columns(first)
    np.testing.assert_array_equal(ds.search_mask("kapan"), first.search_mask("kapan"))
    assert ds.places.made == 0
    pid = ds.events[0].places[0].place  # asked for: made, one
    assert ds.places[pid] == first.places[pid]
    assert ds.places.made == 1


@pytest.mark.parametrize(
    ("odd", "arrow"),
    [(("Ghapan",), True), (("Kapan\x1fKafan",), False), (("",), False), (("Kapan", ""), False)],
)
def test_a_large_readers_places_as_arrow_columns_read_back_the_same(odd, arrow):
    """With pyarrow loaded, a reader's places become Arrow columns (no str kept per
    place); tuples that U+001F cannot join (a name holding it, an empty name) are kept
    as Python values instead, never read back wrong."""
    pytest.importorskip("pyarrow")
    from araz.model.columns import Strings

    given = {
        "kapan": Place("kapan", "Kapan", "city", 39.2, 46.4, ("Kafan",), None, "Armenia"),
        "river": Place("river", "Araz", "river", None, None, (), {"type": "LineString"}),
        "odd": Place("odd", "Odd", "site", 40.0, 45.0, odd, None, None, 25.0, ("Syunik",)),
        "plain": Place("plain", "Plain", within=("Goris", "Syunik")),
    }
    places = Places.from_objects(given, keep=False)
    assert isinstance(places.ids, Strings) is arrow
    assert dict(places.items()) == given
    assert places.names() == [p.names() for p in given.values()]
    assert np.isnan(places.lat[1]) and places.radius_m[2] == 25.0


def test_one_event_after_a_cached_open_makes_only_its_place_refs(tmp_path, monkeypatch):
    """Showing an event (the detail panel) makes its tuple of refs, not every tuple."""
    from araz.model.places import RefTuples

    first, again = _open_twice(tmp_path, monkeypatch)
    ds = again.dataset
    refs = ds.events.places._values
    assert isinstance(refs, RefTuples) and not refs._made
    last = len(ds) - 1
    assert ds.events[last] == first.events[last]
    assert len(refs._made) == 1
    assert [e.places for e in ds.events] == [e.places for e in first.events]
    assert list(refs) == list(first.events.places.values)
    with pytest.raises(IndexError):
        refs[len(refs)]


def test_events_without_any_place_make_an_empty_map():
    """A dataset whose events have no place at all (a TimelineJS story of the universe):
    the map's columns are empty, nothing fails (an index into an empty gazetteer did)."""
    from araz.io import read_path
    from araz.views.prepared import map_data
    from araz.views.records import map_columns

    story = Path(__file__).parents[1] / "data" / "deep_time" / "bigbang_timelinejs.json"
    ds = read_path(story).dataset
    assert ds is not None and len(ds) == 11 and len(ds.places) == 0
    assert map_columns(ds)["ids"] == []
    _events, rows = map_data(ds)
    assert len(rows) == 0
