"""Events stored by column (araz.model.table): the same events, the same derived data."""

from __future__ import annotations

import numpy as np
import pytest

from araz.model import Dataset, Event, EventDate, Filter, FuzzyDate, Place, PlaceRef
from araz.model.table import Coded, EventTable, EventTableBuilder
from araz.views.records import map_columns, timeline_columns


def _columnar(ds: Dataset) -> Dataset:
    """The same dataset, its events rebuilt through the builder (no event objects)."""
    b = EventTableBuilder()
    for e in ds.events:
        b.append(
            e.id,
            e.title,
            e.date,
            e.summary,
            e.actors,
            e.places,
            e.category,
            e.certainty,
            e.quotes,
            {k: v for k, v in e.extra.items() if isinstance(v, str | int | float)},
        )
    table = b.build()
    assert table._objects is None
    return Dataset(
        table, ds.actors, ds.places, title=ds.title, seed=ds.seed, categories=ds.categories
    )


def test_builder_gives_back_the_same_events(curated):
    table = _columnar(curated).events
    assert len(table) == len(curated.events)
    for a, b in zip(table, curated.events, strict=True):
        assert a == b  # every field (extra is not compared by Event.__eq__)
        assert a.quotes == b.quotes
    assert table[-1] == curated.events[-1]
    assert table[2:4] == list(curated.events)[2:4]
    with pytest.raises(IndexError):
        table[len(table)]


def test_derived_data_is_the_same_from_columns_and_from_objects(curated):
    col = _columnar(curated)
    for key, values in curated.arrays.items():
        np.testing.assert_array_equal(col.arrays[key], values, err_msg=key)
    assert col.events_by_actor.keys() == curated.events_by_actor.keys()
    for a, rows in curated.events_by_actor.items():
        np.testing.assert_array_equal(col.events_by_actor[a], rows)
    assert col.actor_counts == curated.actor_counts
    assert col.palette._colours == curated.palette._colours
    assert col.colours == curated.colours
    np.testing.assert_array_equal(col.unplaced_mask, curated.unplaced_mask)
    assert map_columns(col) == map_columns(curated)
    a, b = timeline_columns(col), timeline_columns(curated)
    assert {k: list(v) for k, v in a.items()} == {k: list(v) for k, v in b.items()}
    for text in ("raisi", "Kapan", "drone", "şuşa", "nothing like this"):
        np.testing.assert_array_equal(col.search_mask(text), curated.search_mask(text))


def test_extra_keys_that_come_and_go():
    b = EventTableBuilder()
    b.append("a", "A", None, extra={"source": "Hetq"})
    b.append("b", "B", None)
    b.append("c", "C", None, extra={"fatalities": 3, "source": "Hetq"})
    t = b.build()
    assert [e.extra for e in t] == [{"source": "Hetq"}, {}, {"fatalities": 3, "source": "Hetq"}]
    assert t.extra["source"].values == ["Hetq"]  # one copy of a repeated value
    assert t.extra["fatalities"].codes.tolist() == [-1, -1, 0]


def test_coded_column():
    c = Coded(np.array([1, 0, 1, -1]), ["x", "y"], missing="?")
    assert list(c) == ["y", "x", "y", "?"]
    assert c[3] == "?" and c[-3] == "x" and c[1:3] == ["x", "y"] and len(c) == 4
    with pytest.raises(IndexError):
        c[4]
    assert Coded(np.array([1, 0, 1]), ["x", "y"]).take([2, 1]) == ["y", "x"]
    assert c.per_value(lambda v: v == "y").tolist() == [True, False, True, False]
    assert c.per_value(lambda v: v == "?").tolist() == [False, False, False, True]
    assert c.lut(lambda v: v == "y").tolist() == [False, True, False]  # the last: missing
    assert c.codes.dtype == np.int32  # int64 codes given: made int32
    assert Coded(np.array([0, -1], np.int8), ["x"]).codes.dtype == np.int8  # kept (a view)


