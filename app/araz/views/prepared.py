"""What the views draw, prepared once per dataset: the map's packed events and the
timeline's arrays, each with its dataset rows (the loader builds them in its thread).

The views own this data, not the model: it is kept here, keyed weakly by the dataset,
so a closed dataset takes its prepared data with it.  Nothing kept here may refer back
to the dataset (a value that did would keep its own key alive for ever).

A dataset read through the table cache (:func:`araz.io.table_cache.views_entry`) has
what takes time here kept beside its table after the first preparation: the map's
payload, coordinates and rows, the timeline's columns per row (its sort, the dates' bounds and
flags, the colours), the ids' index (:class:`~araz.model.columns.IdIndex`, whose hash is
the same in every process), the actors' rows and their incidence, the Events table's
first order (by date) and the colour menu's columns.  The next open of the
file maps them (:mod:`araz.io._views_file`, each part's checksum checked, then its pages let
go until used) and checks them against the dataset (lengths, rows in range) before
any is used; one that fails is deleted and everything is made again (with a log line).
A change of any module of the views (this package) makes them stale.
"""

from __future__ import annotations

import hashlib
import logging
import time
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .. import heap
from ..io import table_cache
from ..model import colour_by
from ..model.columns import IdIndex
from ..model.dataset import Dataset
from ..model.masks import value_counts
from . import table_order
from .arrays import (
    TIMELINE_KEPT,
    map_events,
    map_events_kept,
    remapped,
    timeline_arrays,
    timeline_kept,
)
from .map_payload import MapEvents
from .timeline.data import TimelineData
from .timeline.layout import LABELLED_ROW_H, Lanes


@dataclass
class Prepared:
    """A dataset's view data, each part built on first use."""

    timeline: tuple[TimelineData, np.ndarray] | None = None
    map: tuple[MapEvents, np.ndarray] | None = None
    totals: dict[str, Any] | None = None  # see filter_totals
    kept_s: float | None = None  # seconds the views' cache took to read back (None: not)
    keep_s: float | None = None  # seconds writing it took (None: not written)
    # what prepare(keep=False) left to write: (entry, meta, parts), for write_kept()
    pending: tuple | None = None

    def write_kept(self) -> None:
        """Write the views' cache that :func:`prepare` left to write (``keep=False``)."""
        pending, self.pending = self.pending, None
        if pending is None:
            return
        t0 = time.perf_counter()
        entry, meta, parts = pending
        del pending
        try:
            stored = entry.store(_stamp(), meta, parts)  # never raises (a log line)
        except OSError as exc:  # the views' modules could not be stamped
            logging.getLogger(__name__).info("araz: views' data not cached (%s)", exc)
            return
        del parts
        self.keep_s = time.perf_counter() - t0
        if stored:
            self._map_from(entry)

    def _map_from(self, entry: table_cache.ViewsEntry) -> None:
        """The map's payload, now kept in the file, read from there when used: its
        bytes leave memory (the page has its own copy; an export or a reload of the
        page reads the file's pages)."""
        got = entry.load(_stamp())
        if got is None or self.map is None:
            return
        events, rows = self.map
        body = got[1].get("map_body")
        if body is None or len(body) != len(events.body) or body[:16].tobytes() != events.body[:16]:
            return
        lat, lon = got[1].get("map_lat"), got[1].get("map_lon")
        if lat is None or lon is None or len(lat) != len(events.lat) or len(lon) != len(lat):
            lat = lon = None
        self.map = (remapped(events, body, lat, lon), rows)


_PREPARED: weakref.WeakKeyDictionary[Dataset, Prepared] = weakref.WeakKeyDictionary()


def _of(ds: Dataset) -> Prepared:
    cache = _PREPARED.get(ds)
    if cache is None:
        cache = _PREPARED[ds] = Prepared()
    return cache


