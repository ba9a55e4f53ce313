"""Start the desktop app: the dataset and the main window (the QApplication comes from
:mod:`araz.qt.application`)."""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Callable
from pathlib import Path

import shiboken6

from .application import (  # noqa: F401  (re-exported: benchmarks and tests start Qt here)
    SWITCH_INTERVAL_S,
    app_icon,
    has_display,
    make_application,
    prepare_environment,
    route_qt_messages,
)


def show_map_loading(window) -> None:
    """Cover the map with \"Loading map…\" until its page has drawn the basemap."""
    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtWidgets import QLabel

    view = window.map
    if view.is_ready():
        return
    label = QLabel("Loading map…", view)
    label.setObjectName("map_loading")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("background: #dce6ee; color: #2b3f55; font-size: 15pt;")
    label.setGeometry(view.rect())
    label.raise_()

    class _FollowSize(QObject):
        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Resize:
                label.setGeometry(view.rect())
            return False

    follow = _FollowSize(label)
    view.installEventFilter(follow)

    def on_ready() -> None:
        view.ready.disconnect(on_ready)
        view.removeEventFilter(follow)
        label.hide()
        label.deleteLater()

    view.ready.connect(on_ready)


# What the window needs, imported while the map's page loads (see import_while_serving)
WINDOW_MODULES = (
    "numpy",
    "araz.export.atomic",
    "araz.model",
    "araz.qt.errors",
    "araz.qt.settings",
    "araz.qt.main_window",
)
# (what the picture needs besides is imported once the map has drawn: araz.qt.screenshot)
SCREENSHOT_MODULES = ("araz.qt.screenshot",)


def import_while_serving(modules: tuple[str, ...], first: Callable[[], None] | None = None) -> None:
    """Import ``modules`` in a thread while this one runs the event loop (``first()``
    before them, there: :func:`araz.qt.map.scheme.prefetch`, the page's files read ahead).

    The web engine's browser side runs on the interface thread: while Python imports
    there, the map's page does not load.  The imports (half a second of the start's
    CPU) go to a thread instead, and the page loads meanwhile: its engine starts, its
    scripts are fetched and parsed, its channel opens (it builds the map once it is
    shown, at its size).  Python holds its lock while importing; the page's requests
    wait a few milliseconds for it.  An import that fails here fails again, with its
    traceback, where the module is imported for use."""
    import importlib
    import threading

    from PySide6.QtCore import QEventLoop, QObject, Qt, Signal

    class _Done(QObject):
        done = Signal()

    loop = QEventLoop()
    relay = _Done()
    relay.done.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

    def work() -> None:
        if first is not None:
            # failing, what it did ahead is done where it is needed instead
            with contextlib.suppress(Exception):
                first()
        try:
            for name in modules:
                importlib.import_module(name)
        except Exception:  # imported again where used: it raises there
            pass
        finally:
            relay.done.emit()

    # The loop's every call into Python (each of the page's requests to the araz: scheme,
    # the channel's messages) waits for the importing thread to let go of Python's lock:
    # up to the switch interval, 5 ms by default, ~3 ms a call measured.  A tenth of that
    # while the thread imports: the page's requests are answered at once.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    thread = threading.Thread(target=work, name="araz-imports", daemon=True)
    try:
        thread.start()
        loop.exec()
        thread.join()
    finally:
        sys.setswitchinterval(interval)


def run_app(args) -> int:
    interval = sys.getswitchinterval()
    try:
        return _run_app(args, interval)
    finally:
        gc.enable()  # if the start ended before its first load
        sys.setswitchinterval(interval)


