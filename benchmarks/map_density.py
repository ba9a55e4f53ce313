"""Density figures for ``benchmarks/map.py``: the show round trip at 100k events with
each drawing (hexagon bins, heatmap, points only), and what binning the same events in
Python (numpy) would cost before any round trip (why the page bins them itself)."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from araz.qt.map.page_json import number
from araz.views.density import hexbin

# Timing the page's own draw reads a JavaScript value, as the tests do (the application
# never does: it asks through the bridge), with the tests' helper.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "qt"))
from page_support import read_page_json

REPEATS = 11


def density_figures(
    view,
    events: list[dict],
    wait_for: Callable[..., float],
    floor: Callable[[], float] | None = None,
) -> dict:
    """Round trips (median ms) of ``show_ids`` hiding half the events, per drawing mode,
    on a view already holding ``events`` in its default view; ``<mode>_ratio``: over the
    ``floor`` (a blank page's round trip, measured alternately) when given;
    ``<mode>_draw``: one draw in the page alone (ms)."""
    ids = [e["id"] for e in events]
    halves = [ids[0::2], ids[1::2]]
    out: dict[str, float] = {}
    for mode in ("hex", "heat", "points"):
        wait_for(view, view.set_style(density=mode))
        wait_for(view, view.show_ids(halves[1]))
        times, ref = [], []
        for r in range(REPEATS):
            t = time.perf_counter()
            wait_for(view, view.show_ids(halves[r % 2]))
            times.append((time.perf_counter() - t) * 1000)
            if floor is not None:
                ref.append(floor())
        out[mode] = round(statistics.median(times), 1)
        if ref:
            out[f"{mode}_ratio"] = round(statistics.median(times) / statistics.median(ref), 2)
        # the page's own cost of one draw of everything (bins or markers), no frame wait
        out[f"{mode}_draw"] = round(
            read_page_json(
                view,
                "(function () { var t = performance.now(); for (var k = 0; k < 10; k++)"
                " araz.events.draw(); return (performance.now() - t) / 10; })()",
                number,
            ),
            1,
        )
    wait_for(view, view.set_style(density="hex"))
    lat = np.array([e["lat"] for e in events])
    lon = np.array([e["lon"] for e in events])
    mask = np.arange(len(events)) % 2 == 0
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        hexbin(lat, lon, 6.5, mask)
        times.append((time.perf_counter() - t) * 1000)
    out["numpy_hexbin"] = round(statistics.median(times), 1)
    return out
