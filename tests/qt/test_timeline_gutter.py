"""The gutter and the overview are kept as images between frames: whatever they show,
changed, repaints them; a pan along time reuses the gutter."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from timeline_support import make_view, render_image

from araz.qt.timeline import render
from araz.qt.timeline.geometry import AXIS_H, GUTTER_W, OVERVIEW_H


def gutter(view) -> QImage:
    h = view.height() - int(AXIS_H) - int(OVERVIEW_H)
    return render_image(view).copy(QRect(0, int(AXIS_H), int(GUTTER_W), h))


def test_the_gutter_image_follows_folds_counts_scrolling_and_palette(qtbot):
    view = make_view(qtbot)
    before = gutter(view)
    key = view.lanes().keys[0]
    view.toggle_lane(key)  # "· folded", the arrow turns
    folded = gutter(view)
    assert folded != before
    view.toggle_lane(key)
    assert gutter(view) == before
    view.set_visible_mask(np.array([True, False, True]))  # "0 of 1" on one lane
    filtered = gutter(view)
    assert filtered != before
    view.set_visible_mask(None)
    assert gutter(view) == before
    view.resize(view.width(), 140)  # lanes taller than the plot: they scroll
    top = gutter(view)
    view.vscroll.setValue(view.vscroll.maximum())
    assert view.vertical_offset() > 0
    assert gutter(view) != top
    view.vscroll.setValue(0)
    assert gutter(view) == top
    pal = view.palette()
    pal.setColor(pal.ColorRole.Window, pal.color(pal.ColorRole.Window).darker(150))
    view.setPalette(pal)
    assert gutter(view) != top


def test_a_pan_along_time_reuses_the_gutter_image(qtbot):
    view = make_view(qtbot)
    render_image(view)
    cached = view.sprites.gutter
    lo, hi = view.visible_range()
    view.set_range(lo + 3, hi + 3)
    img = gutter(view)
    assert view.sprites.gutter is cached
    view.sprites.gutter = None  # drawn afresh: the same pixels
    assert gutter(view) == img


def test_the_overview_image_over_the_window_colour_follows_filter_and_palette(qtbot):
    view = make_view(qtbot)

    def overview() -> QImage:
        top = view.height() - int(OVERVIEW_H)
        return render_image(view).copy(QRect(0, top, view.width(), int(OVERVIEW_H)))

    before = overview()
    view.set_visible_mask(np.array([True, False, True]))
    assert overview() != before
    view.set_visible_mask(None)
    assert overview() == before
    pal = view.palette()
    pal.setColor(pal.ColorRole.Window, pal.color(pal.ColorRole.Window).darker(150))
    view.setPalette(pal)
    darker = overview()
    assert darker != before
    view.sprites = render.Sprites()  # nothing kept: drawn afresh, the same pixels
    assert overview() == darker
