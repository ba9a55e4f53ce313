"""Build ``seeds/geometries/araz-river.geojson`` from the Natural Earth rivers extract.

Takes the feature(s) named "Aras" from ``ne_10m_rivers_region.geojson`` (Natural Earth
rivers and lake centerlines, 1:10m), merges them into one Feature (a MultiLineString when
there are several parts), rounds coordinates to 5 decimals and writes a FeatureCollection.

Usage (from anywhere)::

    python packaging/build_araz_river.py [NATURALEARTH_DIR] [OUTPUT]

NATURALEARTH_DIR defaults to ``../shared/data/naturalearth`` relative to the repository
root; OUTPUT defaults to ``seeds/geometries/araz-river.geojson`` in the repository.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE_DIR = REPO_ROOT.parent / "shared" / "data" / "naturalearth"
DEFAULT_OUTPUT = REPO_ROOT / "seeds" / "geometries" / "araz-river.geojson"
RIVERS_FILE = "ne_10m_rivers_region.geojson"
SOURCE_NAME = "Aras"


def _round(coords: list, ndigits: int = 5) -> list:
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), ndigits) for c in coords]
    return [_round(c, ndigits) for c in coords]


def _lines(geometry: dict) -> list[list]:
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiLineString":
        return list(geometry["coordinates"])
    raise ValueError(f"unexpected geometry type {geometry['type']!r} for {SOURCE_NAME}")


def build(source_dir: Path) -> dict:
    """Return the FeatureCollection holding the one Araz River feature."""
    data = json.loads((source_dir / RIVERS_FILE).read_text(encoding="utf-8"))
    parts: list[list] = []
    for feature in data["features"]:
        if (feature.get("properties") or {}).get("name") == SOURCE_NAME:
            parts.extend(_lines(feature["geometry"]))
    if not parts:
        raise SystemExit(f"no feature named {SOURCE_NAME!r} in {source_dir / RIVERS_FILE}")
    parts = [_round(line) for line in parts]
    if len(parts) == 1:
        geometry = {"type": "LineString", "coordinates": parts[0]}
    else:
        geometry = {"type": "MultiLineString", "coordinates": parts}
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "name": "Araz River",
                    "source": "Natural Earth ne_10m_rivers_lake_centerlines, name Aras",
                },
                "geometry": geometry,
            }
        ],
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    source_dir = Path(args[0]) if args else DEFAULT_SOURCE_DIR
    output = Path(args[1]) if len(args) > 1 else DEFAULT_OUTPUT
    collection = build(source_dir)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(collection, ensure_ascii=False) + "\n", encoding="utf-8")
    geometry = collection["features"][0]["geometry"]
    print(f"wrote {output} ({geometry['type']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
