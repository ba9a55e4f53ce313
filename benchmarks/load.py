"""Load benchmark: seconds to read a synthetic 100,000-row ACLED CSV, and the same events
as a GeoJSON FeatureCollection (median of 3 each; the reader alone, no window).

The ACLED read is timed against ``pyarrow.csv.read_csv`` of the same file in the same
run (alternating: Araz, pyarrow, Araz, …): a columnar CSV parser in C++ with threads,
the fastest way to read that file into memory that Python has (pyarrow is in the
``bench`` extra). ``acled_ratio`` is the median of the per-pair ratios.

Those reads run with the table cache off.  The re-open figure times, with the cache on
(in a temporary folder), a first open from an empty cache (the read and the writing of
the cache file, as a user's first open) and the re-open of the same file that follows
(memory-mapped from the cache, to the dataset ready), alternating: ``reopen_100k_first_s``,
``reopen_100k_s`` and ``reopen_100k_ratio`` (the median of the per-pair ratios; goal
≤ 0.1).

``dataset_bytes_per_event``: what a fresh read of the 100,000-row ACLED file keeps,
per event: every Python object and numpy array it leaves alive (``tracemalloc``, after
a collection; numpy reports its buffers to it) plus what pyarrow's memory pool still
holds (``pyarrow.total_allocated_bytes``), measured after a first read has loaded the
modules.

``--million`` times the ACLED read at 1,000,000 rows as well (about 350 MB of CSV;
a few minutes): ``acled_1m_load_s``, ``pyarrow_1m_read_s``, ``acled_1m_ratio``, the
re-open: ``reopen_1m_first_s``, ``reopen_1m_s``, ``reopen_1m_ratio``, and the dataset's
memory: ``dataset_1m_bytes_per_event``, what a fresh process holds more once the file is
read (resident memory after the read and a heap trim, minus before it, over the rows:
the events, their places and actors, and what the reader leaves).

The read is the dataset ready for the views (``read_path``: the reader, then the
views' arrays of dates and places it checks); the table cache's write is not in it,
and is in the first open of the re-open figures (as in a user's first open).

Prints, as its last line, JSON:
``{"acled_100k_load_s": …, "pyarrow_100k_read_s": …, "acled_ratio": …,
"reopen_100k_first_s": …, "reopen_100k_s": …, "reopen_100k_ratio": …,
"dataset_bytes_per_event": …, "geojson_100k_load_s": …, "rows": 100000}``.
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
sys.path.insert(0, str(HERE.parent / "app"))
sys.path.insert(0, str(HERE))

from araz.io import read_path, table_cache  # noqa: E402
from synth import write_acled_csv, write_geojson  # noqa: E402

ROWS = 100_000
RUNS = 3
SMALL_ACLED = HERE.parent / "tests" / "data" / "readers" / "acled_current.csv"


def _median_read(path: Path) -> float:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        result = read_path(path)
        times.append(time.perf_counter() - t0)
        assert result.dataset is not None and len(result.dataset) == ROWS, result.problems[:3]
    size = path.stat().st_size / 1e6
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(f"{path.name}: {ROWS} rows, {size:.1f} MB: {runs} s")
    return round(statistics.median(times), 3)


def _paired_acled(path: Path, rows: int = ROWS) -> tuple[float, float, float]:
    """Alternating reads by Araz and by pyarrow: medians (s) and the median ratio."""
    try:
        from pyarrow import csv as pacsv
    except ImportError:
        raise SystemExit(
            "load.py needs pyarrow (the reference it is timed against): "
            "pip install -e '.[bench]', or `make bench`"
        ) from None
    ours, ref = [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        result = read_path(path)
        ours.append(time.perf_counter() - t0)
        assert result.dataset is not None and len(result.dataset) == rows, result.problems[:3]
        del result
        t0 = time.perf_counter()
        table = pacsv.read_csv(path)
        ref.append(time.perf_counter() - t0)
        assert table.num_rows == rows
        del table
    print(f"{path.name}: araz {_s(ours)} s, pyarrow {_s(ref)} s")
    ratio = statistics.median(a / b for a, b in zip(ours, ref, strict=True))
    return round(statistics.median(ours), 3), round(statistics.median(ref), 3), round(ratio, 2)


def _reopen(path: Path, rows: int, cache: Path) -> tuple[float, float, float]:
    """First open from an empty cache, then the re-open from it, alternating: medians
    (s) and the median ratio re-open / first open."""
    os.environ["XDG_CACHE_HOME"] = str(cache)
    os.environ["ARAZ_TABLE_CACHE"] = "on"
    first, again = [], []
    try:
        for _ in range(RUNS):
            table_cache.clear()
            t0 = time.perf_counter()
            result = read_path(path)
            first.append(time.perf_counter() - t0)
            assert result.dataset is not None and len(result.dataset) == rows
            assert "cache" not in result.timings and table_cache.usage() > 0
            del result
            t0 = time.perf_counter()
            result = read_path(path)
            again.append(time.perf_counter() - t0)
            assert result.dataset is not None and len(result.dataset) == rows
            assert "cache" in result.timings, "the re-open did not come from the cache"
            del result
    finally:
        os.environ["ARAZ_TABLE_CACHE"] = "off"
    size = table_cache.usage() / 1e6
    print(f"{path.name}: first open {_s(first)} s, re-open {_s(again)} s ({size:.0f} MB cached)")
    ratio = statistics.median(b / a for a, b in zip(first, again, strict=True))
    return round(statistics.median(first), 3), round(statistics.median(again), 3), round(ratio, 3)


def _dataset_bytes(path: Path, rows: int) -> float:
    """Bytes a fresh read keeps per event: Python objects and numpy arrays (tracemalloc)
    and pyarrow's pool, counted after a first read (the modules, the pool chosen)."""
    import gc
    import tracemalloc

    import pyarrow as pa

    read_path(path)
    gc.collect()
    pool = pa.total_allocated_bytes()
    tracemalloc.start()
    result = read_path(path)
    gc.collect()
    python, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    arrow = pa.total_allocated_bytes() - pool
    assert result.dataset is not None and len(result.dataset) == rows
    per = (python + arrow) / rows
    print(f"{path.name}: the dataset keeps {python / 1e6:.1f} MB of Python objects and numpy")
    print(f"  arrays and {arrow / 1e6:.1f} MB in pyarrow's pool: {per:.0f} bytes an event")
    return round(per)


