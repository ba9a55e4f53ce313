"""The views' data made from the dataset's codes (araz.views.arrays, what the app draws)
is what the plain per-event columns (araz.views.records, the reference) give: the same
payload for the map once decoded, the same timeline rows in the same order."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from araz.io import read_path
from araz.model import Dataset
from araz.model.columns import Coded
from araz.model.places import Places
from araz.views.arrays import map_events, timeline_arrays
from araz.views.map_payload import build_events_from_columns, read_events
from araz.views.prepared import map_data, timeline_rows
from araz.views.records import map_columns, timeline_columns
from araz.views.timeline.data import Permuted, TimelineData
from araz.views.timeline.layout import build_lanes

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = [
    "readers/acled_current.csv",
    "readers/geojson_mixed.geojson",
    "readers/storymapjs_dates.json",
    "readers/timelinejs_deeptime.json",
    "deep_time/bigbang_timelinejs.json",
]


def _decoded(body: bytes) -> dict:
    """A payload's columns, one value per event (texts and colours looked up)."""
    cols = read_events(body)
    out = {k: cols[k] for k in ("ids", "to", "line")}
    for k in ("lat", "lon", "radius"):
        out[k] = None if cols[k] is None else cols[k].tolist()
    for k in ("title", "date", "actors"):
        out[k] = [cols[k]["t"][c] for c in cols[k]["c"].tolist()]
    out["color"] = [cols["palette"][c] for c in cols["color"].tolist()]
    return out


def _same_map(ds: Dataset) -> None:
    events, rows = map_events(ds)
    reference = build_events_from_columns(map_columns(ds))
    assert _decoded(events.body) == _decoded(reference.body)
    assert list(events.ids) == list(reference.ids) == [ds.events.ids[r] for r in rows]
    assert events.lat.tolist() == reference.lat.tolist()
    assert events.to == reference.to


def _same_timeline(ds: Dataset) -> None:
    data, rows = timeline_arrays(ds)
    reference = TimelineData(**timeline_columns(ds))
    assert len(data) == len(reference) == len(rows)
    for name in ("start", "end", "fade_start", "fade_end", "open_start", "open_end", "color"):
        assert getattr(data, name).tolist() == getattr(reference, name).tolist(), name
    assert data.is_point.tolist() == reference.is_point.tolist()
    assert data.order.tolist() == reference.order.tolist()
    for name in ("ids", "precision", "label", "tooltip", "lane_actor", "lane_category"):
        assert list(getattr(data, name)) == list(getattr(reference, name)), name
    assert [ds.events.ids[r] for r in rows] == list(data.ids)
    for mode in ("lane_actor", "lane_category"):
        ours = build_lanes(getattr(data, mode), data.color)
        theirs = build_lanes(list(getattr(reference, mode)), reference.color)
        assert ours.keys == theirs.keys
        assert ours.of_event.tolist() == theirs.of_event.tolist()
        assert ours.counts.tolist() == theirs.counts.tolist()
        assert ours.color.tolist() == theirs.color.tolist()


def test_the_curated_story_gives_the_same_views(curated):
    """Arrows (from/to places), the Araz as a line, dates of every precision."""
    assert map_columns(curated)["to"] and map_columns(curated)["line"]  # both exercised
    _same_map(curated)
    _same_timeline(curated)


def test_the_curated_story_by_columns_gives_the_same_views(curated):
    places = Places.from_objects(dict(curated.places.items()), keep=False)
    ds = Dataset(curated.events, curated.actors, places, categories=curated.categories)
    _same_map(ds)
    _same_timeline(ds)


@pytest.mark.parametrize("name", FILES)
def test_each_reader_gives_the_same_views(name):
    ds = read_path(DATA / name).dataset
    assert ds is not None
    _same_map(ds)
    _same_timeline(ds)


