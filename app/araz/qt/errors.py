"""An exception in any slot: a dialog, a log entry in the user's state folder, and the
app keeps running.  Text in these dialogs is plain text (an error message can quote a
dataset's title); one error dialog at a time: errors while it is open (a failing
paintEvent repeats every frame) are logged and counted in it."""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import datetime
from pathlib import Path

log = logging.getLogger("araz")


def state_dir() -> Path:
    """Our log's folder: ``$XDG_STATE_HOME/araz`` (``~/.local/state/araz``) on Linux."""
    from platformdirs import user_state_path

    return user_state_path("araz", appauthor=False)


def log_path() -> Path:
    return state_dir() / "araz.log"


def setup_logging() -> Path:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("araz")
    if not any(isinstance(h, type(handler)) for h in root.handlers):
        root.addHandler(handler)
    else:  # a second start in one process (tests, the CLI called twice): one log file open
        handler.close()
    root.setLevel(logging.INFO)
    return path


def warn(parent, title: str, text: str):
    """A warning box showing ``text`` as plain text (never as markup), opened without
    blocking the caller (it deletes itself once closed)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class ErrorReporter:
    """Installed as sys.excepthook while the app runs."""

    def __init__(self, parent_window=None):
        self.parent_window = parent_window
        self.count = 0
        self.last_dialog = None
        self.unshown = 0  # errors since the open dialog came up (logged, not shown)
        self._previous = sys.excepthook

    def install(self) -> None:
        sys.excepthook = self

    def uninstall(self) -> None:
        sys.excepthook = self._previous

    @staticmethod
    def write_log(text: str) -> None:
        """Append to the log file (kept even when logging was never set up)."""
        try:
            path = log_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now().isoformat(timespec="seconds")
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"{stamp} ERROR unhandled exception\n{text}\n")
        except OSError:
            sys.stderr.write(text)

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous(exc_type, exc, tb)
            return
        self.count += 1
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        self.write_log(text)
        try:
            from PySide6.QtCore import Qt
            from PySide6.QtWidgets import QApplication, QMessageBox

            if QApplication.instance() is None:
                raise RuntimeError
            if self._showing():
                self.unshown += 1
                self.last_dialog.setInformativeText(
                    f"{self.unshown} more error{'s' if self.unshown != 1 else ''} since, "
                    "in the log too."
                )
                return
            self.unshown = 0
            box = QMessageBox(self.parent_window)
            box.setObjectName("error_dialog")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle("Araz: something went wrong")
            box.setText(
                f"{exc_type.__name__}: {exc}\n\nAraz keeps running; the details are in "
                f"{log_path()}."
            )
            box.setDetailedText(text)
            box.open()
            self.last_dialog = box
        except Exception:
            sys.stderr.write(text)

    def _showing(self) -> bool:
        box = self.last_dialog
        if box is None:
            return False
        try:
            return box.isVisible()
        except RuntimeError:  # deleted with its parent
            return False
