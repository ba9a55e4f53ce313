"""A LoadResult as one Arrow IPC file, and back: the layout of :mod:`araz.io.table_cache`.

The events, one row each: ``id`` (string), ``summary`` (large string, each text
followed by the NUL :class:`~araz.model.table.TextColumn` keeps after it: the column's
data buffer is the TextColumn's, copied once into ``bytes`` on reading), and per coded
column (``title``, ``date``, ``actors``, ``places``, ``category``, ``certainty``,
``extra:<key>``) a dictionary array: int32 indices, the codes (-1, "missing", as null),
over the distinct values as strings; how a value is written is the column's *kind*:

* ``str``: the text itself;
* ``json``: JSON of a scalar (text, number, boolean, null);
* ``date``: JSON of an :class:`EventDate`'s fields and its date's (or null);
* ``actors``: JSON list of actor ids;
* ``places``: the place ids of a tuple of :class:`PlaceRef` joined by U+001F (only
  tuples whose refs have no role are cached).

Places, actors and problems are tables of their own, one row per place, actor or
problem (names dictionary-encoded, a tuple of names joined by U+001F), kept as Arrow IPC
streams in the schema's metadata with a JSON header (``araz``) that holds the key, the
kinds, the dataset's title, source and categories, and the counts of skipped and merged
rows.

Reading builds the columns as numpy views of the mapped buffers and checks them first
(see :func:`read`); the per-place objects are made without running the frozen
dataclasses' ``__init__`` (:func:`araz.io._table_values.make`: half a second for
500,000 places, three times what storing the slots directly costs).
"""

from __future__ import annotations

import json
from dataclasses import fields
from functools import cache
from itertools import repeat
from operator import attrgetter
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..model.dataset import Dataset
from ..model.entities import Actor, Place, PlaceRef
from ..model.table import Coded, EventTable, TextColumn, take
from ._table_values import check as _check
from ._table_values import date_json, dates, make
from .problems import LoadResult, Problem

CODED = ("title", "date", "actors", "places", "category", "certainty")
SEP = "\x1f"  # between the place ids of one tuple of refs


class Stale(Exception):
    """The entry was written for another state of the file, or another reader."""


# ---------------------------------------------------------------- writing


def _kind(name: str, values: list) -> str:
    if name in ("date", "actors", "places"):
        return name
    if all(type(v) is str for v in values):
        return "str"
    return "json"


def _encode(kind: str, values: list) -> list[str]:
    if kind == "str":
        return values
    if kind == "json":
        for v in values:
            if type(v) not in (str, int, float, bool, type(None)):
                raise TypeError(f"a value of type {type(v).__name__}")
        return list(map(json.dumps, values))
    if kind == "date":
        return [date_json(d) for d in values]
    if kind == "actors":
        return [json.dumps(list(t)) for t in values]
    refs = [r for t in values for r in t]  # places
    ids = list(map(attrgetter("place"), refs))
    if any(map(attrgetter("role"), refs)) or "" in ids or SEP in "".join(ids):
        raise ValueError("a place ref with a role or an unusual id")
    if len(refs) == len(values) and all(values):  # one place each
        return ids
    return [SEP.join(map(attrgetter("place"), t)) for t in values]


# Arrays are built from their buffers: ``pa.array`` imports pandas (half a second, the
# first time) even for a list of text or a numpy array.


def _validity(missing: np.ndarray) -> pa.Buffer | None:
    if not missing.any():
        return None
    return pa.py_buffer(np.packbits(~missing, bitorder="little"))


def _numbers(values, dtype, kind: pa.DataType) -> pa.Array:
    """A numeric column from a numpy array (no nulls) or a list (None: null)."""
    if isinstance(values, np.ndarray):
        data, missing = np.ascontiguousarray(values, dtype), np.zeros(len(values), bool)
    elif None not in values:
        data, missing = np.array(values, dtype), np.zeros(len(values), bool)
    else:
        missing = np.fromiter((v is None for v in values), bool, len(values))
        data = np.array([0 if v is None else v for v in values], dtype)
    return pa.Array.from_buffers(kind, len(data), [_validity(missing), pa.py_buffer(data)])


