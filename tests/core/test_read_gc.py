"""A read turns the cyclic garbage collector off and freezes what it made (a faster
load, see araz.io._acled_tables.no_gc); garbage that was waiting before the read must
not be frozen with it (it would never be freed: a leak per load)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from araz.io import read_path

ACLED = Path(__file__).resolve().parents[1] / "data" / "readers" / "acled_current.csv"


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


def test_garbage_waiting_before_a_read_is_still_freed(monkeypatch):
    monkeypatch.setenv("ARAZ_TABLE_CACHE", "off")
    read_path(ACLED)  # the reader's modules loaded
    gc.unfreeze()
    gc.collect()
    try:
        node = Node()
        alive = weakref.ref(node)
        del node
        assert read_path(ACLED).dataset is not None
        gc.collect()
        assert alive() is None, "a cycle that was garbage before the read was frozen"
    finally:
        gc.unfreeze()
