"""The filters panel as a person uses it: the actor tree's two meanings, counts that follow
the other filters, "Only this"."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTreeWidgetItem
from test_main_window import TIMEOUT, colour_mask, map_pixels, marker_is_drawn, settle

from araz.model.palette import FIXED

pytestmark = pytest.mark.gui
IRAN = FIXED["iran"]


def top_item(window, name: str) -> QTreeWidgetItem:
    tree = window.filters.actors
    for i in range(tree.topLevelItemCount()):
        if tree.topLevelItem(i).text(0) == name:
            return tree.topLevelItem(i)
    raise LookupError(name)


def click_check_box(qtbot, window, item: QTreeWidgetItem) -> None:
    """Click the item's check box with the mouse, where a person sees it."""
    tree = window.filters.actors
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    before = item.checkState(0)
    QTest.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10, rect.center().y())
    )
    assert item.checkState(0) != before, "the click missed the check box"


def timeline_pixels(window, colour: str) -> int:
    """Pixels of a colour in the timeline, over all its lanes (scrolled through with its
    scroll bar, as a person would)."""
    bar = window.timeline.vscroll
    total, value = 0, bar.minimum()
    while True:
        bar.setValue(value)
        total += int(colour_mask(window.timeline.grab().toImage(), colour).sum())
        if value >= bar.maximum():
            break
        value = min(value + max(bar.pageStep(), 1), bar.maximum())
    bar.setValue(bar.minimum())
    return total


def redraw(qtbot, window, gesture) -> None:
    with qtbot.waitSignal(window.map.rendered, timeout=TIMEOUT):
        gesture()
    settle(qtbot, window)
    qtbot.wait(50)


def test_unchecking_iran_removes_every_orange_mark_and_involved_brings_back_the_rest(
    qtbot, main_window
):
    w = main_window
    ds = w.model.dataset
    settle(qtbot, w)
    assert map_pixels(w, IRAN) > 0 and timeline_pixels(w, IRAN) > 0
    redraw(qtbot, w, lambda: click_check_box(qtbot, w, top_item(w, "Iran")))
    # no orange left: not on the map, not on the timeline, not in the table
    assert map_pixels(w, IRAN) == 0
    assert timeline_pixels(w, IRAN) == 0
    shown = set(w.model.shown_ids())
    assert not any(ds.main_state(ds.event(eid)) == "iran" for eid in shown)
    assert w.table_model.rowCount() == len(shown)
    assert "main actor" in w.filters.summary.text()
    # events Iran takes part in but another actor leads stay (in their colour)
    led_by_others = {
        e.id
        for e in ds.events
        if ds.main_state(e) != "iran" and any(ds.state_of(a) == "iran" for a in e.actors)
    }
    assert led_by_others and led_by_others <= shown
    # "any actor involved": Iran's own events that involve a checked actor come back
    iran_led_with_others = [
        e.id
        for e in ds.events
        if e.id in w.map._index
        and ds.main_state(e) == "iran"
        and any(ds.state_of(a) != "iran" for a in e.actors)
    ]
    assert iran_led_with_others
    redraw(qtbot, w, lambda: qtbot.mouseClick(w.filters.match_involved, Qt.MouseButton.LeftButton))
    assert w.model.filter.actor_match == "involved"
    assert set(iran_led_with_others) <= set(w.model.shown_ids())
    assert any(marker_is_drawn(qtbot, w, eid) for eid in iran_led_with_others)
    assert map_pixels(w, IRAN) > 0 and timeline_pixels(w, IRAN) > 0
    assert "any of its actors" in w.filters.summary.text()
    redraw(qtbot, w, lambda: qtbot.mouseClick(w.filters.match_main, Qt.MouseButton.LeftButton))
    assert map_pixels(w, IRAN) == 0


def test_tree_counts_main_and_involved_under_the_other_filters(qtbot, main_window):
    w = main_window
    ds = w.model.dataset
    tree = w.filters.actors
    assert [tree.headerItem().text(c) for c in range(3)] == ["Actor", "Main", "Involved"]
    iran = top_item(w, "Iran")
    main = sum(ds.main_state(e) == "iran" for e in ds.events)
    involved = sum(any(ds.state_of(a) == "iran" for a in e.actors) for e in ds.events)
    assert (iran.text(1), iran.text(2)) == (str(main), str(involved))
    assert main < involved
    # uncheck "military": the actor and certainty counts drop, the category's own stay
    cats = w.filters.categories
    military = next(
        cats.item(i)
        for i in range(cats.count())
        if cats.item(i).data(Qt.ItemDataRole.UserRole) == "military"
    )
    n_military = sum(e.category == "military" for e in ds.events)
    assert military.text() == f"military  ({n_military})"
    cats.scrollToItem(military)
    rect = cats.visualItemRect(military)
    QTest.mouseClick(
        cats.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10, rect.center().y())
    )
    assert w.model.filter.categories is not None and "military" not in w.model.filter.categories
    rest = [e for e in ds.events if e.category != "military"]
    assert iran.text(1) == str(sum(ds.main_state(e) == "iran" for e in rest))
    assert military.text() == f"military  ({n_military})"
    certs = w.filters.certainties
    total = sum(
        int(certs.item(i).text().rsplit("(", 1)[1].rstrip(")")) for i in range(certs.count())
    )
    assert total == len(rest)


