"""Load benchmark: seconds to read a synthetic 100,000-row ACLED CSV, and the same events
as a GeoJSON FeatureCollection (median of 3 each; the reader alone, no window).

The ACLED read is timed against ``pyarrow.csv.read_csv`` of the same file in the same
run (alternating: Araz, pyarrow, Araz, …): a columnar CSV parser in C++ with threads,
the fastest way to read that file into memory that Python has (pyarrow is in the
``bench`` extra). ``acled_ratio`` is the median of the per-pair ratios.

``--million`` times the ACLED read at 1,000,000 rows as well (about 350 MB of CSV;
a few minutes): ``acled_1m_load_s``, ``pyarrow_1m_read_s``, ``acled_1m_ratio``.

Prints, as its last line, JSON:
``{"acled_100k_load_s": …, "pyarrow_100k_read_s": …, "acled_ratio": …,
"geojson_100k_load_s": …, "rows": 100000}``.
"""

from __future__ import annotations

import argparse
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


def _s(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--million", action="store_true", help="ACLED at 1,000,000 rows too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        acled, arrow, ratio = _paired_acled(write_acled_csv(Path(tmp) / "acled_100k.csv", ROWS))
        figures = {"acled_100k_load_s": acled, "pyarrow_100k_read_s": arrow, "acled_ratio": ratio}
        if args.million:
            big = write_acled_csv(Path(tmp) / "acled_1m.csv", 1_000_000)
            acled, arrow, ratio = _paired_acled(big, 1_000_000)
            big.unlink()
            figures |= {"acled_1m_load_s": acled, "pyarrow_1m_read_s": arrow}
            figures["acled_1m_ratio"] = ratio
        figures["geojson_100k_load_s"] = _median_read(
            write_geojson(Path(tmp) / "events_100k.geojson", ROWS)
        )
    print(json.dumps({**figures, "rows": ROWS}))


if __name__ == "__main__":
    main()
