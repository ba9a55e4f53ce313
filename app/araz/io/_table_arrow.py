"""A LoadResult as one Arrow IPC file, and back: the layout of :mod:`araz.io.table_cache`.

The events are the dataset's own Arrow table (:attr:`EventTable.arrow
<araz.model.table.EventTable.arrow>`, its layout in :mod:`araz.model.arrow_table`),
written as it is.  Places, actors and problems are tables of their own, one row per
place, actor or problem (names dictionary-encoded, a tuple of names joined by U+001F),
kept as Arrow IPC streams in the schema's metadata with a JSON header (``araz``) that
holds the key, the dataset's title, source and categories, and the counts of skipped
and merged rows.

The gazetteer is written by column as :class:`~araz.model.places.Places` holds it (the
numbers NaN for none), with the events' place tuples as rows of it (``araz.place_tuples``,
one list of rows per value of the events' ``places`` dictionary; not kept when a ref has
a role: those are decoded at the open).

Reading wraps the memory-mapped table (:meth:`EventTable.from_arrow
<araz.model.table.EventTable.from_arrow>`, which checks it first: the ids, summaries
and codes stay views of the mapped file, the text values are decoded when first used)
and the gazetteer's columns the same way: no Place object is made until one is asked
for (making half a million took half a second).  The actors are made as objects
(:func:`araz.model.kinds.make`, without the frozen dataclasses' ``__init__``).
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Callable
from dataclasses import fields
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..model.arrow_table import KINDS_KEY, codes_of, dictionary, numbers, text
from ..model.columns import Coded, Strings, _pylist, narrow
from ..model.dataset import Dataset
from ..model.entities import Actor, Place
from ..model.kinds import SEP, make
from ..model.kinds import check as _check
from ..model.places import Places, PlaceTuples
from ..model.table import EventTable, take
from ._views_file import forget_pages
from .problems import LoadResult, Problem


class Stale(Exception):
    """The entry was written for another state of the file, or another reader."""


# ---------------------------------------------------------------- writing


def _small(columns: dict[str, pa.Array]) -> bytes:
    table = pa.Table.from_arrays(list(columns.values()), names=list(columns))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _tuples(values: list[tuple[str, ...]]) -> pa.Array:
    """Tuples of names (aliases, regions), each joined by U+001F."""
    if not all(x and SEP not in x for t in values for x in t):
        raise ValueError("an empty name, or one with U+001F")
    return text([SEP.join(t) for t in values])


def _places(places: Places) -> bytes:
    """The gazetteer's columns (:class:`~araz.model.places.Places`) as they are: the
    coded ones as dictionary arrays over their codes, the numbers NaN for none."""
    n = len(places)
    ids = places.ids
    geometry: list[str | None] = [None] * n
    for row in places.geometry:
        geometry[row] = json.dumps(places.geometry_at(row))
    return _small(
        {
            "id": ids.array if isinstance(ids, Strings) else text(list(ids)),
            "name": _dictionary(places.name),
            "kind": _dictionary(places.kind),
            "lat": numbers(places.lat, np.float64, pa.float64()),
            "lon": numbers(places.lon, np.float64, pa.float64()),
            "aliases": _dictionary(places.aliases, _tuples),
            "geometry": text(geometry, large=True),
            "country": _dictionary(places.country),
            "radius_m": numbers(places.radius_m, np.float64, pa.float64()),
            "within": _dictionary(places.within, _tuples),
        }
    )


def _dictionary(column: Coded, texts: Callable[[list], pa.Array] = text) -> pa.Array:
    # a column whose values are not decoded yet (the gazetteer's names at an ACLED
    # read) is decoded for the write only: kept, they were ~40 MB more a million events
    lazy = column._decode if column._values is None else None
    values = lazy() if lazy is not None else column.values
    return dictionary(narrow(column.codes, len(values)), texts(values))


def _place_tuples(tuples: PlaceTuples | None) -> bytes:
    """The events' place tuples as rows of the gazetteer: one list of rows a tuple."""
    starts = np.zeros(1, np.int32) if tuples is None else tuples.starts.astype(np.int32)
    rows = np.zeros(0, np.int32) if tuples is None else tuples.rows.astype(np.int32)
    offsets = numbers(starts, np.int32, pa.int32())
    values = numbers(rows, np.int32, pa.int32())
    return _small({"rows": pa.ListArray.from_arrays(offsets, values)})


