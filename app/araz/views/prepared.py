"""What the views draw, prepared once per dataset: the map's packed events and the
timeline's arrays, each with its dataset rows (the loader builds them in its thread).

The views own this data, not the model: it is kept here, keyed weakly by the dataset,
so a closed dataset takes its prepared data with it.  Nothing kept here may refer back
to the dataset (a value that did would keep its own key alive for ever).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..model.dataset import Dataset
from .arrays import map_events, timeline_arrays
from .map_payload import MapEvents
from .timeline.data import TimelineData


@dataclass
class Prepared:
    """A dataset's view data, each part built on first use."""

    timeline: tuple[TimelineData, np.ndarray] | None = None
    map: tuple[MapEvents, np.ndarray] | None = None


_PREPARED: weakref.WeakKeyDictionary[Dataset, Prepared] = weakref.WeakKeyDictionary()


def _of(ds: Dataset) -> Prepared:
    cache = _PREPARED.get(ds)
    if cache is None:
        cache = _PREPARED[ds] = Prepared()
    return cache


def prepare(ds: Dataset) -> Prepared:
    """Compute the dataset's derived data now (the loader calls this in its worker
    thread), not on first paint: the model's indexes (the filter's arrays, the actors'
    tally the filters panel shows, the places' mask the status bar counts, the ids' index
    a first click or hover reads), the map's and the timeline's data."""
    _ = ds.arrays, ds.events_by_actor, ds.unplaced_mask, ds.index
    ds.actor_tally()  # its per-tuple incidence, made once
    map_data(ds)
    timeline_data(ds)
    return _of(ds)


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

    def __init__(self, ds, rows: np.ndarray):
        self._index, self._ids, self._rows = ds.index, ds.events.ids, rows
        self._where = np.full(len(ds), -1, np.int32)  # dataset row -> view position
        self._where[rows] = np.arange(len(rows), dtype=np.int32)

    def __getitem__(self, event_id: str) -> int:
        k = int(self._where[self._index[event_id]])
        if k < 0:
            raise KeyError(event_id)
        return k

    def __iter__(self) -> Iterator[str]:
        ids = self._ids
        return (ids[i] for i in self._rows.tolist())

    def __len__(self) -> int:
        return len(self._rows)


def map_data(ds) -> tuple[MapEvents, np.ndarray]:
    """The map's packed events for a dataset and, per map event, its dataset index."""
    cache = _of(ds)
    if cache.map is None:
        events, rows = map_events(ds)
        cache.map = (replace(events, index=_ViewIndex(ds, rows)), rows.astype(np.intp))
    return cache.map
