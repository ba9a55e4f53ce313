"""The main window's Tab order (filters → timeline → playback bar → the panels on the
right) is set when Tab is first pressed, not before the window's first paint: a window
shown, its map drawn, has not walked its focus chain, and the first Tab or Shift+Tab
still goes where the order says."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui


def last_filter_field(w):
    """The last widget of the filters that Tab stops at, in focus-chain order."""
    last = None
    x = w.filters.nextInFocusChain()
    while x is not None and x is not w.filters and w.filters.isAncestorOf(x):
        if x.focusPolicy() & Qt.FocusPolicy.TabFocus and x.isVisible() and x.isEnabled():
            last = x
        x = x.nextInFocusChain()
    assert last is not None
    return last


def test_the_first_tab_from_the_filters_reaches_the_timeline(main_window, qtbot):
    w = main_window
    qtbot.wait(50)  # the event loop has run since the window was shown
    last = last_filter_field(w)
    assert last.nextInFocusChain() is not w.timeline  # the order is not set yet
    w.activateWindow()
    last.setFocus()
    qtbot.waitUntil(last.hasFocus)
    qtbot.keyClick(last, Qt.Key.Key_Tab)
    qtbot.waitUntil(w.timeline.hasFocus)
    qtbot.keyClick(w.timeline, Qt.Key.Key_Tab)
    qtbot.waitUntil(w.playback.play_button.hasFocus)


def test_the_first_shift_tab_from_the_timeline_goes_back_to_the_filters(main_window, qtbot):
    w = main_window
    last = last_filter_field(w)
    w.activateWindow()
    w.timeline.setFocus()
    qtbot.waitUntil(w.timeline.hasFocus)
    qtbot.keyClick(w.timeline, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is last)
