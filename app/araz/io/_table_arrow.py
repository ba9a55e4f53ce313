"""A LoadResult as one Arrow IPC file, and back: the layout of :mod:`araz.io.table_cache`.

The events are the dataset's own Arrow table (:attr:`EventTable.arrow
<araz.model.table.EventTable.arrow>`, its layout in :mod:`araz.model.arrow_table`),
written as it is.  Places, actors and problems are tables of their own, one row per
place, actor or problem (names dictionary-encoded, a tuple of names joined by U+001F),
kept as Arrow IPC streams in the schema's metadata with a JSON header (``araz``) that
holds the key, the dataset's title, source and categories, and the counts of skipped
and merged rows.

Reading wraps the memory-mapped table (:meth:`EventTable.from_arrow
<araz.model.table.EventTable.from_arrow>`, which checks it first: the ids, summaries
and codes stay views of the mapped file, the text values are decoded when first used);
the per-place objects are made without running the frozen dataclasses' ``__init__``
(:func:`araz.model.kinds.make`: half a second for 500,000 places, three times what
storing the slots directly costs).
"""

from __future__ import annotations

import json
from dataclasses import fields
from functools import cache
from operator import attrgetter
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..model.arrow_table import KINDS_KEY, codes_of, numbers, text
from ..model.dataset import Dataset
from ..model.entities import Actor, Place
from ..model.kinds import SEP, make
from ..model.kinds import check as _check
from ..model.table import EventTable, take
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


def _tuples(values: list[tuple[str, ...]]) -> pa.DictionaryArray:
    """Tuples of names (aliases, regions), each joined by U+001F, dictionary-encoded."""
    if not all(x and SEP not in x for t in set(values) for x in t):
        raise ValueError("an empty name, or one with U+001F")
    return text([SEP.join(t) for t in values]).dictionary_encode()


def _places(places: list[Place]) -> bytes:
    def col(name: str) -> list:
        return list(map(attrgetter(name), places))

    geometry = [None if g is None else json.dumps(g) for g in col("geometry")]
    return _small(
        {
            "id": text(col("id")),
            "name": text(col("name")).dictionary_encode(),
            "kind": text(col("kind")).dictionary_encode(),
            "lat": numbers(col("lat"), np.float64, pa.float64()),
            "lon": numbers(col("lon"), np.float64, pa.float64()),
            "aliases": _tuples(col("aliases")),
            "geometry": text(geometry, large=True),
            "country": text(col("country")).dictionary_encode(),
            "radius_m": numbers(col("radius_m"), np.float64, pa.float64()),
            "within": _tuples(col("within")),
        }
    )


def _actors(actors: list[Actor]) -> bytes:
    return _small(
        {
            "id": text([a.id for a in actors]),
            "name": text([a.name for a in actors]),
            "kind": text([a.kind for a in actors]),
            "state": text([a.state for a in actors]),
            "aliases": _tuples([a.aliases for a in actors]),
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
    }
    metadata = {
        **(table.schema.metadata or {}),
        b"araz": json.dumps(header, ensure_ascii=False).encode(),
        b"araz.places": _places(list(ds.places.values())),
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
    arr = small.column(name).combine_chunks()
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
    _check(batch.num_rows == int(header["rows"]), "row count")
    # the table with its kinds alone (each read of the schema's metadata copies it all)
    kinds = {KINDS_KEY: metadata.get(KINDS_KEY, b"")}
    table = EventTable.from_arrow(pa.Table.from_batches([batch]).replace_schema_metadata(kinds))
    small, places = _read_small(metadata, b"araz.places", tuple(f.name for f in fields(Place)))
    np_ = small.num_rows
    if small.column("geometry").null_count < np_:
        places[6] = [None if g is None else json.loads(g) for g in places[6]]
    places_by_id = dict(zip(places[0], make(Place, places, np_), strict=True))
    small, actors = _read_small(
        metadata, b"araz.actors", ("id", "name", "kind", "state", "aliases")
    )
    na = small.num_rows
    actors_by_id = dict(zip(actors[0], make(Actor, actors, na), strict=True))
    _check(len(places_by_id) == np_ and len(actors_by_id) == na, "duplicate ids")
    fields_p = ("file", "line", "message", "record", "severity")
    small, problem_cols = _read_small(metadata, b"araz.problems", fields_p)
    problems = list(map(Problem, *problem_cols)) if small.num_rows else []
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