def _run_app(args, interval: float) -> int:
    shot = getattr(args, "screenshot", None)
    if shot is None and not has_display():
        print(
            "araz: no display (DISPLAY and WAYLAND_DISPLAY are unset). Start Araz from a "
            "desktop session, or use the command-line tools (araz --help).",
            file=sys.stderr,
        )
        return 2
    # No automatic collection while the app starts: its imports and the first dataset
    # make objects that live as long as the app, and the collector would walk them over
    # and over (~0.1 s of the start's CPU); what the imports made is then frozen (out of
    # every later collection's way), and collecting resumes once the first load is in.
    gc.disable()
    app = make_application(headless=shot is not None)
    server = None
    name = None
    if shot is None:
        from .single_instance import InstanceServer, send_to_running, server_name

        name = server_name()  # None: no private place for the socket, no hand-over
    if name is not None:
        # One Araz per user: a second launch hands its file to the first and exits.
        if send_to_running(getattr(args, "path", None), name):
            return 0
        server = InstanceServer(name, parent=app)
        if not server.listen() and send_to_running(getattr(args, "path", None), name):
            return 0
    # The map first: its web engine starts (its processes, the page's load) while Python
    # imports the rest in a thread (import_while_serving); the page, hidden until the
    # window is shown, builds its map then, at its size (map-channel.js, whenShown).
    from PySide6.QtWebEngineWidgets import QWebEngineView

    from .map import MapView

    map_view = MapView()
    map_view.findChild(QWebEngineView).page().setVisible(False)
    early: list[str] = []  # later launches heard before the window is there
    if server is not None:
        server.messageReceived.connect(early.append)
    from .map import scheme

    import_while_serving(
        WINDOW_MODULES + (SCREENSHOT_MODULES if shot is not None else ()), first=scheme.prefetch
    )
    gc.freeze()
    # the first load's thread reads the dataset while the page builds its map: the page's
    # requests are answered at once meanwhile too (see import_while_serving)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    if shot is not None:
        from ..export.atomic import ExportError
        from .screenshot import check_screenshot_path

        try:
            check_screenshot_path(Path(shot), getattr(args, "path", None))
        except ExportError as exc:
            print(f"araz: {exc}", file=sys.stderr)
            shiboken6.delete(map_view)  # its page before its profile, now
            return 2
    from PySide6.QtWidgets import QMessageBox

    from ..model import AppModel
    from ..paths import default_dataset
    from . import settings
    from .errors import ErrorReporter
    from .main_window import MainWindow

    # (the log is set up: make_application routes Qt's messages to it)
    if getattr(args, "reset_settings", False):
        settings.reset()
    reset_message = settings.check()

    # The window appears at once, empty; the data loads in the background.
    if getattr(args, "path", None):
        path = Path(args.path)
    elif shot is not None:
        path = default_dataset()  # a screenshot shows the bundled data, whatever was last open
    else:
        path = settings.last_dataset() or default_dataset()
    model = AppModel()
    window = MainWindow(model, restore=shot is None, map_view=map_view)
    if getattr(args, "colour_by", None):  # over the remembered choice, not saved
        model.set_colour_by(args.colour_by)
    if getattr(args, "size_by", None):
        model.set_size_by(args.size_by)
    reporter = ErrorReporter(window)
    reporter.install()
    show_map_loading(window)
    if server is not None:
        from .single_instance import attach

        server.messageReceived.disconnect(early.append)
        attach(window, server)
        for message in early:
            server.messageReceived.emit(message)

    def on_loaded(loaded_path: str, result) -> None:
        window.loadFinished.disconnect(on_loaded)
        gc.enable()
        sys.setswitchinterval(interval)
        if not len(model.dataset) and Path(loaded_path) != default_dataset():
            window.open_path(default_dataset())  # nothing loaded: the bundled data
        selected = getattr(args, "select", None)
        if selected and selected in model.dataset.index:
            model.select([selected], record=False)
        elif selected:
            print(f"araz: no event with id {selected!r}", file=sys.stderr)

    window.loadFinished.connect(on_loaded)
    if shot is not None:
        from .screenshot import screenshot_and_quit

        width, height = (int(v) for v in args.window_size.lower().split("x"))
        window.resize(width, height)
        screenshot_and_quit(window, Path(shot), started=getattr(args, "started", None))
    window.show()
    window.open_path(path)
    if reset_message:
        QMessageBox.information(window, "Settings", reset_message)
    try:
        return app.exec()
    finally:
        reporter.uninstall()
