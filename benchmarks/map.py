"""Map benchmark: first render and the show_ids round trip at 1k / 10k / 100k events,
each against the web engine's own floor timed in the same run.

Run headless: ``QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 python benchmarks/map.py``.
The last line printed is JSON::

    {"first_render_ms": ..., "show_roundtrip_ms": {"1000": ..., "10000": ..., "100000": ...},
     "floor_ms": ..., "show_ratio": {"1000": ..., ...}, "blank_load_ms": ...,
     "first_render_ratio": ...}

* ``first_render_ms``: a new view given the bundled dataset (``seeds/araz.yaml``) before
  it is shown: from ``show()`` until the page reports them drawn (page load, basemap
  and events; the web engine already started by an earlier view).
* ``show_roundtrip_ms``: median over repeats of ``show_ids`` hiding half the events, from
  the Python call to the page's ``rendered(seq)`` for it (the frame is drawn).

The references (``benchmarks/reference.py``, a blank page on the same QWebChannel
transport, in its own view, alternating with Araz's runs):

* ``floor_ms``: the blank page asked by Python to paint one change and answer after the
  next animation frame (median of every repeat at every size); ``show_ratio`` per size
  is Araz's median round trip over the floor's median at that size.
* ``blank_load_ms``: a new blank page shown and loaded until its first frame;
  ``first_render_ratio`` is ``first_render_ms`` over it. Both are medians of
  ``FIRST_RUNS`` fresh views (5; ``ARAZ_BENCH_FIRST_RUNS``), alternating, after one
  unmeasured of each (the web engine's own cold start is in ``benchmarks/startup.py``,
  not here).  ``--first-render``: only these two and their ratio.

Extra keys: ``warm_render_ms`` (``set_events`` of 27 events on a ready view until drawn),
``set_events_ms`` (replacing all events, per size) and ``show_roundtrip_max_ms``.
``density_roundtrip_ms``: at 100k events, the same round trip drawn as hexagon bins
(``hex``; the default there, so ``show_roundtrip_ms["100000"]`` is one too), as a heatmap
(``heat``) and as points only (``points``), each with ``<mode>_ratio`` over the floor
measured alternately with it and ``<mode>_draw`` (one draw in the page alone, ms); and
``numpy_hexbin``: binning the shown half in Python instead, before any round trip (ms).
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

# this checkout's araz, not whichever one the interpreter has installed
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "app"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

import araz.qt.map  # noqa: F401  (registers the araz: scheme before QApplication)
from araz.qt.map import MapView
from map_density import density_figures
from reference import BlankPage

FIRST_RUNS = int(os.environ.get("ARAZ_BENCH_FIRST_RUNS", "5"))

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
    from araz.paths import default_dataset
    from araz.views.records import map_records

    return map_records(read_curated(default_dataset()).dataset)


def first_render(records: list[dict]) -> float:
    """A new map view given ``records`` before it is shown: show() to drawn (ms)."""
    view = MapView()
    view.resize(1200, 800)
    seq = view.set_events(records)  # queued: the page is not loaded yet
    t0 = time.perf_counter()
    view.show()
    wait_for(view, seq)  # page load, basemap, events drawn
    ms = (time.perf_counter() - t0) * 1000
    _dispose(view)
    return ms


def blank_load() -> float:
    page = BlankPage(1200, 800)
    ms = page.load_ms()
    page.close()
    _dispose(None)
    return ms


def _dispose(view) -> None:
    if view is not None:
        view.close()
        view.deleteLater()  # pages must go before the web engine shuts down with the app
    loop = QEventLoop()
    QTimer.singleShot(50, loop.quit)
    loop.exec()


def main() -> None:
    _app = QApplication.instance() or QApplication(sys.argv)  # kept alive until main() ends
    records = bundled()
    first_render(records)  # unmeasured: the web engine's cold start
    blank_load()
    firsts, blanks = [], []
    for _ in range(FIRST_RUNS):
        firsts.append(first_render(records))
        blanks.append(blank_load())
    first_render_ms = statistics.median(firsts)
    blank_load_ms = statistics.median(blanks)
    print(f"first render {firsts} ms, blank page load {blanks} ms", file=sys.stderr)
    first = {
        "first_render_ms": round(first_render_ms, 1),
        "blank_load_ms": round(blank_load_ms, 1),
        "first_render_ratio": round(first_render_ms / blank_load_ms, 2),
        "first_render_ratios": [round(a / b, 2) for a, b in zip(firsts, blanks, strict=True)],
    }
    if "--first-render" in sys.argv[1:]:
        print(json.dumps(first))
        return

    view = MapView()
    view.resize(1200, 800)
    view.show()  # the page builds its map once shown (map-channel.js, whenShown)
    wait_for(view, view.set_events(records))
    floor = BlankPage(1200, 800)
    floor.load_ms()
    loop = QEventLoop()

    t0 = time.perf_counter()
    wait_for(view, view.set_events(synthetic(27, seed=2)))
    warm_render_ms = (time.perf_counter() - t0) * 1000

    medians: dict[str, float] = {}
    maxima: dict[str, float] = {}
    floors: dict[str, float] = {}
    all_floors: list[float] = []
    set_events_ms: dict[str, float] = {}
    for n in (1_000, 10_000, 100_000):
        events = synthetic(n)
        t0 = time.perf_counter()
        wait_for(view, view.set_events(events), timeout_s=120)
        set_events_ms[str(n)] = round((time.perf_counter() - t0) * 1000, 1)
        ids = [e["id"] for e in events]
        halves = [ids[0::2], ids[1::2]]
        wait_for(view, view.show_ids(halves[1]))  # warm up
        floor.roundtrip_ms()
        times, ref = [], []
        for r in range(REPEATS):  # alternating: Araz, the floor, Araz, the floor…
            t = time.perf_counter()
            seq = view.show_ids(halves[r % 2])
            wait_for(view, seq)
            times.append((time.perf_counter() - t) * 1000)
            ref.append(floor.roundtrip_ms())
        medians[str(n)] = round(statistics.median(times), 1)
        maxima[str(n)] = round(max(times), 1)
        floors[str(n)] = round(statistics.median(ref), 1)
        all_floors += ref
        print(
            f"n={n}: median {medians[str(n)]} ms, max {maxima[str(n)]} ms, "
            f"floor {floors[str(n)]} ms",
            file=sys.stderr,
        )
    # 100k events, the default view: density drawing (and points only, for comparison)
    density = density_figures(view, events, wait_for, floor.roundtrip_ms)
    print(f"density at 100k: {density}", file=sys.stderr)
    floor.close()

    blocked = view.blocked_requests()
    view.close()
    view.deleteLater()  # pages must go before the web engine shuts down with the app
    QTimer.singleShot(50, loop.quit)
    loop.exec()
    print(
        json.dumps(
            {
                "first_render_ms": first["first_render_ms"],
                "show_roundtrip_ms": medians,
                "floor_ms": round(statistics.median(all_floors), 1),
                "floor_ms_per_size": floors,
                "show_ratio": {n: round(medians[n] / floors[n], 2) for n in medians},
                "blank_load_ms": first["blank_load_ms"],
                "first_render_ratio": first["first_render_ratio"],
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
