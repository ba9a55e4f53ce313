"""Fit all frames deep time: a TimelineJS story from the Big Bang to today (issue #13.3)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

STORY = Path(__file__).resolve().parents[1] / "data" / "deep_time" / "bigbang_timelinejs.json"


def test_fit_all_shows_the_big_bang_and_today(main_window, qtbot):
    w = main_window
    with qtbot.waitSignal(w.loadFinished, timeout=20_000) as blocker:
        w.open_path(STORY)
    result = blocker.args[1]
    assert result.problems == []
    assert len(w.model.dataset) == 11
    w.fit_all()
    tl = w.timeline
    ids = tl.data().ids
    titles = [w.model.dataset.event(i).title for i in ids]
    assert titles[0] == "Big Bang" and titles[-1] == "Today"
    plot = tl.plot_rect()
    for eid in (ids[0], ids[-1]):
        rect = tl.mark_rect(eid)
        assert rect is not None, eid
        assert plot.left() <= rect.center().x() <= plot.right(), eid
    # the axis reads in billions of years, and the pixels show both ends
    img = tl.grab().toImage()
    first, last = tl.mark_rect(ids[0]), tl.mark_rect(ids[-1])
    base = tl.palette().color(tl.backgroundRole())
    for rect in (first, last):
        if plot.contains(rect):
            c = img.pixelColor(round(rect.center().x()), round(rect.center().y()))
            assert c != base
