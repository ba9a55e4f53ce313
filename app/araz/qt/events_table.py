"""The table of shown events: a read-only Qt model over the dataset and the filter mask.

Sorting happens here, with numpy over precomputed keys, not in a QSortFilterProxyModel
(which would call ``data()`` n·log n times from Python: seconds at 100k events).  The
view only ever asks for the rows it shows.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ..model import AppModel

COLUMNS = ("Date", "Title", "Actors", "Places", "Category", "Certainty")
ID_ROLE = Qt.ItemDataRole.UserRole + 2


class EventsTableModel(QAbstractTableModel):
    """Rows are the events the filter shows, sorted by the chosen column."""

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self._model = model
        self._rows = np.zeros(0, np.intp)  # table row -> dataset index
        self._where: dict[int, int] | None = None  # dataset index -> table row
        self._sort = (0, Qt.SortOrder.AscendingOrder)
        self._keys: dict[int, np.ndarray] = {}
        self._colours: dict[str, QColor] = {}
        self.refresh()

    # ------------------------------------------------------------ rows

    def refresh(self) -> None:
        """Re-read the filter mask (and, after a dataset change, the sort keys)."""
        self.beginResetModel()
        if self._keys.get(-1) is not self._model.dataset.events:
            self._keys = {-1: self._model.dataset.events}  # type: ignore[dict-item]
            self._colours = {}
        self._rows = self._ordered(np.flatnonzero(self._model.mask))
        self._where = None
        self.endResetModel()

    def _key(self, column: int) -> np.ndarray:
        """Sort key of every dataset event for a column (computed once per dataset)."""
        if column not in self._keys:
            ds = self._model.dataset
            if column == 0:
                key = np.array([e.date.value.lower if e.date else np.inf for e in ds.events], float)
            else:
                texts = [self._text(e, column).casefold() for e in ds.events]
                key = np.argsort(np.array(texts, dtype=object), kind="stable")
                key = np.argsort(key, kind="stable")  # rank of each event
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
        return self._model.dataset.events[int(self._rows[row])].id

    def row_of(self, event_id: str) -> int | None:
        i = self._model.dataset.index.get(event_id)
        if i is None:
            return None
        if self._where is None:
            self._where = {int(r): k for k, r in enumerate(self._rows)}
        return self._where.get(i)

    # ------------------------------------------------------------ Qt model

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def _text(self, e, col: int) -> str:
        ds = self._model.dataset
        if col == 0:
            return e.date.display if e.date else "no date"
        if col == 1:
            return e.title
        if col == 2:
            return ds.actor_names(e)
        if col == 3:
            return ", ".join(p.name for p in ds.event_places(e)) or "—"
        if col == 4:
            return e.category
        return e.certainty

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self._model.dataset.events[int(self._rows[index.row()])]
        if role == ID_ROLE:
            return e.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(e, index.column())
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 1:
            colour = self._model.dataset.colour(e)
            if colour not in self._colours:
                self._colours[colour] = QColor(colour)
            return self._colours[colour]
        return None
