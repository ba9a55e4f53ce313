"""The table cache (araz.io.table_cache): a second read of an ACLED or GeoJSON file comes
from an Arrow file in the user's cache folder, equal to the first; a stale or damaged
entry is read again, never trusted; the folder is capped and can be cleared."""

import logging
import os
import shutil
from pathlib import Path

import pytest

from araz.io import acled, geojson, read_path, table_cache

DATA = Path(__file__).resolve().parent.parent / "data"

ACLED = DATA / "readers" / "acled_current.csv"
GEOJSON = DATA / "readers" / "geojson_mixed.geojson"
# ARM1001 again, another actor1: one event with both actors (a file of one row per actor)
PER_ACTOR_ROW = (
    "ARM1001,27 January 2023,2023,1,Political violence,Battles,Armed clash,"
    "Military Forces of Russia (2000-),,1,Military Forces of Armenia (2018-),,1,11,,51,"
    "Caucasus and Central Asia,Armenia,Syunik,Kapan,,Kapan,39.2076,46.4058,1,"
    'Azatutyun; Hetq,National,"Azerbaijani forces shelled positions near Kapan.",2,,1674950000\n'
)


@pytest.fixture
def acled_file(tmp_path):
    path = tmp_path / "export.csv"
    shutil.copy(ACLED, path)
    with open(path, "a", encoding="utf-8") as f:
        f.write(PER_ACTOR_ROW)
    return path


class Reads:
    """Counts the calls of a reader, or refuses them."""

    def __init__(self, monkeypatch, module, name, refuse=False):
        self.calls = 0
        real = getattr(module, name)

        def reader(*args, **kwargs):
            self.calls += 1
            if refuse:
                raise AssertionError("the file was read, not the cache")
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, reader)


def assert_same(a, b):
    """Two LoadResults with the same events, places, actors and report."""
    assert a.dataset is not None and b.dataset is not None
    da, db = a.dataset, b.dataset
    assert len(da) == len(db) > 0
    assert list(da.events.ids) == list(db.events.ids)
    for ea, eb in zip(da.events, db.events, strict=True):
        assert ea == eb  # id, title, date, summary, actors, places, category, certainty
        assert ea.extra == eb.extra
        assert (ea.date.value.is_interval if ea.date else None) == (
            eb.date.value.is_interval if eb.date else None
        )
    assert da.places == db.places
    assert da.actors == db.actors
    assert (da.title, da.source, da.categories) == (db.title, db.source, db.categories)
    assert a.problems == b.problems
    assert (a.skipped, a.merged) == (b.skipped, b.merged)


def entries(folder):
    return sorted(folder.glob("*.arrow")) if folder.exists() else []


def test_a_second_read_of_an_acled_file_comes_from_the_cache(cache, acled_file, monkeypatch):
    first = read_path(acled_file)
    assert first.merged == 1 and first.problems  # the report the cache must keep
    assert "cache" not in first.timings
    assert len(entries(cache)) == 1
    Reads(monkeypatch, acled, "read_acled", refuse=True)
    second = read_path(acled_file)
    assert "cache" in second.timings
    # text values are decoded when first used, not by the open
    events = second.dataset.events
    assert events.title._values is None and events.extra["source"]._values is None
    assert_same(first, second)
    assert events.title.values == first.dataset.events.title.values
    # the columns are views of the mapped file, not copies
    assert not second.dataset.events.date.codes.flags.owndata
    ids = events.arrow.column("id").chunk(0)
    assert events.ids.array.buffers()[2].address == ids.buffers()[2].address
    assert second.dataset.search_mask("kapan").sum() == first.dataset.search_mask("kapan").sum()


