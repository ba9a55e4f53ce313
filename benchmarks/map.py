"""Map benchmark: first render and the show_ids round trip at 1k / 10k / 100k events.

Run headless: ``QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 python benchmarks/map.py``.
The last line printed is JSON::

    {"first_render_ms": ..., "show_roundtrip_ms": {"1000": ..., "10000": ..., "100000": ...}}

* ``first_render_ms``: a new view given the bundled dataset (``seeds/araz.yaml``) before
  it is shown: from ``show()`` until the page reports them drawn (page load,
  basemap and events, a cold start of the web engine included).
* ``show_roundtrip_ms``: median over repeats of ``show_ids`` hiding half the events, from
  the Python call to the page's ``rendered(seq)`` for it (the frame is drawn).

Extra keys: ``warm_render_ms`` (``set_events`` of 27 events on a ready view until drawn),
``set_events_ms`` (replacing all events, per size) and ``show_roundtrip_max_ms``.
``density_roundtrip_ms``: at 100k events, the same round trip drawn as hexagon bins
(``hex``; the default there, so ``show_roundtrip_ms["100000"]`` is one too), as a heatmap
(``heat``) and as points only (``points``), and ``numpy_hexbin``: binning the shown half
in Python instead, before any round trip (absolute milliseconds: no engine floor here).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import json
import random
import statistics
import sys
import time
from pathlib import Path

try:
    import araz
except ImportError:  # a source checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "app"))

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

import araz.qt.map  # noqa: F401  (registers the araz: scheme before QApplication)
from araz.qt.map import MapView

sys.path.insert(0, str(Path(__file__).resolve().parent))
from map_density import density_figures

PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"]
PLACES = [(35.6892, 51.3890), (40.4093, 49.8671), (39.2076, 46.4057), (39.7581, 46.7507)]
REPEATS = 15


def wait_for(view: MapView, seq: int, timeout_s: float = 60.0) -> float:
    """Spin the event loop until the page reports ``seq`` drawn; the time it took (ms)."""
    start = time.perf_counter()
    done: list[int] = []
    loop = QEventLoop()

    def on_rendered(number: int) -> None:
        if number >= seq:
            done.append(number)
            loop.quit()

    view.rendered.connect(on_rendered)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(int(timeout_s * 1000))
    if not done:
        loop.exec()
    view.rendered.disconnect(on_rendered)
    if not done:
        raise TimeoutError(f"no rendered({seq}) within {timeout_s} s")
    return (time.perf_counter() - start) * 1000


def synthetic(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    events = []
    for i in range(n):
        if i < 27:
            lat, lon = PLACES[i % len(PLACES)]
        else:
            lat, lon = rng.uniform(35.3, 41.0), rng.uniform(44.5, 51.8)
        events.append(
            {
                "id": f"ev{i}",
                "title": f"Event {i}",
                "date": "2023",
                "actors": "Iran",
                "color": PALETTE[i % len(PALETTE)],
                "lat": lat,
                "lon": lon,
            }
        )
    return events


def bundled() -> list[dict]:
    """The curated dataset as the map gets it."""
    from araz.io.curated import read_curated
    from araz.model.records import map_records
    from araz.paths import default_dataset

    return map_records(read_curated(default_dataset()).dataset)


def main() -> None:
    _app = QApplication.instance() or QApplication(sys.argv)  # kept alive until main() ends
    view = MapView()
    view.resize(1200, 800)
    loop = QEventLoop()
    seq = view.set_events(bundled())  # queued: the page is not loaded yet
    t0 = time.perf_counter()
    view.show()
    wait_for(view, seq)  # page load, basemap, 27 events drawn
    first_render_ms = (time.perf_counter() - t0) * 1000

    t0 = time.perf_counter()
    wait_for(view, view.set_events(synthetic(27, seed=2)))
    warm_render_ms = (time.perf_counter() - t0) * 1000

    medians: dict[str, float] = {}
    maxima: dict[str, float] = {}
    set_events_ms: dict[str, float] = {}
    for n in (1_000, 10_000, 100_000):
        events = synthetic(n)
        t0 = time.perf_counter()
        wait_for(view, view.set_events(events), timeout_s=120)
        set_events_ms[str(n)] = round((time.perf_counter() - t0) * 1000, 1)
        ids = [e["id"] for e in events]
        halves = [ids[0::2], ids[1::2]]
        wait_for(view, view.show_ids(halves[1]))  # warm up
        times = []
        for r in range(REPEATS):
            t = time.perf_counter()
            seq = view.show_ids(halves[r % 2])
            wait_for(view, seq)
            times.append((time.perf_counter() - t) * 1000)
        medians[str(n)] = round(statistics.median(times), 1)
        maxima[str(n)] = round(max(times), 1)
        print(f"n={n}: median {medians[str(n)]} ms, max {maxima[str(n)]} ms", file=sys.stderr)
    density = density_figures(view, events, lambda v, s: wait_for(v, s))  # 100k, default view
    print(f"density at 100k: {density}", file=sys.stderr)

    blocked = view.blocked_requests()
    view.close()
    view.deleteLater()  # pages must go before the web engine shuts down with the app
    QTimer.singleShot(50, loop.quit)
    loop.exec()
    print(
        json.dumps(
            {
                "first_render_ms": round(first_render_ms, 1),
                "show_roundtrip_ms": medians,
                "warm_render_ms": round(warm_render_ms, 1),
                "set_events_ms": set_events_ms,
                "show_roundtrip_max_ms": maxima,
                "blocked_requests": len(blocked),
                "density_roundtrip_ms": density,
            }
        )
    )


if __name__ == "__main__":
    main()