def test_the_filter_arrays_are_the_events_own_and_the_window_is_decided_per_date(curated):
    ds = curated
    arrays = ds.arrays
    assert set(arrays) == {"wide_lower", "wide_upper", "has_date", "category"}
    events = list(ds.events)
    lo = [e.date.value.wide_lower if e.date else -np.inf for e in events]
    hi = [e.date.value.wide_upper if e.date else np.inf for e in events]
    assert arrays["wide_lower"].tolist() == lo and arrays["wide_upper"].tolist() == hi
    assert arrays["wide_lower"].dtype == np.float64 and arrays["has_date"].dtype == bool
    cats = [ds.categories.index(e.category) if e.category in ds.categories else -1 for e in events]
    assert arrays["category"].tolist() == cats and arrays["category"].dtype == np.int32
    dated = [d for d in lo if d != -np.inf]
    for w in ((-np.inf, np.inf), (min(dated), min(dated)), (np.median(dated), max(dated) + 0.5)):
        rows = zip(events, lo, hi, strict=True)
        want = [e.date is not None and a <= w[1] and b >= w[0] for e, a, b in rows]
        assert ds.in_window(*w).tolist() == want
        assert Filter(window=w).mask(ds).tolist() == want


def test_columns_must_agree_in_length():
    with pytest.raises(ValueError, match="title"):
        EventTable(
            ["a", "b"],
            Coded(np.array([0]), ["A"]),
            *[Coded(np.zeros(2, int), [None])] * 1,
            ["", ""],
            *[Coded(np.zeros(2, int), [()])] * 2,
            *[Coded(np.zeros(2, int), [""])] * 2,
        )


def _event(i: int, summary: str, place: str = "p") -> Event:
    d = EventDate(FuzzyDate.parse("2021-05-0" + str(i + 1)), "May 2021")
    return Event(f"e{i}", f"Event {i}", d, summary, ("iran",), (PlaceRef(place),))


def test_search_reads_summaries_one_by_one():
    """The summaries are searched as one folded string: a term never spans two events,
    a NUL in a summary does not split it, accents and case do not matter."""
    events = [
        _event(0, "A drone over Şuşa"),
        _event(1, "nothing here ab"),
        _event(2, "cd and more\x00text"),
        _event(3, "DRONES again"),
    ]
    places = {"p": Place("p", "Somewhere", lat=40.0, lon=47.0)}
    ds = Dataset(events, {}, places)
    assert ds.search_mask("susa").tolist() == [True, False, False, False]
    assert ds.search_mask("drone").tolist() == [True, False, False, True]
    assert ds.search_mask("abcd").tolist() == [False] * 4  # "ab" + "cd" across two events
    assert ds.search_mask("more text").tolist() == [False, False, True, False]
    assert ds.search_mask("somewhere").all()  # the place's name
    assert Filter(text="DRONE").mask(ds).tolist() == [True, False, False, True]


def test_acled_reader_keeps_columns_not_objects(tmp_path):
    from araz.io import read_path

    src = tmp_path / "a.csv"
    src.write_text(
        "event_id_cnty,event_date,time_precision,event_type,actor1,country,location,"
        "latitude,longitude,notes,source,fatalities\n"
        "X1,2023-01-27,1,Battles,Military Forces of Iran (1989-),Iran,Tabriz,38.08,46.29,"
        "a note,Hetq,2\n"
        "X2,2023-01-28,1,Battles,Military Forces of Iran (1989-),Iran,Tabriz,38.08,46.29,"
        "another,Hetq,0\n"
    )
    ds = read_path(src).dataset
    assert ds is not None and ds.events._objects is None
    assert ds.events.title.values == ["Battles in Tabriz"]  # one copy of the shared title
    e = ds.event("X2")
    assert (e.summary, e.extra["fatalities"], e.extra["source"]) == ("another", 0, "Hetq")


