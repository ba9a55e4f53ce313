"""The bands of the basemap as binary files the map page reads without parsing.

``basemap.js`` carries each band's layers as one JSON text; the page shows the regional
band at once, and ``JSON.parse`` of its half megabyte, then the Web Mercator metres of its
31,000 vertices worked out one ``[lon, lat]`` array at a time, were a tenth of the map's
first render.  ``regional.bin`` holds the same band as typed data: the app's page fetches
it while its scripts load and reads it through typed-array views
(``resources/web/map-base-binary.js``).  ``close.bin`` is the close band (zoom 8 and
more) the same way: the page fetches it only the first time a view needs it, so the
start's scripts do not carry its 214 KB of JSON text.  The static HTML export, which
cannot fetch, and the notebook maps still read ``basemap.js``.

Layout (little-endian)::

    bytes 0-3    b"ARZB"
    uint32       format version (1)
    uint32       n: length of the index, bytes (a multiple of 4)
    n bytes      the index, UTF-8 JSON padded with spaces:
                 {"name", "minZoom", "maxZoom", "digits", "vertices",
                  "layers": {layer: [[properties, type, counts], ...]}}
    int32 pairs  every vertex as round(lon * 10**digits), round(lat * 10**digits), in
                 the order of the features, their polygons, rings and points

``counts`` is the geometry's shape in vertices: a LineString's count, a Polygon's or a
MultiLineString's list of ring counts, a MultiPolygon's list of those lists.  The
coordinates are the JSON text's decimals exactly: ``int / 10**digits`` is the same double
as the decimal read from the text (both are its correctly rounded value), which
:func:`encode` checks for every vertex.

``start.js`` is ``basemap.js`` without its bands' JSON texts (each band's ``"binary"``
names its file instead) and without the labels, which ``labels.js`` holds
(``window.ARAZ_BASEMAP_LABELS``): the scripts the app's page loads
(``resources/web/map.html``; the labels in its first bundle, made and measured while the
rest loads), a twentieth of ``basemap.js``'s size.  The page reads a band's text from
``basemap.js`` only when it cannot read the band's file.

``python packaging/basemap_binary.py`` writes ``resources/basemap/regional.bin``,
``close.bin``, ``start.js`` and ``labels.js`` from ``resources/basemap/basemap.js``
(``build_basemap.py`` does it too, after writing that).
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

MAGIC = b"ARZB"
FORMAT = 1
NAME = "regional.bin"
# each band's file and the decimals of its coordinates (build_basemap.py's bands')
FILES = {"regional": NAME, "close": "close.bin"}
DIGITS = {"regional": 3, "close": 5}
START = "start.js"
PREFIX = "window.ARAZ_BASEMAP = "
LABELS = "labels.js"
LABELS_PREFIX = "window.ARAZ_BASEMAP_LABELS = "
LAYERS = ("countries", "borders", "rivers", "lakes")
_SHAPE_DEPTH = {"LineString": 0, "MultiLineString": 1, "Polygon": 1, "MultiPolygon": 2}

OUTPUT_DIR = Path(__file__).resolve().parent.parent / "resources" / "basemap"


def _counts(coords, depth: int, out: list[int]):
    """The geometry's counts (see the module docstring); its vertices appended to out."""
    if depth == 0:
        for lon, lat in coords:
            out.extend((lon, lat))
        return len(coords)
    return [_counts(part, depth - 1, out) for part in coords]


