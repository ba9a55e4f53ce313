"""Clicking a density bin selects its events (issue #18): a real click on a hexagon of an
ACLED file drawn as density selects, in the model, the events of that hexagon (as many
as its tooltip counts, all drawn inside it); the Events table selects their rows and the
timeline highlights them; the Event panel says how many.  A double-click zooms in."""

from __future__ import annotations

import math

import pytest
from map_support import open_map_view, settle_map
from page_support import read_page_json
from PySide6.QtCore import QDateTime, QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_map_density import (  # noqa: F401
    biggest_bin_point,
    border_sample,
    many,
    open_and_wait,
)

from araz.qt.events_table import ID_ROLE
from araz.qt.map.page_json import of_type

pytestmark = pytest.mark.gui
TIMEOUT = 30_000


def click(view, x: float, y: float) -> None:
    target = view.web_view().focusProxy()
    at = QPoint(round(x), round(y))
    QTest.mouseMove(target, at)
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)


def double_click(view, x: float, y: float) -> None:
    """Two real clicks 60 ms apart by their time stamps (QTest spaces its own clicks by
    the double-click interval so that they never make one)."""
    target = view.web_view().focusProxy()
    local = QPointF(x, y)
    stamp = QDateTime.currentMSecsSinceEpoch() % 1_000_000_000 + 10_000_000
    for k, kind in enumerate((QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease) * 2):
        pressed = kind == QEvent.Type.MouseButtonPress
        event = QMouseEvent(
            kind, local, QPointF(target.mapToGlobal(local.toPoint())),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton if pressed else Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
        event.setTimestamp(stamp + 30 * k)
        QApplication.sendEvent(target, event)


def test_clicking_a_bin_selects_its_events_everywhere(qtbot, main_window, border_sample):  # noqa: F811
    w = main_window
    open_and_wait(qtbot, w, border_sample)
    assert read_page_json(w.map, "araz.drawing()", of_type(dict))["mode"] == "hex"
    x, y, count = biggest_bin_point(w.map)
    count = int(count)
    assert count > 20
    click(w.map, x, y)
    qtbot.waitUntil(lambda: len(w.model.selection.ids) == count, timeout=TIMEOUT)
    selected = w.model.selection.ids
    assert w.model.selection.active is None  # many: the panel says how many
    # the selected events are the ones drawn in that hexagon: all within its radius of
    # its centre, and every shown event well inside it is selected
    ids = list(w.map._ids)
    points = read_page_json(
        w.map,
        "Array.from({length: araz.events.n}, (_, i) => araz.events.visible[i] ?"
        " (p => [p.x, p.y])(araz.map.latLngToContainerPoint("
        "[araz.events.lat[i], araz.events.lon[i]])) : null)",
        of_type(list),
    )
    radius = read_page_json(w.map, "araz.events.bins.r", of_type((float, int)))
    for eid, p in zip(ids, points, strict=True):
        if p is None:
            assert eid not in selected
            continue
        d = math.dist(p, (x, y))
        if eid in selected:
            assert d <= radius + 0.5, (eid, d)
        elif d < radius * math.sqrt(3) / 2 - 0.5:  # inside the hexagon's inner circle
            pytest.fail(f"{eid} at {d:.1f} px from the bin's centre is not selected")
    # the Events table selects those rows
    rows = w.table.selectionModel().selectedRows()
    assert len(rows) == count
    assert {w.table_model.data(r, ID_ROLE) for r in rows} == set(selected)
    # the timeline highlights the same events
    data = w.timeline.data()
    assert {data.ids[r] for r in w.timeline.selected_rows()} == set(selected)
    # the Event panel says how many
    assert f"{count} events selected" in w.detail.browser.toPlainText()
    # the map did not move; a double-click zooms in on the bin
    zoom = read_page_json(w.map, "araz.map.getZoom()", of_type((float, int)))
    double_click(w.map, x, y)
    qtbot.waitUntil(
        lambda: read_page_json(w.map, "araz.map.getZoom()", of_type((float, int))) >= zoom + 2,
        timeout=TIMEOUT,
    )
    settle_map(qtbot, w.map, TIMEOUT)


def test_the_table_shows_a_selection_of_runs_and_single_rows(qtbot, main_window):
    """The table selects the model's selection as runs of neighbouring rows: every
    selected event's row, no other, whatever the runs."""
    w = main_window
    tm = w.table_model
    want_rows = [0, 3, 4, 5, 6, 9, len(w.model.dataset) - 1]
    ids = [tm.data(tm.index(r, 0), ID_ROLE) for r in want_rows]
    w.model.select(ids, ids[2])
    rows = sorted(i.row() for i in w.table.selectionModel().selectedRows())
    assert rows == want_rows
    assert w.table.selectionModel().currentIndex().row() == 4
    w.model.select(ids[:1])
    assert [i.row() for i in w.table.selectionModel().selectedRows()] == [0]
    w.model.clear_selection()
    assert w.table.selectionModel().selectedRows() == []


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot)


def test_a_click_on_the_heatmap_picks_the_events_its_tooltip_counts(qtbot, map_view):
    """In the heatmap the tooltip counts the events of the (undrawn) hexagon under the
    pointer; a click picks those, the map stays put."""
    map_view.set_events(many(3000))
    map_view.fit_bounds(44.0, 38.0, 48.0, 42.0)
    map_view.set_style(density="heat")
    settle_map(qtbot, map_view, TIMEOUT)
    assert read_page_json(map_view, "araz.drawing()", of_type(dict))["mode"] == "heat"
    x, y, count = biggest_bin_point(map_view)
    zoom = read_page_json(map_view, "araz.map.getZoom()", of_type((float, int)))
    with qtbot.waitSignal(map_view.picked, timeout=TIMEOUT) as picked:
        click(map_view, x, y)
    assert len(picked.args[0]) == int(count) > 20
    tooltip = "document.querySelector('.araz-tooltip').textContent"
    assert read_page_json(map_view, tooltip, of_type(str)).startswith(f"{int(count):,} events")
    assert read_page_json(map_view, "araz.map.getZoom()", of_type((float, int))) == zoom


def test_a_bin_clicked_once_a_fit_is_acknowledged_picks_the_events_it_counts(qtbot, map_view):
    """The page acknowledges a call once the map has stopped moving: a fit's zoom animation
    has ended and the bins are drawn for the view it arrived at.  The fit and a sync
    are sent with the events (they wait for their payload), the biggest bin is read and
    clicked as soon as the sync is acknowledged: the click picks that bin's events, and
    the map shows that same bin there once it has settled.  (Acknowledged while the map
    still moved, the page gave the bins of the view the fit left: the click picked
    nothing, or another bin.)"""
    events = many(3000, seed=5)
    map_view.set_events(events)
    map_view.fit([e["id"] for e in events])
    seq = map_view.sync()
    with qtbot.waitSignal(map_view.rendered, check_params_cb=lambda s: s >= seq, timeout=TIMEOUT):
        pass
    assert read_page_json(map_view, "araz.drawing()", of_type(dict))["mode"] == "hex"
    x, y, count = biggest_bin_point(map_view)
    assert count > 20
    with qtbot.waitSignal(map_view.picked, timeout=TIMEOUT) as picked:
        click(map_view, x, y)
    assert len(picked.args[0]) == int(count)
    settle_map(qtbot, map_view, TIMEOUT)
    assert biggest_bin_point(map_view) == [x, y, count]
