"""File → Clear cached tables…: what :mod:`araz.io.table_cache` keeps (the tables and,
beside each, the map's and timeline's data made from it), how much it takes, and
deleting it (asked first; the files open again at their first-read speed)."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from ..io import table_cache

LABEL = "Clear cached &tables…"


def megabytes(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def install_cache_menu(window: QMainWindow, menu: QMenu) -> QAction:
    """Add the action to ``menu``; its text says how much the cache holds each time the
    menu opens."""
    action = QAction(LABEL, window)
    action.setObjectName("clear_table_cache")
    action.setStatusTip(
        "Delete the tables (and the map's and timeline's data) kept from earlier reads "
        "of ACLED and GeoJSON files (they make a second open instant)"
    )

    def on_menu_shown() -> None:
        used = table_cache.usage()
        action.setText(f"Clear cached &tables ({megabytes(used)})…" if used else LABEL)
        action.setEnabled(used > 0)

    def on_triggered() -> None:
        used = table_cache.usage()
        box = QMessageBox(window)
        box.setObjectName("clear_table_cache_confirm")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Clear cached tables")
        box.setText(
            f"Delete the cached tables ({megabytes(used)})?\n"
            "Files open again at the speed of their first read, and are cached again."
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def on_answer(button) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                freed = table_cache.clear()
                window.statusBar().showMessage(
                    f"Cached tables cleared: {megabytes(freed)} freed.", 8000
                )

        box.buttonClicked.connect(on_answer)
        box.open()

    menu.aboutToShow.connect(on_menu_shown)
    action.triggered.connect(on_triggered)
    menu.addAction(action)
    return action