def context_action(qtbot, tree, item: QTreeWidgetItem, action_name: str) -> None:
    """Right-click the item and choose an action from its menu."""
    chosen = []

    def choose():
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(20, choose)
            return
        act = next(a for a in menu.actions() if a.objectName() == action_name)
        chosen.append(act.text())
        menu.setActiveAction(act)
        QTest.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(20, choose)
    pos = tree.visualItemRect(item).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, tree.viewport().mapToGlobal(pos))
    QApplication.sendEvent(tree.viewport(), event)
    qtbot.waitUntil(lambda: bool(chosen), timeout=5000)


def test_only_this_in_both_meanings(qtbot, main_window):
    w = main_window
    ds = w.model.dataset
    tree = w.filters.actors
    context_action(qtbot, tree, top_item(w, "Azerbaijan"), "only_main")
    shown = w.model.shown_ids()
    assert shown and all(ds.main_state(ds.event(e)) == "azerbaijan" for e in shown)
    assert len(shown) == sum(ds.main_state(e) == "azerbaijan" for e in ds.events)
    assert w.model.filter.actor_match == "main" and w.filters.match_main.isChecked()
    context_action(qtbot, tree, top_item(w, "Iran"), "only_involved")
    shown = w.model.shown_ids()
    involving = [e.id for e in ds.events if any(ds.state_of(a) == "iran" for a in e.actors)]
    assert shown == involving
    assert any(ds.main_state(ds.event(e)) != "iran" for e in shown)
    assert w.filters.match_involved.isChecked()
    assert top_item(w, "Iran").checkState(0) == Qt.CheckState.Checked
    assert top_item(w, "Azerbaijan").checkState(0) == Qt.CheckState.Unchecked


def test_the_meaning_is_remembered(qtbot, main_window):
    from araz.model import AppModel
    from araz.qt import settings as app_settings
    from araz.qt.main_window import MainWindow

    w = main_window
    qtbot.mouseClick(w.filters.match_involved, Qt.MouseButton.LeftButton)
    app_settings.save_window(w)
    again = MainWindow(AppModel(w.model.dataset), restore=True)
    qtbot.addWidget(again)
    assert again.model.filter.actor_match == "involved"
    assert again.filters.match_involved.isChecked()
    again.close()


def test_lane_counts_follow_the_filter(qtbot, main_window):
    """The timeline's lane names say how many of their events the filter shows."""
    w = main_window
    settle(qtbot, w)
    tl = w.timeline
    keys = tl.lanes().keys
    iran = keys.index(next(k for k in keys if k.casefold() == "iran"))
    shown, total = tl.lane_counts()
    assert (shown == total).all()  # nothing hidden: one number per lane

    def iran_name_pixels():
        # scroll Iran's lane into view with the scroll bar, as a person would, and take
        # the count drawn under its name in the gutter (18 px in, 18 px below the name's top)
        lanes = tl.lanes()
        tl.vscroll.setValue(int(lanes.tops[iran]))
        plot = tl.plot_rect()
        top = plot.top() + lanes.tops[iran] - tl.vertical_offset()
        y = min(max(top, plot.top()), top + lanes.heights[iran] - 30)
        return tl.grab(QRect(18, int(y) + 19, int(plot.left()) - 24, 12)).toImage()

    before = iran_name_pixels()
    redraw(qtbot, w, lambda: click_check_box(qtbot, w, top_item(w, "Iran")))
    shown, total = tl.lane_counts()
    assert shown[iran] == 0 < total[iran]
    others = [i for i in range(len(keys)) if i != iran]
    assert all(shown[i] == total[i] for i in others)
    # what the gutter draws under Iran's name changed with it ("0 of 14")
    assert iran_name_pixels() != before
    redraw(qtbot, w, lambda: click_check_box(qtbot, w, top_item(w, "Iran")))
    assert iran_name_pixels() == before


def test_the_table_keeps_its_order_through_a_filter_change(qtbot, main_window):
    """Sorted by category (many ties), the table lists the events a filter leaves in that
    order, ties in the dataset's order (reversed when descending), as a stable sort."""
    w = main_window
    ds, tm = w.model.dataset, w.table_model
    settle(qtbot, w)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        w.table.sortByColumn(4, order)
        redraw(qtbot, w, lambda: click_check_box(qtbot, w, top_item(w, "Iran")))
        listed = [ds.index[tm.event_id(r)] for r in range(tm.rowCount())]
        assert sorted(listed) == sorted(ds.index[i] for i in w.model.shown_ids())
        keys = [(ds.events[i].category.casefold(), i) for i in listed]
        want = sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)
        assert keys == want and len({k for k, _ in keys}) > 1
        redraw(qtbot, w, lambda: click_check_box(qtbot, w, top_item(w, "Iran")))
        assert tm.rowCount() == len(ds)
