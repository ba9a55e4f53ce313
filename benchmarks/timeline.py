"""Timeline paint benchmark: median ms per frame (1600x200 QImage) at three zoom levels,
against pyqtgraph drawing the same number of points in the same run.

The peer: a pyqtgraph ``PlotWidget`` of the same size holding one ``ScatterPlotItem``
of the same events (diamonds, x = the event's start, y = its actor's lane, one brush per
actor colour), rendered to a QImage of the same size. Frames alternate (Araz, pyqtgraph,
Araz, …). pyqtgraph is in the ``bench`` extra (``pip install -e '.[bench]'``; ``make
bench`` installs it).

Two kinds of frame, each timed on both sides:

* a repaint of the same view (``frame_ms``, against pyqtgraph showing all its points):
  what hovering, selecting or a mark's new colour costs.  Araz keeps what lies under the
  marks (lanes, labels, axis, gutter, overview) as an image while the view stays, as
  pyqtgraph keeps its axes as a QPicture until their range changes; both draw their
  marks at every frame.
* a pan (``pan_frame_ms``): before each frame the visible range moves by a hundredth of
  its span (back and forth), on both sides, pyqtgraph showing the same days as Araz at
  each zoom.  Nothing keyed by the range is reused: the axis, the layout of marks and
  labels, the lanes are all made afresh.

Prints, as its last line, JSON:
``{"frame_ms": {"1000": {"out": …, "mid": …, "in": …}, …}, "peer_frame_ms": {"1000": …,
…}, "ratio": {"1000": …, …}, "pan_frame_ms": {"1000": {"out": …, …}, …},
"peer_pan_frame_ms": {"1000": {"out": …, …}, …}, "pan_ratio": {"1000": …, …}, "rss_mb":
…}`` where ``ratio`` is Araz's worst zoom over pyqtgraph's frame and ``pan_ratio`` the
worst, over the zooms, of Araz's pan frame over pyqtgraph's at the same zoom.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from araz.qt.timeline import TimelineData, TimelineView

SIZES = (1000, 10_000, 100_000)
WIDTH, HEIGHT = 1600, 200


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def peer_plot(data: TimelineData, lanes: list[str]):
    """A pyqtgraph PlotWidget showing the events as diamonds, one row per actor."""
    try:
        import pyqtgraph as pg
    except ImportError:
        raise SystemExit(
            "timeline.py needs pyqtgraph (the reference it is timed against): "
            "pip install -e '.[bench]', or `make bench`"
        ) from None
    pg.setConfigOptions(antialias=True, background="w")
    widget = pg.PlotWidget()
    widget.resize(WIDTH, HEIGHT)
    lane_of = {name: i for i, name in enumerate(dict.fromkeys(lanes))}
    y = np.fromiter((lane_of[a] for a in lanes), dtype=float, count=len(lanes))
    colors = np.asarray(data.color, dtype=np.uint32)
    brushes = {
        int(c): pg.mkBrush((int(c) >> 16) & 255, (int(c) >> 8) & 255, int(c) & 255)
        for c in np.unique(colors)
    }
    scatter = pg.ScatterPlotItem(
        x=np.asarray(data.start, dtype=float),
        y=y,
        symbol="d",
        size=9,
        brush=[brushes[int(c)] for c in colors],
    )
    widget.addItem(scatter)
    return widget


def timed(render, image: QImage) -> float:
    t = time.perf_counter()
    render(image)
    return (time.perf_counter() - t) * 1000


def pan_frames(view, peer, lo: float, hi: float, frames: int, image, peer_image):
    """Alternating Araz and pyqtgraph frames, each after moving its range by 1 % of the
    span (right, then back): the median of each, in ms."""
    step = (hi - lo) / 100
    ours, theirs = [], []
    for i in range(frames):
        d = step if i % 2 == 0 else 0.0
        view.set_range(lo + d, hi + d)
        ours.append(timed(view.render, image))
        peer.setXRange(lo + d, hi + d, padding=0)
        theirs.append(timed(lambda img: QWidget.render(peer, img), peer_image))
    return statistics.median(ours), statistics.median(theirs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=30, help="frames timed per zoom (30)")
    ap.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="event counts (1000,10000,100000)"
    )
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    app = QApplication.instance() or QApplication([])
    view = TimelineView()
    view.resize(WIDTH, HEIGHT)
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    peer_image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    out: dict[str, dict[str, float]] = {}
    peer_out: dict[str, float] = {}
    ratio: dict[str, float] = {}
    pan_out: dict[str, dict[str, float]] = {}
    peer_pan_out: dict[str, dict[str, float]] = {}
    pan_ratio: dict[str, float] = {}
    for n in sizes:
        data = TimelineData.synthetic(n, seed=1)
        lanes = list(TimelineData.synthetic(n, seed=1).lane_actor)
        view.set_data(data)
        view.fit_all()
        peer = peer_plot(data, lanes)
        peer.show()
        app.processEvents()
        peer_render = lambda img, peer=peer: QWidget.render(peer, img)  # noqa: E731
        full_x = peer.getViewBox().viewRange()[0]
        lo, hi = view.visible_range()
        mid = (lo + hi) / 2
        row: dict[str, float] = {}
        pan_row: dict[str, float] = {}
        peer_pan_row: dict[str, float] = {}
        peer_times: list[float] = []
        for name, frac in (("out", 1.0), ("mid", 0.1), ("in", 0.01)):
            span = (hi - lo) * frac
            view.set_range(mid - span / 2, mid + span / 2)
            peer.setXRange(*full_x, padding=0)
            for _ in range(3):  # warm caches (lanes, sprites, label widths; the peer's)
                view.render(image)
                QWidget.render(peer, peer_image)
            ours = []
            for _ in range(args.frames):  # alternating: Araz, pyqtgraph, Araz, …
                ours.append(timed(view.render, image))
                peer_times.append(timed(peer_render, peer_image))
            row[name] = round(statistics.median(ours), 3)
            a, b = mid - span / 2, mid + span / 2
            pan_frames(view, peer, a, b, 4, image, peer_image)  # warm
            ours_pan, peer_pan = pan_frames(view, peer, a, b, args.frames, image, peer_image)
            pan_row[name] = round(ours_pan, 3)
            peer_pan_row[name] = round(peer_pan, 3)
            view.set_range(a, b)
            print(
                f"{n:>7} {name:>4}: {row[name]:7.3f} ms  ({len(view.visible_rows())} visible)"
                f"  pan {ours_pan:7.3f} ms, pyqtgraph pan {peer_pan:7.3f} ms",
                file=sys.stderr,
            )
        key = str(n)
        out[key] = row
        peer_out[key] = round(statistics.median(peer_times), 3)
        ratio[key] = round(max(row.values()) / peer_out[key], 2)
        pan_out[key] = pan_row
        peer_pan_out[key] = peer_pan_row
        pan_ratio[key] = round(max(pan_row[z] / peer_pan_row[z] for z in pan_row), 2)
        print(f"{n:>7} pyqtgraph: {peer_out[key]:7.3f} ms", file=sys.stderr)
        peer.close()
        peer.deleteLater()
        app.processEvents()
    result = {
        "frame_ms": out,
        "peer_frame_ms": peer_out,
        "ratio": ratio,
        "pan_frame_ms": pan_out,
        "peer_pan_frame_ms": peer_pan_out,
        "pan_ratio": pan_ratio,
        "rss_mb": rss_mb(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
