"""The app at 100,000 events: a synthetic ACLED CSV opened in the real main window.

Prints, as its last line, JSON: {"load_s": …, "filter_ms": …, "frame_ms": …,
"peak_rss_mb": …}
  load_s      File → Open to the map and the timeline drawn (read, prepare, hand over)
  filter_ms   a filter change (category, text search, back to all) → the map has drawn
              it and the timeline repainted (median)
  floor_ms    the engine's floor, timed alternating with the filter changes: a blank page
              on the same channel asked to paint one change and answer after the next
              animation frame (benchmarks/reference.py); filter_ratio = filter_ms / it
  frame_ms    one timeline frame at full zoom-out, 100k events (median)
  peak_rss_mb peak memory (PSS) of the app and its web engine processes
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "app"))  # this checkout's araz
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from synth import write_acled_csv  # noqa: E402

ROWS = 100_000


def tree_rss_mb() -> float:
    """Memory of this process and all its descendants (QtWebEngineProcess), as PSS:
    each shared page counted once across them (summing RSS would count Qt's libraries
    once per process)."""
    me = os.getpid()
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [me]
    while stack:
        pid = stack.pop()
        total += _pss_kb(pid)
        stack.extend(children.get(pid, []))
    return total / 1e3


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    from araz.qt.app import make_application

    app = make_application(headless=True)
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QImage

    from araz.model import AppModel
    from araz.qt.main_window import MainWindow

    peak = 0.0

    def sample() -> None:
        nonlocal peak
        peak = max(peak, tree_rss_mb())

    sampler = QTimer()
    sampler.timeout.connect(sample)
    sampler.start(100)

    def wait_for(signal, predicate=lambda *a: True, timeout_ms=120_000):
        loop = QEventLoop()
        got: list = []

        def on(*args):
            if predicate(*args):
                got.append(args)
                loop.quit()

        signal.connect(on)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        signal.disconnect(on)
        if not got:
            raise RuntimeError("timed out")
        return got[0]

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = write_acled_csv(Path(tmp) / "acled.csv", ROWS)
        window = MainWindow(AppModel(), restore=False)
        window.resize(1600, 1000)
        window.show()
        if not window.map.is_ready():
            wait_for(window.map.ready)

        t0 = time.perf_counter()
        window.open_path(csv_path)
        _path, loaded_result = wait_for(window.loadFinished)
        loaded = time.perf_counter() - t0
        phases = ", ".join(f"{k} {v:.2f} s" for k, v in loaded_result.timings.items())
        print(f"phases: {phases}", file=sys.stderr)
        target = window.map_binding.loaded_seq
        wait_for(window.map.rendered, lambda seq: seq >= target)
        app.processEvents()
        load_s = time.perf_counter() - t0
        print(f"loaded and handed over {loaded:.2f} s, drawn {load_s:.2f} s", file=sys.stderr)
        assert len(window.model.dataset) == ROWS, len(window.model.dataset)

        # filter changes: a category, all, a text search (the first one builds the
        # search text: counted in the memory, as a user's first search would be), all
        ds = window.model.dataset
        cats = ds.categories
        words = ["protest", "astara", "military forces", "civilians"]
        from reference import BlankPage

        floor = BlankPage(800, 500)
        floor.load_ms()
        floor.roundtrip_ms()
        times, floors = [], []
        for k in range(16):
            if k % 2:
                flt = window.model.filter.replace(categories=None, text="")
            elif k % 4 == 0:
                flt = window.model.filter.replace(categories={cats[k // 4 % len(cats)]})
            else:
                flt = window.model.filter.replace(text=words[k // 4 % len(words)])
            before = window.map._seq
            t = time.perf_counter()
            window.model.set_filter(flt)
            seq = window.map._seq
            window.timeline.repaint()  # the timeline's redraw, synchronously
            if seq > before:
                wait_for(window.map.rendered, lambda s, seq=seq: s >= seq)
            times.append((time.perf_counter() - t) * 1000)
            floors.append(floor.roundtrip_ms())
        floor.close()

        window.model.set_filter(window.model.filter.replace(categories=None))
        window.timeline.fit_all()
        img = QImage(window.timeline.size(), QImage.Format.Format_ARGB32_Premultiplied)
        frames = []
        for _ in range(15):
            t = time.perf_counter()
            window.timeline.render(img)
            frames.append((time.perf_counter() - t) * 1000)
        sample()
        own = (
            int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
        )
        print(
            f"memory now: app {own:.0f} MB, app and web engine {tree_rss_mb():.0f} MB",
            file=sys.stderr,
        )
        result = {
            "load_s": round(load_s, 3),
            "filter_ms": round(statistics.median(times), 1),
            "floor_ms": round(statistics.median(floors), 1),
            "filter_ratio": round(statistics.median(times) / statistics.median(floors), 2),
            "frame_ms": round(statistics.median(frames), 2),
            "peak_rss_mb": round(peak),
            "rows": ROWS,
        }
        window.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
