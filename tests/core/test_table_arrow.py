"""The events as one pyarrow.Table (araz.model.arrow_table): its layout, the columns the
views read as views of its buffers, and a table wrapped back (the table cache's re-open)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from araz.model import Dataset, EventDate, FuzzyDate, PlaceRef
from araz.model.kinds import Corrupt
from araz.model.table import Coded, EventTable, EventTableBuilder, Strings, TextColumn, take

APP = Path(__file__).resolve().parents[2] / "app"


def _table() -> EventTable:
    d = EventDate(FuzzyDate.parse("2021-05-01"), "1 May 2021")
    b = EventTableBuilder()
    b.append("a", "Shelling", d, "first — note", ("arm", "aze"), (PlaceRef("p1"),), "military",
             extra={"fatalities": 3, "source": "Hetq"})  # fmt: skip
    b.append("b", "Shelling", None, "", (), (), "", extra={"flag": True})
    b.append("c", "Talks", d, "third", ("arm",), (PlaceRef("p1", "from"), PlaceRef("p2", "to")),
             "diplomacy", "claimed", extra={"fatalities": 0.5, "source": None})  # fmt: skip
    return b.build()


def _same_events(a: EventTable, b: EventTable) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x == y and x.extra == y.extra
        assert [type(v) for v in x.extra.values()] == [type(v) for v in y.extra.values()]


def test_a_readers_table_is_one_arrow_table_whose_indices_are_the_codes():
    t = _table()
    table = t.arrow
    assert table.column_names == [
        "id", "summary", "title", "date", "actors", "places", "category", "certainty",
        "extra:fatalities", "extra:source", "extra:flag",
    ]  # fmt: skip
    assert table.schema.field("id").type == pa.string()
    assert table.schema.field("summary").type == pa.string()  # int32 offsets under 2 GiB
    for name in table.column_names[2:]:  # a handful of values each: a byte an event
        assert table.schema.field(name).type == pa.dictionary(pa.int8(), pa.string()), name
    assert table.column("id").to_pylist() == ["a", "b", "c"]
    assert table.column("title").to_pylist() == ["Shelling", "Shelling", "Talks"]
    assert table.column("title").chunk(0).dictionary.to_pylist() == ["Shelling", "Talks"]
    # each code array is the Arrow indices buffer itself, not a copy
    for name, column in [("title", t.title), ("extra:source", t.extra["source"])]:
        indices = table.column(name).chunk(0).indices
        assert column.codes.ctypes.data == indices.buffers()[1].address, name
    # a missing value: null in Arrow, -1 in the codes, with -1 under the null
    source = table.column("extra:source").chunk(0)
    # a column of text and None (a value, not missing) is written as JSON
    assert source.to_pylist() == ['"Hetq"', None, "null"]
    assert t.extra["source"].codes.tolist() == [0, -1, 1]
    assert source.indices.null_count == 1
    # the summaries: the texts, each with the NUL the search reads between them
    assert table.column("summary").to_pylist() == ["first — note\x00", "\x00", "third\x00"]
    assert list(t.summary) == ["first — note", "", "third"]
    assert isinstance(t.ids, Strings) and t.ids == ["a", "b", "c"] and t.ids[-1] == "c"


def test_a_wrapped_table_gives_the_same_events_and_keeps_the_buffers():
    t = _table()
    again = EventTable.from_arrow(t.arrow)
    _same_events(t, again)
    assert again._objects is None and again.arrow is t.arrow
    assert again.title.codes.ctypes.data == t.title.codes.ctypes.data  # no copy
    assert again.places.values == t.places.values  # roles kept (place_refs kind)
    ids = t.arrow.column("id").chunk(0)
    assert again.ids.array.buffers()[2].address == ids.buffers()[2].address


def test_text_values_are_decoded_on_first_use_only():
    again = EventTable.from_arrow(_table().arrow)
    title = again.title
    assert title._values is None  # not decoded by the wrap
    assert title.values == ["Shelling", "Talks"]
    assert title.values is title.values  # once
    assert again.date._values is not None  # dates are decoded (and checked) at once


def test_the_bundled_story_starts_without_pyarrow_and_builds_its_table_on_demand():
    code = (
        "import sys\n"
        "from araz.io.curated import read_curated\n"
        "from araz.paths import default_dataset\n"
        "from araz.views.prepared import prepare\n"
        "ds = read_curated(default_dataset()).dataset\n"
        "prepare(ds); ds.search_mask('raisi')\n"
        "assert 'pyarrow' not in sys.modules, 'pyarrow imported'\n"
        "table = ds.events.arrow\n"
        "assert 'pyarrow' in sys.modules and table.num_rows == len(ds)\n"
    )
    env = {"PYTHONPATH": str(APP), "ARAZ_TABLE_CACHE": "off"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)


def test_the_bundled_story_round_trips_through_arrow(curated):
    table = curated.events.arrow
    assert curated.events.arrow is table  # built once
    again = EventTable.from_arrow(table)
    for a, b in zip(again, curated.events, strict=True):
        assert a == replace(b, quotes=())  # quotes and extra stay on the objects
    assert any(r.role for e in again for r in e.places)


def test_nulls_read_as_minus_one_a_view_when_minus_one_lies_under_them():
    from araz.model.arrow_table import codes_of, dictionary, text

    written = dictionary(np.array([1, -1, 0], np.int32), text(["x", "y"]))
    codes = codes_of(written, 2, "c")
    assert codes.tolist() == [1, -1, 0] and not codes.flags.owndata
    # another writer leaves 0 under its nulls: the codes are a copy, -1 there
    other = pa.DictionaryArray.from_arrays(pa.array([1, None, 0], pa.int32()), pa.array(["x", "y"]))
    assert other.indices.buffers()[1] is not None
    codes = codes_of(other, 2, "c")
    assert codes.tolist() == [1, -1, 0]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda c: c.pop("title"), "columns"),
        (lambda c: c.update(title=pa.chunked_array([pa.array(["a", "b", "c"])])), "dictionary"),
        (lambda c: c.update(summary=pa.chunked_array([pa.array(["a", "b", "c"])])), "summary"),
    ],
)
def test_a_table_of_another_layout_is_refused(change, why):
    table = _table().arrow
    columns = {name: table.column(name) for name in table.column_names}
    change(columns)
    other = pa.table(columns).replace_schema_metadata(table.schema.metadata)
    with pytest.raises(Corrupt, match=why):
        EventTable.from_arrow(other)


@pytest.mark.parametrize(
    ("kind", "why"),
    [(pa.int8(), "codes out of range"), (pa.int32(), "codes out of range"),
     (pa.int64(), "indices"), (pa.uint8(), "indices")],
)  # fmt: skip
def test_codes_beyond_the_dictionary_or_of_another_type_are_refused(kind, why):
    table = _table().arrow
    col = table.column("category").chunk(0)
    assert col.indices.type == pa.int8()
    codes = np.frombuffer(col.indices.buffers()[1], np.int8, count=len(col)) + 5
    codes = codes.astype(kind.to_pandas_dtype())
    bad = pa.DictionaryArray.from_arrays(
        pa.Array.from_buffers(kind, len(col), [None, pa.py_buffer(codes)]),
        col.dictionary,
        safe=False,
    )
    i = table.schema.get_field_index("category")
    with pytest.raises(Corrupt, match=why):
        EventTable.from_arrow(table.set_column(i, "category", bad))


def test_int32_codes_within_the_dictionary_are_read():
    # a table whose small dictionaries have int32 indices (as before they were narrowed)
    t = _table()
    table = t.arrow
    col = table.column("category").chunk(0)
    wide = pa.DictionaryArray.from_arrays(col.indices.cast(pa.int32()), col.dictionary)
    i = table.schema.get_field_index("category")
    again = EventTable.from_arrow(table.set_column(i, "category", wide))
    assert again.category.codes.dtype == np.int32
    assert list(again.category) == list(t.category) == ["military", "", "diplomacy"]


def test_lone_surrogates_survive_the_arrow_table():
    t = EventTable(
        ["a\ud800b", "c"],
        Coded(np.array([0, 1]), ["Bad \udc80 title", "ok"]),
        Coded(np.array([-1, -1]), []),
        TextColumn(["x\udc80", "y"]),
        *[Coded(np.zeros(2, np.int32), [()])] * 2,
        *[Coded(np.zeros(2, np.int32), [""])] * 2,
    )
    assert list(t.ids) == ["a\ud800b", "c"] and t.ids[0] == "a\ud800b"
    assert take(t.ids, [1, 0]) == ["c", "a\ud800b"]
    assert [e.title for e in t] == ["Bad \udc80 title", "ok"] and t[0].summary == "x\udc80"
    assert Dataset(t, {}, {}).event("a\ud800b").title == "Bad \udc80 title"


def test_the_ids_are_arrow_text_read_one_at_a_time():
    t = _table()
    ids = t.ids
    assert isinstance(ids, Strings) and len(ids) == 3
    assert list(ids) == ["a", "b", "c"] and ids[1:] == ["b", "c"]
    assert take(ids, np.array([2, 0, 2])) == ["c", "a", "c"]
    assert ids == ("a", "b", "c") and ids != ["a", "b"] and ids != "abc"
    with pytest.raises(IndexError):
        ids[3]
    with pytest.raises(IndexError):
        take(ids, [3])
    assert Dataset(t, {}, {}).index["c"] == 2


def test_a_pickled_story_leaves_its_arrow_table_behind(curated):
    import pickle

    _ = curated.events.arrow
    again = pickle.loads(pickle.dumps(curated.events))
    assert again._arrow is None and list(again) == list(curated.events)
    assert again.arrow.equals(curated.events.arrow)


@pytest.mark.parametrize(
    ("n_values", "indices"), [(1, pa.int8()), (120, pa.int8()), (121, pa.int16()),
                              (32_760, pa.int16()), (32_761, pa.int32())]
)  # fmt: skip
def test_codes_take_the_narrowest_type_that_holds_the_values(n_values, indices):
    n = 40_000
    codes = np.arange(n) % n_values
    codes[7] = -1
    extra = Coded(codes, [f"v{k}" for k in range(n_values)])
    t = EventTable(
        [f"e{k}" for k in range(n)], Coded(np.zeros(n), ["t"]), Coded(np.full(n, -1), []),
        [""] * n, Coded(np.zeros(n), [()]), Coded(np.zeros(n), [()]), Coded(np.zeros(n), [""]),
        Coded(np.zeros(n), ["reported"]), extra={"k": extra},
    )  # fmt: skip
    column = t.arrow.column("extra:k").chunk(0)
    assert column.type == pa.dictionary(indices, pa.string())
    assert t.extra["k"].codes.dtype == indices.to_pandas_dtype()
    assert t.extra["k"].codes.ctypes.data == column.indices.buffers()[1].address  # a view
    assert t.extra["k"].codes.tolist() == codes.tolist()  # the same codes, -1 kept
    assert t.title.codes.dtype == np.int8 and t.date.codes.tolist() == [-1] * n
    again = EventTable.from_arrow(t.arrow)
    assert again.extra["k"].codes.dtype == t.extra["k"].codes.dtype
    assert again[7].extra == {} and again[n - 1].extra == {"k": f"v{(n - 1) % n_values}"}


def test_summaries_over_int64_offsets_are_a_large_string_column():
    # past 2 GiB of text the offsets are int64 (made here small, as such a column's)
    offsets = np.array([0, 6, 7, 13], np.int64)
    summary = TextColumn.from_offsets(b"first\x00\x00third\x00", offsets)
    b = EventTableBuilder()
    for k in range(3):
        b.append(f"e{k}", "t", None, "", (), (), "")
    t = EventTable(*b.columns()[:3], summary, *b.columns()[4:8])
    assert t.arrow.schema.field("summary").type == pa.large_string()
    assert list(EventTable.from_arrow(t.arrow).summary) == ["first", "", "third"]
