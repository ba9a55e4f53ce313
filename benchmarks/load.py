"""Load benchmark: seconds to read a synthetic 100,000-row ACLED CSV, and the same events
as a GeoJSON FeatureCollection (median of 3 each; the reader alone, no window).

The ACLED read is timed against ``pyarrow.csv.read_csv`` of the same file in the same
run (alternating: Araz, pyarrow, Araz, …): a columnar CSV parser in C++ with threads,
the fastest way to read that file into memory that Python has (pyarrow is in the
``bench`` extra). ``acled_ratio`` is the median of the per-pair ratios.

Prints, as its last line, JSON:
``{"acled_100k_load_s": …, "pyarrow_100k_read_s": …, "acled_ratio": …,
"geojson_100k_load_s": …, "rows": 100000}``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "app"))
sys.path.insert(0, str(HERE))

from araz.io import read_path  # noqa: E402
from synth import write_acled_csv, write_geojson  # noqa: E402

ROWS = 100_000
RUNS = 3


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


def _paired_acled(path: Path) -> tuple[float, float, float]:
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
        assert result.dataset is not None and len(result.dataset) == ROWS, result.problems[:3]
        del result
        t0 = time.perf_counter()
        table = pacsv.read_csv(path)
        ref.append(time.perf_counter() - t0)
        assert table.num_rows == ROWS
        del table
    print(f"{path.name}: araz {ours} s, pyarrow {ref} s")
    ratio = statistics.median(a / b for a, b in zip(ours, ref, strict=True))
    return round(statistics.median(ours), 3), round(statistics.median(ref), 3), round(ratio, 2)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        acled, arrow, ratio = _paired_acled(write_acled_csv(Path(tmp) / "acled_100k.csv", ROWS))
        geojson = _median_read(write_geojson(Path(tmp) / "events_100k.geojson", ROWS))
    print(
        json.dumps(
            {
                "acled_100k_load_s": acled,
                "pyarrow_100k_read_s": arrow,
                "acled_ratio": ratio,
                "geojson_100k_load_s": geojson,
                "rows": ROWS,
            }
        )
    )


if __name__ == "__main__":
    main()