def test_extra_values_declared_up_front():
    b = EventTableBuilder()
    b.set_extra_keys(("source", "fatalities"))
    b.append("a", "A", None, extra_values=("Hetq", 0))
    b.append("b", "B", None, extra_values=("", None))
    b.append("c", "C", None, extra={"tags": "x"}, extra_values=("Hetq", 12))
    assert [e.extra for e in b.build()] == [
        {"source": "Hetq", "fatalities": 0},
        {},
        {"source": "Hetq", "fatalities": 12, "tags": "x"},
    ]
    with pytest.raises(RuntimeError):
        b.set_extra_keys(("late",))
    with pytest.raises(ValueError):
        EventTableBuilder().append("a", "A", None, extra_values=("x",))


def test_text_column_keeps_every_text_exactly():
    from araz.model.table import TextColumn

    texts = ["", "plain", "Şuşa — Шуша", "emoji 🕊", "nul\x00inside", "lone \udc80 surrogate", ""]
    col = TextColumn(texts)
    assert len(col) == len(texts)
    assert list(col) == texts
    assert [col[i] for i in range(len(texts))] == texts
    assert col[-2] == "lone \udc80 surrogate" and col[1:3] == texts[1:3]
    with pytest.raises(IndexError):
        col[len(texts)]
    assert list(TextColumn([])) == []


def test_builder_stores_summaries_as_one_buffer():
    from araz.model.table import TextColumn

    b = EventTableBuilder()
    b.append("a", "A", None, "first note")
    b.append("b", "B", None, "second — note")
    t = b.build()
    assert isinstance(t.summary, TextColumn)
    assert [e.summary for e in t] == ["first note", "second — note"]


def test_id_index_is_a_mapping_that_survives_hash_collisions(monkeypatch):
    from araz.model.table import IdIndex

    ids = ["RUS1", "IRQ2", "ARM3", "AZE4"]
    index = IdIndex(ids)
    assert dict(index.items()) == {k: i for i, k in enumerate(ids)}
    assert index["ARM3"] == 2 and index.get("nope") is None and 7 not in index
    assert [index.get(k, -1) for k in ("AZE4", "nope", "RUS1")] == [3, -1, 0]
    assert "x" not in IdIndex([])

    class Same(str):  # every id hashes alike: the worst collision
        def __hash__(self):
            return 7

    clash = IdIndex([Same(k) for k in ids])
    assert [clash[Same(k)] for k in ids] == [0, 1, 2, 3]
    assert [clash.get(Same(k), -1) for k in ("ARM3", "RUS1", "nope")] == [2, 0, -1]
    assert Same("nope") not in clash
    # an id written twice reads as its first row, whatever order the sort left equal
    # hashes in
    twice = IdIndex([Same(k) for k in ["A", "B", "A", "C", "A"]])
    assert twice[Same("A")] == 0 and twice[Same("C")] == 3


def test_view_rows_point_at_the_same_events(curated):
    """The map's and the timeline's row -> dataset row arrays, and their id lookups."""
    from araz.views.prepared import map_data, timeline_rows

    data, rows = timeline_rows(curated)
    assert [curated.events.ids[r] for r in rows] == list(data.ids)
    assert all(data.index_of(i) == k for k, i in enumerate(data.ids))
    events, mrows = map_data(curated)
    assert [curated.events.ids[r] for r in mrows] == list(events.ids)
    assert all(events.index[i] == k for k, i in enumerate(events.ids))
    unplaced = curated.unplaced[0]
    assert unplaced not in events.index and events.index.get(unplaced) is None


def test_extra_values_keep_their_type():
    b = EventTableBuilder()
    for i, v in enumerate([1, True, 1.0, "1", None]):
        b.append(f"e{i}", "T", None, extra={"v": v})
    got = [e.extra["v"] for e in b.build()]
    assert got == [1, True, 1.0, "1", None]
    assert [type(v) for v in got] == [int, bool, float, str, type(None)]


