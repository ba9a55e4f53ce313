"""A snapshot zoomed in shows what the map shows there: the basemap's detail layer
(first-level regions, fetched by the page when a view first reaches zoom 8) is in the
picture, not left out because the picture was taken before it arrived."""

from __future__ import annotations

import pytest
from test_export_colour_by import in_process  # noqa: F401  (a fixture)
from test_export_html import drawn_near, region_points

pytestmark = pytest.mark.gui
SIZE = (1000, 700)
REGION = "#8a7a66"  # map-base-detail.js: region boundaries
KAPAN = (39.2076, 46.4057)


def test_a_snapshot_at_zoom_10_draws_the_regions(tmp_path, in_process):  # noqa: F811
    from PySide6.QtGui import QImage

    from araz.cli import main

    lat, lon = KAPAN
    bbox = (lon - 0.685, lat - 0.2, lon + 0.685, lat + 0.2)  # zoom 10 in 1000 x 700
    out = tmp_path / "kapan.png"
    size = f"{SIZE[0]}x{SIZE[1]}"
    assert (
        main(["snapshot", "-o", str(out), "--bbox", ",".join(map(str, bbox)), "--size", size]) == 0
    )
    image = QImage(str(out))
    assert (image.width(), image.height()) == SIZE
    # clear of the zoom buttons, the caption, the legend and the attribution
    points = [
        (x, y)
        for x, y in region_points(bbox, SIZE)
        if 60 < x < SIZE[0] - 150 and 80 < y < SIZE[1] - 40
    ]
    assert len(points) >= 20, len(points)
    hits = sum(drawn_near(image, x, y, REGION) for x, y in points)
    assert hits >= 0.6 * len(points), (hits, len(points))
