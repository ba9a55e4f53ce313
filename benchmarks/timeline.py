"""Timeline paint benchmark: median ms per frame (1600x200 QImage) at three zoom levels.

Prints, as its last line, JSON:
``{"frame_ms": {"1000": {"out": …, "mid": …, "in": …}, …}, "rss_mb": …}``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from araz.qt.timeline import TimelineData, TimelineView

SIZES = (1000, 10_000, 100_000)
FRAMES = 30


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def frame_ms(view: TimelineView, image: QImage) -> float:
    times = []
    for _ in range(FRAMES):
        t = time.perf_counter()
        view.render(image)
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 3)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    view = TimelineView()
    view.resize(1600, 200)
    image = QImage(1600, 200, QImage.Format.Format_ARGB32_Premultiplied)
    out: dict[str, dict[str, float]] = {}
    for n in SIZES:
        data = TimelineData.synthetic(n, seed=1)
        view.set_data(data)
        view.fit_all()
        lo, hi = view.visible_range()
        mid = (lo + hi) / 2
        row: dict[str, float] = {}
        for name, frac in (("out", 1.0), ("mid", 0.1), ("in", 0.01)):
            span = (hi - lo) * frac
            view.set_range(mid - span / 2, mid + span / 2)
            frame_ms(view, image)  # warm caches (lanes, sprites, label widths)
            row[name] = frame_ms(view, image)
            print(f"{n:>7} {name:>4}: {row[name]:7.3f} ms  ({len(view.visible_rows())} visible)")
        out[str(n)] = row
    app.processEvents()
    print(json.dumps({"frame_ms": out, "rss_mb": rss_mb()}))


if __name__ == "__main__":
    main()