def prepare(ds: Dataset, keep: bool = True) -> Prepared:
    """Compute the dataset's derived data now (the loader calls this in its worker
    thread), not on first paint: the model's indexes (the filter's arrays, the actors'
    tally the filters panel shows, the places' mask the status bar counts, the ids' index
    a first click or hover reads), the map's and the timeline's data.  Those kept from
    an earlier open are read back (the module docstring); made here, they are kept: now,
    or with ``keep=False`` when :meth:`Prepared.write_kept` is called (the loader calls
    it once the dataset is handed over: the file's writing is not waited for)."""
    # what the read and the table cache's writing freed (a million events: 100-180 MB
    # of holes in the heap), given back before this adds to it; and at the end this
    # preparation's own, before the window takes the dataset and the page its payload
    heap.trim()
    entry = table_cache.views_entry(ds)
    t0 = time.perf_counter()
    kept = entry is not None and _from_kept(ds, entry)
    prepared = _of(ds)
    if kept:
        prepared.kept_s = time.perf_counter() - t0
    _ = ds.arrays, ds.events_by_actor, ds.unplaced_mask, ds.index
    filter_totals(ds)  # the actors' tally (its per-tuple incidence, made once), counts
    colour_by.warm(ds)  # the colour menu's columns, the main actors' colours
    table_order.date_order(ds)  # the Events table's first order
    map_data(ds)
    tl = timeline_data(ds)
    tl.lanes_for("actor", tl.color)  # the timeline's first lanes
    if entry is not None and not kept:
        prepared.pending = (entry, *_to_keep(ds))
        if keep:
            prepared.write_kept()
    heap.trim()
    return prepared


def payload_ahead(path: Path, options: dict) -> table_cache.SideFile | None:
    """The map's payload file kept for the next open of ``path`` (read with
    ``options``, :func:`araz.io.read_path`'s keywords), looked at before the file is
    read: what the page may fetch ahead (:func:`araz.io.table_cache.payload_ahead`:
    used only once the views' data is read and checked, if it is that very file)."""
    from ..io.registry import ReadContext

    try:
        return table_cache.payload_ahead(
            path, ReadContext.from_options(options).options(), _stamp()
        )
    except OSError:  # the views' modules could not be stamped
        return None


@cache
def _stamp() -> str:
    """What a change of the views' code changes: each module of this package (and
    :mod:`araz.model.colour_by`, whose columns offered are kept)."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    named = {str(m.relative_to(here)): m for m in sorted(here.rglob("*.py"))}
    named["model/colour_by.py"] = Path(colour_by.__file__)  # the colours offered, kept too
    for name, module in named.items():
        st = module.stat()
        h.update(f"{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:32]


def _to_keep(ds: Dataset) -> tuple[dict, dict]:
    """What :func:`_from_kept` reads back: the JSON part and the arrays (those of the
    prepared data themselves, or made from them: nothing refers back to the dataset)."""
    events, map_rows = map_data(ds)
    timeline, timeline_order = timeline_rows(ds)
    kept_timeline, precisions = timeline_kept(timeline, timeline_order)
    lanes = timeline.lanes_for("actor", timeline.color)
    hashes, order = ds.index.parts
    by_actor = ds.events_by_actor
    lengths = np.fromiter(map(len, by_actor.values()), np.int64, count=len(by_actor))
    bounds = np.zeros(len(by_actor) + 1, np.int64)
    np.cumsum(lengths, out=bounds[1:])
    empty = np.zeros(0, next(iter(by_actor.values())).dtype if by_actor else np.int64)
    # the dataset's own per-tuple incidence (what actor_tally reads), put back as made
    actor_ids, main_own, main_group, own, group = ds._actor_incidence
    parts = {
        "incidence_main_own": main_own,
        "incidence_main_group": main_group,
        "incidence_own_tuple": own[0],
        "incidence_own_actor": own[1],
        "incidence_group_tuple": group[0],
        "incidence_group_actor": group[1],
        "map_body": np.frombuffer(events.body, np.uint8),
        "map_rows": map_rows,  # int32, as map_data makes them (an int64 copy was 8 MB)
        "map_lat": np.asarray(events.lat, np.float64),
        "map_lon": np.asarray(events.lon, np.float64),
        **{f"timeline_{k}": v for k, v in kept_timeline.items()},
        "index_hashes": hashes,
        "index_rows": order,
        "actor_rows": np.concatenate([empty, *by_actor.values()]),
        "actor_bounds": bounds,
        "lanes_of_event": lanes.of_event.astype(np.int32, copy=False),
        "lanes_counts": np.asarray(lanes.counts, np.int64),
        "lanes_color": np.asarray(lanes.color, np.uint32),
        "table_date_key": table_order.date_key(ds),
        "table_date_order": table_order.date_order(ds).astype(np.int64, copy=False),
    }
    meta = {
        "rows": len(ds),
        "to": [[int(k), float(v[0]), float(v[1])] for k, v in events.to.items()],
        "actors": list(by_actor),
        "incidence": actor_ids,
        "precisions": precisions,
        "offered": [list(c) for c in colour_by.offered(ds)],
        "lanes": list(lanes.keys),
    }
    return meta, parts


def _from_kept(ds: Dataset, entry: table_cache.ViewsEntry) -> bool:
    """The views' data kept for this dataset, checked and put in place: True if so."""
    got = entry.load(_stamp())
    if got is None:
        return False
    meta, parts = got
    try:
        ready = _checked(ds, meta, parts)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        logging.getLogger(__name__).warning(
            "araz: cached views' data %s does not fit its table (%s); made again",
            entry.file.name,
            exc,
        )
        entry.drop()
        return False
    index, by_actor, incidence, map_events_, map_rows, timeline, date_made = ready
    ds.__dict__["index"] = index  # the cached properties', as made
    ds.__dict__["events_by_actor"] = by_actor
    ds.__dict__["_actor_incidence"] = incidence
    table_order._MADE[ds] = date_made  # the Events table's first order
    cache = _of(ds)
    cache.map = (replace(map_events_, index=_ViewIndex(ds, map_rows, index)), map_rows)
    cache.timeline = timeline
    return True