_HELD = """
import gc, os, sys
os.environ["ARAZ_TABLE_CACHE"] = "off"
from araz import heap
from araz.io import read_path
import pyarrow.csv, pyarrow.compute  # their code is not the dataset
def resident():
    gc.collect(); heap.trim()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
read_path(sys.argv[2])  # a small export first: the reader's own code loaded
before = resident()
result = read_path(sys.argv[1])
print((resident() - before) / len(result.dataset))
"""


def _held_per_event(path: Path) -> float:
    """Bytes a fresh process holds more once ``path`` is read, per event (Linux)."""
    app = str(HERE.parent / "app")
    out = subprocess.run(
        [sys.executable, "-c", _HELD, str(path), str(SMALL_ACLED)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": app},
    )
    return round(float(out.stdout.split()[-1]))


def _s(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--million", action="store_true", help="ACLED at 1,000,000 rows too")
    args = parser.parse_args()
    os.environ["ARAZ_TABLE_CACHE"] = "off"  # every read reads the file, but in _reopen
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        small = write_acled_csv(Path(tmp) / "acled_100k.csv", ROWS)
        acled, arrow, ratio = _paired_acled(small)
        figures = {"acled_100k_load_s": acled, "pyarrow_100k_read_s": arrow, "acled_ratio": ratio}
        first, again, ratio = _reopen(small, ROWS, cache)
        figures |= {"reopen_100k_first_s": first, "reopen_100k_s": again}
        figures["reopen_100k_ratio"] = ratio
        figures["dataset_bytes_per_event"] = _dataset_bytes(small, ROWS)
        if args.million:
            big = write_acled_csv(Path(tmp) / "acled_1m.csv", 1_000_000)
            acled, arrow, ratio = _paired_acled(big, 1_000_000)
            figures |= {"acled_1m_load_s": acled, "pyarrow_1m_read_s": arrow}
            figures["acled_1m_ratio"] = ratio
            first, again, ratio = _reopen(big, 1_000_000, cache)
            figures |= {"reopen_1m_first_s": first, "reopen_1m_s": again}
            figures["reopen_1m_ratio"] = ratio
            figures["dataset_1m_bytes_per_event"] = _held_per_event(big)
            big.unlink()
            table_cache.clear()
        figures["geojson_100k_load_s"] = _median_read(
            write_geojson(Path(tmp) / "events_100k.geojson", ROWS)
        )
    print(json.dumps({**figures, "rows": ROWS}))


if __name__ == "__main__":
    main()