def test_geojson_features_share_dates_and_places(tmp_path):
    import json

    from araz.io import read_path

    feats = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [47.0, 40.0]},
            "properties": {"title": "Same place", "date": "2021-05-01", "flag": flag},
        }
        for flag in (True, 1, False)
    ]
    src = tmp_path / "f.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    ds = read_path(src).dataset
    assert ds is not None and ds.events._objects is None
    assert len(ds.events.date.values) == 1 and len(ds.events.places.values) == 1
    assert [e.extra["flag"] for e in ds.events] == [True, 1, False]
    assert [type(e.extra["flag"]) for e in ds.events] == [bool, int, bool]


def test_a_closed_dataset_is_freed_without_the_cycle_collector(curated):
    """The views' caches must not point back at their dataset: the loader freezes the
    collector's generations, so a cycle would keep every dataset ever opened."""
    import gc
    import weakref

    from araz.io import read_path
    from araz.views.prepared import prepare

    result = read_path(curated.source) if curated.source else None
    assert result is not None and result.dataset is not None
    prepare(result.dataset)  # what the loading thread builds: map and timeline data, indexes
    _ = result.dataset.search_mask("iran")
    ref = weakref.ref(result.dataset)
    was = gc.isenabled()
    gc.disable()
    try:
        del result
        assert ref() is None  # freed by reference counting alone
    finally:
        if was:
            gc.enable()


def test_lone_surrogates_and_nul_do_not_break_loading_or_search(tmp_path):
    from araz.io import read_path
    from araz.views.prepared import prepare

    src = tmp_path / "s.geojson"
    src.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","id":"a\\ud800b",'
        '"geometry":{"type":"Point","coordinates":[47,40]},'
        '"properties":{"title":"Bad \\udc80 title","date":"2021"}}]}'
    )
    result = read_path(src)
    prepare(result.dataset)  # the map's payload is built (it raised UnicodeEncodeError)
    ds = result.dataset
    assert ds is not None and len(ds) == 1
    assert ds.search_mask("\x00").tolist() == [True]  # a search for nothing: no constraint
    assert ds.search_mask("title\x00").tolist() == [True]  # NUL read as a space
    assert ds.search_mask("zzz\x00").tolist() == [False]


def test_acled_duplicate_ids_never_collide_with_a_fallback(tmp_path):
    from araz.io import read_path

    src = tmp_path / "d.csv"
    src.write_text(
        "event_id_cnty,event_date,latitude,longitude,location,fatalities\n"
        "row-4,2023-01-01,,,Nowhere,1\n"
        "X1,2023-01-02,40,47,Baku,²\n"
        "X1,2023-01-03,40,47,Baku,3\n"
    )
    ds = read_path(src).dataset
    assert ds is not None and len(set(ds.events.ids)) == 3
    assert ds.event("row-4").places == ()  # the file's own row-4 keeps its id
    assert ds.events.ids[2] == "row-4-2" and ds.event("row-4-2").places
    assert ds.event("X1").extra["fatalities"] == "²"  # kept as text, not a crash


@pytest.mark.parametrize("engine", ["python", "arrow", "arrow-over-buffer", "unfolded"])
def test_both_search_engines_find_terms_in_each_text_never_across_two(engine):
    from araz.model.search import ArrowTexts, PythonTexts, UnfoldedTexts, summaries_array
    from araz.model.table import TextColumn

    texts = ["A drone over Baku", "nothing here ab", "cd and DRONES", "", "x\x00drone", "Şuşa"]
    col = TextColumn(texts)
    if engine == "python":
        found = PythonTexts(texts)
    elif engine == "arrow":
        found = ArrowTexts(texts)
    else:  # a zero-copy view of the column's own buffer
        # each text keeps its ending NUL (no term has one) ...
        clean = TextColumn(["A drone", "Şuşa"])
        view = summaries_array(clean)
        assert view.to_pylist() == ["A drone\x00", "Şuşa\x00"]
        own = np.frombuffer(clean.buffers()[0], np.uint8).ctypes.data
        assert view.buffers()[2].address == own  # no copy, of the texts
        assert view.buffers()[1].address == clean.offsets().ctypes.data  # nor the offsets
        # ... unless a text holds a NUL of its own: then it is read as a space
        array = summaries_array(col)
        assert array.to_pylist()[4] == "x drone"
        found = ArrowTexts(array) if engine == "arrow-over-buffer" else UnfoldedTexts(array)
    assert found.contains(["drone"]).tolist() == [True, False, True, False, True, False]
    assert found.contains(["abcd"]).tolist() == [False] * 6  # never across two texts
    assert found.contains(["baku", "nothing"]).tolist() == [True, True] + [False] * 4
    assert found.contains(["susa"]).tolist() == [False] * 5 + [True]  # folded: Şuşa
    many = ["zz", "yy", "xx", "ww", "a.b", "over"]  # many terms: one pattern, . is a dot
    assert found.contains(many).tolist() == [True] + [False] * 5
    assert list(col) == texts


