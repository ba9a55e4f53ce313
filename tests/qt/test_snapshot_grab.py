"""A snapshot of a changed view is taken at the first render Qt makes after the page drew
it: one grab, no extra frame asked for, and it is the view drawn (a grab of the
renderer's view taken once two grabs a frame apart agree shows the same pixels)."""

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


def test_each_changed_view_is_one_grab_of_what_the_page_drew(qtbot, tmp_path):
    ds = read_path(default_dataset()).dataset
    records, ids = map_records(ds), select(ds).shown_ids
    renderer = MapRenderer()
    try:
        write_snapshot(renderer, ds, ids, tmp_path / "first.png", records=records)
        view = renderer.view(1.0)
        syncs: list[int] = []
        sync = view.sync

        def counted() -> int:
            syncs.append(1)
            return sync()

        view.sync = counted  # type: ignore[method-assign]
        for k, bounds in enumerate(VIEWS[1:] + VIEWS[:1]):
            path = tmp_path / f"view{k}.png"
            write_snapshot(renderer, ds, ids, path, records=records, bounds=bounds)
            assert syncs == [], f"view {k}: {len(syncs)} extra frames asked for"
            exported = pixels(QImage(str(path)))
            view.sync = sync  # type: ignore[method-assign]
            on_screen = pixels(steady_map_grab(qtbot, view))
            view.sync = counted  # type: ignore[method-assign]
            assert exported.shape == on_screen.shape == (1000, 1600, 3)
            assert np.abs(exported - on_screen).max() <= 2, f"view {k} is not the view drawn"
    finally:
        renderer.close()
