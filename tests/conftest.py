import os
import sys
from pathlib import Path

# Headless Qt for every test, whatever the caller's environment.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
sys.path.insert(0, str(ROOT / "app"))

# QtWebEngine accepts the araz: URL scheme only before the QApplication exists, and
# pytest-qt creates it lazily: register now, at collection.
import araz.qt.map  # noqa: E402, F401


@pytest.fixture(scope="session")
def curated():
    """The bundled dataset, loaded once."""
    from araz.io.curated import read_curated
    from araz.paths import default_dataset

    result = read_curated(default_dataset())
    assert result.problems == []
    return result.dataset


@pytest.fixture
def main_window(qtbot, tmp_path, monkeypatch, curated):
    """The real main window on the bundled dataset, settings and logs in a temp dir,
    map page loaded (napari's make_napari_viewer, glue-qt's settings isolation)."""
    from PySide6.QtCore import QSettings

    from araz.model import AppModel
    from araz.qt.main_window import MainWindow

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    before = set(QApplication.topLevelWidgets())
    window = MainWindow(AppModel(curated), restore=False)
    qtbot.addWidget(window)
    window.resize(1500, 950)
    with qtbot.waitSignal(window.map.ready, timeout=30_000):
        window.show()
    qtbot.waitExposed(window)
    yield window
    window.playback.stop()
    window.close()
    window.deleteLater()
    qtbot.wait(50)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # the window takes every widget it made with it (napari's leak check)
    leaked = [
        w
        for w in set(QApplication.topLevelWidgets()) - before
        if w.objectName() != "qt_tooltip_label" and not w.inherits("QMenu")
    ]
    assert not leaked, f"widgets outlived the main window: {leaked}"


def require_tool(name: str, package: str) -> str:
    """The path of a system tool a test needs.  Missing: skipped on a developer's machine,
    but a failure under CI (``ARAZ_CI=1``, set by .ci/run), where a skip would hide a
    missing install step."""
    import shutil

    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (Debian: {package}; .ci/run installs it)"
        if os.environ.get("ARAZ_CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
