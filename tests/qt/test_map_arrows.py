"""An event with two places is an arrow on the map, and it stays drawn when one of its
ends is out of the view (zoomed in on Baku, the Baku → Tehran arrow still leaves Baku)."""

from __future__ import annotations

import numpy as np
import pytest
from export_support import BAKU, pixels, settle, steady_grab, wheel_zoom
from page_support import read_page_json

from araz.qt.map.page_json import numbers

pytestmark = pytest.mark.gui
TEHRAN = (35.6892, 51.3890)


def arrow_pixels(qtbot, window) -> tuple[int, bool]:
    """Blue pixels south of Baku's markers, where the arrow between Tehran and Baku runs
    (it comes in from the south-east, over the Caspian) and no marker is; and whether
    Tehran is in view."""
    image = steady_grab(qtbot, window)
    # Azerbaijan's blue (#0072b2), as drawn at the arrow's 75 % opacity over the sea
    # (#2a88bd) or solid: little red, much blue; the sea, land and rivers have more red
    rgb = pixels(image).astype(int)
    mask = (rgb[..., 0] < 70) & (rgb[..., 2] > 150)
    bx, by = read_page_json(window.map, f"araz.containerPoint({BAKU[0]}, {BAKU[1]})", numbers(2))
    tx, ty = read_page_json(
        window.map, f"araz.containerPoint({TEHRAN[0]}, {TEHRAN[1]})", numbers(2)
    )
    ys, xs = np.mgrid[0 : mask.shape[0], 0 : mask.shape[1]]
    below = (ys > by + 50) & (ys < ty) & (xs > bx - 40) & (xs < bx + 1.2 * (ys - by) + 40)
    tehran_in_view = 0 <= tx < image.width() and 0 <= ty < image.height()
    return int((mask & below).sum()), tehran_in_view


def test_the_arrow_stays_when_its_far_end_leaves_the_view(qtbot, main_window):
    w = main_window
    settle(qtbot, w)
    whole, tehran_in_view = arrow_pixels(qtbot, w)
    assert tehran_in_view and whole > 30, whole  # the whole arrow, both ends in view
    wheel_zoom(qtbot, w, *BAKU, 4)
    near, tehran_in_view = arrow_pixels(qtbot, w)
    assert not tehran_in_view
    # the arrow's line from Baku towards Tehran, out to the edge of the view
    assert near > 30, near
