"""Start the desktop app: environment, QApplication, the dataset, the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def prepare_environment() -> None:
    """Set what must be set before Qt starts."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root (containers, CI machines).
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def run_app(args) -> int:
    prepare_environment()
    from PySide6.QtWidgets import QApplication

    from .. import __version__
    from ..io import read_path
    from ..model import AppModel
    from ..paths import default_dataset
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Araz")
    app.setOrganizationName("Araz")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("araz")

    path = Path(args.path) if getattr(args, "path", None) else default_dataset()
    result = read_path(path)
    model = AppModel(result.dataset) if result.dataset is not None else AppModel()
    window = MainWindow(model)
    window.show()
    if result.problems:
        window.show_load_problems(path, result)
    return app.exec()