def test_writing_the_cache_decodes_no_place_names_for_good(cache, acled_file):
    """The gazetteer's text columns, decoded on first use, are decoded for the write of
    the cache only: the first open does not keep them as Python strings (~40 MB at a
    million events)."""
    result = read_path(acled_file)
    assert len(entries(cache)) == 1  # written
    places = result.dataset.places
    lazy = [k for k in ("name", "country") if getattr(places, k)._values is None]
    assert lazy == ["name", "country"]
    assert places.name.values  # decoded when used, as before
    again = read_path(acled_file)
    assert again.dataset.places == places


def test_a_second_read_of_a_geojson_file_comes_from_the_cache(cache, tmp_path, monkeypatch):
    path = tmp_path / "events.geojson"
    shutil.copy(GEOJSON, path)
    first = read_path(path)
    assert any(p.geometry for p in first.dataset.places.values())  # polygons kept too
    Reads(monkeypatch, geojson, "geojson_from_doc", refuse=True)
    assert_same(first, read_path(path))


def test_the_reader_options_are_part_of_the_key(cache, tmp_path, monkeypatch):
    path = tmp_path / "events.geojson"
    shutil.copy(GEOJSON, path)
    read_path(path)
    reads = Reads(monkeypatch, geojson, "geojson_from_doc")
    read_path(path, actor_property="nobody")
    assert reads.calls == 1
    read_path(path, actor_property="nobody")
    read_path(path)
    assert reads.calls == 1
    assert len(entries(cache)) == 2


