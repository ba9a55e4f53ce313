"""A re-open's map coordinates are the views file's pages: a fit reads them, then lets
them go (16 MB at a million events no longer held by every re-open's first fit), and
frames the same as the first open's."""

import mmap
import sys
from pathlib import Path

import numpy as np
from window_support import TIMEOUT, open_in_window

from araz.views.prepared import map_data


def resident_pages(array: np.ndarray) -> int:
    """How many of the pages under ``array`` this process has in memory (mapped in its
    page table: /proc/self/pagemap's bit 63), not counting its first and last (shared with
    the parts beside it)."""
    start = array.__array_interface__["data"][0]
    first = start // mmap.PAGESIZE + 1
    last = (start + array.nbytes) // mmap.PAGESIZE - 1
    with open("/proc/self/pagemap", "rb") as f:
        f.seek(first * 8)
        entries = np.frombuffer(f.read((last - first) * 8), "<u8")
    return int(np.count_nonzero(entries >> np.uint64(63)))


def _open(qtbot, window, path):
    result = open_in_window(qtbot, window, path)
    # the window has it (the map's events set, its first fit sent)
    qtbot.waitUntil(
        lambda: window.map.event_ids() == map_data(window.model.dataset)[0].ids, timeout=TIMEOUT
    )
    return result


def _fitted(qtbot, window):
    """Fit the events shown; the bounds the page is sent."""
    window.map_binding.fit_shown()
    return window.map._state["fit"].payload["bounds"]


def test_a_fit_lets_the_kept_coordinates_go(qtbot, main_window, cache, tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from synth import write_acled_csv

    path = write_acled_csv(tmp_path / "acled.csv", 20_000)
    w = main_window
    _open(qtbot, w, path)
    first = _fitted(qtbot, w)
    qtbot.waitUntil(lambda: len(list(cache.glob("*.views"))) == 1, timeout=TIMEOUT)
    again = _open(qtbot, w, path)
    assert "views cache" in again.timings
    events = map_data(w.model.dataset)[0]
    for column in (events.lat, events.lon):
        assert isinstance(column.base.obj, mmap.mmap)  # the views file's pages
        assert column.nbytes >= 32 * mmap.PAGESIZE
    # the open's own fit (every event) read them, and let them go
    assert sys.platform.startswith("linux")  # (pagemap: Linux's; the tests run there)
    # (the kernel maps up to 16 pages around one read from a file: the parts beside
    # them, read, may bring a few of theirs; without letting go, 39 each stay)
    assert resident_pages(events.lat) <= 16 and resident_pages(events.lon) <= 16
    assert _fitted(qtbot, w) == first  # read again from the file: the same frame
    assert resident_pages(events.lat) <= 16 and resident_pages(events.lon) <= 16
