"""The main window's Tab order, set when Tab is first pressed (or a dock first floats).

Walking the filters' focus chain makes a Python wrapper for each widget in it (Qt's own
children of the filters: their viewports, scroll bars, headers), ~10 ms the first time,
on the interface thread; set once the window was shown, that walk came before the
window's first paint, while the map's page waited for it.  Nothing needs the order
before a Tab (or Shift+Tab) moves the focus: the main window sets it then."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def order_tab_chain(window) -> None:
    """Tab runs from the filters to the timeline and its playback bar, then on to the
    panels on the right; the map comes last (it keeps Tab for its markers)."""
    filters = window.filters
    last = filters
    w = filters.nextInFocusChain()
    while w is not None and w is not filters and filters.isAncestorOf(w):
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            last = w
        w = w.nextInFocusChain()
    playback = window.playback
    chain = [window.timeline, playback.play_button, *playback.findChildren(QWidget)]
    # not the combo boxes' pop-up lists: windows of their own (Qt warned of each)
    chain = [w for w in chain if w.window() is playback.window()]
    for widget in dict.fromkeys(chain):
        if widget is window.timeline or widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            QWidget.setTabOrder(last, widget)
            last = widget
