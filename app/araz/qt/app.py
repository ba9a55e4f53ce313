"""Start the desktop app: environment, QApplication, the dataset, the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def prepare_environment(*, headless: bool = False) -> None:
    """Set what must be set before Qt starts."""
    if headless and not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root (containers, CI machines).
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


# Chromium in the map: quiet (warnings go to our log), and sized for one page, not a
# browser: low-end-device mode keeps the JavaScript heap and the renderer's caches small
# (at 100,000 events the renderer takes ~30 MB instead of ~55 MB more); the page is a
# canvas and a few tiles, which it draws the same (see README, "Figures").
CHROMIUM_FLAGS = "--log-level=3 --enable-low-end-device-mode"


def route_qt_messages() -> None:
    """Qt's and Chromium's chatter (no GPU here, no D-Bus there…) goes to the log file,
    not the terminal: a command's output stays its own.  Critical messages still reach
    stderr."""
    import logging

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    from .errors import setup_logging

    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", CHROMIUM_FLAGS)
    setup_logging()
    log = logging.getLogger("araz.qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind, _context, message: str) -> None:
        level = levels.get(kind, logging.WARNING)
        log.log(level, "%s", message)
        if level >= logging.ERROR:
            sys.stderr.write(f"araz: {message}\n")

    qInstallMessageHandler(handler)


def make_application(argv: list[str] | None = None, *, headless: bool = False):
    """The QApplication, with the araz: scheme registered first (QtWebEngine needs that).

    ``headless``: with no display, draw offscreen (screenshots, exports, benchmarks).
    """
    prepare_environment(headless=headless)
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    route_qt_messages()

    import araz.qt.map  # noqa: F401  (registers the araz: scheme before QApplication)

    from .. import __version__

    app = QApplication.instance()
    if app is None:
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        # argv[0] names the instance part of WM_CLASS on X11 ("araz", class "Araz")
        app = QApplication(argv or ["araz"])
    app.setApplicationName("Araz")
    app.setOrganizationName("Araz")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("araz")  # groups the window under the launcher's icon
    app.setWindowIcon(app_icon())
    return app


def app_icon():
    """The window icon: our SVG (resources/icons/araz.svg)."""
    from PySide6.QtGui import QIcon

    from ..paths import resource

    return QIcon(str(resource("icons", "araz.svg")))


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


def run_app(args) -> int:
    shot = getattr(args, "screenshot", None)
    if shot is None and not has_display():
        print(
            "araz: no display (DISPLAY and WAYLAND_DISPLAY are unset). Start Araz from a "
            "desktop session, or use the command-line tools (araz --help).",
            file=sys.stderr,
        )
        return 2
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
    from PySide6.QtWidgets import QMessageBox

    from ..model import AppModel
    from ..paths import default_dataset
    from . import settings
    from .errors import ErrorReporter, setup_logging
    from .main_window import MainWindow

    setup_logging()
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
    window = MainWindow(model, restore=shot is None)
    reporter = ErrorReporter(window)
    reporter.install()
    show_map_loading(window)
    if server is not None:
        from .single_instance import attach

        attach(window, server)

    def on_loaded(loaded_path: str, result) -> None:
        window.loadFinished.disconnect(on_loaded)
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