def _actors(actors: list[Actor]) -> bytes:
    return _small(
        {
            "id": text([a.id for a in actors]),
            "name": text([a.name for a in actors]),
            "kind": text([a.kind for a in actors]),
            "state": text([a.state for a in actors]),
            "aliases": _tuples([a.aliases for a in actors]).dictionary_encode(),
        }
    )


def _problems(problems: list[Problem]) -> bytes:
    return _small(
        {
            "file": text([p.file for p in problems]),
            "line": numbers([p.line for p in problems], np.int64, pa.int64()),
            "message": text([p.message for p in problems]),
            "record": text([p.record for p in problems]),
            "severity": text([p.severity for p in problems]),
        }
    )


def write(path: Path, key: dict, result: LoadResult) -> None:
    """Write ``result`` (which ``table_cache.not_cacheable`` accepts) to ``path``."""
    ds = result.dataset
    assert ds is not None
    t = ds.events
    table = t.arrow
    # the place tuples' rows when no ref has a role (with roles: decoded at the open)
    tuples = ds.place_tuples if ds.place_tuples.roles is None else None
    table.validate(full=True)  # texts Arrow reads back (not a lone surrogate): else not kept
    header = {
        "format": "araz-table-cache",
        "key": key,
        "rows": len(t),
        "title": ds.title,
        "source": ds.source,
        "categories": ds.categories,
        "skipped": result.skipped,
        "merged": result.merged,
        "place_tuples": tuples is not None,
    }
    metadata = {
        **(table.schema.metadata or {}),
        b"araz": json.dumps(header, ensure_ascii=False).encode(),
        b"araz.places": _places(ds.places),
        b"araz.place_tuples": _place_tuples(tuples),
        b"araz.actors": _actors(list(ds.actors.values())),
        b"araz.problems": _problems(result.problems),
    }
    table = table.combine_chunks().replace_schema_metadata(metadata)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=max(len(t), 1)):
            writer.write_batch(batch)


# ---------------------------------------------------------------- reading


def _strings(arr: pa.Array, name: str, nullable: bool = False) -> list:
    _check(arr.type in (pa.string(), pa.large_string()), f"{name}: not text")
    _check(nullable or not arr.null_count, f"{name}: a null")
    arr.validate(full=True)  # offsets and UTF-8
    return arr.to_pylist()


def _column(small: pa.Table, name: str, n: int) -> list:
    chunked = small.column(name)
    if not chunked.num_chunks:  # an empty table (no problems): combine_chunks would
        _check(n == 0, f"{name}: no rows")  # make its empty array with pa.array, which
        return []  # imports pandas (a second, some 40 MB)
    arr = _whole(chunked)
    _check(len(arr) == n, f"{name}: {len(arr)} rows for {n}")
    if isinstance(arr, pa.DictionaryArray):
        values = _strings(arr.dictionary, name)
        if name in ("aliases", "within"):
            values = [tuple(v.split(SEP)) if v else () for v in values]
        codes = codes_of(arr, len(values), name)
        values.append(None)  # where -1 (null) reads
        return take(values, codes)
    if pa.types.is_floating(arr.type) or pa.types.is_integer(arr.type):
        return arr.to_pylist()
    return _strings(arr, name, nullable=name in ("state", "geometry", "record"))