def test_a_touched_or_changed_file_is_read_again(cache, acled_file, monkeypatch, caplog):
    first = read_path(acled_file)
    reads = Reads(monkeypatch, acled, "read_acled")
    st = acled_file.stat()
    os.utime(acled_file, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    with caplog.at_level(logging.INFO, "araz.io.table_cache"):
        assert_same(first, read_path(acled_file))
    assert reads.calls == 1
    assert "stale" in caplog.text
    read_path(acled_file)  # the entry written again: a hit
    assert reads.calls == 1

    # the same size and time, another first block: still read again
    text = acled_file.read_bytes()
    acled_file.write_bytes(text.replace(b"ARM1001", b"ARM1009"))
    os.utime(acled_file, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    changed = read_path(acled_file)
    assert reads.calls == 2
    assert "ARM1009" in changed.dataset.events.ids
    assert len(entries(cache)) == 1  # one entry per file and options, replaced


def test_a_change_to_the_reading_code_misses(cache, acled_file, monkeypatch):
    read_path(acled_file)
    reads = Reads(monkeypatch, acled, "read_acled")
    module = acled.__file__
    st = os.stat(module)
    try:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        read_path(acled_file)
    finally:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert reads.calls == 1
    assert len(entries(cache)) == 1  # the stale entry replaced, not left behind


def _truncate(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


def _cut_tail(raw: bytes) -> bytes:
    return raw[:-40]


def _bad_summary(raw: bytes) -> bytes:
    at = raw.index(b"Azerbaijani forces shelled")
    return raw[:at] + b"\xff\xfe" * 8 + raw[at + 16 :]


def _bad_codes(raw: bytes) -> bytes:
    # the ids column starts with the ids' offsets; then, 64-byte aligned, the data: make
    # every int32 just before the first id's text huge (offsets or codes: out of range)
    at = raw.index(b"ARM1001ARM1002")
    return raw[: at - 64] + b"\x7f" * 64 + raw[at:]


def _garbage(raw: bytes) -> bytes:
    return os.urandom(len(raw))


@pytest.mark.parametrize("damage", [_truncate, _cut_tail, _bad_summary, _bad_codes, _garbage])
def test_a_damaged_entry_is_read_again_and_rewritten(
    cache, acled_file, monkeypatch, caplog, damage
):
    first = read_path(acled_file)
    [entry] = entries(cache)
    good = entry.read_bytes()
    # a damaged file in its place (the first read's dataset maps the entry it wrote:
    # Araz never writes a cache file in place, and nor does this)
    damaged = entry.with_name(entry.name + ".damaged")
    damaged.write_bytes(damage(good))
    os.replace(damaged, entry)
    reads = Reads(monkeypatch, acled, "read_acled")
    with caplog.at_level(logging.WARNING, "araz.io.table_cache"):
        again = read_path(acled_file)
    assert reads.calls == 1
    assert "damaged" in caplog.text
    assert_same(first, again)
    assert entry.read_bytes() == good  # written again
    read_path(acled_file)
    assert reads.calls == 1  # and used


def test_a_file_that_changes_while_it_is_read_is_not_cached(cache, acled_file, monkeypatch):
    real = acled.read_acled

    def growing(path, *args, **kwargs):  # the file grows between the key and the read
        with open(path, "a", encoding="utf-8") as f:
            f.write(PER_ACTOR_ROW.replace("ARM1001", "ARM1077"))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(acled, "read_acled", growing)
    grown = read_path(acled_file)
    assert "ARM1077" in grown.dataset.events.ids
    assert entries(cache) == []
    monkeypatch.setattr(acled, "read_acled", real)
    again = read_path(acled_file)  # the file as it is now: read and kept
    assert_same(grown, again)
    assert len(entries(cache)) == 1


def test_the_cap_evicts_the_least_recently_used(cache, tmp_path, acled_file, monkeypatch):
    other = tmp_path / "other.csv"
    shutil.copy(ACLED, other)
    read_path(acled_file)
    [old] = entries(cache)
    read_path(other)
    [new] = set(entries(cache)) - {old}
    sizes = {p: p.stat().st_size for p in (old, new)}
    os.utime(old, ns=(1_000_000_000, 1_000_000_000))  # used long ago
    assert table_cache.evict(cap=sizes[new]) == sizes[old]
    assert entries(cache) == [new]

    # a store keeps the folder under the cap: the entry used least recently goes
    monkeypatch.setattr(table_cache, "CAP_BYTES", max(sizes.values()) + 10)
    os.utime(new, ns=(1_000_000_000, 1_000_000_000))
    read_path(acled_file)
    assert entries(cache) == [old]
    read_path(acled_file)  # a hit marks it used: the other one goes next
    assert old.stat().st_mtime_ns > 1_000_000_000

    # a table larger than the cap is not kept, and does not push out the others
    monkeypatch.setattr(table_cache, "CAP_BYTES", 1000)
    assert read_path(other).dataset is not None
    assert entries(cache) == [old]


def test_clear_frees_what_usage_counts(cache, acled_file, tmp_path, monkeypatch):
    path = tmp_path / "events.geojson"
    shutil.copy(GEOJSON, path)
    read_path(acled_file)
    read_path(path)
    used = table_cache.usage()
    assert used == sum(p.stat().st_size for p in entries(cache)) > 0
    assert table_cache.clear() == used
    assert table_cache.usage() == 0 and entries(cache) == []
    reads = Reads(monkeypatch, acled, "read_acled")
    read_path(acled_file)
    assert reads.calls == 1


def test_what_is_not_cached(cache, monkeypatch, tmp_path):
    from araz.paths import default_dataset

    read_path(default_dataset())  # curated: its result depends on other files too
    story = tmp_path / "story.json"
    shutil.copy(DATA / "readers" / "timelinejs_deeptime.json", story)
    read_path(story)  # events kept as objects, with their own extra
    assert entries(cache) == []
    monkeypatch.setenv("ARAZ_TABLE_CACHE", "off")
    read_path(ACLED)
    assert entries(cache) == []


def _rewrite(path, change_column=None, change_metadata=None):
    """The entry written again by pyarrow with one column or metadata value changed: a
    well-formed Arrow file that does not hold what the cache wrote."""
    import pyarrow as pa

    # read into memory, not mapped: the file is overwritten below
    table = pa.ipc.open_file(pa.BufferReader(path.read_bytes())).read_all()
    metadata = dict(table.schema.metadata)
    if change_column:
        name, make = change_column
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, make(table.column(name).combine_chunks()))
    if change_metadata:
        key, value = change_metadata
        metadata[key] = value(metadata[key])
    table = table.replace_schema_metadata(metadata)
    # a file in its place (a dataset read from the entry maps the old one: Araz never
    # writes a cache file in place)
    tmp = path.with_name(path.name + ".new")
    with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    os.replace(tmp, path)


def _codes_beyond(arr):
    import numpy as np
    import pyarrow as pa

    codes = np.asarray(arr.indices) + len(arr.dictionary)
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), arr.dictionary, safe=False)


