"""Shared by the tests that open files in the main window (File → Open as the window
does it, the load report closed)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

TIMEOUT = 60_000


def open_in_window(qtbot, window, path, timeout: int = TIMEOUT):
    """Open ``path`` in ``window``; its LoadResult once the window has it (the report of
    the file's problems, if one came up, closed)."""
    with qtbot.waitSignal(window.loadFinished, timeout=timeout) as blocker:
        window.open_path(path)
    box = window.findChild(QMessageBox, "load_report")
    if box is not None:  # the sample's problems, reported at each open
        box.close()
        box.deleteLater()
    return blocker.args[1]
