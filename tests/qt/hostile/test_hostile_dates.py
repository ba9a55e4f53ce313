"""Years too long to draw (issue #14.8): ``Y`` + 40, 400 and 5000 digits.  The readers
report each such row as a problem and load the rest; the timeline paints whatever it is
given without raising."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from araz.io import read_path
from araz.model.dates import MAX_YEAR, EDTFError, FuzzyDate

HOSTILE = Path(__file__).parent
GOOD = {"ok-first", "ok-bigbang", "ok-middle", "ok-last"}


def test_curated_file_reports_each_long_year_and_keeps_the_rest():
    result = read_path(HOSTILE / "dates_long_years.yaml")
    ds = result.dataset
    assert ds is not None
    assert set(ds.events.ids) >= GOOD
    dated = {e.id for e in ds.events if e.date is not None}
    assert dated == GOOD  # the long years are not dates
    text = "\n".join(str(p) for p in result.problems)
    for bad in ("y40", "y400", "y5000", "yrange"):
        assert bad in text, bad
    assert "Traceback" not in text and len(text) < 5000  # no 5000-digit echo
    bang = ds.event("ok-bigbang").date.value
    assert bang.lower < -5e12  # 13.8 billion years ago, in days


def test_timelinejs_file_reports_each_long_year_and_keeps_the_rest():
    result = read_path(HOSTILE / "dates_long_years_timeline.json")
    ds = result.dataset
    assert ds is not None
    titles = {e.title for e in ds.events if e.date is not None}
    assert titles == {"A good year", "Big Bang", "Another good year"}
    ranges = {p.record for p in result.problems if "out of range" in p.message}
    assert ranges == {"event 2", "event 4", "event 6"}  # 41, 401 and 5000 digits
    assert all(len(p.message) < 300 for p in result.problems)


@pytest.mark.parametrize("digits", [13, 40, 400, 5000])
def test_parse_bounds_years(digits):
    with pytest.raises(EDTFError, match="out of range"):
        FuzzyDate.parse("Y" + "9" * digits)
    with pytest.raises(EDTFError, match="out of range"):
        FuzzyDate.parse("Y-" + "9" * digits)
    assert FuzzyDate.parse(f"Y{MAX_YEAR}").upper > 3e14
    assert FuzzyDate.parse("Y-13799999999").lower < -5e12


@pytest.mark.gui
def test_timeline_paints_far_years_without_raising(qtbot, caplog):
    from PySide6.QtGui import QImage

    from araz.qt.timeline import TimelineData, TimelineView

    w = TimelineView()
    qtbot.addWidget(w)
    w.resize(800, 300)
    far = float(365.2425 * 10.0**40)  # what a 41-digit year gave before it was bounded
    for start in ([0.0, far], [-far, 0.0, far], [1e300, 1e300]):
        n = len(start)
        s = np.array(start)
        w.set_data(
            TimelineData(
                ids=[f"e{i}" for i in range(n)],
                start=s,
                end=s,
                precision=["day"] * n,
                fade_start=np.zeros(n, bool),
                fade_end=np.zeros(n, bool),
                open_start=np.zeros(n, bool),
                open_end=np.zeros(n, bool),
                color=[0xFF336699] * n,
                label=["x"] * n,
                tooltip=["x"] * n,
                lane_actor=["a"] * n,
                lane_category=["c"] * n,
            )
        )
        w.fit_all()
        with caplog.at_level(logging.ERROR):
            img = w.grab().toImage()  # paints; a failure would be logged, never raised
        assert isinstance(img, QImage) and not img.isNull()


@pytest.mark.gui
def test_the_window_opens_the_file_and_draws_the_rest(main_window, qtbot):
    w = main_window
    with qtbot.waitSignal(w.loadFinished, timeout=20_000) as blocker:
        w.open_path(HOSTILE / "dates_long_years.yaml")
    result = blocker.args[1]
    assert result.dataset is not None and len(w.model.dataset) == len(result.dataset)
    report = w.last_report
    assert report is not None and "y400" in report.detailedText()
    w.fit_all()
    tl = w.timeline
    assert set(tl.data().ids) == GOOD
    img = tl.grab().toImage()
    pal = tl.palette()
    plain = {pal.color(pal.ColorRole.Base).rgb(), pal.color(pal.ColorRole.AlternateBase).rgb()}
    for eid in GOOD:  # the Big Bang and 2021-2023, every one drawn
        rect = tl.mark_rect(eid)
        assert rect is not None, eid
        if tl.plot_rect().contains(rect):
            c = rect.center().toPoint()
            assert img.pixelColor(c.x(), c.y()).rgb() not in plain, eid