def _whole(chunked: pa.ChunkedArray) -> pa.Array:
    """A small table's column as one array: its one chunk as it is (the writer writes one
    batch), a view of the stream's buffer; ``combine_chunks`` copied it (the gazetteer's
    ~27 MB at a million events: 5-65 ms a re-open)."""
    return chunked.chunk(0) if chunked.num_chunks == 1 else chunked.combine_chunks()


@cache
def _schema(key: bytes) -> pa.Schema:
    """The schema the writer gives a small table (that of an empty one)."""
    write: dict[bytes, Callable[[], bytes]] = {
        b"araz.places": lambda: _places(Places.from_objects({})),
        b"araz.place_tuples": lambda: _place_tuples(None),
        b"araz.actors": lambda: _actors([]),
        b"araz.problems": lambda: _problems([]),
    }
    return pa.ipc.open_stream(pa.py_buffer(write[key]())).schema


def _open_small(metadata: dict, key: bytes, names: tuple[str, ...]) -> pa.Table:
    small = pa.ipc.open_stream(pa.py_buffer(metadata[key])).read_all()
    _check(small.column_names == list(names), f"{key.decode()}: columns")
    want = _schema(key)
    _check(len(small.schema) == len(want), f"{key.decode()}: types")
    for got, wanted in zip(small.schema.types, want.types, strict=True):
        _check(_same_type(got, wanted), f"{key.decode()}: types")
    return small


def _same_type(got: pa.DataType, wanted: pa.DataType) -> bool:
    """The type the writer gives, a dictionary's indices of any code type (the narrowest
    that holds its values: :func:`~araz.model.columns.code_type`; codes_of checks it)."""
    if isinstance(got, pa.DictionaryType) and isinstance(wanted, pa.DictionaryType):
        return got.value_type == wanted.value_type and got.ordered == wanted.ordered
    return got == wanted


def _read_small(metadata: dict, key: bytes, names: tuple[str, ...]) -> tuple[pa.Table, list]:
    small = _open_small(metadata, key, names)
    return small, [_column(small, name, small.num_rows) for name in names]


def _read_places(metadata: dict) -> Places:
    """The gazetteer's columns, checked, over the table's buffers: no Place objects (the
    text values are decoded when first used; the geometries, few, now)."""
    names = tuple(f.name for f in fields(Place))
    small = _open_small(metadata, b"araz.places", names)
    n = small.num_rows
    col = {name: _whole(small.column(name)) for name in names}
    _check(all(len(a) == n for a in col.values()), "araz.places: lengths")
    ids = col["id"]
    _check(not ids.null_count, "id: a null")
    ids.validate(full=True)  # offsets within the data, UTF-8
    coded = {name: _coded(col[name], name) for name in ("name", "kind", "aliases", "country")}
    coded["within"] = _coded(col["within"], "within")
    geometry = {}
    if col["geometry"].null_count < n:
        texts = col["geometry"].to_pylist()
        geometry = {k: json.loads(g) for k, g in enumerate(texts) if g is not None}
        _check(all(type(g) is dict for g in geometry.values()), "geometry: not an object")
    return Places(
        Strings(ids),
        coded["name"],
        coded["kind"],
        _floats(col["lat"], "lat"),
        _floats(col["lon"], "lon"),
        coded["aliases"],
        geometry,
        coded["country"],
        _floats(col["radius_m"], "radius_m"),
        coded["within"],
    )


def _coded(arr: pa.DictionaryArray, name: str) -> Coded:
    """A dictionary column of the gazetteer as a :class:`Coded` (its values decoded on
    first use; tuples of names split at U+001F); only ``country`` may be null."""
    texts = arr.dictionary
    _check(not texts.null_count, f"{name}: a null")
    texts.validate(full=True)  # offsets and UTF-8
    codes = codes_of(arr, len(texts), name)
    _check(name == "country" or not arr.null_count, f"{name}: a null")
    if name in ("aliases", "within"):
        return Coded.lazy(codes, lambda: [tuple(v.split(SEP)) if v else () for v in _pylist(texts)])
    return Coded.lazy(codes, lambda: _pylist(texts))


