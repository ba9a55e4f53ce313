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


def make_application(argv: list[str] | None = None):
    """The QApplication, with the araz: scheme registered first (QtWebEngine needs that)."""
    prepare_environment()
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    import araz.qt.map  # noqa: F401  (registers the araz: scheme before QApplication)

    from .. import __version__

    app = QApplication.instance()
    if app is None:
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(argv or sys.argv[:1])
    app.setApplicationName("Araz")
    app.setOrganizationName("Araz")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("araz")
    return app


def run_app(args) -> int:
    app = make_application()
    from PySide6.QtWidgets import QMessageBox

    from ..io import read_path
    from ..model import AppModel
    from ..paths import default_dataset
    from . import settings
    from .errors import ErrorReporter, setup_logging
    from .main_window import MainWindow

    setup_logging()
    if getattr(args, "reset_settings", False):
        settings.reset()
    reset_message = settings.check()

    if getattr(args, "path", None):
        path = Path(args.path)
    else:
        path = settings.last_dataset() or default_dataset()
    result = read_path(path)
    if (result.dataset is None or not len(result.dataset)) and path != default_dataset():
        fallback = read_path(default_dataset())
        model = AppModel(fallback.dataset)
    else:
        model = AppModel(result.dataset) if result.dataset is not None else AppModel()
    window = MainWindow(model)
    if result.dataset is not None and len(result.dataset):
        window.dataset_path = path
    reporter = ErrorReporter(window)
    reporter.install()
    window.show()
    if result.problems or result.dataset is None:
        window.show_load_problems(path, result)
    if reset_message:
        QMessageBox.information(window, "Settings", reset_message)
    try:
        return app.exec()
    finally:
        reporter.uninstall()
