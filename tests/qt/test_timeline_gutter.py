"""The gutter, the overview, the whole underlay (lanes, labels, axis, gutter, overview)
and the scroll bar at rest are kept as images between frames: whatever they show,
changed, repaints them; a pan along time reuses the gutter, a hover the underlay."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QScrollBar
from timeline_support import make_view, mark_center, render_image

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


def _fresh(view) -> QImage:
    """The frame drawn with nothing kept from the frames before."""
    view.sprites = render.Sprites()
    view.vscroll._kept = None
    return render_image(view)


def test_the_underlay_image_follows_everything_it_shows(qtbot):
    """Lanes, labels, axis, gutter and overview are kept as one image while the view
    stays: after each change a user can make, the frame equals one drawn afresh."""
    view = make_view(qtbot)
    render_image(view)
    lo, hi = view.visible_range()
    pal = view.palette()
    pal.setColor(pal.ColorRole.Base, pal.color(pal.ColorRole.Base).darker(120))
    font = view.font()
    font.setPointSizeF(font.pointSizeF() + 2)
    changes = [
        ("pan", lambda: view.set_range(lo + 20, hi + 20)),
        ("zoom", lambda: view.set_range(lo + 100, hi - 100)),
        ("select", lambda: view.set_selection(["day"], "day")),
        ("hover", lambda: view.set_hover("month")),
        ("brush", lambda: view.set_time_window((lo + 150, lo + 200))),
        ("filter", lambda: view.set_visible_mask(np.array([True, False, True]))),
        ("resize", lambda: view.resize(view.width() - 50, 140)),
        ("scroll", lambda: view.vscroll.setValue(view.vscroll.maximum())),
        ("fold", lambda: view.toggle_lane(view.lanes().keys[0])),
        ("labels", lambda: view.set_labels_shown(False)),
        ("colours", lambda: view.set_colors(np.full(3, 0xFF00AA00, dtype=np.uint32))),
        ("lanes", lambda: view.set_lane_mode("category")),
        ("palette", lambda: view.setPalette(pal)),
        ("font", lambda: view.setFont(font)),
    ]
    before = render_image(view)
    for name, change in changes:
        change()
        kept = render_image(view)
        assert kept != before, name  # the change shows
        assert kept == _fresh(view), name
        before = kept


def test_a_hover_repaint_reuses_the_underlay_and_a_pan_redraws_it(qtbot):
    view = make_view(qtbot)
    plain = render_image(view)
    kept = view.sprites.underlay
    assert kept is not None
    key, img = kept[0], kept[2]
    view.set_hover("day")
    hovered = render_image(view)
    assert view.sprites.underlay[0] == key and view.sprites.underlay[2] is img
    x, y = mark_center(view, "day")
    ring = QRect(round(x) - 12, round(y) - 12, 24, 24)
    assert hovered.copy(ring) != plain.copy(ring)  # the hover ring, over the kept image
    assert hovered == _fresh(view)
    lo, hi = view.visible_range()
    view.set_range(lo + 5, hi + 5)
    render_image(view)
    assert view.sprites.underlay[0] != key


def test_the_scroll_bar_at_rest_is_the_styles_picture_and_follows_its_value(qtbot):
    view = make_view(qtbot)
    view.resize(view.width(), 140)  # lanes taller than the plot: the bar shows
    render_image(view)
    sb = view.vscroll
    assert sb.isVisibleTo(view) and sb.maximum() > 0

    def alone(bar) -> QImage:
        img = QImage(bar.size(), QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(0)
        bar.render(img)
        return img

    def styled() -> QImage:  # a plain QScrollBar in the same state, drawn by the style
        plain = QScrollBar(sb.orientation(), view)
        plain.setGeometry(sb.geometry())
        plain.setRange(sb.minimum(), sb.maximum())
        plain.setPageStep(sb.pageStep())
        plain.setSingleStep(sb.singleStep())
        plain.setValue(sb.value())
        img = alone(plain)
        plain.deleteLater()
        return img

    def off(a: QImage, b: QImage) -> int:  # the largest difference of one channel
        x, y = (np.frombuffer(i.constBits(), np.uint8, i.sizeInBytes()) for i in (a, b))
        return int(np.abs(x.astype(int) - y).max())

    # the kept picture is drawn into an image, then blended: a level or two of rounding
    top = alone(sb)
    assert sb._kept is not None
    assert off(top, styled()) <= 2
    sb.setValue(sb.maximum())
    bottom = alone(sb)
    assert off(bottom, top) > 16  # the handle moved
    assert off(bottom, styled()) <= 2
