"""A payload the views' cache kept (a numpy view of a file's pages) is copied into Qt's
memory in the loader's thread while the window takes the dataset (araz.qt.map.shelf
.staging): the page's fetch is then served by a QBuffer, Qt alone, not by Python's
PayloadDevice chunk by chunk; once, and only for that payload."""

from __future__ import annotations

import gc
import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import QBuffer

from araz.qt.map import shelf
from araz.qt.map.shelf import PayloadDevice, payload_device, staging
from araz.qt.map.view import build_events
from araz.views.arrays import remapped

pytest.importorskip("pytestqt")

from map_support import event, open_map_view, run_js, wait_rendered

pytestmark = pytest.mark.gui


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot)


def _events(n: int) -> list[dict]:
    return [event(f"e{i}", 35.0 + (i // 40) * 0.15, 44.0 + (i % 40) * 0.2) for i in range(n)]


def _mapped_like(made):
    """The payload moved into memory of its own (as into a file's mapped pages)."""
    body = np.frombuffer(bytearray(made.body), np.uint8)
    return remapped(made, body, made.lat.copy(), made.lon.copy())


def _read(device) -> bytes:
    return bytes(device.readAll().data())


def test_a_staged_payload_is_served_from_a_qt_buffer_once():
    made = build_events(_events(30))
    moved = _mapped_like(made)
    make = staging(moved.body)
    make()
    served = payload_device(lambda: moved)
    assert isinstance(served, QBuffer) and _read(served) == made.body
    again = payload_device(lambda: moved)  # served once: then as it is read
    assert isinstance(again, PayloadDevice) and _read(again) == made.body


def test_a_fetch_waits_for_a_copy_under_way():
    moved = _mapped_like(build_events(_events(30)))
    make = staging(moved.body)
    threading.Timer(0.05, make).start()
    t = time.perf_counter()
    served = payload_device(lambda: moved)
    assert isinstance(served, QBuffer) and _read(served) == bytes(moved.body)
    assert time.perf_counter() - t < shelf.STAGE_WAIT_S


def test_only_a_kept_payload_and_only_its_own_fetch():
    made = build_events(_events(30))
    staging(made.body)()  # a first read's bytes: not copied
    assert isinstance(payload_device(lambda: made), PayloadDevice)
    a, b = _mapped_like(made), _mapped_like(made)
    staging(a.body)()
    assert isinstance(payload_device(lambda: b), PayloadDevice)  # another payload's fetch
    assert shelf._staged is not None
    del a
    gc.collect()
    assert shelf._staged is None  # the copy went with its payload


def test_the_page_draws_a_staged_payload(qtbot, map_view):
    events = _events(50)
    moved = _mapped_like(build_events(events))
    make = staging(moved.body)
    seq = map_view.set_events(moved, lambda: moved)
    make()
    wait_rendered(qtbot, map_view, map_view.select("e7"))
    assert run_js(qtbot, map_view, "araz.events.n") == 50
    assert run_js(qtbot, map_view, "araz.events.selected") == 7
    assert shelf._staged is None and seq > 0  # taken by the page's fetch
