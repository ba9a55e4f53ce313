"""Build the coarse world layer drawn outside the regional basemap's box.

The regional Natural Earth extracts (../shared/data/naturalearth) cover lon 24–76,
lat 20–60 only; data from elsewhere (a TimelineJS story about Missouri, an ACLED export
of the Sahel) would otherwise sit on a blank background.  Natural Earth's 1:110m
countries (public domain) come with the geopandas 0.14 wheel on PyPI
(``geopandas/datasets/naturalearth_lowres``); this script downloads that wheel once,
cuts the regional box out of the countries (the detailed basemap draws there), simplifies
them and writes ``resources/basemap/world.js``: ``window.ARAZ_WORLD_JSON = "..."``, the JSON
text of ``{"fills": FeatureCollection, "lines": FeatureCollection}``.  The page parses that
text only when its view first reaches beyond the regional box: a start on the Caucasus
pays nothing for it.

    python packaging/build_world.py [--wheel PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "basemap" / "world.js"
BOX = (24.0, 20.0, 76.0, 60.0)  # the regional extracts' box (west, south, east, north)
WHEEL = "geopandas==0.14.4"
MEMBERS = "geopandas/datasets/naturalearth_lowres/"


def fetch_wheel(folder: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", WHEEL, "-d", str(folder)],
        check=True,
    )
    return next(folder.glob("geopandas-*.whl"))


def build(wheel: Path, out: Path) -> int:
    import geopandas as gpd
    from shapely.geometry import box, mapping

    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(wheel) as z:
            for name in z.namelist():
                if name.startswith(MEMBERS):
                    z.extract(name, tmp)
        world = gpd.read_file(Path(tmp) / MEMBERS / "naturalearth_lowres.shp")
    world = world[world["name"] != "Antarctica"]
    cut = box(*BOX)
    edge = cut.boundary.buffer(0.01)  # the cut, give or take simplification
    fills, lines = [], []
    for name, geom in sorted(zip(world["name"], world.geometry, strict=True), key=lambda t: t[0]):
        outside = geom.difference(cut).simplify(0.05, preserve_topology=True)
        if outside.is_empty:
            continue
        fills.append(
            {"type": "Feature", "properties": {"name": name}, "geometry": mapping(outside)}
        )
        # the country's own outline (coast and borders), without the cut along the box
        outline = outside.boundary.difference(edge)
        if not outline.is_empty:
            lines.append(
                {"type": "Feature", "properties": {"name": name}, "geometry": mapping(outline)}
            )
    data = {
        "fills": {"type": "FeatureCollection", "features": fills},
        "lines": {"type": "FeatureCollection", "features": lines},
    }
    return write(data, out)


def write(data: dict, out: Path) -> int:
    """Write the layer as the script the page loads; its size in bytes."""
    text = json.dumps(data, separators=(",", ":"))
    # round coordinates to 2 decimals (about 1 km): plenty at the zooms this layer is seen
    data = json.loads(text, parse_float=lambda s: round(float(s), 2))
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=True)
    out.write_text(
        "/* Natural Earth 1:110m countries outside the regional box (public domain; "
        "Made with Natural Earth). Built by packaging/build_world.py. */\n"
        f"window.ARAZ_WORLD_JSON = {json.dumps(text)};\n",
        encoding="utf-8",
    )
    return out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="a geopandas 0.14 wheel already on disk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        size = build(wheel, OUT)
    print(f"{OUT.relative_to(ROOT)}: {size:,} bytes")


if __name__ == "__main__":
    main()
