"""The main window: the views around one AppModel."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMainWindow,
    QMessageBox,
    QTableView,
)

from ..model import AppModel, Change
from .events_table import SORT_ROLE, EventsTableModel


class MainWindow(QMainWindow):
    def __init__(self, model: AppModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.setWindowTitle("Araz")
        self.resize(1400, 900)

        self.table_model = EventsTableModel(model, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.table_model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setObjectName("events")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 170), (2, 220), (3, 140), (4, 100), (5, 90)):
            self.table.setColumnWidth(col, width)
        self.table.verticalHeader().setVisible(False)
        self.setCentralWidget(self.table)

        model.changed.connect(self._on_model_changed)
        self._update_status()

    def _on_model_changed(self, change: Change) -> None:
        if change.dataset or change.filter:
            self.table_model.refresh()
            self._update_status()

    def _update_status(self) -> None:
        ds = self.model.dataset
        shown = int(self.model.mask.sum())
        unplaced = len(set(ds.unplaced) & set(self.model.shown_ids()))
        self.statusBar().showMessage(
            f"{shown} of {len(ds)} events shown · {unplaced} without a place"
        )

    def show_load_problems(self, path, result) -> None:
        lines = [str(p) for p in result.problems[:50]]
        more = len(result.problems) - len(lines)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Problems in the data")
        box.setText(f"{path}: {len(result.problems)} problems; the valid rest is loaded.")
        box.setDetailedText("\n".join(lines) + (f"\n… and {more} more" if more > 0 else ""))
        box.open()
