"""The table of shown events: a read-only Qt model over the dataset and the filter mask."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..model import AppModel

COLUMNS = ("Date", "Title", "Actors", "Places", "Category", "Certainty")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


class EventsTableModel(QAbstractTableModel):
    """Rows are the events the filter shows, in dataset order; sort with a proxy."""

    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self._model = model
        self._rows: list[int] = []
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = [i for i, shown in enumerate(self._model.mask) if shown]
        self.endResetModel()

    def event_id(self, row: int) -> str:
        return self._model.dataset.events[self._rows[row]].id

    def row_of(self, event_id: str) -> int | None:
        i = self._model.dataset.index.get(event_id)
        try:
            return self._rows.index(i) if i is not None else None
        except ValueError:
            return None

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
        ds = self._model.dataset
        e = ds.events[self._rows[index.row()]]
        col = index.column()
        if role == ID_ROLE:
            return e.id
        if role == SORT_ROLE and col == 0:
            return e.date.value.lower if e.date else float("inf")
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE, Qt.ItemDataRole.ToolTipRole):
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
            if col == 5:
                return e.certainty
        if role == Qt.ItemDataRole.DecorationRole and col == 1:
            from PySide6.QtGui import QColor

            return QColor(ds.colour(e))
        return None