def _incidence(ds: Dataset, ids: list, parts: dict) -> tuple:
    """The actors' incidence (:attr:`Dataset._actor_incidence`) as kept, checked."""
    tuples = len(ds.events.actors.values)
    if not all(isinstance(a, str) for a in ids):
        raise ValueError("the incidence's actor ids")
    got = [parts[f"incidence_{k}"] for k in ("main_own", "main_group")]
    pairs = [parts[f"incidence_{k}"] for k in ("own_tuple", "own_actor")]
    pairs += [parts[f"incidence_{k}"] for k in ("group_tuple", "group_actor")]
    for a, low, high in [(got[0], -1, len(ids)), (got[1], -1, len(ids))] + [
        (p, 0, tuples if k % 2 == 0 else len(ids)) for k, p in enumerate(pairs)
    ]:
        if a.dtype != np.int64 or (len(a) and (int(a.min()) < low or int(a.max()) >= high)):
            raise ValueError("the actors' incidence: out of range")
    if len(got[0]) != tuples or len(got[1]) != tuples:
        raise ValueError("the actors' incidence: its length")
    if len(pairs[0]) != len(pairs[1]) or len(pairs[2]) != len(pairs[3]):
        raise ValueError("the actors' incidence: its pairs")
    return list(ids), got[0], got[1], (pairs[0], pairs[1]), (pairs[2], pairs[3])


def _checked(ds: Dataset, meta: dict, parts: dict) -> tuple:
    """The kept parts made into the views' data, each checked against ``ds``."""
    n = len(ds)
    if meta["rows"] != n:
        raise ValueError(f"{meta['rows']} rows kept for {n}")
    hashes, order = parts["index_hashes"], parts["index_rows"]
    if hashes.dtype != np.int64 or order.dtype.kind != "i" or len(order) != n:
        raise ValueError("the ids' index")
    if n and (int(order.min()) < 0 or int(order.max()) >= n or np.any(hashes[1:] < hashes[:-1])):
        raise ValueError("the ids' index: rows out of range or hashes out of order")
    index = IdIndex.from_parts(ds.events.ids, hashes, order)
    rows, bounds, names = parts["actor_rows"], parts["actor_bounds"], meta["actors"]
    if len(bounds) != len(names) + 1 or (
        len(bounds) and (bounds[0] != 0 or bounds[-1] != len(rows))
    ):
        raise ValueError("the actors' rows: bounds")
    if np.any(np.diff(bounds) < 0) or (len(rows) and (int(rows.min()) < 0 or int(rows.max()) >= n)):
        raise ValueError("the actors' rows: out of range")
    if not all(isinstance(a, str) for a in names) or len(set(names)) != len(names):
        raise ValueError("the actors' ids")
    b = bounds.tolist()
    by_actor = {a: rows[b[k] : b[k + 1]] for k, a in enumerate(names)}
    incidence = _incidence(ds, meta["incidence"], parts)
    map_rows = parts["map_rows"]
    if map_rows.dtype != np.int32:  # as map_data makes them
        raise ValueError("the map's rows")
    # the payload stays in the file's pages (read when the page fetches it, then let go)
    body = parts["map_body"]
    rows_ = map_rows  # read where they are (an intp copy was 8 MB at a million events)
    events = map_events_kept(ds, body, rows_, meta["to"], parts["map_lat"], parts["map_lon"])
    kept = {k: parts[f"timeline_{k}"] for k in TIMELINE_KEPT}
    data, order_ = timeline_arrays(ds, {**kept, "names": list(meta["precisions"])})
    data.use_index(_ViewIndex(ds, order_, index))
    data.put_actor_lanes(_lanes(meta["lanes"], parts, len(order_)))
    date_key, date_order = parts["table_date_key"], parts["table_date_order"]
    if len(date_key) != n or len(date_order) != n or date_key.dtype.kind != "i":
        raise ValueError("the table's date order: its length")
    if date_order.dtype != np.int64 or (
        n and (int(date_order.min()) < 0 or int(date_order.max()) >= n)
    ):
        raise ValueError("the table's date order: out of range")
    colour_by.put_offered(ds, meta["offered"])  # checked (else ValueError), then put
    return index, by_actor, incidence, events, rows_, (data, order_), (date_key, date_order)


