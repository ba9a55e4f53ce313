"""Export timings: PNG, PNG at 2×, PDF, composed sheet and standalone HTML, 1600×1000.

Medians over a few runs with a warm offscreen map (the page loaded once), at the bundled
dataset and at 100k synthetic events (the bundled events copied onto jittered places).
Prints JSON as its last line:
{"png_s": …, "png2x_s": …, "pdf_s": …, "sheet_s": …, "html_s": …, "at_100k": {…}}
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "app"))

from araz.qt.app import make_application

RUNS = int(os.environ.get("ARAZ_BENCH_RUNS", "5"))


def big_dataset(ds, n: int, seed: int = 1):
    from araz.model import Dataset, Place, PlaceRef

    rng = random.Random(seed)
    places = dict(ds.places)
    events = []
    base = list(ds.events)
    for i in range(n):
        e = base[i % len(base)]
        refs = []
        for r in e.places:
            p = ds.places[r.place]
            if p.has_point:
                pid = f"p{i}-{p.id}"
                places[pid] = Place(
                    pid, p.name, "site", p.lat + rng.uniform(-3, 3), p.lon + rng.uniform(-4, 4)
                )
                refs.append(PlaceRef(pid, r.role))
        events.append(replace(e, id=f"{e.id}-{i}", places=tuple(refs)))
    return Dataset(events, ds.actors, places, title=f"{n} events", seed=ds.seed)


def median_time(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(statistics.median(times), 4)


def measure(ds, folder: Path, renderer) -> dict:
    from araz.export import select
    from araz.export.html import write_html
    from araz.qt.export.sheet import write_sheet
    from araz.qt.export.snapshot import write_snapshot
    from araz.views.records import map_records

    shown = select(ds)
    records = map_records(ds)
    ids = shown.shown_ids
    kw = {"width": 1600, "height": 1000, "records": records}

    def png(scale: float) -> None:
        write_snapshot(renderer, ds, ids, folder / f"m{scale}.png", scale=scale, **kw)

    out = {}
    png(1.0)  # warm: page loaded, events sent, view sized
    out["png_s"] = median_time(lambda: png(1.0))
    png(2.0)
    out["png2x_s"] = median_time(lambda: png(2.0))
    pdf = lambda: write_snapshot(renderer, ds, ids, folder / "m.pdf", records=records)  # noqa: E731
    pdf()
    out["pdf_s"] = median_time(pdf)
    sheet = lambda: write_sheet(renderer, shown, folder / "s.png", **kw)  # noqa: E731
    sheet()
    out["sheet_s"] = median_time(sheet, max(3, RUNS // 2))
    html = lambda: write_html(ds, shown.mask, folder / "m.html")  # noqa: E731
    out["html_s"] = median_time(html, max(3, RUNS // 2))
    return out


def main() -> None:
    app = make_application(["bench"], headless=True)
    from araz.io import read_path
    from araz.paths import default_dataset
    from araz.qt.export.snapshot import MapRenderer

    ds = read_path(default_dataset()).dataset
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        renderer = MapRenderer()
        try:
            result = measure(ds, folder, renderer)
        finally:
            renderer.close()
        big = big_dataset(ds, 100_000)
        renderer = MapRenderer()
        try:
            result["at_100k"] = measure(big, folder, renderer)
        finally:
            renderer.close()
    app.processEvents()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
