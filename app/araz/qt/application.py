"""The QApplication factory: environment, Qt's messages, the araz: scheme, the icon.

Apart from :mod:`araz.qt.app` (the window) so that the headless exports need no main window.
"""

from __future__ import annotations

import os
import sys


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
# canvas and a few tiles, which it draws the same (see README, "Figures").  That mode
# also starts V8's old generation so small that the page's first run (its scripts, the
# first view: a heap of ~5 MB) paid two full collections (~25 ms of the renderer's main
# thread before the first frame); an initial old space of 64 MB lets it run without
# them (the renderer's memory after 100,000 events loaded, filtered and loaded again:
# the same, ~225 MB either way).
# Python's switch interval while a thread imports what the interface thread will need
# (araz.qt.app's import_while_serving, the screenshot's picture modules): its Python
# waits little for the importing thread to let go of the lock
SWITCH_INTERVAL_S = 0.0005
CHROMIUM_FLAGS = "--log-level=3 --enable-low-end-device-mode --js-flags=--initial-old-space-size=64"


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


def skip_feature_scan() -> None:
    """PySide reads the source of every module imported after it (``inspect.getsource``,
    to learn whether the module opts into ``from __feature__ import ...``): a sixth of
    the CPU of the imports that follow it at start-up (numpy's, Araz's own), measured.
    Araz uses no ``__feature__``, nor does anything it imports, so every module is one
    PySide's feature switching ignores; PySide's check says so at once.  (A PySide
    without that private function is left as it is.)"""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = lambda module: False


def make_application(argv: list[str] | None = None, *, headless: bool = False):
    """The QApplication, with the araz: scheme registered first (QtWebEngine needs that).

    ``headless``: with no display, draw offscreen (screenshots, exports, benchmarks).
    """
    prepare_environment(headless=headless)
    from PySide6.QtCore import Qt

    skip_feature_scan()
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
    if app.platformName() != "offscreen":
        # drawn offscreen (screenshots, exports), a window has no frame, task bar or
        # switcher to show an icon in: the SVG icon engine (a plug-in and its library,
        # ~2 ms before the map's page starts) is not loaded for nothing
        app.setWindowIcon(app_icon())
    return app


def app_icon():
    """The window icon: our SVG (resources/icons/araz.svg)."""
    from PySide6.QtGui import QIcon

    from ..paths import resource

    return QIcon(str(resource("icons", "araz.svg")))
