"""The timeline widget, tested through its pixels and signals (headless, pytest-qt)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QPalette
from timeline_support import (
    BLUE,
    GREEN,
    JUN15,
    RED,
    Y2021,
    Y2022,
    close,
    make_view,
    mark_center,
    render_image,
)

from araz.model.dates import days_from_civil
from araz.qt.timeline import TimelineData, TimelineView, render
from araz.qt.timeline.view import GUTTER_W
from araz.views.timeline import axis
from araz.views.timeline.layout import TimeIndex

pytestmark = pytest.mark.gui


@pytest.fixture
def view(qtbot):
    return make_view(qtbot)


# ---------------------------------------------------------------- marks as pixels


def test_day_event_is_a_point_at_its_date(view):
    img = render_image(view)
    x, y = mark_center(view, "day")
    assert abs(x - view.x_for_day(JUN15 + 0.5)) < 1e-6
    assert close(img.pixelColor(round(x), round(y)), RED)
    for dx in (-25, -12, 12, 25):  # a point: the colour is only near its x
        assert not close(img.pixelColor(round(x + dx), round(y)), RED), dx


def test_year_event_is_a_bar_over_its_days(view):
    img = render_image(view)
    _, y = mark_center(view, "year")
    yi = round(y)
    for day in (Y2021 + 3, days_from_civil(2021, 4, 1), JUN15, Y2022 - 4):
        assert close(img.pixelColor(round(view.x_for_day(day + 0.5)), yi), BLUE), day
    for day in (Y2021 - 3, Y2022 + 0.2):  # nothing outside the year
        assert not close(img.pixelColor(round(view.x_for_day(day)), yi), BLUE), day


def test_month_is_a_bar_even_when_zoomed_out(view):
    view.set_range(days_from_civil(1900, 1, 1), days_from_civil(2100, 1, 1))
    img = render_image(view)
    _, y = mark_center(view, "month")
    x = view.x_for_day(days_from_civil(2021, 9, 15))
    assert close(img.pixelColor(round(x), round(y)), GREEN)
    # a bar is BAR_H tall, a point diamond POINT_PX: 5 px above the centre is empty
    assert not close(img.pixelColor(round(x), round(y - 5)), GREEN)


def test_masked_event_is_not_drawn(view):
    x, y = mark_center(view, "day")
    assert close(render_image(view).pixelColor(round(x), round(y)), RED)
    view.set_visible_mask(np.array([d != "day" for d in view.data().ids]))
    assert not close(render_image(view).pixelColor(round(x), round(y)), RED)


def test_selection_is_drawn_highlighted(view):
    hl = view.palette().color(QPalette.ColorRole.Highlight).name()

    def highlighted_pixels() -> int:
        img = render_image(view)
        x, y = mark_center(view, "day")
        return sum(
            close(img.pixelColor(round(x) + dx, round(y) + dy), hl, tol=30)
            for dx in range(-12, 13)
            for dy in range(-12, 13)
        )

    assert highlighted_pixels() == 0
    view.set_selection(["day"], "day")
    assert highlighted_pixels() > 10


def test_100k_synthetic_paints(qtbot):
    w = TimelineView()
    qtbot.addWidget(w)
    w.resize(1600, 200)
    w.set_data(TimelineData.synthetic(100_000))
    w.fit_all()
    render_image(w)
    assert w.frame().density  # aggregated when zoomed out
    lo, hi = w.visible_range()
    w.set_range(lo + (hi - lo) * 0.5, lo + (hi - lo) * 0.505)
    render_image(w)
    assert not w.frame().density
    w.set_lane_mode("category")
    w.set_selection(w.data().ids[50_000:50_010], w.data().ids[50_005])
    render_image(w)


# ---------------------------------------------------------------- pure parts


def test_data_sorted_by_start_then_id_and_edtf_fields():
    d = TimelineData.from_records(
        [
            {"id": "b", "date": "2021"},
            {"id": "a", "date": "2021-01-01"},
            {"id": "c", "date": "2020-11~"},
            {"id": "d", "date": "2021-06-18/.."},
            {"id": "e", "date": "2022-09/2023-04"},
        ]
    )
    assert d.ids == ["c", "a", "b", "d", "e"]
    c, b, dd, e = (d.index_of(k) for k in "cbde")
    assert d.fade_start[c] and d.fade_end[c] and not d.is_point[c]
    assert d.precision[b] == "year" and d.end[b] - d.start[b] == 364 and not d.is_point[b]
    assert d.open_end[dd] and not d.open_start[dd] and d.is_point[dd]
    assert not d.is_point[e]
    assert d.start[e] == days_from_civil(2022, 9, 1) and d.end[e] == days_from_civil(2023, 4, 30)
    assert d.color.dtype == np.uint32


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 800)), min_size=1, max_size=80),
    st.integers(-100, 2100),
    st.integers(1, 400),
)
def test_time_index_matches_brute_force(spans, lo, width):
    start = np.sort(np.array([s for s, _ in spans], dtype=np.float64))
    end = start + np.array([n for _, n in spans], dtype=np.float64)
    got = TimeIndex(start, end).query(lo, lo + width)
    want = np.flatnonzero((start < lo + width) & (end + 1 > lo))
    assert got.tolist() == want.tolist()


@pytest.mark.parametrize(
    ("lo", "hi", "unit", "sample"),
    [
        ((2000, 1, 1), (2040, 1, 1), "year", "2020"),
        ((2020, 9, 1), (2023, 5, 1), "month", "Jun"),
        ((2021, 6, 1), (2021, 6, 20), "day", "15 Jun"),
        ((-300, 1, 1), (200, 1, 1), "year", "100 BCE"),
    ],
)
def test_axis_ticks_adapt(lo, hi, unit, sample):
    t = axis.ticks(days_from_civil(*lo), days_from_civil(*hi), 1200)
    assert t.level.unit == unit
    assert sample in [label for _, label in t.major]
    days = [d for d, _ in t.major]
    assert days == sorted(days)


def test_axis_context_names_the_year_or_month():
    t = axis.ticks(days_from_civil(2021, 5, 20), days_from_civil(2021, 7, 10), 1200)
    assert [label for _, label in t.context] == ["May 2021", "June 2021", "July 2021"]


# ---------------------------------------------------------------- overview strip


def test_overview_marks_the_full_window_with_an_outline_not_a_fill(view):
    view.fit_all()
    img = render_image(view)
    r = view.overview_rect()
    window = view.palette().color(QPalette.ColorRole.Window)
    hl = view.palette().color(QPalette.ColorRole.Highlight).name()
    y = round(r.center().y())
    # no event lies in the first fifth of the range: the strip is plain there
    for frac in (0.05, 0.1, 0.15):
        px = img.pixelColor(round(r.left() + frac * r.width()), y)
        assert px == window, (frac, px.name())
    left, right = render.overview_handles(view)
    for grip in (left, right):  # a grip at each end, in the highlight colour
        c = grip.center()
        assert close(img.pixelColor(round(c.x()), round(c.y())), hl, tol=30)
    top_edge = [img.pixelColor(round(r.center().x()), round(r.top()) + dy) for dy in range(1, 5)]
    assert any(close(c, hl, tol=60) for c in top_edge)  # the outline


def test_overview_shades_what_is_outside_a_partial_window(view):
    view.fit_all()
    lo, hi = view.visible_range()
    view.set_range(lo + (hi - lo) * 0.4, lo + (hi - lo) * 0.6)
    img = render_image(view)
    r = view.overview_rect()
    window = view.palette().color(QPalette.ColorRole.Window)
    y = round(r.center().y())
    assert img.pixelColor(round(r.left() + 0.1 * r.width()), y) != window


# ---------------------------------------------------------------- a crowd: rows, not "+N"


def crowded_view(qtbot, days: list[int]) -> TimelineView:
    w = TimelineView()
    qtbot.addWidget(w)
    w.resize(int(GUTTER_W) + 730, 300)
    recs = [
        {"id": f"c{i:02d}", "start": d, "label": f"Crowded event number {i}", "lane_actor": "Iran"}
        for i, d in enumerate(days)
    ]
    w.set_data(TimelineData.from_records(recs))
    w.set_range(Y2021 - 0.5, Y2022 + 0.5)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_a_crowd_takes_rows_and_every_label_is_shown(qtbot):
    w = crowded_view(qtbot, [JUN15 + i // 2 for i in range(12)])
    ids = w.data().ids
    assert sorted(w.labelled_ids()) == sorted(ids)
    boxes = [w.mark_rect(i) for i in ids] + [w.label_rect(i) for i in ids]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.intersects(b)
    assert w.vscroll.isVisible()  # 12 rows do not fit in 300 px: a scroll bar
    # the lowest one is reached by scrolling, then clicked
    last = max(ids, key=lambda i: w.mark_rect(i).top())
    assert not w.plot_rect().contains(w.mark_rect(last))
    w.vscroll.setValue(w.vscroll.maximum())
    rect = w.mark_rect(last)
    assert w.plot_rect().contains(rect)
    with qtbot.waitSignal(w.selectionRequested) as blocker:
        qtbot.mouseClick(w, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert blocker.args == [[last], False]


# ---------------------------------------------------------------- picking in the density strips


@pytest.fixture
def dense(qtbot):
    """4,000 events in one lane and a lone one in another: drawn as density strips."""
    w = TimelineView()
    qtbot.addWidget(w)
    w.resize(int(GUTTER_W) + 730, 300)
    rng = np.random.default_rng(5)
    recs = [
        {"id": f"n{i:05d}", "start": int(d), "lane_actor": "Iran"}
        for i, d in enumerate(rng.integers(Y2021, Y2022, 4000))
    ]
    recs.append({"id": "lone", "start": JUN15, "lane_actor": "Armenia"})
    w.set_data(TimelineData.from_records(recs))
    w.set_range(Y2021 - 0.5, Y2022 + 0.5)
    w.show()
    qtbot.waitExposed(w)
    render_image(w)
    assert w.frame().density
    return w


def test_density_pick_finds_the_event_under_the_cursor(dense):
    x, y = mark_center(dense, "lone")
    lone = dense.data().index_of("lone")
    for dx in (0, -3, 3):
        assert dense.row_at(QPointF(x + dx, y)) == lone, dx
    assert dense.row_at(QPointF(x + 20, y)) is None  # nothing else on that lane
    x, y = mark_center(dense, "n00007")  # the crowded lane: the nearest within a few px
    row = dense.row_at(QPointF(x, y))
    assert row is not None and dense.data().lane_actor[row] == "Iran"
    x0, x1, _ = render.mark_geometry(dense, np.array([row]))
    assert x0[0] - 4 <= x <= x1[0] + 4


def test_density_hover_and_click(dense, qtbot):
    x, y = mark_center(dense, "lone")
    pos = QPoint(round(x), round(y))
    with qtbot.waitSignal(dense.hovered) as blocker:
        qtbot.mouseMove(dense, pos)
    assert blocker.args == ["lone"]
    with qtbot.waitSignal(dense.selectionRequested) as blocker:
        qtbot.mouseClick(dense, Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [["lone"], False]


def test_density_pick_skips_masked_events(dense):
    x, y = mark_center(dense, "lone")
    dense.set_visible_mask(np.array([i != "lone" for i in dense.data().ids]))
    render_image(dense)
    assert dense.row_at(QPointF(x, y)) is None


def test_a_filter_and_back_keeps_what_every_row_draws(dense):
    """A filter at the same view and back to all: the frame of every row (its density
    strips) comes back as it was and the lanes' image under the marks stays throughout
    (a density frame's lanes keep their rows); what is drawn is what a view drawn
    afresh shows."""
    first = render_image(dense)
    frame, under = dense.frame(), dense.sprites.underlay
    dense.set_visible_mask(np.array([i != "lone" for i in dense.data().ids]))
    assert render_image(dense) != first and dense.frame() is not frame
    assert dense.sprites.underlay is under
    dense.set_visible_mask(np.ones(len(dense.data()), bool))  # all set: no mask at all
    assert dense.frame() is frame and dense.sprites.underlay is under
    assert render_image(dense) == first
    dense.sprites.underlay = None
    dense.set_data(dense.data())  # nothing kept: drawn afresh, the same pixels
    assert dense.frame() is not frame and render_image(dense) == first


def test_a_repaint_of_the_same_view_blits_one_kept_picture(dense):
    """The lanes, the gutter and the overview are laid together once a second frame shows
    the same view and filter (a hover, a selection repaint that picture); the picture
    is what they draw apart, and a filter change (new counts) lays them again."""
    first = render_image(dense)
    assert render_image(dense) == first  # the same parts again: composed by now
    kept = dense.sprites.composed[1]
    assert kept is not None
    assert render_image(dense) == first and dense.sprites.composed[1] is kept
    dense.set_visible_mask(np.array([i != "lone" for i in dense.data().ids]))
    filtered = render_image(dense)
    assert filtered != first and dense.sprites.composed[1] is None
    assert render_image(dense) == filtered and dense.sprites.composed[1] is not None


def test_density_strips_follow_the_filter_and_the_colours(dense, qtbot):
    """The strips are kept while the view stays: a filter, a new colour or a hover must
    still show at once, as a person sees it."""
    x, y = (round(c) for c in mark_center(dense, "lone"))
    img = render_image(dense)
    lane = img.pixelColor(x + 40, y).rgb()  # the lone event's lane, where nothing is
    assert img.pixelColor(x, y).rgb() != lane  # its strip
    base = dense.palette().color(QPalette.ColorRole.Base).rgb()
    crowd_x, crowd_y = (round(c) for c in mark_center(dense, "n00007"))
    before = render_image(dense).pixelColor(crowd_x, crowd_y)
    assert before.rgb() != base
    dense.set_visible_mask(np.array([i != "lone" for i in dense.data().ids]))
    assert render_image(dense).pixelColor(x, y).rgb() == lane  # filtered out: no strip
    dense.set_visible_mask(None)
    dense.set_colors(np.full(len(dense.data()), 0xFF00A000, dtype=np.uint32))
    after = render_image(dense).pixelColor(crowd_x, crowd_y)
    assert after.green() > after.red() and before.rgb() != after.rgb()

    def near_black(img: QImage) -> int:  # around the lone event
        box = [(x + dx, y + dy) for dx in range(-9, 10) for dy in range(-9, 10)]
        return sum(img.pixelColor(*xy).lightness() < 60 for xy in box)

    plain = near_black(render_image(dense))
    qtbot.mouseMove(dense, QPoint(x + 40, y - 30))  # the pointer comes from elsewhere
    with qtbot.waitSignal(dense.hovered) as blocker:  # drawn over its strip, outlined
        qtbot.mouseMove(dense, QPoint(x, y))
    assert blocker.args == ["lone"]
    assert near_black(render_image(dense)) > plain + 10


# ---------------------------------------------------------------- HiDPI


def diamond_runs(view: TimelineView, dpr: int) -> list[tuple[int, int]]:
    """Per device-pixel row through the "day" diamond: the first and last red pixel."""
    img = QImage(view.size() * dpr, QImage.Format.Format_ARGB32)
    img.setDevicePixelRatio(dpr)
    view.render(img)
    x, y = mark_center(view, "day")
    half = render.POINT_PX // 2 * dpr
    cx, cy = round(x * dpr), round(y * dpr)
    runs = []
    for py in range(cy - half, cy + half):
        red = [px for px in range(cx - half, cx + half) if close(img.pixelColor(px, py), RED, 60)]
        if red:
            runs.append((red[0], red[-1]))
    return runs


def test_point_diamonds_are_drawn_at_the_device_pixel_ratio(view):
    one, two = diamond_runs(view, 1), diamond_runs(view, 2)
    assert len(two) >= 2 * len(one) - 2  # the same logical size
    # drawn at 2x, the diamond's edge moves by a device pixel every row; a 1x sprite
    # blown up moves in steps of two rows
    steps = sum(a != b for a, b in pairwise(two))
    assert steps >= len(two) - 4, two


def test_a_label_at_the_right_edge_is_not_cut(view):
    view.set_data(
        TimelineData.from_records(
            [{"id": "edge", "start": Y2022 - 1, "label": "An event at the very end", "color": RED}]
        )
    )
    render_image(view)
    assert view.labelled_ids() == ["edge"]
    assert view.label_rect("edge").right() <= view.plot_rect().right()
