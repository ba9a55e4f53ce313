"""The heatmap after filter changes (it keeps its grids and pixels between draws): a
change draws the shown events alone — the heat where events were hidden goes, and it
comes back as it was when they are shown again."""

from __future__ import annotations

import numpy as np
import pytest
from map_support import open_map_view, settle_map
from page_support import read_page_json
from test_map_density import grab, many

from araz.qt.map.page_json import of_type

pytestmark = pytest.mark.gui
TIMEOUT = 30_000


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot)


def box(image: np.ndarray, x: float, y: float, r: int = 12) -> np.ndarray:
    """The pixels within r px of (x, y)."""
    cx, cy = round(x), round(y)
    return image[cy - r : cy + r + 1, cx - r : cx + r + 1]


def test_heatmap_follows_each_filter_change_and_comes_back_the_same(qtbot, map_view):
    events = many(3000)
    north = np.array([e["lat"] > 40.7 for e in events])  # the Tavush and Gazakh hubs
    assert 300 < north.sum() < 1500
    map_view.set_events(events)
    map_view.fit_bounds(44.0, 38.0, 48.0, 42.0)
    map_view.set_style(density="heat")
    settle_map(qtbot, map_view, TIMEOUT)
    assert read_page_json(map_view, "araz.drawing()", of_type(dict))["mode"] == "heat"
    hub = read_page_json(map_view, "araz.containerPoint(41.05, 45.12)", of_type(list))
    south = read_page_json(map_view, "araz.containerPoint(39.21, 46.41)", of_type(list))
    whole = grab(qtbot, map_view)

    map_view.show_mask(~north)  # the northern hubs' events hidden
    settle_map(qtbot, map_view, TIMEOUT)
    without = grab(qtbot, map_view)
    # their heat is gone: the basemap shows there again, while the south keeps its heat
    gone = np.abs(box(without, *hub) - box(whole, *hub)).mean()
    assert gone > 20, gone
    assert np.abs(box(without, *south) - box(whole, *south)).mean() < gone / 2

    map_view.show_mask(np.ones(len(events), bool))  # every event again
    settle_map(qtbot, map_view, TIMEOUT)
    again = grab(qtbot, map_view)
    assert np.abs(again - whole).max() <= 2  # the same picture as before the filter
