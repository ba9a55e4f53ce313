"""The Events table's rows after a filter change: each shown event found at its row
(``row_of``, which the selection follows), a hidden one at none, and the rows kept in
4 bytes each (a million events: 4 MB, not 8; ``row_of``'s index another 4, not a dict
of ~100 MB)."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from test_filters import click_check_box, redraw, top_item
from test_main_window import settle

pytestmark = pytest.mark.gui


def test_a_filtered_table_finds_each_shown_event_at_its_row(qtbot, main_window):
    w = main_window
    ds, tm = w.model.dataset, w.table_model
    settle(qtbot, w)
    w.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # by title, then back to date
    w.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    redraw(qtbot, w, lambda: click_check_box(qtbot, w, top_item(w, "Iran")))
    shown = set(w.model.shown_ids())
    assert 0 < tm.rowCount() == len(shown) < len(ds)
    listed = [tm.event_id(r) for r in range(tm.rowCount())]
    assert set(listed) == shown
    assert [tm.row_of(i) for i in listed] == list(range(len(listed)))
    hidden = [e.id for e in ds.events if e.id not in shown]
    assert hidden and all(tm.row_of(i) is None for i in hidden)
    assert tm.row_of("no such event") is None
    assert tm._rows.dtype == np.int32 and tm._where.dtype == np.int32
    # an event selected elsewhere (the map, the timeline) is selected at its row
    w.model.select([listed[2]])
    assert [i.row() for i in w.table.selectionModel().selectedRows()] == [2]
