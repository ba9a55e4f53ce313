"""The timeline hides no event: every event of the bundled story can be seen, hovered,
clicked and reached with the keyboard, in the real window (issue #13.3)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui


def wheel(widget, pos: QPoint, dy: int, mods=Qt.KeyboardModifier.NoModifier) -> None:
    ev = QWheelEvent(
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        QPoint(0, 0),
        QPoint(0, dy),
        Qt.MouseButton.NoButton,
        mods,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, ev)


def scroll_into_view(qtbot, tl, event_id: str):
    """Wheel over the lane names (as a person scrolls) until the event's mark is in the
    plot; its rect then."""
    plot = tl.plot_rect()
    gutter = QPoint(20, round(plot.center().y()))
    for _ in range(200):
        rect = tl.mark_rect(event_id)
        assert rect is not None, f"{event_id} is not drawn at all"
        if plot.contains(rect):
            return rect
        wheel(tl, gutter, -120 if rect.center().y() > plot.center().y() else 120)
    raise AssertionError(f"{event_id} could not be scrolled into view")


def test_every_event_can_be_clicked_at_fit_all(main_window, qtbot):
    w = main_window
    tl = w.timeline
    w.fit_all()
    ids = list(tl.data().ids)
    assert len(ids) == int(w.model.dataset.arrays["has_date"].sum()) > 20  # every dated event
    for eid in ids:
        rect = scroll_into_view(qtbot, tl, eid)
        pos = rect.center().toPoint()
        assert tl.row_at(QPointF(pos)) == tl.data().index_of(eid), eid
        qtbot.mouseMove(tl, pos)
        assert w.model.hover == eid  # hovered
        with qtbot.waitSignal(tl.selectionRequested) as blk:
            qtbot.mouseClick(tl, Qt.MouseButton.LeftButton, pos=pos)
        assert blk.args == [[eid], False], (blk.args, w.model.selection)
        assert w.model.selection.active == eid
        assert w.model.selection.ids == {eid}


def test_short_event_is_never_under_a_long_bar(main_window):
    tl = main_window.timeline
    main_window.fit_all()
    rects = {eid: tl.mark_rect(eid) for eid in tl.data().ids}
    fear = next(e for e in rects if "wage" in tl.data().label[tl.data().index_of(e)])
    for eid, r in rects.items():
        if eid != fear:
            assert not r.intersects(rects[fear]), (eid, fear)


def test_every_event_has_its_label_at_fit_all(main_window):
    tl = main_window.timeline
    main_window.fit_all()
    shown = tl.labelled_ids()
    assert set(shown) == set(tl.data().ids)


def test_a_click_on_a_lane_name_folds_and_unfolds_it(main_window, qtbot):
    tl = main_window.timeline
    main_window.fit_all()
    lanes = tl.lanes()
    first = lanes.keys[0]
    tall = float(lanes.heights[0])
    second_top = float(lanes.tops[1])
    name = QPoint(40, round(tl.plot_rect().top() + 10))
    qtbot.mouseClick(tl, Qt.MouseButton.LeftButton, pos=name)
    assert tl.collapsed_lanes() == {first}
    lanes = tl.lanes()
    assert float(lanes.heights[0]) < tall / 3  # one row of marks
    assert float(lanes.tops[1]) < second_top  # the next lane moved up
    ids = [e for e in tl.data().ids if tl.data().lane_actor[tl.data().index_of(e)] == first]
    assert not set(ids) & set(tl.labelled_ids())  # folded: no labels
    assert all(tl.mark_rect(e) is not None for e in ids)  # but every mark is drawn
    qtbot.mouseClick(tl, Qt.MouseButton.LeftButton, pos=name)
    assert tl.collapsed_lanes() == set()
    assert float(tl.lanes().heights[0]) == tall
