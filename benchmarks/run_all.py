"""Run every benchmark, print their figures as one JSON object, and with --readme rewrite
the figures table in README.md (between the `<!-- figures -->` markers)."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCHES = ["startup", "map", "timeline", "load", "export", "scale"]


def run(name: str) -> dict | None:
    script = HERE / f"{name}.py"
    if not script.exists():
        return None
    print(f"running {name}…", file=sys.stderr)
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=1800
    )
    if out.returncode != 0:
        print(out.stderr[-2000:], file=sys.stderr)
        return {"error": f"exit {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def rows(results: dict) -> list[tuple[str, str, str]]:
    """(what, figure, goal) rows for the README table."""

    def get(*keys):
        d = results
        for k in keys:
            if not isinstance(d, dict) or k not in d:
                return None
            d = d[k]
        return d

    out = []

    def add(what, value, unit, goal, scale=1.0, digits=2):
        if value is not None:
            out.append((what, f"{value * scale:.{digits}f} {unit}", goal))

    add(
        "Start-up to map drawn (median of 5)", get("startup", "startup_s", "median"), "s", "≤ 0.8 s"
    )
    add("Map first render", get("map", "first_render_ms"), "ms", "≤ 300 ms", digits=0)
    for n in ("1000", "10000", "100000"):
        add(
            f"Map filter round trip, {int(n):,} events",
            get("map", "show_roundtrip_ms", n),
            "ms",
            "≤ 30 ms at 100k",
            digits=1,
        )
    for n in ("1000", "10000", "100000"):
        frames = get("timeline", "frame_ms", n)
        if frames:
            worst = max(frames.values())
            add(
                f"Timeline frame, {int(n):,} events (worst of out/mid/in)",
                worst,
                "ms",
                "≤ 4 ms",
                digits=2,
            )
    add("ACLED CSV load, 100,000 rows", get("load", "acled_100k_load_s"), "s", "≤ 2 s")
    add("GeoJSON load, 100,000 points", get("load", "geojson_100k_load_s"), "s", "—")
    for key, label, goal in (
        ("png_s", "PNG snapshot", "≤ 0.2 s"),
        ("pdf_s", "PDF", "≤ 0.5 s"),
        ("sheet_s", "Composed sheet", "—"),
        ("html_s", "HTML", "—"),
    ):
        add(f"Export: {label} (bundled data)", get("export", key), "s", goal, digits=3)
    for key, label, goal in (
        ("load_s", "load", "≤ 2 s"),
        ("filter_ms", "filter → views", "≤ 50 ms"),
        ("frame_ms", "timeline frame", "≤ 4 ms"),
        ("peak_rss_mb", "peak memory", "≤ 600 MB"),
    ):
        v = get("scale", key)
        if v is not None:
            unit = {"load_s": "s", "filter_ms": "ms", "frame_ms": "ms", "peak_rss_mb": "MB"}[key]
            add(f"App at 100k events: {label}", v, unit, goal, digits=0 if unit == "MB" else 2)
    return out


def update_readme(results: dict) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- figures -->", "<!-- /figures -->"
    if start not in text or end not in text:
        raise SystemExit("README.md has no <!-- figures --> markers")
    table = ["| measure | latest | goal |", "| --- | --- | --- |"]
    table += [f"| {a} | {b} | {c} |" for a, b, c in rows(results)]
    stamp = f"Measured {date.today().isoformat()} on {platform.machine()}, {platform.system()}, "
    stamp += "2 cores, offscreen (`make bench`)."
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(
        f"{head}{start}\n{stamp}\n\n" + "\n".join(table) + f"\n{end}{tail}", encoding="utf-8"
    )


def main() -> None:
    results = {}
    for name in BENCHES:
        r = run(name)
        if r is not None:
            results[name] = r
    if "--readme" in sys.argv:
        update_readme(results)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
