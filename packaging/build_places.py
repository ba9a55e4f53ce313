"""Build the go-to-place list: Natural Earth's populated places in the region.

Reads ``ne_10m_populated_places_region.geojson`` (public domain, 1:10m, from the shared
Natural Earth extracts) and writes ``resources/basemap/places.json``: a list of
``[name, ascii name, lat, lon, population]``, biggest first.  The country is left out on
purpose: the extract's ``adm0name`` is wrong for some towns (Kapan under Azerbaijan).

    python packaging/build_places.py [--source DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# as build_basemap.py: ../shared/data/naturalearth beside the repository, else /work/shared
SOURCE = next(
    (
        d
        for d in (ROOT.parent / "shared" / "data" / "naturalearth",)
        if (d / "ne_10m_populated_places_region.geojson").exists()
    ),
    Path("/work/shared/data/naturalearth"),
)
OUT = ROOT / "resources" / "basemap" / "places.json"
NAME = "ne_10m_populated_places_region.geojson"
# current English usage first, Natural Earth's name kept as the other name to find it by
RENAME = {
    "Kiev": "Kyiv", "Lvov": "Lviv", "Odessa": "Odesa", "Ganca": "Ganja", "Sumqayt": "Sumgait",
    "Yevlax": "Yevlakh", "Gavarr": "Gavar", "Groznyy": "Grozny", "Naltchik": "Nalchik",
}  # fmt: skip


def build(source: Path, out: Path) -> int:
    data = json.loads((source / NAME).read_text(encoding="utf-8"))
    rows = []
    for f in data["features"]:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"][:2]
        name, ascii_name = str(p.get("name") or ""), str(p.get("nameascii") or "")
        if name in RENAME:
            name, ascii_name = RENAME[name], name
        if not name:
            continue
        rows.append(
            [name, ascii_name if ascii_name != name else "", round(lat, 4), round(lon, 4),
             int(p.get("pop_max") or 0)]
        )  # fmt: skip
    rows.sort(key=lambda r: (-r[4], r[0]))
    out.write_text(
        json.dumps(rows, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    print(f"{build(args.source, args.out)} places -> {args.out}")


if __name__ == "__main__":
    main()