def _text(values: list, large: bool = False) -> pa.Array:
    """A string column from a list of ``str`` (None: null)."""
    n = len(values)
    if None in values:
        missing = np.fromiter((v is None for v in values), bool, n)
        values = ["" if v is None else v for v in values]
    else:
        missing = np.zeros(n, bool)
    joined = "".join(values)
    data = joined.encode("utf-8")
    # ASCII (as most is): a text's bytes are its characters, no encoding one by one
    parts = values if len(data) == len(joined) else [v.encode("utf-8") for v in values]
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(np.fromiter(map(len, parts), np.int64, n), out=offsets[1:])
    if not large and offsets[-1] >= 2**31:
        raise ValueError("more than 2 GB of text in one column")
    kind, width = (pa.large_string(), np.int64) if large else (pa.string(), np.int32)
    buffers = [_validity(missing), pa.py_buffer(offsets.astype(width)), pa.py_buffer(data)]
    return pa.Array.from_buffers(kind, n, buffers)


def _coded_array(column: Coded, kind: str) -> pa.DictionaryArray:
    codes = np.asarray(column.codes, np.int32)
    missing = codes < 0
    indices = pa.Array.from_buffers(
        pa.int32(), len(codes), [_validity(missing), pa.py_buffer(np.ascontiguousarray(codes))]
    )
    return pa.DictionaryArray.from_arrays(indices, _text(_encode(kind, list(column.values))))


def _small(columns: dict[str, pa.Array]) -> bytes:
    table = pa.Table.from_arrays(list(columns.values()), names=list(columns))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _tuples(values: list[tuple[str, ...]]) -> pa.DictionaryArray:
    """Tuples of names (aliases, regions), each joined by U+001F, dictionary-encoded."""
    if not all(x and SEP not in x for t in set(values) for x in t):
        raise ValueError("an empty name, or one with U+001F")
    return _text([SEP.join(t) for t in values]).dictionary_encode()


def _places(places: list[Place]) -> bytes:
    def col(name: str) -> list:
        return list(map(attrgetter(name), places))

    geometry = [None if g is None else json.dumps(g) for g in col("geometry")]
    return _small(
        {
            "id": _text(col("id")),
            "name": _text(col("name")).dictionary_encode(),
            "kind": _text(col("kind")).dictionary_encode(),
            "lat": _numbers(col("lat"), np.float64, pa.float64()),
            "lon": _numbers(col("lon"), np.float64, pa.float64()),
            "aliases": _tuples(col("aliases")),
            "geometry": _text(geometry, large=True),
            "country": _text(col("country")).dictionary_encode(),
            "radius_m": _numbers(col("radius_m"), np.float64, pa.float64()),
            "within": _tuples(col("within")),
        }
    )


def _actors(actors: list[Actor]) -> bytes:
    return _small(
        {
            "id": _text([a.id for a in actors]),
            "name": _text([a.name for a in actors]),
            "kind": _text([a.kind for a in actors]),
            "state": _text([a.state for a in actors]),
            "aliases": _tuples([a.aliases for a in actors]),
        }
    )


def _problems(problems: list[Problem]) -> bytes:
    return _small(
        {
            "file": _text([p.file for p in problems]),
            "line": _numbers([p.line for p in problems], np.int64, pa.int64()),
            "message": _text([p.message for p in problems]),
            "record": _text([p.record for p in problems]),
            "severity": _text([p.severity for p in problems]),
        }
    )


def write(path: Path, key: dict, result: LoadResult) -> None:
    """Write ``result`` (which ``table_cache.not_cacheable`` accepts) to ``path``."""
    ds = result.dataset
    assert ds is not None
    t = ds.events
    summary = t.summary
    assert isinstance(summary, TextColumn)
    raw, text_ends = summary.buffers()
    data = np.frombuffer(raw, np.uint8) if len(raw) else np.zeros(0, np.uint8)
    offsets = np.concatenate([[0], np.asarray(text_ends, np.int64) + 1])
    columns: dict[str, pa.Array] = {
        "id": _text(t.ids),
        "summary": pa.LargeStringArray.from_buffers(
            len(t), pa.py_buffer(offsets.astype(np.int64)), pa.py_buffer(data)
        ),
    }
    kinds = {}
    for name in CODED:
        coded = getattr(t, name)
        kinds[name] = _kind(name, coded.values)
        columns[name] = _coded_array(coded, kinds[name])
    for name, coded in t.extra.items():
        kinds[f"extra:{name}"] = _kind("", coded.values)
        columns[f"extra:{name}"] = _coded_array(coded, kinds[f"extra:{name}"])
    header = {
        "format": "araz-table-cache",
        "key": key,
        "rows": len(t),
        "kinds": kinds,
        "extra": list(t.extra),
        "title": ds.title,
        "source": ds.source,
        "categories": ds.categories,
        "skipped": result.skipped,
        "merged": result.merged,
    }
    metadata = {
        b"araz": json.dumps(header, ensure_ascii=False).encode(),
        b"araz.places": _places(list(ds.places.values())),
        b"araz.actors": _actors(list(ds.actors.values())),
        b"araz.problems": _problems(result.problems),
    }
    table = pa.Table.from_arrays(list(columns.values()), names=list(columns))
    table = table.combine_chunks().replace_schema_metadata(metadata)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=max(len(t), 1)):
            writer.write_batch(batch)