def test_a_synthetic_acled_export_gives_the_same_views(tmp_path, monkeypatch):
    """Thousands of rows over the Arrow table (ids as an Arrow array, sorted in Arrow;
    radii of location uncertainty), read from the CSV and again from the table cache."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from synth import write_acled_csv

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("ARAZ_TABLE_CACHE", "on")
    path = write_acled_csv(tmp_path / "acled.csv", 3000, seed=7)
    for cached in (False, True):
        result = read_path(path)
        assert ("cache" in result.timings) is cached
        ds = result.dataset
        assert ds is not None and len(ds) == 3000
        assert map_columns(ds)["radius"]
        _same_map(ds)
        _same_timeline(ds)


def test_a_flag_every_row_shares_takes_no_byte_a_row_made_or_kept(tmp_path, curated):
    """An ACLED file's fades and open ends are all False: one flag repeated (a
    zero-stride view, 4 MB less at a million), the same values, made or read back from
    what the views' cache keeps; a flag that differs between rows stays an array."""
    from araz.views.arrays import _checked_columns, timeline_kept

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from synth import write_acled_csv

    ds = read_path(write_acled_csv(tmp_path / "acled.csv", 2000, seed=3)).dataset
    assert ds is not None
    data, rows = timeline_arrays(ds)
    kept, names = timeline_kept(data, rows)
    back = _checked_columns({**kept, "names": names}, len(ds))
    for name in ("fade_start", "fade_end", "open_start", "open_end"):
        for column in (getattr(data, name), back[name]):
            assert column.strides == (0,) and column.shape == (len(rows),), name
            assert (
                not column.any() and column[np.array([0, 5, len(rows) - 1])].tolist() == [False] * 3
            )
    assert 0 < int(data.is_point.sum()) < len(rows) and data.is_point.strides == (1,)
    assert back["is_point"].tolist() == data.is_point.tolist()
    made, _ = timeline_arrays(curated)  # fades and open ends of some rows only
    for name in ("fade_start", "fade_end", "open_start", "open_end"):
        column = getattr(made, name)
        assert column.strides == (1,) and 0 < int(column.sum()) < len(column), name


def test_the_timelines_precision_is_a_byte_a_row_made_or_kept(curated):
    """The timeline's precision per row: a code into the few precision names (a byte a
    row; an object array was 8 bytes a row, 8 MB at a million events), the same names
    when read back from what the views' cache keeps."""
    from araz.views.arrays import _checked_columns, timeline_kept

    data, rows = timeline_arrays(curated)
    assert isinstance(data.precision, Coded) and data.precision.codes.itemsize == 1
    assert len(data.precision.values) < 10
    kept, names = timeline_kept(data, rows)
    back = _checked_columns({**kept, "names": names}, len(curated))["precision"]
    assert isinstance(back, Coded) and back.codes.itemsize <= 2
    assert list(back) == list(data.precision)
    assert {"day", "month"} <= set(data.precision)


def test_the_timelines_order_is_its_rows_when_every_event_is_dated(curated):
    """Every event dated (an ACLED file's), the timeline's order (its rows among the
    dated ones) is its rows: one array, not a second of 4 MB a million."""
    data, rows = timeline_arrays(curated)
    assert len(rows) == len(curated) and data.order is rows
    one_undated = read_path(Path(__file__).parent.parent / "data/readers/acled_current.csv")
    ds = one_undated.dataset
    data, rows = timeline_arrays(ds)
    assert len(rows) == len(ds) - 1 and data.order is not rows
    assert data.order.tolist() == TimelineData(**timeline_columns(ds)).order.tolist()


def test_the_prepared_views_look_rows_up_by_id(curated):
    data, _rows = timeline_rows(curated)
    assert all(data.index_of(i) == k for k, i in enumerate(data.ids))
    assert data.index_of("no such event") is None
    events, mrows = map_data(curated)
    assert all(events.index[i] == k for k, i in enumerate(events.ids))
    assert [curated.events.ids[r] for r in mrows] == list(events.ids)