def encode(band: dict, digits: int) -> bytes:
    """``band`` ({"name", "minZoom", "maxZoom", and the four layers as GeoJSON}) as the
    binary file.  Raises ValueError if a coordinate has more than ``digits`` decimals."""
    scale = 10**digits
    flat: list[float] = []
    layers: dict[str, list] = {}
    for layer in LAYERS:
        rows = []
        for feature in band[layer]["features"]:
            geometry = feature["geometry"]
            kind = geometry["type"]
            counts = _counts(geometry["coordinates"], _SHAPE_DEPTH[kind], flat)
            rows.append([feature.get("properties") or {}, kind, counts])
        layers[layer] = rows
    ints = [round(v * scale) for v in flat]
    for value, n in zip(flat, ints, strict=True):
        if n / scale != value or not -(2**31) <= n < 2**31:
            raise ValueError(f"coordinate {value!r} is not a {digits}-decimal number")
    index = {
        "name": band["name"],
        "minZoom": band["minZoom"],
        "maxZoom": band["maxZoom"],
        "digits": digits,
        "vertices": len(ints) // 2,
        "layers": layers,
    }
    text = json.dumps(index, ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode()
    text += b" " * (-len(text) % 4)
    head = MAGIC + struct.pack("<II", FORMAT, len(text))
    return head + text + struct.pack(f"<{len(ints)}i", *ints)


def _shape(counts, depth: int, coords: list, at: list[int]):
    if depth == 0:
        start = at[0]
        at[0] += counts
        return coords[start : start + counts]
    return [_shape(part, depth - 1, coords, at) for part in counts]


def decode(data: bytes) -> dict:
    """The band back as GeoJSON layers (the page's reading, in Python, for tests and tools)."""
    if data[:4] != MAGIC:
        raise ValueError("not an Araz basemap band")
    version, length = struct.unpack_from("<II", data, 4)
    if version != FORMAT:
        raise ValueError(f"basemap band format {version}, expected {FORMAT}")
    index = json.loads(data[12 : 12 + length])
    scale = 10 ** index["digits"]
    n = index["vertices"]
    ints = struct.unpack_from(f"<{2 * n}i", data, 12 + length)
    coords = [[ints[2 * i] / scale, ints[2 * i + 1] / scale] for i in range(n)]
    band = {key: index[key] for key in ("name", "minZoom", "maxZoom")}
    at = [0]
    for layer, rows in index["layers"].items():
        band[layer] = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": properties,
                    "geometry": {
                        "type": kind,
                        "coordinates": _shape(counts, _SHAPE_DEPTH[kind], coords, at),
                    },
                }
                for properties, kind, counts in rows
            ],
        }
    if at[0] != n:
        raise ValueError("basemap band: the index does not account for every vertex")
    return band


def band_from_basemap_js(text: str, name: str) -> dict:
    """The band ``name`` of ``basemap.js``'s text, its layers parsed."""
    start = text.index("=") + 1
    basemap = json.loads(text[start:].strip().rstrip(";"))
    bands = [b for b in basemap["bands"] if b["name"] == name]
    if not bands:
        raise ValueError(f"basemap.js: no {name} band")
    band = bands[0]
    layers = json.loads(band["json"]) if "json" in band else {k: band[k] for k in LAYERS}
    return {**{k: band[k] for k in ("name", "minZoom", "maxZoom")}, **layers}


def regional_from_basemap_js(text: str) -> dict:
    """The regional band of ``basemap.js``'s text, its layers parsed."""
    return band_from_basemap_js(text, "regional")


def _script(prefix: str, value) -> str:
    body = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return f"{prefix}{body};\n"


def start_js(text: str) -> tuple[str, str]:
    """``start.js`` and ``labels.js`` (see the module docstring) made from
    ``basemap.js``'s text."""
    start = text.index("=") + 1
    basemap = json.loads(text[start:].strip().rstrip(";"))
    if [b["name"] for b in basemap["bands"]] != list(FILES):
        raise ValueError(f"basemap.js: the bands are not {list(FILES)}")
    for band in basemap["bands"]:
        if "json" not in band:
            raise ValueError(f"basemap.js: the {band['name']} band is not JSON text")
        del band["json"]
        band["binary"] = FILES[band["name"]]
    labels = basemap.pop("labels")
    return _script(PREFIX, basemap), _script(LABELS_PREFIX, labels)


def write(output_dir: Path = OUTPUT_DIR) -> list[Path]:
    """From the folder's ``basemap.js``: each band's binary file (:data:`FILES`),
    ``start.js`` and ``labels.js``; the paths written."""
    basemap_js = (output_dir / "basemap.js").read_text(encoding="utf-8")
    written = []
    for band_name, file_name in FILES.items():
        path = output_dir / file_name
        band = band_from_basemap_js(basemap_js, band_name)
        path.write_bytes(encode(band, DIGITS[band_name]))
        written.append(path)
    for name, text in zip((START, LABELS), start_js(basemap_js), strict=True):
        (output_dir / name).write_text(text, encoding="utf-8", newline="\n")
        written.append(output_dir / name)
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else OUTPUT_DIR
    for written in write(folder):
        print(f"{written}: {written.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