# ---------------------------------------------------------------- reading


def _codes(arr: pa.Array, size: int, name: str) -> np.ndarray:
    """The codes of a dictionary column (null: -1), checked against its dictionary."""
    _check(isinstance(arr, pa.DictionaryArray), f"{name}: not a dictionary column")
    indices = arr.indices
    _check(indices.type == pa.int32() and indices.offset == 0, f"{name}: indices")
    n = len(indices)
    bitmap, data = indices.buffers()
    _check(data is not None and data.size >= 4 * n, f"{name}: indices cut short")
    codes = np.frombuffer(data, np.int32, count=n)
    if indices.null_count:
        _check(bitmap is not None and bitmap.size * 8 >= n, f"{name}: validity cut short")
        valid = np.unpackbits(np.frombuffer(bitmap, np.uint8), bitorder="little")[:n].view(bool)
        codes = np.where(valid, codes, np.int32(-1))
        low = -1
    else:
        low = 0
    if n:
        _check(int(codes.min()) >= low and int(codes.max()) < size, f"{name}: codes out of range")
    return codes


def _strings(arr: pa.Array, name: str, nullable: bool = False) -> list:
    _check(arr.type in (pa.string(), pa.large_string()), f"{name}: not text")
    _check(nullable or not arr.null_count, f"{name}: a null")
    arr.validate(full=True)  # offsets and UTF-8
    return arr.to_pylist()


def _coded(arr: pa.Array, kind: str, name: str, same: tuple[pa.Array, list] | None = None) -> Coded:
    """A coded column; ``same``: an array of text already decoded (and the list of
    its texts), to be used when the dictionary is equal to it."""
    _check(isinstance(arr, pa.DictionaryArray), f"{name}: not a dictionary column")
    if same is not None and arr.dictionary.equals(same[0]):
        texts = same[1]  # the same str objects (memory), decoded once
    else:
        texts = _strings(arr.dictionary, name)
    values = _decode(kind, texts)
    return Coded(_codes(arr, len(values), name), values)


def _decode(kind: str, texts: list[str]) -> list:
    if kind == "str":
        return texts
    if kind == "places":
        # "" is no place (an id is never empty), "a" one, "a\x1fb" several
        if not any(map(SEP.__contains__, texts)):  # one place or none each: 2x faster
            refs = make(PlaceRef, [texts, repeat(None, len(texts))], len(texts))
            values: list = list(zip(refs))  # 1-tuples, at C speed
            if "" in texts:
                for k, text in enumerate(texts):
                    if not text:
                        values[k] = ()
            return values
        split = [t if SEP not in t else t.split(SEP) for t in texts]
        ids = list(dict.fromkeys(p for t in split for p in ((t,) if type(t) is str else t)))
        refs = dict(zip(ids, make(PlaceRef, [ids, repeat(None, len(ids))], len(ids)), strict=True))
        refs[""] = ()
        return [
            (refs[t] if not t else (refs[t],)) if type(t) is str else tuple(refs[p] for p in t)
            for t in split
        ]
    values = json.loads("[" + ",".join(texts) + "]") if texts else []
    _check(len(values) == len(texts), f"{kind}: dictionary")
    if kind == "json":
        _check(set(map(type, values)) <= _SCALARS, "json: a value that is not a scalar")
        return values
    if kind == "actors":
        _check(all(type(v) is list and set(map(type, v)) <= {str} for v in values), kind)
        return [tuple(v) for v in values]
    _check(kind == "date", f"unknown kind {kind!r}")
    return dates(values)


_SCALARS = {str, int, float, bool, type(None)}


def _column(small: pa.Table, name: str, n: int) -> list:
    arr = small.column(name).combine_chunks()
    _check(len(arr) == n, f"{name}: {len(arr)} rows for {n}")
    if isinstance(arr, pa.DictionaryArray):
        values = _strings(arr.dictionary, name)
        if name in ("aliases", "within"):
            values = [tuple(v.split(SEP)) if v else () for v in values]
        codes = _codes(arr, len(values), name)
        values.append(None)  # where -1 (null) reads
        return take(values, codes)
    if pa.types.is_floating(arr.type) or pa.types.is_integer(arr.type):
        return arr.to_pylist()
    return _strings(arr, name, nullable=name in ("state", "geometry", "record"))


