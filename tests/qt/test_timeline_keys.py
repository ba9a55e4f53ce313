"""The timeline from the keyboard, in the real window: Tab reaches it, it shows that it
has the focus, ← / → step through the events in time (issue #13.3)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui


def tab_to_timeline(qtbot, w, limit: int = 80) -> list[str]:
    """Press Tab (on whatever has the focus) until the timeline has it; the names of the
    widgets passed on the way."""
    seen = []
    w.activateWindow()
    w.filters.focus_search()
    for _ in range(limit):
        if w.timeline.hasFocus():
            return seen
        target = QApplication.focusWidget() or w
        seen.append(f"{type(target).__name__}:{target.objectName()}")
        qtbot.keyClick(target, Qt.Key.Key_Tab)
        qtbot.wait(5)
    raise AssertionError(f"Tab never reached the timeline: {seen}")


def test_tab_reaches_the_timeline_and_the_focus_is_drawn(main_window, qtbot):
    w = main_window
    tl = w.timeline
    before = tl.grab().toImage()
    tab_to_timeline(qtbot, w)
    after = tl.grab().toImage()
    plot = tl.plot_rect()
    hl = tl.palette().color(QPalette.ColorRole.Highlight)

    def is_hl(c: QColor) -> bool:
        return all(abs(a - b) <= 30 for a, b in zip(c.getRgb()[:3], hl.getRgb()[:3], strict=True))

    x, y = round(plot.center().x()), round(plot.top()) + 1
    assert is_hl(after.pixelColor(x, y)) and not is_hl(before.pixelColor(x, y))


def test_arrows_step_through_the_events_in_time(main_window, qtbot):
    w = main_window
    tl = w.timeline
    tab_to_timeline(qtbot, w)
    ids = tl.data().ids  # in time order
    qtbot.keyClick(tl, Qt.Key.Key_Home)
    assert w.model.selection.active == ids[0]
    for expected in ids[1:6]:
        qtbot.keyClick(tl, Qt.Key.Key_Right)
        assert w.model.selection.active == expected
        rect = tl.mark_rect(expected)
        assert rect is not None and tl.plot_rect().contains(rect)  # scrolled into sight
    qtbot.keyClick(tl, Qt.Key.Key_Left)
    assert w.model.selection.active == ids[4]
    qtbot.keyClick(tl, Qt.Key.Key_End)
    assert w.model.selection.active == ids[-1]
    assert tl.plot_rect().contains(tl.mark_rect(ids[-1]))
