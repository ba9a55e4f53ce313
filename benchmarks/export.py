"""Export timings: PNG, PNG at 2×, PDF, composed sheet and standalone HTML, 1600×1000,
the PNG and the PDF each against a reference timed in the same run.

Medians over a few runs with a warm offscreen map (the page loaded once), at the bundled
dataset and at 100k synthetic events (the bundled events copied onto jittered places).
References, alternating with Araz's runs (Araz, reference, Araz, …):

* PNG: ``grab()`` of the same map view plus a PNG encode of that image (what any
  snapshot of that widget costs); ``png_ratio`` is the PNG export over it, each export
  drawing a changed view (two views alternate); ``png_repeat_s`` is an export of the
  view already drawn (a shortcut: one grab checked against the last picture).
* PDF: ``printToPdf``, on the same page layout, of a static page of the same size
  holding one image of that size: the map's own picture (a PNG of the map as the PDF
  shows it, so the image compresses as the map does).  That is the engine's floor for a
  page whose content is a picture, as the map's is (its basemap, markers and density are
  canvases, embedded in the PDF as images): laying the page out for print and encoding a
  page-sized image.  ``pdf_ratio`` is the PDF export over it.  (Until now the reference
  was a blank page, ``pdf_blank_s``, still printed: a few ms, no image to encode, so
  that ratio said only that printing a picture costs more than printing nothing.)
  ``pdf_s`` exports the same view each time (the page need not draw it again);
  ``pdf_changed_s`` and ``pdf_changed_ratio``: each export a changed view (the two PNG
  views alternate), against the same reference.

Prints JSON as its last line:
{"png_s": …, "png_ref_s": …, "png_ratio": …, "png2x_s": …, "pdf_s": …, "pdf_ref_s": …,
 "pdf_ratio": …, "pdf_changed_s": …, "pdf_changed_ratio": …, "pdf_blank_s": …,
 "sheet_s": …, "html_s": …, "at_100k": {…}}
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

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


def paired(ours, ref, runs: int = RUNS) -> tuple[float, float, float]:
    """Alternating runs of ``ours`` and ``ref``: their medians (s) and the median of the
    per-pair ratios."""
    a, b = [], []
    for _ in range(runs):
        t = time.perf_counter()
        ours()
        a.append(time.perf_counter() - t)
        t = time.perf_counter()
        ref()
        b.append(time.perf_counter() - t)
    ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
    return round(statistics.median(a), 4), round(statistics.median(b), 4), round(ratio, 2)


def pdf_layout():
    """A4 landscape without margins (as the map's PDF)."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize

    from araz.qt.export.snapshot import PAGES

    return QPageLayout(
        QPageSize(PAGES["a4"]), QPageLayout.Orientation.Landscape, QMarginsF(0, 0, 0, 0)
    )


def print_pdf(page) -> int:
    """``page.printToPdf`` on the map's layout, waited for; the PDF's size in bytes."""
    from araz.qt.export.snapshot import wait_until

    box: list = []
    page.printToPdf(lambda data: box.append(bytes(data)), pdf_layout())
    wait_until(lambda: bool(box), what="(PDF)")
    return len(box[0])


def blank_pdf(blank) -> None:
    """printToPdf of a blank page (the former reference)."""
    print_pdf(blank.page)


class PicturePage:
    """A static page of ``width``×``height`` CSS px holding one image of that size (a
    PNG), in its own view and off-the-record profile: the PDF reference."""

    def __init__(self, png: bytes, width: int, height: int) -> None:
        import base64

        from PySide6.QtCore import Qt
        from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
        from PySide6.QtWebEngineWidgets import QWebEngineView

        from araz.qt.export.snapshot import wait_until

        self.view = QWebEngineView()
        self.profile = QWebEngineProfile()
        self.page = QWebEnginePage(self.profile)
        self.view.setPage(self.page)
        self.view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.view.resize(width, height)
        self.view.show()
        loaded: list[bool] = []
        self.page.loadFinished.connect(loaded.append)
        src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        self.page.setHtml(
            "<!doctype html><html><head><style>html,body{margin:0}"
            f"img{{display:block;width:{width}px;height:{height}px}}</style></head>"
            f'<body><img src="{src}"></body></html>'
        )
        wait_until(lambda: bool(loaded), what="(the picture page did not load)")

    def pdf(self) -> None:
        print_pdf(self.page)

    def close(self) -> None:
        self.view.close()
        self.page.deleteLater()
        self.view.deleteLater()


def measure(ds, folder: Path, renderer, blank) -> dict:
    from araz.export import select
    from araz.export.html import write_html
    from araz.qt.export.sheet import write_sheet
    from araz.qt.export.snapshot import opaque, page_size_px, png_bytes, write_snapshot
    from araz.views.records import map_records

    shown = select(ds)
    records = map_records(ds)
    ids = shown.shown_ids
    kw = {"width": 1600, "height": 1000, "records": records}

    # Each export draws a changed view (two views alternate), as a user's export after
    # moving the map does: an export of the very view last drawn takes a shortcut (one
    # grab checked against the last picture), timed apart as png_repeat_s.
    views = [None, (44.0, 38.0, 50.5, 42.0)]  # the shown events fitted; the South Caucasus
    turn = [0]

    def png(scale: float, repeat: bool = False) -> None:
        if not repeat:
            turn[0] ^= 1
        bounds = views[turn[0]]
        write_snapshot(
            renderer, ds, ids, folder / f"m{scale}.png", scale=scale, bounds=bounds, **kw
        )

    def grab_png() -> None:  # the reference: a grab of the same view, encoded
        png_bytes(renderer.view(1.0).web_view().grab().toImage())

    out = {}
    png(1.0)  # warm: page loaded, events sent, view sized
    grab_png()
    out["png_s"], out["png_ref_s"], out["png_ratio"] = paired(lambda: png(1.0), grab_png)
    out["png_repeat_s"] = median_time(lambda: png(1.0, repeat=True))
    png(2.0)
    out["png2x_s"] = median_time(lambda: png(2.0))
    pdf = lambda: write_snapshot(renderer, ds, ids, folder / "m.pdf", records=records)  # noqa: E731
    pdf()
    # the reference page shows the map's picture at the page's size (as the PDF draws it)
    pw, ph = page_size_px("a4")
    picture = renderer.image(records, ids, width=pw, height=ph, legend=True)
    reference = PicturePage(png_bytes(opaque(picture)), pw, ph)
    try:
        reference.pdf()
        out["pdf_s"], out["pdf_ref_s"], out["pdf_ratio"] = paired(pdf, reference.pdf)

        # the PDF of a changed view (the two views above alternate): pdf_s exports one
        # view again and again, which the page need not draw again
        def pdf_changed() -> None:
            turn[0] ^= 1
            write_snapshot(
                renderer, ds, ids, folder / "m.pdf", records=records, bounds=views[turn[0]]
            )

        out["pdf_changed_s"], _, out["pdf_changed_ratio"] = paired(pdf_changed, reference.pdf)
    finally:
        reference.close()
    blank_pdf(blank)
    out["pdf_blank_s"] = median_time(lambda: blank_pdf(blank))
    sheet = lambda: write_sheet(renderer, shown, folder / "s.png", **kw)  # noqa: E731
    sheet()
    out["sheet_s"] = median_time(sheet, max(3, RUNS // 2))
    html = lambda: write_html(ds, shown.mask, folder / "m.html")  # noqa: E731
    out["html_s"] = median_time(html, max(3, RUNS // 2))
    return out


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-100k", action="store_true", help="the bundled dataset only")
    args = ap.parse_args()
    app = make_application(["bench"], headless=True)
    from araz.io import read_path
    from araz.paths import default_dataset
    from araz.qt.export.snapshot import MapRenderer
    from reference import BlankPage

    ds = read_path(default_dataset()).dataset
    blank = BlankPage(800, 500)
    blank.load_ms()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        renderer = MapRenderer()
        try:
            result = measure(ds, folder, renderer, blank)
        finally:
            renderer.close()
        if not args.no_100k:
            big = big_dataset(ds, 100_000)
            renderer = MapRenderer()
            try:
                result["at_100k"] = measure(big, folder, renderer, blank)
            finally:
                renderer.close()
    blank.close()
    app.processEvents()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