@cache
def _schema(key: bytes) -> pa.Schema:
    """The schema the writer gives a small table (that of an empty one)."""
    write = {b"araz.places": _places, b"araz.actors": _actors, b"araz.problems": _problems}
    return pa.ipc.open_stream(pa.py_buffer(write[key]([]))).schema


def _read_small(metadata: dict, key: bytes, names: tuple[str, ...]) -> tuple[pa.Table, list]:
    small = pa.ipc.open_stream(pa.py_buffer(metadata[key])).read_all()
    _check(small.column_names == list(names), f"{key.decode()}: columns")
    _check(small.schema.equals(_schema(key)), f"{key.decode()}: types")
    return small, [_column(small, name, small.num_rows) for name in names]


def read(path: Path, key: dict | None) -> LoadResult:
    """The LoadResult kept in ``path`` for ``key``; raises :class:`Stale` for another
    key, anything else for a file that is not sound."""
    with pa.memory_map(str(path), "r") as source:
        reader = pa.ipc.open_file(source)
        metadata = reader.schema.metadata or {}
        header = json.loads(metadata[b"araz"])
        _check(header.get("format") == "araz-table-cache", "not an Araz table cache")
        if header.get("key") != key:
            raise Stale("the file or the reader changed since it was cached")
        _check(reader.num_record_batches == 1, "one batch")
        batch = reader.get_batch(0)
    n = int(header["rows"])
    kinds: dict[str, str] = header["kinds"]
    _check(batch.num_rows == n, "row count")
    names = ["id", "summary", *CODED, *(f"extra:{k}" for k in header["extra"])]
    _check(batch.schema.names == names and list(kinds) == names[2:], "columns")
    col = dict(zip(names, batch.columns, strict=True))

    ids = _strings(col["id"], "id")
    summary = col["summary"]
    _check(summary.type == pa.large_string() and summary.offset == 0, "summary: type")
    _check(not summary.null_count, "summary: a null")
    _, offsets_buf, data_buf = summary.buffers()
    offsets = np.frombuffer(offsets_buf, np.int64, count=n + 1)
    data = np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    end = int(offsets[-1])
    _check(offsets[0] == 0 and end <= len(data), "summary: offsets outside the data")
    _check(bool((np.diff(offsets) >= 1).all()), "summary: offsets not increasing")
    ends = offsets[1:] - 1
    _check(not n or not data[ends].any(), "summary: a text without its NUL")
    text = data[:end].tobytes()
    if not text.isascii():
        text.decode("utf-8", "surrogatepass")  # raises for bytes that are not UTF-8
    small, places = _read_small(metadata, b"araz.places", tuple(f.name for f in fields(Place)))
    np_ = small.num_rows
    if small.column("geometry").null_count < np_:
        places[6] = [None if g is None else json.loads(g) for g in places[6]]
    places_by_id = dict(zip(places[0], make(Place, places, np_), strict=True))
    # the places column's distinct values are often the places' ids, in their order
    same = (small.column("id").combine_chunks(), places[0])
    coded = {
        name: _coded(col[name], kinds[name], name, same if name == "places" else None)
        for name in names[2:]
    }
    small, actors = _read_small(
        metadata, b"araz.actors", ("id", "name", "kind", "state", "aliases")
    )
    na = small.num_rows
    actors_by_id = dict(zip(actors[0], make(Actor, actors, na), strict=True))
    _check(len(places_by_id) == np_ and len(actors_by_id) == na, "duplicate ids")
    fields_p = ("file", "line", "message", "record", "severity")
    small, problem_cols = _read_small(metadata, b"araz.problems", fields_p)
    problems = list(map(Problem, *problem_cols)) if small.num_rows else []

    table = EventTable(
        ids,
        coded["title"],
        coded["date"],
        TextColumn.from_buffer(text, ends),
        coded["actors"],
        coded["places"],
        coded["category"],
        coded["certainty"],
        None,
        {k: coded[f"extra:{k}"] for k in header["extra"]},
    )
    ds = Dataset(
        table,
        actors_by_id,
        places_by_id,
        title=header["title"],
        source=header["source"],
        categories=header["categories"],
    )
    skipped, merged = int(header["skipped"]), int(header["merged"])
    return LoadResult(ds, problems, skipped=skipped, merged=merged)