def _lanes(keys: list, parts: dict, n: int) -> Lanes:
    """The timeline's actor lanes as kept (:func:`.timeline.layout.build_lanes` gave
    them), checked: a lane per event among the lanes, a count and a colour per lane."""
    of_event, counts, color = (parts[f"lanes_{k}"] for k in ("of_event", "counts", "color"))
    if not all(isinstance(k, str) for k in keys) or len(set(keys)) != len(keys):
        raise ValueError("the lanes' names")
    if of_event.dtype != np.int32 or counts.dtype != np.int64 or color.dtype != np.uint32:
        raise ValueError("the lanes' types")
    if len(of_event) != n or len(counts) != len(keys) or len(color) != len(keys):
        raise ValueError("the lanes: their lengths")
    if n and (int(of_event.min()) < 0 or int(of_event.max()) >= len(keys)):
        raise ValueError("the lanes: out of range")
    lanes = Lanes(list(keys), of_event, counts, color)
    return lanes.framed(np.ones(len(keys)), LABELLED_ROW_H, False)  # as build_lanes frames


def timeline_data(ds) -> TimelineData:
    """The timeline's arrays for a dataset, built once (the loader builds them early)."""
    return timeline_rows(ds)[0]


def timeline_rows(ds) -> tuple[TimelineData, np.ndarray]:
    """The timeline's arrays and, per timeline row, its dataset index."""
    cache = _of(ds)
    if cache.timeline is None:
        data, rows = timeline_arrays(ds)
        data.use_index(_ViewIndex(ds, rows))
        cache.timeline = (data, rows)
    return cache.timeline


class _ViewIndex(Mapping[str, int]):
    """An event id's position in a view (map or timeline), read through the dataset's
    own index: not another dict of every id (7 MB at 100k events) per view.

    It holds the index and the ids, never the dataset: it lives in the prepared data,
    which the dataset keys weakly; a reference back would keep every dataset alive."""

    def __init__(self, ds, rows: np.ndarray, index: IdIndex | None = None):
        self._index = ds.index if index is None else index
        self._ids, self._rows = ds.events.ids, rows
        self._n = len(ds)
        self._where_: np.ndarray | None = None  # made at the first lookup (4 MB a million)

    @property
    def _where(self) -> np.ndarray:
        """Per dataset row, its view position (-1: not in this view)."""
        if self._where_ is None:
            where = np.full(self._n, -1, np.int32)
            where[self._rows] = np.arange(len(self._rows), dtype=np.int32)
            self._where_ = where
        return self._where_

    def __getitem__(self, event_id: str) -> int:
        row = self._index[event_id]  # an unknown id (None: no event active) raises first:
        k = int(self._where[row])  # the positions are made only for a known one
        if k < 0:
            raise KeyError(event_id)
        return k

    def __iter__(self) -> Iterator[str]:
        ids = self._ids
        return (ids[i] for i in self._rows.tolist())

    def __len__(self) -> int:
        return len(self._rows)


def filter_totals(ds: Dataset) -> dict[str, Any]:
    """What the filters panel lists with nothing filtered, made once per dataset (in the
    loader's thread: four counts over every event, ~10 ms at a million, not on the
    interface thread when the window takes the dataset): ``actors`` (``actor_tally()``),
    ``categories`` and ``certainties`` (events per value).  Read, not changed."""
    cache = _of(ds)
    if cache.totals is None:
        cache.totals = {
            "actors": ds.actor_tally(),
            "categories": value_counts(ds.events.category),
            "certainties": value_counts(ds.events.certainty),
        }
    return cache.totals


def map_data(ds) -> tuple[MapEvents, np.ndarray]:
    """The map's packed events for a dataset and, per map event, its dataset index."""
    cache = _of(ds)
    if cache.map is None:
        events, rows = map_events(ds)
        rows = rows.astype(np.int32)  # one copy for the view and its index, 4 bytes a row
        cache.map = (replace(events, index=_ViewIndex(ds, rows)), rows)
    return cache.map
