"""The application window: every view linked through the one model (headless)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from araz.model.palette import FIXED

pytestmark = pytest.mark.gui
TIMEOUT = 20_000
IRAN = FIXED["iran"]


def run_js(qtbot, window, script: str):
    box: list = []
    window.map.web_view().page().runJavaScript(f"JSON.stringify({script})", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=TIMEOUT)
    return json.loads(box[0]) if box[0] else None  # "" while the page is reloading


def settle(qtbot, window) -> None:
    """Let the page finish drawing and moving: wait until every marker stays put."""
    script = "[...Array(araz.events.n || 0).keys()].map(i => araz.markerPoint(i))"
    last = None
    for _ in range(50):
        now = run_js(qtbot, window, script)
        if now == last:
            break
        last = now
        qtbot.wait(200)
    qtbot.wait(100)


def colour_mask(image: QImage, hex_colour: str, tol: int = 12) -> np.ndarray:
    img = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    arr = np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)[:, : w * 3]
    arr = arr.reshape(h, w, 3).astype(int)
    want = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return (np.abs(arr - want) <= tol).all(axis=2)


def map_pixels(window, hex_colour: str) -> int:
    return int(colour_mask(window.map.web_view().grab().toImage(), hex_colour).sum())


def marker_is_drawn(qtbot, window, event_id: str) -> bool:
    i = window.map._index[event_id]
    pt = run_js(qtbot, window, f"araz.markerPoint({i})")
    if pt is None:
        return False
    img = window.map.web_view().grab().toImage()
    mask = colour_mask(img, window.model.dataset.colour(window.model.dataset.event(event_id)))
    x, y = round(pt[0]), round(pt[1])
    return bool(mask[max(0, y - 3) : y + 4, max(0, x - 3) : x + 4].any())


def test_object_names_and_docks(main_window):
    for name in ("map", "timeline", "filters", "search", "detail", "events"):
        assert main_window.findChild(QWidget, name) is not None, name
    docks = main_window.findChildren(QDockWidget)
    assert {d.windowTitle() for d in docks} >= {"Filters", "Timeline", "Event", "Events"}
    for d in docks:
        assert d.features() & QDockWidget.DockWidgetFeature.DockWidgetMovable
        assert d.features() & QDockWidget.DockWidgetFeature.DockWidgetClosable
    assert main_window.count_label.text() == "30 of 30 events shown · 4 without a place"


def test_uncheck_iran_hides_its_markers_lane_and_counts(qtbot, main_window):
    w = main_window
    ds = w.model.dataset
    iran_only = [e.id for e in ds.events if e.id in w.map._index
                 and {ds.state_of(a) for a in e.actors} == {"iran"}]  # fmt: skip
    assert iran_only
    settle(qtbot, w)
    assert all(marker_is_drawn(qtbot, w, eid) for eid in iran_only)
    before_pixels = map_pixels(w, IRAN)
    iran_item = next(
        w.filters.actors.topLevelItem(i)
        for i in range(w.filters.actors.topLevelItemCount())
        if w.filters.actors.topLevelItem(i).text(0) == "Iran"
    )
    with qtbot.waitSignal(w.map.rendered, timeout=TIMEOUT):
        iran_item.setCheckState(0, Qt.CheckState.Unchecked)
    settle(qtbot, w)
    assert not any(marker_is_drawn(qtbot, w, eid) for eid in iran_only)
    assert map_pixels(w, IRAN) < before_pixels
    # the timeline hides those events; the table and the status bar count the rest
    shown = set(w.model.shown_ids())
    assert not shown & set(iran_only)
    tl = w.timeline
    visible = {tl.data().ids[r] for r in tl.visible_rows()}
    assert not visible & set(iran_only)
    assert w.table_model.rowCount() == len(shown)
    assert w.count_label.text().startswith(f"{len(shown)} of 30 events shown")
    assert iran_item.text(1) != "0"  # counts are of the data, not of what is shown


def test_click_on_timeline_selects_everywhere(qtbot, main_window):
    w = main_window
    ds = w.model.dataset
    attack = next(e for e in ds.events if e.date.edtf == "2023-01-27")
    tl = w.timeline
    tl.set_range(tl.data().start.min() - 30, tl.data().end.max() + 30)
    from araz.qt.timeline import render

    row = tl.data().index_of(attack.id)
    x0, x1, y = render.mark_geometry(tl, np.array([row]))
    pos = QPointF(float((x0[0] + x1[0]) / 2), float(y[0])).toPoint()
    with qtbot.waitSignal(w.map.rendered, timeout=TIMEOUT):
        QTest.mouseClick(tl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    assert w.model.selection.active == attack.id
    assert attack.quotes[0].text[:60] in w.detail.text().replace("\n", " ")
    assert run_js(qtbot, w, "araz.events.selected") == w.map._index[attack.id]
    rows = w.table.selectionModel().selectedRows()
    assert [w.table_model.data(r, Qt.ItemDataRole.UserRole + 2) for r in rows] == [attack.id]


def test_table_row_selects_and_escape_clears(qtbot, main_window):
    w = main_window
    w.table.selectRow(0)
    eid = w.table_model.data(w.table_model.index(0, 0), Qt.ItemDataRole.UserRole + 2)
    assert w.model.selection.active == eid
    assert tuple(w.timeline.selected_rows()) == (w.timeline.data().index_of(eid),)
    w.activateWindow()
    w.findChild(type(w.undo_action), "clear_selection").trigger()
    assert w.model.selection.active is None


def test_search_kapan_leaves_the_kafan_events(qtbot, main_window):
    w = main_window
    search = w.findChild(QLineEdit, "search")
    QTest.keyClicks(search, "Kapan")
    QTest.keyClick(search, Qt.Key.Key_Return)
    shown = w.model.shown_ids()
    assert shown
    for eid in shown:
        assert "kafan" in {r.place for r in w.model.dataset.event(eid).places}
    assert w.table_model.rowCount() == len(shown)


def test_fit_all_frames_the_shown_events(qtbot, main_window):
    """Ctrl+0 frames what the filter shows: the same view as fitting their ids."""
    w = main_window
    search = w.findChild(QLineEdit, "search")
    QTest.keyClicks(search, "Kapan")
    QTest.keyClick(search, Qt.Key.Key_Return)
    w.fit_all()
    framed = w.map._state["fit"].payload
    w.map.fit(w.model.shown_ids())
    assert framed == w.map._state["fit"].payload
    assert framed["bounds"][1][0] - framed["bounds"][0][0] < 4  # Kafan, not the region


def test_undo_restores_the_previous_filter(qtbot, main_window):
    w = main_window
    w.model.update_filter(categories={"military"})
    assert len(w.model.shown_ids()) < 30
    w.undo_action.trigger()
    assert w.model.filter.categories is None
    assert len(w.model.shown_ids()) == 30
    assert w.filters.categories.checked() is None  # the panel mirrors the model


def test_empty_result_says_so(qtbot, main_window):
    w = main_window
    w.model.update_filter(text="no such thing anywhere")
    assert "No event matches" in w.count_label.text()
    assert w.empty_label.isVisible()
    assert "No event matches" in w.filters.summary.text()


def test_playback_advances_the_window(qtbot, main_window):
    w = main_window
    bar = w.playback
    bar.speed.setCurrentIndex(bar.speed.count() - 1)  # fastest
    bar.play()
    first = w.model.filter.window
    assert first is not None
    qtbot.waitUntil(lambda: w.model.filter.window != first, timeout=TIMEOUT)
    second = w.model.filter.window
    assert second[1] > first[1]
    assert w.timeline.time_window() == second
    bar.pause()
    w.model.undo()  # one undo step for the whole run
    assert w.model.filter.window is None


def test_show_in_article_highlights_and_links(qtbot, main_window):
    w = main_window
    eid = "kafan-consulate"
    w.model.select([eid])
    w.detail.article_button.click()
    assert w.docks["Article"].isVisible()
    html = w.article.toHtml()
    assert "event:kafan-consulate" in html
    w.article.anchorClicked.emit(QUrl("event:embassy-attack-2023"))
    assert w.model.selection.active == "embassy-attack-2023"
    assert "event:embassy-attack-2023" in w.article.toHtml()


def test_a_slot_that_raises_shows_the_error_dialog(qtbot, main_window, tmp_path):
    from araz.qt.errors import ErrorReporter, log_path

    reporter = ErrorReporter(main_window)
    reporter.install()
    try:

        def boom():
            raise RuntimeError("a slot failed on purpose")

        QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: reporter.count == 1, timeout=TIMEOUT)
    finally:
        reporter.uninstall()
    box = reporter.last_dialog
    assert isinstance(box, QMessageBox) and "a slot failed on purpose" in box.text()
    assert "a slot failed on purpose" in log_path().read_text()
    box.close()
    assert main_window.isVisible()
    main_window.model.update_filter(text="Baku")  # still working
    assert main_window.model.shown_ids()
    QApplication.processEvents()


def test_about_has_the_credits(main_window):
    text = main_window.about_text()
    assert "Made with Natural Earth" in text
    assert "Asma Khan Durrani" in text


def test_table_sorts_by_date_and_by_title(qtbot, main_window):
    w = main_window
    tm = w.table_model
    w.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    lows = [w.model.dataset.event(tm.event_id(r)).date.value.lower for r in range(tm.rowCount())]
    assert lows == sorted(lows)
    w.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    titles = [tm.data(tm.index(r, 1)).casefold() for r in range(tm.rowCount())]
    assert titles == sorted(titles, reverse=True)
    w.model.select([tm.event_id(3)])
    assert tm.row_of(tm.event_id(3)) == 3
    assert w.table.selectionModel().selectedRows()[0].row() == 3


def test_events_without_a_place_can_be_listed_and_selected(qtbot, main_window):
    w = main_window
    ids = w.unplaced_ids()
    assert len(ids) == 4 and set(ids) == set(w.model.dataset.unplaced)
    w._fill_unplaced()
    actions = [a for a in w.unplaced_menu.actions() if a.isEnabled()]
    assert len(actions) == 4
    actions[0].trigger()
    assert w.model.selection.active == ids[0]
    assert w.model.dataset.event(ids[0]).title in w.detail.text()


def test_actor_lanes_say_which_people_and_organisations_they_hold(qtbot, main_window):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    from araz.qt.timeline.view import AXIS_H

    tl = main_window.timeline
    lanes = tl.lanes()
    iran = lanes.keys.index("Iran")
    tl.vscroll.setValue(int(lanes.tops[iran]))  # lanes take the rows they need: scroll
    y = int(AXIS_H + lanes.tops[iran] - tl.vertical_offset() + 5)
    assert tl.lane_at(y) == iran
    pos = QPoint(20, y)
    QApplication.sendEvent(tl, QHelpEvent(QHelpEvent.Type.ToolTip, pos, tl.mapToGlobal(pos)))
    text = QToolTip.text()
    assert "Iran, with its people and organisations" in text
    assert "Ebrahim Raisi" in text and "Islamic Revolutionary Guard Corps" in text


def test_escape_clears_the_brush_in_the_timeline_then_the_selection(qtbot, main_window):
    w = main_window
    w.model.update_filter(window=(18600.0, 19000.0))
    w.model.select([w.model.shown_ids()[0]])
    w.activateWindow()
    w.timeline.setFocus()
    QTest.keyClick(w.timeline, Qt.Key.Key_Escape)
    assert w.model.filter.window is None  # first the brush
    assert w.model.selection.active is not None
    QTest.keyClick(w.timeline, Qt.Key.Key_Escape)
    assert w.model.selection.active is None  # then the selection


def test_the_count_stays_when_the_pointer_passes_over_a_menu(qtbot, main_window):
    from PySide6.QtGui import QStatusTipEvent

    w = main_window
    menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&File")
    action = next(a for a in menu.actions() if a.objectName() == "open")
    action.setStatusTip("Open a dataset")
    action.showStatusText(w)  # what the menu does when the pointer is on the action
    QApplication.sendEvent(w, QStatusTipEvent(""))  # and when it leaves
    shown = [
        lab.text()
        for lab in w.statusBar().findChildren(QLabel)
        if lab.isVisible() and "events shown" in lab.text()
    ]
    assert shown == ["30 of 30 events shown · 4 without a place"]


def test_reset_layout_brings_every_dock_back(qtbot, main_window):
    w = main_window
    docks = w.docks
    docks["Filters"].setFloating(True)
    docks["Filters"].move(50, 50)
    w.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, docks["Events"])
    docks["Timeline"].hide()
    view = next(a.menu() for a in w.menuBar().actions() if a.text() == "&View")
    next(a for a in view.actions() if a.objectName() == "reset_layout").trigger()
    qtbot.wait(50)
    area = w.dockWidgetArea
    assert not any(d.isFloating() for d in docks.values())
    assert all(d.isVisible() for title, d in docks.items() if title != "Article")
    assert area(docks["Filters"]) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert area(docks["Timeline"]) == Qt.DockWidgetArea.BottomDockWidgetArea
    for title in ("Event", "Article", "Events"):
        assert area(docks[title]) == Qt.DockWidgetArea.RightDockWidgetArea, title
    assert docks["Article"] in w.tabifiedDockWidgets(docks["Event"])
    assert docks["Events"] not in w.tabifiedDockWidgets(docks["Event"])
    assert docks["Filters"].width() < w.width() // 3


def test_default_layout_puts_the_table_under_the_event(main_window):
    w = main_window
    w.grab().save("/tmp/default_layout.png")
    event, table = w.docks["Event"], w.docks["Events"]
    assert table.isVisible() and event.isVisible()
    assert table.geometry().top() >= event.geometry().bottom()
