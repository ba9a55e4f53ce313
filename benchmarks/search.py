"""Search benchmark: Araz's text search against a bare ``pyarrow.compute`` search of the
same summaries, timed in the same run.

Araz: ``Dataset.search_mask(text)`` warm (the folded copies made by a first search), which
looks in titles, categories, the names (every alias) of the actors and places, and the
summaries.  The reference: ``pyarrow.compute.match_substring(summaries, text,
ignore_case=True)`` over the summaries alone, as one Arrow string array (issue #16's
yardstick).  Runs alternate (Araz, pyarrow, Araz, …), medians of 9 pairs per search; the
searches are a word ("protest"), a place ("tabriz") and an alias search ("Kapan", which
also looks for "Kafan").  Goal: ratio ≤ 1.5 at every size.

``--rows N`` (default 100,000; ``--million`` adds 1,000,000).  Prints, as its last line,
JSON: ``{"100000": {"protest": {"araz_ms": …, "pyarrow_ms": …, "ratio": …}, …}, …}``
and ``worst_ratio`` per size.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "app"))
sys.path.insert(0, str(HERE))

from reference import median_ratio, stats  # noqa: E402
from synth import write_acled_csv  # noqa: E402

SEARCHES = ("protest", "tabriz", "Kapan")
PAIRS = 9


def one_size(rows: int, folder: Path) -> dict:
    import pyarrow as pa
    import pyarrow.compute as pc

    from araz.io import read_path

    path = folder / f"acled_{rows}.csv"
    write_acled_csv(path, rows)
    ds = read_path(path).dataset
    assert ds is not None and len(ds) == rows
    summaries = pa.array(list(ds.events.summary), pa.string())
    out: dict = {}
    for text in SEARCHES:
        ds.search_mask(text)  # warm: the folded copies
        ours, ref = [], []
        for _ in range(PAIRS):
            t0 = time.perf_counter()
            hits = int(ds.search_mask(text).sum())
            ours.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            pc.match_substring(summaries, text, ignore_case=True)
            ref.append((time.perf_counter() - t0) * 1000)
        out[text] = {
            "araz_ms": stats(ours, 2)["median"],
            "pyarrow_ms": stats(ref, 2)["median"],
            "ratio": median_ratio(ours, ref)["median"],
            "events_found": hits,
        }
        print(f"{rows:,} rows, {text!r}: {out[text]}", file=sys.stderr)
    out["worst_ratio"] = max(v["ratio"] for k, v in out.items() if k in SEARCHES)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="also at 1,000,000 rows")
    args = parser.parse_args()
    sizes = [args.rows] + ([1_000_000] if args.million else [])
    with tempfile.TemporaryDirectory() as tmp:
        results = {str(n): one_size(n, Path(tmp)) for n in sizes}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
