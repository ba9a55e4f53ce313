"""Playback follows: the timeline scrolls with the playing window, the map can follow
it, a popup the window hides closes, the end is a visible state (issue #13.4)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle

pytestmark = pytest.mark.gui
TIMEOUT = 20_000


def run_js(qtbot, view, script: str):
    box: list = []
    view.web_view().page().runJavaScript(f"JSON.stringify({script})", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=TIMEOUT)
    return json.loads(box[0]) if box[0] else None


def fastest(bar, length: str = "3 months") -> None:
    bar.speed.setCurrentIndex(bar.speed.count() - 1)
    bar.length.setCurrentIndex(bar.length.findText(length))


def zoom_in(qtbot, tl, times: int) -> None:
    tl.setFocus()
    for _ in range(times):
        qtbot.keyClick(tl, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)


def test_playing_in_a_zoomed_timeline_keeps_the_window_in_view(main_window, qtbot):
    w = main_window
    tl, bar = w.timeline, w.playback
    w.fit_all()
    zoom_in(qtbot, tl, 4)  # a fifth of the story
    lo, hi = tl.visible_range()
    span = hi - lo
    fastest(bar)
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    assert bar.playing
    seen = set()
    for _ in range(6):
        before = w.model.filter.window
        qtbot.waitUntil(lambda b=before: w.model.filter.window != b, timeout=TIMEOUT)
        a, b = w.model.filter.window
        lo, hi = tl.visible_range()
        assert lo <= a and b + 1 <= hi, ((a, b), (lo, hi))
        assert hi - lo == pytest.approx(span)  # scrolled, not zoomed out
        seen.add(round(lo))
    assert len(seen) > 1  # the view moved with the window
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    assert not bar.playing


def test_play_and_pause_buttons_have_icons(main_window, qtbot):
    bar = main_window.playback
    style = bar.style()
    play = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay).pixmap(16).toImage()
    pause = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause).pixmap(16).toImage()
    assert not bar.play_button.icon().isNull()
    assert bar.play_button.icon().pixmap(16).toImage() == play
    fastest(bar)
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    assert not bar.play_button.icon().isNull()
    assert bar.play_button.icon().pixmap(16).toImage() == pause
    assert "⏸" not in bar.play_button.text() and "▶" not in bar.play_button.text()
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)


def test_the_end_of_playback_is_shown_and_can_be_cleared(main_window, qtbot):
    w = main_window
    bar = w.playback
    fastest(bar, "1 year")
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not bar.playing, timeout=TIMEOUT)
    assert w.model.filter.window is not None  # the last window stays, and says so
    assert "end" in bar.where.text().lower()
    assert bar.clear_button.isVisible()
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert w.model.filter.window is None
    assert not bar.clear_button.isVisible()
    assert "end" not in bar.where.text().lower()


def map_bounds(qtbot, w) -> tuple[float, float, float, float]:
    text = run_js(qtbot, w.map, "araz.map.getBounds().toBBoxString()")
    west, south, east, north = (float(v) for v in text.split(","))
    return west, south, east, north


def test_follow_frames_the_windows_events_on_the_map(main_window, qtbot):
    from araz.qt.bindings import map_data

    w = main_window
    bar = w.playback
    fastest(bar)
    bar.follow.setChecked(False)
    qtbot.mouseClick(bar.follow, Qt.MouseButton.LeftButton)
    assert bar.follow.isChecked()
    events, rows = map_data(w.model.dataset)
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    for _ in range(3):
        before = w.model.filter.window
        qtbot.waitUntil(lambda b=before: w.model.filter.window != b, timeout=TIMEOUT)
        bar.pause()
        shown = np.flatnonzero(w.model.mask[rows])
        if len(shown):
            lat, lon = events.lat[shown], events.lon[shown]

            def framed(lat=lat, lon=lon) -> bool:
                west, south, east, north = map_bounds(qtbot, w)
                inside = (south <= lat) & (lat <= north) & (west <= lon) & (lon <= east)
                small = (east - west) < 90  # framed, not the whole world
                return bool(inside.all()) and small

            qtbot.waitUntil(framed, timeout=TIMEOUT)
        qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    bar.pause()


def test_a_popup_the_window_hides_closes(main_window, qtbot):
    w = main_window
    ds = w.model.dataset
    from araz.qt.bindings import map_data

    _, rows = map_data(ds)
    # the placed event that comes last in time: the first window hides it
    dated = [ds.event(ds.events.ids[int(r)]) for r in rows]
    last = max((e for e in dated if e.date), key=lambda e: e.date.value.wide_lower).id
    w.model.select([last])
    popup = "!!document.querySelector('.leaflet-popup')"
    qtbot.waitUntil(lambda: run_js(qtbot, w.map, popup) is True, timeout=TIMEOUT)
    qtbot.mouseClick(w.playback.play_button, Qt.MouseButton.LeftButton)
    w.playback.pause()
    assert not w.model.mask[ds.index[last]]
    qtbot.waitUntil(lambda: run_js(qtbot, w.map, popup) is False, timeout=TIMEOUT)