def _floats(arr: pa.Array, name: str) -> np.ndarray:
    """A float64 column as numpy (a view of its buffer), NaN for none."""
    _check(not arr.null_count and arr.offset == 0, f"{name}: a null")
    data = arr.buffers()[1]
    _check(data is not None and data.size >= 8 * len(arr), f"{name}: cut short")
    return np.frombuffer(data, np.float64, count=len(arr))


def _read_place_tuples(metadata: dict, table: EventTable, n_places: int) -> PlaceTuples:
    """The events' place tuples as the writer kept them, checked (one per value of the
    events' ``places`` dictionary, rows within the gazetteer)."""
    small = _open_small(metadata, b"araz.place_tuples", ("rows",))
    lists = _whole(small.column("rows"))
    size = len(table.arrow.column("places").chunk(0).dictionary)
    _check(len(lists) == size and not lists.null_count, "place tuples: count")
    starts = np.frombuffer(lists.buffers()[1], np.int32, count=size + 1)
    values = lists.values
    _check(not values.null_count and values.offset == 0, "place tuples: a null")
    rows = np.frombuffer(values.buffers()[1], np.int32, count=len(values))
    _check(int(starts[0]) == 0 and int(starts[-1]) == len(rows), "place tuples: offsets")
    _check(bool((np.diff(starts) >= 0).all()), "place tuples: offsets")
    if len(rows):
        _check(int(rows.min()) >= -1 and int(rows.max()) < n_places, "place tuples: rows")
    return PlaceTuples(table.places.codes, starts, rows, None)


def read(path: Path, key: dict | None) -> LoadResult:
    """The LoadResult kept in ``path`` for ``key``; raises :class:`Stale` for another
    key, anything else for a file that is not sound.  The file is memory-mapped: its
    columns are views of the mapping, whose pages leave this process's memory once
    checked (they come back from the file when read: the summaries, say, only when
    searched)."""
    with path.open("rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    result = _read(mapped, key)
    forget_pages(mapped, 0, len(mapped))
    return result


def _read(mapped: mmap.mmap, key: dict | None) -> LoadResult:
    with pa.BufferReader(pa.py_buffer(mapped)) as source:
        reader = pa.ipc.open_file(source)
        metadata = reader.schema.metadata or {}
        header = json.loads(metadata[b"araz"])
        _check(header.get("format") == "araz-table-cache", "not an Araz table cache")
        if header.get("key") != key:
            raise Stale("the file or the reader changed since it was cached")
        _check(reader.num_record_batches == 1, "one batch")
        batch = reader.get_batch(0)
    _check(batch.num_rows == int(header["rows"]), "row count")
    # the table with its kinds alone (each read of the schema's metadata copies it all)
    kinds = {KINDS_KEY: metadata.get(KINDS_KEY, b"")}
    table = EventTable.from_arrow(pa.Table.from_batches([batch]).replace_schema_metadata(kinds))
    places = _read_places(metadata)
    tuples = _read_place_tuples(metadata, table, len(places)) if header["place_tuples"] else None
    small, actors = _read_small(
        metadata, b"araz.actors", ("id", "name", "kind", "state", "aliases")
    )
    na = small.num_rows
    actors_by_id = dict(zip(actors[0], make(Actor, actors, na), strict=True))
    _check(len(actors_by_id) == na, "duplicate ids")
    fields_p = ("file", "line", "message", "record", "severity")
    small, problem_cols = _read_small(metadata, b"araz.problems", fields_p)
    problems = list(map(Problem, *problem_cols)) if small.num_rows else []
    ds = Dataset(
        table,
        actors_by_id,
        places,
        title=header["title"],
        source=header["source"],
        categories=header["categories"],
        place_tuples=tuples,
    )
    skipped, merged = int(header["skipped"]), int(header["merged"])
    return LoadResult(ds, problems, skipped=skipped, merged=merged)
