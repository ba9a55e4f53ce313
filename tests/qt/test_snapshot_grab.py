"""A snapshot of a changed view is the view the page drew: Qt's first render after the
page acknowledged the drawing may still show an older frame of Chromium's (the markers
in place, the basemap's regions at zoom 8 not yet), so the picture is the one two grabs
agree on; it equals a grab of the renderer's view taken once it is steady. Each view
is exported twice over (the race showed about one time in two with a single grab)."""

from __future__ import annotations

import numpy as np
import pytest
from export_support import pixels
from map_support import steady_map_grab
from PySide6.QtGui import QImage

from araz.export import select
from araz.io import read_path
from araz.paths import default_dataset
from araz.qt.export.snapshot import MapRenderer, write_snapshot
from araz.views.records import map_records

pytestmark = pytest.mark.gui
VIEWS = [None, (44.0, 38.0, 50.5, 42.0), (45.0, 39.0, 47.5, 41.0)]  # all shown; regions


def test_each_changed_view_is_the_view_the_page_drew(qtbot, tmp_path):
    ds = read_path(default_dataset()).dataset
    records, ids = map_records(ds), select(ds).shown_ids
    for attempt in range(2):  # a fresh renderer each time: the regions not fetched yet
        renderer = MapRenderer()
        try:
            write_snapshot(renderer, ds, ids, tmp_path / "first.png", records=records)
            view = renderer.view(1.0)
            for k, bounds in enumerate(VIEWS[1:] + VIEWS[:1]):
                path = tmp_path / f"view{attempt}{k}.png"
                write_snapshot(renderer, ds, ids, path, records=records, bounds=bounds)
                exported = pixels(QImage(str(path)))
                on_screen = pixels(steady_map_grab(qtbot, view))
                assert exported.shape == on_screen.shape == (1000, 1600, 3)
                diff = np.abs(exported - on_screen).max()
                assert diff <= 2, f"attempt {attempt}, view {k} is not the view drawn"
        finally:
            renderer.close()
