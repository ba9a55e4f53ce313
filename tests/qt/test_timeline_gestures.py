"""The timeline widget's gestures (wheel, keys, brush, clicks, hover, the overview's drags),
tested through its signals and pixels (headless, pytest-qt)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication
from timeline_support import (
    Y2021,
    Y2022,
    make_view,
    mark_center,
    render_image,
)

from araz.model.dates import days_from_civil
from araz.qt.timeline import TimelineData, TimelineView, render
from araz.qt.timeline.view import GUTTER_W

pytestmark = pytest.mark.gui


@pytest.fixture
def view(qtbot):
    return make_view(qtbot)


# ---------------------------------------------------------------- gestures


def wheel(view: TimelineView, x: float, dy: int, mods=Qt.KeyboardModifier.NoModifier) -> None:
    pos = QPointF(x, 150)
    ev = QWheelEvent(
        pos,
        view.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, dy),
        Qt.MouseButton.NoButton,
        mods,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view, ev)


@pytest.mark.parametrize("x", [GUTTER_W + 40, GUTTER_W + 400, GUTTER_W + 700])
def test_wheel_zoom_keeps_the_instant_under_the_cursor(view, x):
    before = view.day_for_x(x)
    span = view.visible_range()[1] - view.visible_range()[0]
    wheel(view, x, 240)
    lo, hi = view.visible_range()
    assert hi - lo == pytest.approx(span / 2)
    assert view.day_for_x(x) == pytest.approx(before, abs=1e-6)
    wheel(view, x, -120)
    assert view.day_for_x(x) == pytest.approx(before, abs=1e-6)


def test_shift_wheel_pans(view):
    lo, hi = view.visible_range()
    with_signal = []
    view.viewChanged.connect(lambda a, b: with_signal.append((a, b)))
    wheel(view, GUTTER_W + 300, 120, Qt.KeyboardModifier.ShiftModifier)
    lo2, hi2 = view.visible_range()
    assert hi2 - lo2 == pytest.approx(hi - lo)
    assert lo2 < lo
    assert with_signal and with_signal[-1] == (lo2, hi2)


def stepping_view(qtbot, starts: list[int], ids: list[str]) -> TimelineView:
    w = TimelineView()
    qtbot.addWidget(w)
    w.resize(900, 300)
    w.set_data(
        TimelineData.from_records([{"id": i, "start": s} for i, s in zip(ids, starts, strict=True)])
    )
    w.fit_all()
    return w


def test_keyboard_steps_in_start_then_id_order(qtbot):
    starts = [30, 10, 10, 20, 10, 40, 20]
    ids = ["g", "c", "a", "z", "b", "h", "y"]
    w = stepping_view(qtbot, starts, ids)
    mask = np.array([i != "b" for i in w.data().ids])  # "b" is filtered out: skipped
    w.set_visible_mask(mask)
    got: list[str] = []
    w.activeStepped.connect(got.append)
    qtbot.keyClick(w, Qt.Key.Key_Home)
    for _ in range(8):
        qtbot.keyClick(w, Qt.Key.Key_Right)
    assert got == ["a", "c", "y", "z", "g", "h"]
    got.clear()
    qtbot.keyClick(w, Qt.Key.Key_Left)
    qtbot.keyClick(w, Qt.Key.Key_End)
    assert got == ["g", "h"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(-800_000, 30_000), st.text("abc", min_size=1)), min_size=1,
                max_size=30, unique_by=lambda t: t[1]))  # fmt: skip
def test_stepping_order_equals_sort_by_start_and_id(qapp, events):
    w = TimelineView()
    w.set_data(TimelineData.from_records([{"id": i, "start": s} for s, i in events]))
    got: list[str] = []
    w.activeStepped.connect(got.append)
    w._step(Qt.Key.Key_Home)
    for _ in range(len(events) + 2):
        w._step(Qt.Key.Key_Right)
    assert got == [i for _, i in sorted(events)]
    w.deleteLater()


def test_stepping_scrolls_the_active_event_into_view(qtbot):
    w = stepping_view(qtbot, [0, 5000], ["a", "b"])
    w.set_range(-10, 10)
    qtbot.keyClick(w, Qt.Key.Key_End)
    lo, hi = w.visible_range()
    assert lo < 5000 < hi


def test_brushing_the_axis_emits_the_window(view, qtbot):
    view.show()
    qtbot.waitExposed(view)
    a, b = days_from_civil(2021, 3, 1), days_from_civil(2021, 5, 1)
    xa, xb = round(view.x_for_day(a)), round(view.x_for_day(b))
    brushing: list[tuple[float, float]] = []
    view.windowBrushing.connect(lambda lo, hi: brushing.append((lo, hi)))
    with qtbot.waitSignal(view.windowBrushed) as blocker:
        qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=QPoint(xa, 20))
        qtbot.mouseMove(view, QPoint((xa + xb) // 2, 20))
        qtbot.mouseMove(view, QPoint(xb, 20))
        qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=QPoint(xb, 20))
    assert blocker.args == [(a, b - 1)]  # inclusive days: 1 March to 30 April
    assert brushing and brushing[-1] == (a, b - 1)
    with qtbot.waitSignal(view.windowBrushed) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert blocker.args == [None]


def test_set_time_window_draws_without_echo(view, qtbot):
    a, b = days_from_civil(2021, 3, 1), days_from_civil(2021, 4, 30)
    x_in, x_out = round(view.x_for_day(a + 30)), round(view.x_for_day(b + 40))
    before = render_image(view)
    with qtbot.assertNotEmitted(view.windowBrushed), qtbot.assertNotEmitted(view.windowBrushing):
        view.set_time_window((a, b))
        after = render_image(view)
    assert after.pixelColor(x_in, 30) != before.pixelColor(x_in, 30)  # brush in the axis
    assert after.pixelColor(x_out, 30) == before.pixelColor(x_out, 30)
    hl = view.palette().color(QPalette.ColorRole.Highlight)
    px = after.pixelColor(x_in, 30)
    assert abs(px.hue() - hl.hue()) < 25 or hl.saturation() < 30


def test_click_selects_and_ctrl_click_adds(view, qtbot):
    view.show()
    qtbot.waitExposed(view)
    x, y = mark_center(view, "day")
    pos = QPoint(round(x), round(y))
    with qtbot.waitSignal(view.selectionRequested) as blocker:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [["day"], False]
    with qtbot.waitSignal(view.selectionRequested) as blocker:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, pos)
    assert blocker.args == [["day"], True]


def test_hover_emits_the_id_and_empty_when_leaving(view, qtbot):
    view.show()
    qtbot.waitExposed(view)
    x, y = mark_center(view, "day")
    with qtbot.waitSignal(view.hovered) as blocker:
        qtbot.mouseMove(view, QPoint(round(x), round(y)))
    assert blocker.args == ["day"]
    with qtbot.waitSignal(view.hovered) as blocker:
        qtbot.mouseMove(view, QPoint(round(x) + 60, round(y) + 2))
    assert blocker.args == [""]


def test_set_hover_and_set_range_do_not_echo(view, qtbot):
    with qtbot.assertNotEmitted(view.hovered), qtbot.assertNotEmitted(view.viewChanged):
        view.set_hover("day")
        view.set_range(Y2021, Y2022)
    assert view.visible_range() == (Y2021, Y2022)


def test_tooltip_is_plain_text(qtbot):
    w = TimelineView()
    qtbot.addWidget(w)
    w.set_data(TimelineData.from_records([{"id": "x", "start": 0, "tooltip": "<b>a</b>\n&"}]))
    html = w._tooltip_html(0)
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp;" in html


def test_lane_mode_switches_lanes(view):
    data = TimelineData.from_records(
        [
            {"id": "a", "start": 0, "lane_actor": "Iran", "lane_category": "border"},
            {"id": "b", "start": 1, "lane_actor": "Iran", "lane_category": "energy"},
        ]
    )
    view.set_data(data)
    assert view.lanes().keys == ["Iran"]
    view.set_lane_mode("category")
    assert view.lanes().keys == ["border", "energy"]
    with pytest.raises(ValueError):
        view.set_lane_mode("colour")


# ---------------------------------------------------------------- the overview's drags


def drag(qtbot, view, a: QPoint, b: QPoint) -> None:
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=a)
    mid = (a + b) / 2
    qtbot.mouseMove(view, QPoint(round(mid.x()), round(mid.y())))
    qtbot.mouseMove(view, b)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=b)


def test_overview_drag_moves_the_window_without_a_jump(view, qtbot):
    view.show()
    qtbot.waitExposed(view)
    view.fit_all()
    lo, hi = view.visible_range()
    r = view.overview_rect()
    y = round(r.center().y())
    x = round(r.left() + r.width() * 0.3)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    assert view.visible_range() == (lo, hi)  # a press inside the window does not move it
    qtbot.mouseMove(view, QPoint(x + 20, y))
    qtbot.mouseMove(view, QPoint(x + 40, y))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=QPoint(x + 40, y))
    lo2, hi2 = view.visible_range()
    assert hi2 - lo2 == pytest.approx(hi - lo)
    assert lo2 - lo == pytest.approx(40 * (hi - lo) / r.width())


def test_overview_grip_resizes_the_window(view, qtbot):
    view.show()
    qtbot.waitExposed(view)
    view.fit_all()
    lo, hi = view.visible_range()
    _, right = render.overview_handles(view)
    c = right.center().toPoint()
    drag(qtbot, view, c, c - QPoint(200, 0))
    lo2, hi2 = view.visible_range()
    assert lo2 == pytest.approx(lo)
    assert hi2 < hi - (hi - lo) * 0.2
