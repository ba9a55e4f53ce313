"""The Events table's first order (araz.views.table_order), made in the loader's thread:
every event by its earliest day, no date last, ties in dataset order; worked out once
per dataset."""

from pathlib import Path

import numpy as np

from araz.io import read_path
from araz.views import table_order
from araz.views.prepared import prepare

DATA = Path(__file__).resolve().parent.parent / "data"


def test_events_by_their_earliest_day_ties_in_dataset_order():
    ds = read_path(DATA / "readers" / "timelinejs_deeptime.json").dataset
    assert ds is not None and len(ds) > 3
    order = table_order.date_order(ds).tolist()
    lower = [e.date.value.lower if e.date else float("inf") for e in ds.events]
    assert sorted(range(len(ds)), key=lambda i: (lower[i], i)) == order
    key = table_order.date_key(ds)
    assert [key[i] for i in order] == sorted(key.tolist())


def test_the_loaders_preparation_makes_it_once():
    ds = read_path(DATA / "readers" / "acled_current.csv").dataset
    prepare(ds)
    first = table_order.date_order(ds)
    assert table_order.date_order(ds) is first
    dates = [ds.events[int(i)].date for i in first]
    lower = [d.value.lower if d else float("inf") for d in dates]
    assert lower == sorted(lower) and None in dates  # an undated row, last


def test_ranks_are_dense_and_narrow():
    per = np.array([3.0, 1.0, 3.0, np.inf])
    assert table_order.dense_rank(per).tolist() == [1, 0, 1, 2]
    key = table_order.ranked(per, np.array([0, 1, -1, 2, 0]))
    assert key.dtype == np.int16 and key.tolist() == [1, 0, 2, 1, 1]
