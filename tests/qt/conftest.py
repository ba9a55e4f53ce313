"""Fixtures of the Qt tests: the araz: scheme registered at collection, the main window."""

import pytest

# QtWebEngine accepts the araz: URL scheme only before the QApplication exists, and
# pytest-qt creates it lazily: register now, at collection.
import araz.qt.map  # noqa: F401


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """The table cache on, in a folder of its own (its tables' folder)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("ARAZ_TABLE_CACHE", "on")
    return tmp_path / "xdg" / "araz" / "tables"


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """The URL paths the page asks the araz: scheme for (files, not data), in order."""
    from araz.qt.map import scheme

    paths: list[str] = []
    take_read = scheme.take_read

    def recorded(path: str):
        paths.append(path)
        return take_read(path)

    monkeypatch.setattr(scheme, "take_read", recorded)
    return paths


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


def pytest_sessionfinish(session, exitstatus):
    """Let the web engine finish tearing down the tests' pages before the process exits.

    A QWebEngineView's page goes with the view, but Chromium deletes its render widget
    (a QQuickWidget) later, through posted events; when the interpreter exits first, the
    QApplication's destructor meets those half-deleted widgets and the process dies of a
    segfault *after* every test passed (about one run in two of a short test file here;
    gdb: QQuickWidget::~QQuickWidget from ~RenderWidgetHostViewQtDelegateItem). The app
    itself quits through its event loop and is not affected (araz --screenshot exits 0).
    """
    import time

    from PySide6.QtCore import QCoreApplication, QEvent

    app = QCoreApplication.instance()
    if app is None:
        return
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        time.sleep(0.01)
