"""The app at 100,000 (or ``--rows``) events: a synthetic ACLED CSV opened in the real
main window (File → Open), as a user would.

Prints, as its last line, JSON: {"load_s": …, "pyarrow_s": …, "load_ratio": …,
"filter_ms": …, "floor_ms": …, "filter_ratio": …, "frame_ms": …, "peak_rss_mb": …,
"baseline_mb": …, "over_baseline_mb": …, "reopen_s": …, "reopen_ratio": …,
"payload_bytes_per_event": …, "rows": …}
and, with ``--rows`` over 100,000, "frame_100k_ms" and "frame_ratio".

  load_s       File → Open to the map and the timeline drawn (read, prepare, hand over;
               the table cache on, empty: a user's first open, which writes the cache)
  pyarrow_s    ``pyarrow.csv.read_csv`` of the same file in a child process (its memory
               is not the app's), timed before and after the open: the median of the
               two; load_ratio = load_s / pyarrow_s
  filter_ms    a filter change (category, text search, back to all) → the map has drawn
               it and the timeline repainted (median)
  floor_ms     the engine's floor, timed alternating with the filter changes: a blank
               page on the same channel asked to paint one change and answer after the
               next animation frame (benchmarks/reference.py); filter_ratio = filter_ms /
               it
  frame_ms     one timeline frame at full zoom-out, all the events (median)
  peak_rss_mb  peak memory (PSS) of the app and its web engine processes, from the open
               of the file to the last frame (before the re-open): read every 100 ms
               during the open, then after each filter change (not while one is timed)
  baseline_mb  the same, with the bundled dataset open (before the file) and the engine
               floor's reference page made (it is alive for the peak too)
  reopen_s     File → Open of the same file again, to drawn (from the table cache);
               reopen_ratio = reopen_s / load_s
  payload_bytes_per_event  the map's events payload (what the page fetches), its
               size over the events
  frame_100k_ms  a timeline frame after opening a 100,000-row file in the same window;
               frame_ratio = frame_ms / frame_100k_ms

``--prepare-only`` opens no window: it times the loader's preparation of the views'
data (``araz.views.prepared.prepare``: the map's payload, the timeline's data, the
filter's indexes) after a read of the file, alternating with pyarrow's parse of it, and
prints {"prepare_s": …, "prepare_cached_s": …, "pyarrow_s": …, "prepare_ratio": …,
"prepare_cached_ratio": …, "rows": …}: after the first read (from the CSV, which writes
the table cache) and after reads from the table cache (median), each against the median
of pyarrow's parses.  ``--csv PATH`` reads that file instead of writing one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
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
_PYARROW = (
    "import sys, time; from pyarrow import csv; t = time.perf_counter(); "
    "csv.read_csv(sys.argv[1]); print(time.perf_counter() - t)"
)


def tree_rss_mb() -> float:
    """Memory of this process and all its descendants (QtWebEngineProcess), as PSS:
    each shared page counted once across them (summing RSS would count Qt's libraries
    once per process)."""
    return sum(tree_pss_mb().values())


def tree_pss_mb() -> dict[str, float]:
    """:func:`tree_rss_mb` per process ("app", then each child's name and pid)."""
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
    out, stack = {}, [me]
    while stack:
        pid = stack.pop()
        name = "app" if pid == me else f"{_name(pid)}:{pid}"
        pss, uss = _pss_kb(pid, private=True)
        out[name] = pss / 1e3
        _USS[name] = uss / 1e3
        stack.extend(children.get(pid, []))
    return out


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().split(b"\0")
        kind = [a for a in args if a.startswith(b"--type=")]
        return (kind[0][7:] if kind else Path(args[0].decode()).name.encode()).decode()
    except OSError:
        return "?"


_USS: dict[str, float] = {}  # the last tree_pss_mb's private memory per process (USS)


def uss_parts() -> dict[str, float]:
    """The private memory (USS, MB) of the processes :func:`tree_pss_mb` read last: the
    PSS less the shared libraries' share, which other programs' web engines change."""
    return dict(_USS)


def _pss_kb(pid: int, private: bool = False):
    """A process's PSS in kB (and with ``private``, its USS too)."""
    pss = uss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith(("Private_Clean:", "Private_Dirty:")):
                    uss += int(line.split()[1])
    except OSError:
        pass
    return (pss, uss) if private else pss


def pyarrow_parse_s(path: Path) -> float:
    """pyarrow's parse of the file, in a child process."""
    out = subprocess.run(
        [sys.executable, "-c", _PYARROW, str(path)], check=True, capture_output=True, text=True
    )
    return float(out.stdout.split()[-1])


def prepare_only(rows: int, csv: str | None, repeat: int) -> dict:
    """The views' preparation after a read, against pyarrow's parse (module docstring)."""
    import gc

    from araz.io import read_path
    from araz.views.prepared import prepare

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        os.environ["ARAZ_TABLE_CACHE"] = "on"
        path = Path(csv) if csv else write_acled_csv(Path(tmp) / "acled.csv", rows)
        arrow, first, cached, n = [], 0.0, [], 0
        for k in range(repeat + 1):
            arrow.append(pyarrow_parse_s(path))
            result = read_path(path)
            ds = result.dataset
            assert ds is not None and ("cache" in result.timings) == (k > 0), result.timings
            gc.collect()  # as the loader does before it prepares
            t = time.perf_counter()
            prepare(ds)
            took, n = time.perf_counter() - t, len(ds)
            print(f"read {k}: prepare {took:.3f} s, pyarrow {arrow[-1]:.3f} s", file=sys.stderr)
            if k:
                cached.append(took)
            else:
                first = took
            del ds, result
        pyarrow_s = statistics.median(arrow)
        return {
            "prepare_s": round(first, 3),
            "prepare_cached_s": round(statistics.median(cached), 3),
            "pyarrow_s": round(pyarrow_s, 3),
            "prepare_ratio": round(first / pyarrow_s, 3),
            "prepare_cached_ratio": round(statistics.median(cached) / pyarrow_s, 3),
            "rows": n,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="events in the file (100,000)")
    parser.add_argument("--prepare-only", action="store_true", help="no window (see above)")
    parser.add_argument("--csv", help="with --prepare-only: this ACLED file, not a new one")
    parser.add_argument("--repeat", type=int, default=3, help="with --prepare-only: cached reads")
    args = parser.parse_args()
    rows = args.rows
    if args.prepare_only:
        print(json.dumps(prepare_only(rows, args.csv, args.repeat)))
        return

    from araz.qt.app import make_application

    app = make_application(headless=True)
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QImage

    from araz.model import AppModel
    from araz.qt.main_window import MainWindow

    peak, at_peak, trace, t_open, t_load = 0.0, {}, [], 0.0, 0.0
    uss_peak: dict[str, float] = {}
    uss_after: dict[str, float] = {}  # the USS's peak once the file is drawn
    phases_ = Phases()

    def sample() -> None:
        nonlocal peak, at_peak
        after_load = t_load > 0
        parts = tree_pss_mb()
        total = sum(parts.values())
        trace.append((time.perf_counter(), parts))
        if total > peak:
            peak, at_peak = total, {**parts, "(s after the open)": time.perf_counter() - t_open}
        uss = uss_parts()
        if after_load and sum(uss.values()) > uss_after.get("(total)", 0.0):
            uss_after.clear()
            uss_after.update(uss)
            uss_after["(total)"] = sum(uss.values())
        if sum(uss.values()) > uss_peak.get("(total)", 0.0):
            uss_peak.clear()
            uss_peak.update(uss)
            uss_peak["(total)"] = sum(uss.values())
            uss_peak["(s after the open)"] = time.perf_counter() - t_open

    sampler = QTimer()
    sampler.timeout.connect(sample)

    def wait_for(signal, predicate=lambda *a: True, timeout_ms=600_000):
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

    def open_drawn(path: Path) -> tuple[float, object]:
        """File → Open of ``path`` to the map drawn: seconds, the LoadResult."""
        t0 = phases_.start()
        window.open_path(path)
        _path, result = wait_for(window.loadFinished)
        loaded = time.perf_counter() - t0
        target = window.map_binding.loaded_seq
        wait_for(window.map.rendered, lambda seq: seq >= target)
        app.processEvents()
        drawn = time.perf_counter() - t0
        phases = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
        phases_.mark("drawn")
        print(
            f"{path.name}: handed over {loaded:.2f} s, drawn {drawn:.2f} s ({phases})",
            file=sys.stderr,
        )
        print(f"  phases: {phases_.report()}", file=sys.stderr)
        return drawn, result

    def frame_ms() -> float:
        window.model.set_filter(window.model.filter.replace(categories=None, text=""))
        window.timeline.fit_all()
        img = QImage(window.timeline.size(), QImage.Format.Format_ARGB32_Premultiplied)
        frames = []
        for _ in range(15):
            t = time.perf_counter()
            window.timeline.render(img)
            frames.append((time.perf_counter() - t) * 1000)
        return statistics.median(frames)

    with tempfile.TemporaryDirectory() as tmp:
        # the table cache on, in a folder of its own: the first open writes it
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        os.environ["ARAZ_TABLE_CACHE"] = "on"
        csv_path = write_acled_csv(Path(tmp) / "acled.csv", rows)
        window = MainWindow(AppModel(), restore=False)
        window.resize(1600, 1000)
        window.show()
        if not window.map.is_ready():
            wait_for(window.map.ready)
        open_drawn(Path(window_default()))
        # the engine floor's reference page (its own renderer, ~30-40 MB) is made before
        # the baseline is read, so that baseline and peak both hold it: the figure is the
        # app's own growth, not the benchmark's reference page
        from reference import BlankPage

        floor = BlankPage(800, 500)
        floor.load_ms()
        floor.roundtrip_ms()
        baseline_parts = tree_pss_mb()
        baseline = sum(baseline_parts.values())
        print(f"baseline ({baseline:.0f} MB): {_parts(baseline_parts)}", file=sys.stderr)
        print(f"  its USS: {_parts(uss_parts())}", file=sys.stderr)
        arrow = [pyarrow_parse_s(csv_path)]
        t_open = time.perf_counter()
        sampler.start(100)
        load_s, _ = open_drawn(csv_path)
        sampler.stop()
        t_load = time.perf_counter()
        print_memory(trace, t_start=trace[0][0] if trace else 0.0)
        arrow.append(pyarrow_parse_s(csv_path))
        sample()
        assert len(window.model.dataset) == rows, len(window.model.dataset)
        from araz.views.prepared import map_data

        payload = len(map_data(window.model.dataset)[0].body)
        print(
            f"  the map's payload: {payload / 1e6:.1f} MB, {payload / rows:.1f} bytes an event",
            file=sys.stderr,
        )

        # filter changes: a category, all, a text search (the first one builds the
        # search text: counted in the memory, as a user's first search would be), all
        ds = window.model.dataset
        cats = ds.categories
        words = ["protest", "astara", "military forces", "civilians"]
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
            # memory read after each change, not by the timer while it is timed (reading
            # the web engine's PSS at 1M took ~10 ms a sample, counted in filter_ms)
            sample()
            floors.append(floor.roundtrip_ms())
        floor.close()
        print(f"at the peak ({peak:.0f} MB): {_parts(at_peak)}", file=sys.stderr)
        print(f"private memory (USS) at its peak: {_parts(uss_peak)}", file=sys.stderr)
        print(f"  and its peak once the file was drawn: {_parts(uss_after)}", file=sys.stderr)

        frame = frame_ms()
        sample()
        own = (
            int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
        )
        print(
            f"memory now: app {own:.0f} MB, app and web engine {tree_rss_mb():.0f} MB",
            file=sys.stderr,
        )
        reopen_s, again = open_drawn(csv_path)
        assert "cache" in again.timings, "the re-open did not come from the table cache"
        pyarrow_s = statistics.median(arrow)
        result = {
            "load_s": round(load_s, 3),
            "pyarrow_s": round(pyarrow_s, 3),
            "load_ratio": round(load_s / pyarrow_s, 2),
            "filter_ms": round(statistics.median(times), 1),
            "floor_ms": round(statistics.median(floors), 1),
            "filter_ratio": round(statistics.median(times) / statistics.median(floors), 2),
            "frame_ms": round(frame, 2),
            "peak_rss_mb": round(peak),
            "baseline_mb": round(baseline),
            "over_baseline_mb": round(peak - baseline),
            "reopen_s": round(reopen_s, 3),
            "reopen_ratio": round(reopen_s / load_s, 3),
            "payload_bytes_per_event": round(payload / rows, 1),
            "rows": rows,
        }
        if rows > ROWS:
            small = write_acled_csv(Path(tmp) / "acled_100k.csv", ROWS)
            open_drawn(small)
            small_frame = frame_ms()
            result["frame_100k_ms"] = round(small_frame, 2)
            result["frame_ratio"] = round(frame / small_frame, 2)
        window.close()
    print(json.dumps(result))


class Phases:
    """Diagnostics of an open (stderr only): when each view took the new dataset, when
    the page fetched the map's payload and when the map said it was drawn, in seconds
    from File → Open.  Wraps the views' slots at class level, before the window exists."""

    def __init__(self) -> None:
        from araz.qt import bindings, events_table, filters_panel, main_window
        from araz.qt.map import scheme

        self.t0, self.marks = 0.0, []
        wrap = [
            (bindings.MapBinding, "_on_model_changed", "map"),
            (bindings.TimelineBinding, "_on_model_changed", "timeline"),
            (events_table.EventsTableModel, "_on_model_changed", "table"),
            (filters_panel.FiltersPanel, "_on_model_changed", "filters"),
            (main_window.MainWindow, "_on_model_changed", "window"),
            (main_window.MainWindow, "_on_load_finished", "handed over"),
        ]
        for cls, name, label in wrap:
            setattr(cls, name, self._timed(getattr(cls, name), label))
        fetch = scheme.ArazSchemeHandler.requestStarted

        def started(handler, job):
            data = job.requestUrl().path().startswith("/data/")
            if data:
                self.mark("fetch asked")
            fetch(handler, job)
            if data:
                self.mark("fetch served")

        scheme.ArazSchemeHandler.requestStarted = started

    def _timed(self, fn, label):
        def timed(*args):
            t = time.perf_counter()
            fn(*args)
            self.marks.append((f"{label} {t - self.t0:.2f}+{time.perf_counter() - t:.3f}", t))

        return timed

    def start(self) -> float:
        self.t0, self.marks = time.perf_counter(), []
        return self.t0

    def mark(self, label: str) -> None:
        t = time.perf_counter()
        self.marks.append((f"{label} {t - self.t0:.2f}", t))

    def report(self) -> str:
        return ", ".join(label for label, _ in sorted(self.marks, key=lambda m: m[1]))


def _parts(parts: dict) -> str:
    return ", ".join(f"{k} {v:.0f}" for k, v in sorted(parts.items(), key=lambda kv: -kv[1]))


def print_memory(trace: list, t_start: float) -> None:
    """The memory read during an open (stderr): the app's and its web engine's, in MB."""
    for t, parts in trace[:: max(1, len(trace) // 40)]:
        app = parts.get("app", 0.0)
        print(
            f"  {t - t_start:6.1f} s: {sum(parts.values()):5.0f} MB, app {app:5.0f}, "
            f"engine {sum(parts.values()) - app:4.0f}",
            file=sys.stderr,
        )


def window_default() -> str:
    from araz.paths import default_dataset

    return str(default_dataset())


if __name__ == "__main__":
    main()
