"""Row numbers the views keep per event are 4 bytes each (int32), not numpy's 8: the
Events table's first order, and the same order as a stable sort gives."""

from pathlib import Path

import numpy as np

from araz.io import read_path
from araz.views import table_order

DATA = Path(__file__).resolve().parent.parent / "data"


def test_the_tables_first_order_is_int32_and_a_stable_sort():
    ds = read_path(DATA / "readers" / "acled_current.csv").dataset
    assert ds is not None
    order = table_order.date_order(ds)
    assert order.dtype == np.int32
    key = table_order.date_key(ds)
    assert order.tolist() == np.argsort(key, kind="stable").tolist()


def test_narrow_keeps_the_rows_and_says_the_type():
    rows = np.array([3, 0, 2, 1], np.int64)
    got = table_order.narrow(rows)
    assert got.dtype == np.int32 and got.tolist() == [3, 0, 2, 1]
    assert table_order.index_type(2**31 - 1) is np.int32
    assert table_order.index_type(2**31) is np.int64