def test_unfolded_summaries_are_searched_without_a_copy():
    """The summaries (:class:`UnfoldedTexts`): ASCII texts searched as they are, case
    aside, with no folded copy of them made; the others by their folded form (accents,
    ı, ə), and only those kept folded."""
    import pyarrow as pa

    from araz.model.search import ArrowTexts, UnfoldedTexts, summaries_array
    from araz.model.table import TextColumn

    texts = [f"Protesters in BAKU, row {k}: nothing else to say here" for k in range(20_000)]
    texts[7] = "DRONE OVER ŞUŞA, Kırklareli and Azərbaycan"
    texts[9] = "the Kelvin sign \u212a and a long \u017f"
    array = summaries_array(TextColumn(texts))
    pool = pa.default_memory_pool()
    before = pool.bytes_allocated()
    found = UnfoldedTexts(array)
    unfolded = pool.bytes_allocated() - before
    folded = ArrowTexts(array)
    assert pool.bytes_allocated() - before - unfolded > array.nbytes // 2  # a folded copy
    assert unfolded < 10_000  # the one non-ASCII text, folded
    for terms in (
        ["baku"],
        ["susa"],
        ["kirklareli", "zzz"],
        ["azerbaycan"],
        ["drone"],
        ["k"],
        ["s"],
        ["row 19999"],
        ["nothing else", "drone over"],
    ):
        assert found.contains(terms).tolist() == folded.contains(terms).tolist(), terms
    assert found.contains(["susa"]).tolist() == [k == 7 for k in range(20_000)]
    assert int(found.contains(["baku"]).sum()) == 19_998


def test_search_is_the_same_with_either_engine(tmp_path):
    """ACLED summaries (ASCII) are searched by pyarrow over their own buffer; the result
    is what the Python engine gives."""
    from araz.io import read_path
    from araz.model.search import ArrowTexts, PythonTexts, SearchIndex

    src = tmp_path / "a.csv"
    src.write_text(
        "event_id_cnty,event_date,latitude,longitude,location,notes\n"
        "A1,2023-01-01,40,47,Baku,Protesters gathered in BAKU\n"
        "A2,2023-01-02,40,47,Ganja,Clashes near the border\n"
        "A3,2023-01-03,40,47,Ganja,\n"
    )
    ds = read_path(src).dataset
    arrow, python = SearchIndex(ds, ArrowTexts), SearchIndex(ds, PythonTexts)
    for text in ("baku", "border", "ganja", "protest", "zzz"):
        terms = sorted(ds.search_terms(text))
        assert arrow.mask(terms).tolist() == python.mask(terms).tolist(), text
    assert python.mask(["ganja"]).tolist() == [False, True, True]


