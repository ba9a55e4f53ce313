"""The main window's report of a load's problems (File → Open): a box that does not block."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from ..io import LoadResult


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def load_problems_box(window, path, result: LoadResult) -> QMessageBox:
    loaded = result.dataset is not None and len(result.dataset) > 0
    lines = [str(p) for p in result.problems[:200]]
    more = len(result.problems) - len(lines)
    box = QMessageBox(window)
    box.setObjectName("load_report")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Problems in the data")
    if loaded:
        box.setText(
            f"{Path(path).name}: {plural(len(result.dataset), 'event')} loaded, "
            f"{result.skipped:,} skipped, {plural(len(result.problems), 'problem')}."
        )
    else:
        box.setText(
            f"Nothing could be loaded from {Path(path).name}; the previous data stays open."
        )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDetailedText("\n".join(lines) + (f"\n… and {more} more" if more > 0 else ""))
    box.open()
    return box