def _offsets_backwards(arr):
    import numpy as np
    import pyarrow as pa

    assert arr.type == pa.string()  # int32 offsets (under 2 GiB of summaries)
    _, offsets, data = arr.buffers()
    o = np.frombuffer(offsets, np.int32, count=len(arr) + 1).copy()
    o[1], o[2] = o[2], o[1]
    return pa.StringArray.from_buffers(len(arr), pa.py_buffer(o), data)


def _without_nuls(arr):
    import pyarrow as pa

    return pa.array([t.rstrip("\x00") for t in arr.to_pylist()], pa.string())


def _json_text(arr):
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(arr.indices, pa.array(["{"] * len(arr.dictionary)))


def _date_year_as_text(arr):
    import pyarrow as pa

    texts = [t.replace('"day",2023,', '"day","2023",') for t in arr.dictionary.to_pylist()]
    assert texts != arr.dictionary.to_pylist()
    return pa.DictionaryArray.from_arrays(arr.indices, pa.array(texts))


def _actors_as_numbers(arr):
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(arr.indices, pa.array(["[1, 2]"] * len(arr.dictionary)))


def _lat_as_text(stream: bytes) -> bytes:
    """The places table with its latitudes as text (a well-formed Arrow stream)."""
    import pyarrow as pa

    table = pa.ipc.open_stream(stream).read_all()
    lat = table.column("lat").cast(pa.string())
    table = table.set_column(table.schema.get_field_index("lat"), "lat", lat)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