def test_places_are_searched_per_distinct_name_not_per_place(tmp_path):
    """The places' names are searched per distinct value of each gazetteer column and
    spread to the places by the column's codes: the index holds no (place, name) pair
    per place (4 million int32 at a million events, for some 70 distinct names)."""
    from araz.io import read_path
    from araz.model.search import ArrowTexts, PythonTexts, SearchIndex

    src = tmp_path / "a.csv"
    rows = [
        f"A{k},2023-01-01,{40 + k / 1000},{47 + k / 1000},Village {k % 3},"
        f"{'Shirvan' if k % 2 else 'Aran'},Azerbaijan,Note {k}"
        for k in range(600)
    ]
    src.write_text(
        "event_id_cnty,event_date,latitude,longitude,location,admin1,country,notes\n"
        + "\n".join(rows)
        + "\n"
    )
    ds = read_path(src).dataset
    assert len(ds.places) >= 600
    arrow, python = SearchIndex(ds, ArrowTexts), SearchIndex(ds, PythonTexts)
    for text in ("village 2", "shirvan", "azerbaijan", "aran", "zzz"):
        terms = sorted(ds.search_terms(text))
        assert arrow.mask(terms).tolist() == python.mask(terms).tolist(), text
    assert arrow.mask(["village 2"]).tolist() == [k % 3 == 2 for k in range(600)]
    assert arrow.mask(["shirvan"]).tolist() == [k % 2 == 1 for k in range(600)]
    names = len(arrow.places.names)
    assert names < 10
    for flat, of_value, n_values, codes in arrow.places.columns:
        assert len(flat) == len(of_value) <= names and n_values <= names
        assert len(codes) == len(ds.places)  # the gazetteer's own, per place


def test_a_search_imports_no_pandas(tmp_path):
    """pyarrow's ``pa.array``, ``pa.scalar`` (``fill_null``) and ``to_numpy`` import pandas
    (a second, at the first search of a big file): the search builds its arrays from
    buffers.  Texts with and without non-ASCII letters, titles and summaries."""
    import subprocess
    import sys
    from pathlib import Path

    src = tmp_path / "a.csv"
    src.write_text(
        "event_id_cnty,event_date,latitude,longitude,location,notes\n"
        "A1,2023-01-01,40,47,Baku,Protesters gathered in BAKU\n"
        "A2,2023-01-02,40,47,Şuşa,Clashes near Şuşa\n"
        "A3,2023-01-03,40,47,Ganja,\n",
        encoding="utf-8",
    )
    code = (
        "import sys; from araz.io import read_path; "
        f"ds = read_path({str(src)!r}).dataset; "
        "from araz.model.search import ArrowTexts, SearchIndex; "
        "index = SearchIndex(ds, ArrowTexts); "
        "found = [index.mask(sorted(ds.search_terms(t))).tolist() "
        "for t in ('baku', 'susa', 'clashes', 'zzz')]; "
        "assert found == [[True, False, False], [False, True, False], "
        "[False, True, False], [False] * 3], found; "
        "assert 'pandas' not in sys.modules, 'pandas imported'"
    )
    app = str(Path(__file__).resolve().parents[2] / "app")
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": app}, timeout=60)


def test_both_search_engines_agree_on_every_name_and_word_of_the_bundled_story(curated):
    """The Arrow engine (big datasets, or pyarrow loaded) and the Python one (the
    bundled story before pyarrow is loaded) find the same events for every actor and
    place name, alias included, and for words of the titles and summaries."""
    from araz.model.search import ArrowTexts, PythonTexts, SearchIndex

    ds = curated
    arrow, python = SearchIndex(ds, ArrowTexts), SearchIndex(ds, PythonTexts)
    queries = {n for a in ds.actors.values() for n in a.names()}
    queries |= {n for p in ds.places.values() for n in p.names()}
    queries |= {w for e in ds.events for w in f"{e.title} {e.summary}".split()[:6]}
    found = 0
    for text in sorted(queries):
        terms = sorted(t for t in ds.search_terms(text) if t.strip())
        if not terms:
            continue
        a, p = arrow.mask(terms), python.mask(terms)
        assert a.tolist() == p.tolist(), text
        found += int(a.any())
    assert found > len(queries) * 0.9  # the names and words are found