def test_permuted_reads_a_model_column_in_chunks():
    values = Coded(np.array([2, 0, 1, 0] * 40000, np.int32), ["a", "b", "c"])
    order = np.arange(len(values))[::-1].copy()
    seen = Permuted(values, order)
    assert list(seen) == [values[int(k)] for k in order]
    assert seen[0] == "a" and seen[-1] == "c" and len(seen) == 160000


def test_lanes_from_codes_count_and_colour_as_from_names():
    """Codes that name the same lane twice (two actor tuples of one state) and a
    missing code, against the same lanes given by name."""
    coded = Coded(np.array([0, 1, 2, -1, 1, 2, 2], np.int32), ["Iran", "Armenia", "Iran"], "")
    names = list(coded)
    assert names == ["Iran", "Armenia", "Iran", "", "Armenia", "Iran", "Iran"]
    color = np.array([5, 6, 7, 8, 6, 7, 5], np.uint32) | np.uint32(0xFF000000)
    ours, theirs = build_lanes(coded, color), build_lanes(names, color)
    assert ours.keys == theirs.keys == ["Iran", "Armenia", ""]
    assert ours.of_event.tolist() == theirs.of_event.tolist() == [0, 1, 0, 2, 1, 0, 0]
    assert ours.counts.tolist() == [4, 2, 1]
    assert ours.of_event.dtype == theirs.of_event.dtype == np.int8  # a byte an event
    # Iran: colours 5, 7, 7, 5 -> a tie, the lower wins; Armenia 6; the unnamed lane 8
    assert ours.color.tolist() == theirs.color.tolist() == [0xFF000005, 0xFF000006, 0xFF000008]


def test_a_lane_colour_seen_once_among_many_still_counts():
    """Lanes' colours are found from a sample of the events' colours, then checked
    against all: a colour the sample misses (one event of 100,000) is not lost."""
    n = 100_000
    color = np.full(n, 0xFF00AA00, np.uint32)
    color[12345] = 0xFF123456  # not on the sample's stride
    lanes = np.where(np.arange(n) == 12345, "Alone", "Many").tolist()
    built = build_lanes(lanes, color)
    assert built.keys == ["Many", "Alone"]
    assert built.color.tolist() == [0xFF00AA00, 0xFF123456]
    assert built.counts.tolist() == [n - 1, 1]
    many = build_lanes([f"lane {k % 300}" for k in range(n)], color)  # over 120 lanes
    assert many.of_event.dtype == np.int16 and len(many.keys) == 300
    assert [many.keys[i] for i in many.of_event[:600]] == [f"lane {k % 300}" for k in range(600)]
    assert int(many.counts.sum()) == n


def test_permuted_reads_a_missing_value_as_one_row_at_a_time_does():
    values = Coded(np.array([1, -1, 0], np.int32), ["a", "b"], "none")
    seen = Permuted(values, np.array([2, 1, 0]))
    assert list(seen) == [seen[0], seen[1], seen[2]] == ["a", "none", "b"]


def test_the_actor_lanes_are_made_once_in_the_datas_colours(curated):
    data, _ = timeline_rows(curated)
    want = build_lanes(data.lane_actor, data.color)
    lanes = data.lanes_for("actor", data.color)
    assert data.lanes_for("actor", data.color) is lanes  # kept with the data
    assert lanes.keys == want.keys and np.array_equal(lanes.of_event, want.of_event)
    assert np.array_equal(lanes.color, want.color)
    # other colours (a colour-by) or the category lanes: made for them, not the kept ones
    grey = np.full(len(data), 0xFF808080, np.uint32)
    other = data.lanes_for("actor", grey)
    assert other is not lanes and set(other.color.tolist()) == {0xFF808080}
    cats = data.lanes_for("category", data.color)
    assert cats.keys == build_lanes(data.lane_category, data.color).keys != lanes.keys
