"""Run every benchmark, print their figures as one JSON object, and with --readme rewrite
the figures table in README.md (between the `<!-- figures -->` markers): for each
figure, Araz's, its reference's (timed in the same benchmark run), their ratio and the
goal.

``run_all.py [--readme] [NAME ...]``: only the named benchmarks (startup, map, …); the
others keep their figures from the last run (``benchmarks/.last_results.json``);
``--million`` also times the reading at 1,000,000 rows (``load.py --million``) and the
app's window at 1,000,000 events (``scale.py --rows 1000000``, ``scale1m``): minutes.
Each benchmark runs this checkout's ``app/`` (PYTHONPATH), not an installed araz.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCHES = ["startup", "map", "timeline", "load", "search", "export", "scale"]


def run(name: str, million: bool = False) -> dict | None:
    # scale1m: the app's window at 1,000,000 events (scale.py --rows 1000000, minutes)
    args = ["--rows", "1000000"] if name == "scale1m" else ["--million"] if million else []
    script = HERE / f"{'scale' if name == 'scale1m' else name}.py"
    if not script.exists():
        return None
    print(f"running {name}…", file=sys.stderr)
    sys.path.insert(0, str(HERE))
    from reference import child_env

    out = subprocess.run(
        # --million: the reading figures at 1,000,000 rows too (minutes)
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        timeout=1800,
        env=child_env(),  # this checkout's araz, whatever the interpreter has installed
    )
    if out.returncode != 0:
        print(out.stderr[-2000:], file=sys.stderr)
        return {"error": f"exit {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


Row = tuple[str, str, str, str, str]  # measure, Araz, reference, ratio, goal


def rows(results: dict) -> list[Row]:
    """(measure, Araz, reference, ratio, goal) rows for the README table."""

    def get(*keys):
        d = results
        for k in keys:
            if not isinstance(d, dict) or k not in d:
                return None
            d = d[k]
        return d

    def fmt(value, unit: str, digits: int) -> str:
        return "—" if value is None else f"{value:,.{digits}f} {unit}".strip()

    out: list[Row] = []

    def add(what, ours, ref, ratio, goal, unit, digits=2, ref_name=""):
        if ours is None:
            return
        reference = "—" if ref is None else f"{fmt(ref, unit, digits)}{ref_name}"
        shown = "—" if ratio is None else f"{ratio:.2f}"
        out.append((what, fmt(ours, unit, digits), reference, shown, goal))

    add(
        "Start-up, whole process, `araz --screenshot` (median of 5 pairs)",
        get("startup", "startup_s", "median"),
        get("startup", "floor_s", "median"),
        get("startup", "ratio", "median"),
        "≤ 2.0",
        "s",
        ref_name=" (bare window)",
    )
    add(
        "Map first render",
        get("map", "first_render_ms"),
        get("map", "blank_load_ms"),
        get("map", "first_render_ratio"),
        "≤ 2.0",
        "ms",
        0,
        " (blank page load)",
    )
    for n in ("1000", "10000", "100000"):
        add(
            f"Map filter round trip, {int(n):,} events",
            get("map", "show_roundtrip_ms", n),
            get("map", "floor_ms_per_size", n),
            get("map", "show_ratio", n),
            "≤ 1.5" if n == "100000" else "—",
            "ms",
            1,
            " (engine floor)",
        )
    for mode, name in (("hex", "hexagon bins"), ("heat", "heatmap")):
        ours, ratio = (
            get("map", "density_roundtrip_ms", mode),
            get("map", "density_roundtrip_ms", f"{mode}_ratio"),
        )
        add(
            f"Map filter round trip, 100,000 events drawn as {name}",
            ours,
            ours / ratio if ours is not None and ratio else None,
            ratio,
            "≤ 1.5",
            "ms",
            1,
            " (engine floor)",
        )
    for n in ("1000", "10000", "100000"):
        frames = get("timeline", "frame_ms", n)
        add(
            f"Timeline frame, {int(n):,} events (worst of out/mid/in)",
            max(frames.values()) if frames else None,
            get("timeline", "peer_frame_ms", n),
            get("timeline", "ratio", n),
            "≤ 1.0",
            "ms",
            2,
            " (pyqtgraph)",
        )
    for n in ("1000", "10000", "100000"):
        frames = get("timeline", "pan_frame_ms", n)
        add(
            f"Timeline pan frame, {int(n):,} events (worst of out/mid/in)",
            max(frames.values()) if frames else None,
            max(get("timeline", "peer_pan_frame_ms", n).values())
            if get("timeline", "peer_pan_frame_ms", n)
            else None,
            get("timeline", "pan_ratio", n),
            "—",
            "ms",
            2,
            " (pyqtgraph, same pan)",
        )
    add(
        "ACLED CSV load, 100,000 rows (file → dataset, no cache write)",
        get("load", "acled_100k_load_s"),
        get("load", "pyarrow_100k_read_s"),
        get("load", "acled_ratio"),
        "≤ 2.0",
        "s",
        2,
        " (pyarrow.csv)",
    )
    add(
        "ACLED CSV re-open from the table cache, 100,000 rows",
        get("load", "reopen_100k_s"),
        get("load", "reopen_100k_first_s"),
        get("load", "reopen_100k_ratio"),
        "≤ 0.1 (at 1M)",
        "s",
        2,
        " (first open)",
    )
    add(
        "ACLED CSV load, 1,000,000 rows (file → dataset, no cache write)",
        get("load", "acled_1m_load_s"),
        get("load", "pyarrow_1m_read_s"),
        get("load", "acled_1m_ratio"),
        "≤ 2.0",
        "s",
        2,
        " (pyarrow.csv)",
    )
    add(
        "ACLED CSV re-open from the table cache, 1,000,000 rows",
        get("load", "reopen_1m_s"),
        get("load", "reopen_1m_first_s"),
        get("load", "reopen_1m_ratio"),
        "≤ 0.1",
        "s",
        2,
        " (first open)",
    )
    add(
        "Dataset memory, 100,000 ACLED rows (bytes per event)",
        get("load", "dataset_bytes_per_event"),
        None,
        None,
        "≤ 200",
        "B",
        0,
    )
    add(
        "Dataset memory, 1,000,000 ACLED rows (bytes per event, resident)",
        get("load", "dataset_1m_bytes_per_event"),
        None,
        None,
        "≤ 200",
        "B",
        0,
    )
    for text in ("protest", "tabriz", "Kapan"):
        add(
            f"Search {text!r} (warm), 100,000 events"
            + (" (alias: also Kafan)" if text == "Kapan" else ""),
            get("search", "100000", text, "araz_ms"),
            get("search", "100000", text, "pyarrow_ms"),
            get("search", "100000", text, "ratio"),
            "≤ 1.5",
            "ms",
            1,
            " (pyarrow match_substring, summaries only)",
        )
    add("GeoJSON load, 100,000 points", get("load", "geojson_100k_load_s"), None, None, "—", "s")
    add(
        "Export: PNG snapshot of a changed view (bundled data)",
        get("export", "png_s"),
        get("export", "png_ref_s"),
        get("export", "png_ratio"),
        "≤ 1.5",
        "s",
        3,
        " (grab + PNG encode)",
    )
    add(
        "Export: PNG again, the view already drawn (bundled data)",
        get("export", "png_repeat_s"),
        get("export", "png_ref_s"),
        None
        if get("export", "png_repeat_s") is None or not get("export", "png_ref_s")
        else get("export", "png_repeat_s") / get("export", "png_ref_s"),
        "—",
        "s",
        3,
        " (grab + PNG encode)",
    )
    add(
        "Export: PDF (bundled data)",
        get("export", "pdf_s"),
        get("export", "pdf_ref_s"),
        get("export", "pdf_ratio"),
        "≤ 1.5",
        "s",
        3,
        " (printToPdf of a same-size page holding the map's picture)",
    )
    add("Export: Composed sheet (bundled data)", get("export", "sheet_s"), None, None, "—", "s", 3)
    add("Export: HTML (bundled data)", get("export", "html_s"), None, None, "—", "s", 3)
    add(
        "App at 100k events: load to drawn (first open, cache written)",
        get("scale", "load_s"),
        get("scale", "pyarrow_s"),
        get("scale", "load_ratio"),
        "≤ 3.0 (at 1M)",
        "s",
        2,
        " (pyarrow.csv parse)",
    )
    add(
        "App at 100k events: re-open from the cache, to drawn",
        get("scale", "reopen_s"),
        get("scale", "load_s"),
        get("scale", "reopen_ratio"),
        "≤ 0.1 (at 1M)",
        "s",
        2,
        " (first open)",
    )
    add(
        "App at 100k events: filter → views",
        get("scale", "filter_ms"),
        get("scale", "floor_ms"),
        get("scale", "filter_ratio"),
        "—",
        "ms",
        1,
        " (engine floor)",
    )
    add("App at 100k events: timeline frame", get("scale", "frame_ms"), None, None, "—", "ms")
    add(
        "App at 100k events: peak memory over the bundled story's",
        get("scale", "over_baseline_mb"),
        get("scale", "baseline_mb"),
        None,
        "≤ +400 MB (at 1M)",
        "MB",
        0,
        " (bundled story)",
    )
    # --million: the same window at 1,000,000 events (scale.py --rows 1000000)
    add(
        "App at 1M events: load to drawn (first open, cache written)",
        get("scale1m", "load_s"),
        get("scale1m", "pyarrow_s"),
        get("scale1m", "load_ratio"),
        "≤ 3.0",
        "s",
        2,
        " (pyarrow.csv parse)",
    )
    add(
        "App at 1M events: re-open from the cache, to drawn",
        get("scale1m", "reopen_s"),
        get("scale1m", "load_s"),
        get("scale1m", "reopen_ratio"),
        "≤ 0.1",
        "s",
        2,
        " (first open)",
    )
    add(
        "App at 1M events: filter → map and timeline redrawn",
        get("scale1m", "filter_ms"),
        get("scale1m", "floor_ms"),
        get("scale1m", "filter_ratio"),
        "≤ 4",
        "ms",
        1,
        " (engine floor)",
    )
    add(
        "App at 1M events: timeline frame (zoomed out)",
        get("scale1m", "frame_ms"),
        get("scale1m", "frame_100k_ms"),
        get("scale1m", "frame_ratio"),
        "≤ 2.0",
        "ms",
        2,
        " (its frame at 100k)",
    )
    add(
        "App at 1M events: peak memory over the bundled story's",
        get("scale1m", "over_baseline_mb"),
        get("scale1m", "baseline_mb"),
        None,
        "≤ +400 MB",
        "MB",
        0,
        " (bundled story)",
    )
    return out


def update_readme(results: dict) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- figures -->", "<!-- /figures -->"
    if start not in text or end not in text:
        raise SystemExit("README.md has no <!-- figures --> markers")
    table = ["| measure | Araz | reference | ratio | goal |", "| --- | --- | --- | --- | --- |"]
    table += ["| " + " | ".join(row) + " |" for row in rows(results)]
    failed = [name for name, r in results.items() if "error" in r]
    stamp = f"Measured {date.today().isoformat()} on {platform.machine()}, {platform.system()}, "
    stamp += f"{os.cpu_count()} cores, offscreen (`make bench`); every reference timed in the "
    stamp += "same run as Araz's figure, alternating with it."
    if failed:
        stamp += f" Not run this time: {', '.join(failed)}."
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(
        f"{head}{start}\n{stamp}\n\n" + "\n".join(table) + f"\n{end}{tail}", encoding="utf-8"
    )


def main() -> None:
    results = {}
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    previous = ROOT / "benchmarks" / ".last_results.json"
    if only and previous.exists():  # re-run some, keep the others' last figures
        results = json.loads(previous.read_text(encoding="utf-8"))
    million = "--million" in sys.argv
    for name in only or [*BENCHES, *(["scale1m"] if million else [])]:
        r = run(name, million=name == "load" and million)
        if r is not None:
            results[name] = r
    previous.write_text(json.dumps(results), encoding="utf-8")
    if "--readme" in sys.argv:
        update_readme(results)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
