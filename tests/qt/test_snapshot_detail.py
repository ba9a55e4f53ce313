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


def test_a_snapshot_zoomed_in_after_another_waits_for_the_regions(tmp_path, qapp):
    """The same in a renderer that has just drawn the whole dataset far out (the
    basemap's detail not fetched yet), zooming in to the South Caucasus (zoom 8 in
    1600 x 1000): the page draws the view without the regions, then with them once
    fetched, and Qt shows that frame later still.  Two grabs of the frame before agree:
    the picture is taken only once Qt has rendered after the page acknowledged it."""
    from PySide6.QtGui import QImage

    from araz.export import select
    from araz.io import read_path
    from araz.paths import default_dataset
    from araz.qt.export.snapshot import MapRenderer, write_snapshot
    from araz.views.records import map_records

    ds = read_path(default_dataset()).dataset
    records, ids = map_records(ds), select(ds).shown_ids
    size, bbox = (1600, 1000), (44.0, 38.0, 50.5, 42.0)
    renderer = MapRenderer()
    try:
        kw = {"width": size[0], "height": size[1], "records": records}
        write_snapshot(renderer, ds, ids, tmp_path / "far.png", **kw)
        write_snapshot(renderer, ds, ids, tmp_path / "caucasus.png", bounds=bbox, **kw)
    finally:
        renderer.close()
    image = QImage(str(tmp_path / "caucasus.png"))
    points = [
        (x, y)
        for x, y in region_points(bbox, size)
        if 60 < x < size[0] - 150 and 80 < y < size[1] - 40
    ][::10]
    assert len(points) >= 50, len(points)
    hits = sum(drawn_near(image, x, y, REGION) for x, y in points)
    assert hits >= 0.6 * len(points), (hits, len(points))