@pytest.mark.parametrize(
    ("column", "metadata", "why"),
    [
        (("title", _codes_beyond), None, "codes out of range"),
        (("date", _json_text), None, "JSONDecodeError"),
        (("summary", _offsets_backwards), None, "offsets not increasing"),
        (("summary", _without_nuls), None, "without its NUL"),
        (None, (b"araz", lambda v: v.replace(b'"rows": 8', b'"rows": 7')), "row count"),
        (None, (b"araz.places", lambda v: v[: len(v) // 2]), "Arrow"),
        (None, (b"araz.places", _lat_as_text), "araz.places: types"),
        (("date", _date_year_as_text), None, "date: points"),
        (("actors", _actors_as_numbers), None, "Corrupt: actors"),
    ],
)
def test_a_tampered_entry_is_not_trusted(
    cache, acled_file, monkeypatch, caplog, column, metadata, why
):
    first = read_path(acled_file)
    assert len(first.dataset) == 8 and first.merged == 1
    [entry] = entries(cache)
    _rewrite(entry, column, metadata)
    reads = Reads(monkeypatch, acled, "read_acled")
    with caplog.at_level(logging.WARNING, "araz.io.table_cache"):
        assert_same(first, read_path(acled_file))
    assert reads.calls == 1
    assert "damaged" in caplog.text and why in caplog.text


def test_a_cached_open_imports_no_pandas(cache, acled_file):

    code = (
        "import sys; import araz.io; "
        f"a = araz.io.read_path({str(acled_file)!r}); "
        f"b = araz.io.read_path({str(acled_file)!r}); "
        "assert 'cache' not in a.timings and 'cache' in b.timings, 'no hit'; "
        "assert len(b.dataset) == 8; "
        "assert 'pandas' not in sys.modules, 'pandas'"
    )
    run_in_child(code)
    assert len(entries(cache)) == 1


def test_a_cached_open_of_a_file_without_problems_imports_no_pandas(cache, tmp_path):
    """Its problems' table is empty: read back without an empty array made by
    ``pa.array`` (which imports pandas: a second and some 40 MB at a re-open)."""
    import sys

    sys.path.insert(0, str(DATA.parent.parent / "benchmarks"))
    from synth import write_acled_csv

    path = write_acled_csv(tmp_path / "synth.csv", 500, seed=5)
    code = (
        "import sys; import araz.io; "
        f"a = araz.io.read_path({str(path)!r}); "
        "assert not a.problems, a.problems; "
        f"b = araz.io.read_path({str(path)!r}); "
        "assert 'cache' in b.timings and not b.problems and len(b.dataset) == 500; "
        "assert 'pandas' not in sys.modules, 'pandas'"
    )
    run_in_child(code)


def test_a_csv_of_any_columns_is_cached_keyed_by_its_mapping(cache, tmp_path):
    path = tmp_path / "points.csv"
    shutil.copy(DATA / "samples" / "csv_geoparquet_data_point_wkt.csv", path)
    first = read_path(path)
    again = read_path(path)
    assert "cache" in again.timings
    assert_same(first, again)
    assert [e.extra for e in first.dataset.events] == [e.extra for e in again.dataset.events]
    mapped = read_path(path, title_property="geometry")  # another mapping: read again
    assert "cache" not in mapped.timings
    assert "cache" in read_path(path, title_property="geometry").timings
    assert len(entries(cache)) == 2


def test_a_table_with_lone_surrogates_is_not_cached(cache, tmp_path, caplog):
    """Arrow does not read back text that is not UTF-8 (a lone surrogate, kept in memory
    with "surrogatepass"): such a table is not kept, or it would be found damaged at
    every open."""
    from araz.io.problems import LoadResult
    from araz.model import Dataset
    from araz.model.table import EventTableBuilder

    src = tmp_path / "s.geojson"
    src.write_text("{}")
    b = EventTableBuilder()
    b.append("a\ud800b", "Bad \udc80 title", None)
    result = LoadResult(Dataset(b.build(), {}, {}), [])
    assert result.dataset.event("a\ud800b").title == "Bad \udc80 title"
    with caplog.at_level(logging.INFO, "araz.io.table_cache"):
        assert table_cache.Entry(src).store(result) is False
    assert entries(cache) == [] and "not cached" in caplog.text


def test_a_synthetic_export_comes_back_from_the_cache_with_its_narrow_codes(
    cache, tmp_path, monkeypatch
):
    import sys

    import numpy as np

    sys.path.insert(0, str(DATA.parent.parent / "benchmarks"))
    from synth import write_acled_csv

    path = write_acled_csv(tmp_path / "synth.csv", 3000, seed=3)
    first = read_path(path)
    assert "cache" not in first.timings and len(entries(cache)) == 1
    Reads(monkeypatch, acled, "read_acled", refuse=True)
    again = read_path(path)
    assert "cache" in again.timings
    assert_same(first, again)
    # hundreds of regions and dates (int16 codes), a handful of names, categories (int8)
    ds, places = again.dataset, again.dataset.places
    assert places.within.codes.dtype == np.int16 and places.name.codes.dtype == np.int8
    assert places.within.codes.dtype == first.dataset.places.within.codes.dtype
    assert ds.events.date.codes.dtype == np.int16 and ds.events.category.codes.dtype == np.int8
    assert all(c.codes.dtype == np.int8 for c in ds.events.extra.values())
    assert list(again.dataset.arrays["wide_lower"]) == list(first.dataset.arrays["wide_lower"])


def run_in_child(code: str) -> None:
    """``code`` in a fresh interpreter (nothing imported yet) on this test's cache."""
    import subprocess
    import sys

    env = {
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "app"),
        "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"],
        "ARAZ_TABLE_CACHE": "on",
    }
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)
