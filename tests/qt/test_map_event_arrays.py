"""The page's per-event arrays kept lean: the markers' colours read from the payload's own
column (or the colour call's), the drawn markers' list grown as a draw needs it, a
cluster's count read from its place's (headless)."""

from __future__ import annotations

import numpy as np
import pytest
from map_support import (
    BAKU,
    TEHRAN,
    TIMEOUT,
    event,
    near,
    open_map_view,
    pixel,
    point,
    run_js,
    wait_rendered,
)
from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest

pytestmark = pytest.mark.gui


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot)


def test_colours_are_the_payloads_own_column_then_the_colour_calls(qtbot, map_view):
    events = [event("tehran-1", *TEHRAN, "#0072b2"), event("baku-1", *BAKU, "#e69f00")]
    wait_rendered(qtbot, map_view, map_view.set_events(events))
    # no copy: the colours are read where the payload has them (its x column's buffer)
    assert run_js(qtbot, map_view, "araz.events.colorIndex.buffer === araz.events.wx.buffer")
    assert run_js(qtbot, map_view, "Array.from(araz.events.colorIndex)") == [0, 1]
    tehran, baku = point(qtbot, map_view, *TEHRAN), point(qtbot, map_view, *BAKU)
    qtbot.waitUntil(lambda: near(pixel(map_view, *tehran), "#0072b2"), timeout=TIMEOUT)
    assert near(pixel(map_view, *baku), "#e69f00")

    seq = map_view.set_colors(["#009e73", "#cc79a7"], np.array([1, 0]))
    wait_rendered(qtbot, map_view, seq)
    qtbot.waitUntil(lambda: near(pixel(map_view, *tehran), "#cc79a7"), timeout=TIMEOUT)
    assert near(pixel(map_view, *baku), "#009e73")
    assert not run_js(qtbot, map_view, "araz.events.colorIndex.buffer === araz.events.wx.buffer")
    # the payload's own column was never written to: the events' first colours stand
    decoded = "araz.decodeEvents(araz.events.wx.buffer).color"
    assert run_js(qtbot, map_view, f"Array.from({decoded})") == [0, 1]


def test_a_colour_past_the_palette_draws_in_the_first_colour(qtbot, map_view):
    wait_rendered(qtbot, map_view, map_view.set_events([event("tehran-1", *TEHRAN, "#0072b2")]))
    # a colour column the page did not make checks against the palette (here, one entry)
    index = run_js(
        qtbot,
        map_view,
        "(araz.events.setColors(['#e69f00'], new Uint8Array([3]), null),"
        " Array.from(araz.events.colorIndex))",
    )
    assert index == [0]


def test_the_drawn_list_grows_past_its_first_room_and_every_marker_answers(qtbot, map_view):
    side = 50  # 2,500 events, each at a place of its own, all in the first view
    events = [
        event(f"g{r}-{c}", 37.0 + 3.0 * r / side, 46.0 + 4.0 * c / side)
        for r in range(side)
        for c in range(side)
    ]
    wait_rendered(qtbot, map_view, map_view.set_style(density="points"))
    wait_rendered(qtbot, map_view, map_view.set_events(events))
    assert run_js(qtbot, map_view, "araz.events.drawnCount") == len(events)
    listed = run_js(
        qtbot,
        map_view,
        "Array.from(araz.events.drawnList.subarray(0, araz.events.drawnCount))",
    )
    assert listed == list(range(len(events)))  # each once, in index order
    assert run_js(qtbot, map_view, "araz.events.drawnList.length") <= len(events)
    # the last event listed, past the list's first room, is under the mouse as drawn
    last = events[-1]
    x, y = point(qtbot, map_view, last["lat"], last["lon"])
    target = map_view.web_view().focusProxy()
    QTest.mouseMove(target, QPoint(x + 40, y + 40))
    with qtbot.waitSignal(map_view.hovered, timeout=TIMEOUT) as blocker:
        QTest.mouseMove(target, QPoint(x, y))
    assert blocker.args == [last["id"]]
