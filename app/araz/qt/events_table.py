"""The table of shown events: a read-only Qt model over the dataset and the filter mask,
and the table widget that keeps its selection in step with the AppModel's.

Sorting happens here, with numpy over precomputed keys, not in a QSortFilterProxyModel
(which would call ``data()`` n·log n times from Python: seconds at 100k events).  The
view only ever asks for the rows it shows.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ..model import AppModel
from ..model.masks import picked
from ..model.table import Coded
from ..views import table_order
from .text import plain_tooltip, shorten

COLUMNS = ("Date", "Title", "Actors", "Places", "Category", "Certainty")
ID_ROLE = Qt.ItemDataRole.UserRole + 2


class EventsTableModel(QAbstractTableModel):
    """Rows are the events the filter shows, sorted by the chosen column."""

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self._model = model
        self._rows = np.zeros(0, np.int32)  # table row -> dataset index
        # dataset index -> table row (-1: not shown), made when first asked for: an
        # array (4 bytes an event; a dict of a million rows took ~100 MB)
        self._where: np.ndarray | None = None
        self._sort = (0, Qt.SortOrder.AscendingOrder)
        self._keys: dict[int, np.ndarray] = {}
        self._scheme: tuple[object, list[QColor]] | None = None  # (scheme, its colours)
        self.refresh()
        model.changed.connect(self._on_model_changed)

    def _on_model_changed(self, change) -> None:
        """Colour by another column: the swatches change (a dataset refreshes all)."""
        if change.colour and not change.dataset and self.rowCount():
            self.dataChanged.emit(
                self.index(0, 1),
                self.index(self.rowCount() - 1, 1),
                [Qt.ItemDataRole.DecorationRole],
            )

    # ------------------------------------------------------------ rows

    def refresh(self) -> None:
        """Re-read the filter mask (and, after a dataset change, the sort keys)."""
        self.beginResetModel()
        if self._keys.get(-1) is not self._model.dataset.events:
            self._keys = {-1: self._model.dataset.events}  # type: ignore[dict-item]
            self._texts: dict[int, Coded] = {}
            self._orders: dict[int, np.ndarray] = {}
            self._scheme = None
        # every event in the sort's order once per dataset and column, then the shown ones
        # picked in that order: ties stay in dataset order, as a stable sort of the rows
        column, order = self._sort
        if column not in self._orders:
            ds = self._model.dataset
            self._orders[column] = (
                table_order.date_order(ds)  # made in the loader's thread
                if column == 0
                else table_order.narrow(np.argsort(self._key(column), kind="stable"))
            )
        every, m = self._orders[column], self._model
        rows = every if m.all_shown else picked(every, m.mask.take(every))
        self._rows = rows[::-1] if order == Qt.SortOrder.DescendingOrder else rows
        self._where = None
        self.endResetModel()

    def _column(self, column: int) -> Coded:
        """The text of every event in a column, as distinct texts and a code per event
        (built from the dataset's columns: no event objects)."""
        if column not in self._texts:
            ds = self._model.dataset
            ev = ds.events
            if column == 0:
                col = Coded(ev.date.codes, [d.display if d else "no date" for d in ev.date.values])
            elif column == 1:
                col = ev.title
            elif column == 2:
                names = [
                    ", ".join(ds.actors[a].name if a in ds.actors else a for a in t)
                    for t in ev.actors.values
                ]
                col = Coded(ev.actors.codes, names)
            elif column == 3:
                # per distinct place tuple, from the gazetteer's columns (no Place objects)
                col = Coded(ds.place_tuples.codes, [n or "—" for n in ds.place_names()])
            elif column == 4:
                col = ev.category
            else:
                col = ev.certainty
            # a megabyte title (or 20,000 actors' names) is shown to 500 characters
            self._texts[column] = Coded(col.codes, [shorten(str(t)) for t in col.values])
        return self._texts[column]

    def _key(self, column: int) -> np.ndarray:
        """Sort key of every dataset event for a column (computed once per dataset)."""
        if column not in self._keys:
            # the rank of each distinct value, spread to the events (table_order.ranked)
            if column == 0:
                key = table_order.date_key(self._model.dataset)
            else:
                col = self._column(column)
                per = np.array([str(t).casefold() for t in (*col.values, "")], dtype=object)
                key = table_order.ranked(per, col.codes)
            self._keys[column] = key
        return self._keys[column]

    def _ordered(self, rows: np.ndarray) -> np.ndarray:
        column, order = self._sort
        key = self._key(column)[rows]
        idx = np.argsort(key, kind="stable")
        if order == Qt.SortOrder.DescendingOrder:
            idx = idx[::-1]
        return rows[idx]

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._rows = self._ordered(self._rows)
        self._where = None
        self.layoutChanged.emit()

    def event_id(self, row: int) -> str:
        return self._model.dataset.events.ids[int(self._rows[row])]

    def row_of(self, event_id: str) -> int | None:
        i = self._model.dataset.index.get(event_id)
        if i is None:
            return None
        if self._where is None:  # per dataset event, its table row (-1: not shown)
            n = len(self._model.dataset)
            where = np.full(n, -1, table_order.index_type(n))
            where[self._rows] = np.arange(len(self._rows), dtype=where.dtype)
            self._where = where
        k = int(self._where[i])
        return k if k >= 0 else None

    # ------------------------------------------------------------ Qt model

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        i = int(self._rows[index.row()])
        if role == ID_ROLE:
            return self._model.dataset.events.ids[i]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._column(index.column())[i]
        if role == Qt.ItemDataRole.ToolTipRole:  # Qt would take "<b>…" for markup
            return plain_tooltip(self._column(index.column())[i])
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 1:
            scheme = self._model.colour_scheme  # the map's and the timeline's colours
            if self._scheme is None or self._scheme[0] is not scheme:
                self._scheme = (scheme, [QColor(c) for c in scheme.palette()])
            return self._scheme[1][int(scheme.codes[i])]
        return None


class EventsTable(QTableView):
    """The events table: selecting rows selects their events in the model, hovering a
    row hovers its event, and :meth:`sync_selection` shows the model's selection
    (without echoing it back)."""

    def __init__(self, model: AppModel, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self.table_model = EventsTableModel(model, self)
        self.setObjectName("events")
        self.setModel(self.table_model)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 150), (2, 150), (3, 110), (4, 80), (5, 80)):
            self.setColumnWidth(col, width)
        self.selectionModel().selectionChanged.connect(self._on_selection)
        self.entered.connect(self._on_hover)
        self.setMouseTracking(True)

    def sync_selection(self) -> None:
        """Select the rows of the model's selection, its active event current.  The rows
        go to Qt as one selection of runs of neighbouring rows (a density bin's thousands
        of events: one call, not one each)."""
        sel = self._model.selection
        sm = self.selectionModel()
        rows = sorted(r for r in map(self.table_model.row_of, sel.ids) if r is not None)
        selection = QItemSelection()
        last = self.table_model.columnCount() - 1
        start = 0
        for k in range(1, len(rows) + 1):
            if k == len(rows) or rows[k] != rows[k - 1] + 1:
                top = self.table_model.index(rows[start], 0)
                selection.select(top, self.table_model.index(rows[k - 1], last))
                start = k
        sm.blockSignals(True)
        try:
            flags = QItemSelectionModel.SelectionFlag
            sm.select(selection, flags.ClearAndSelect | flags.Rows)
            row = self.table_model.row_of(sel.active) if sel.active is not None else None
            if row is not None:
                current = self.table_model.index(row, 0)
                sm.setCurrentIndex(current, flags.NoUpdate)
                self.scrollTo(current)
        finally:
            sm.blockSignals(False)
        self.viewport().update()

    def _on_selection(self, *_args) -> None:
        rows = self.selectionModel().selectedRows()
        ids = [self.table_model.data(r, ID_ROLE) for r in rows]
        current = self.selectionModel().currentIndex()
        active = None
        if current.isValid():
            active = self.table_model.data(current.siblingAtColumn(0), ID_ROLE)
        self._model.select(ids, active if active in ids else (ids[0] if ids else None))

    def _on_hover(self, index: QModelIndex) -> None:
        self._model.set_hover(self.table_model.data(index.siblingAtColumn(0), ID_ROLE))
