"""The map's web page, hardened, and the off-the-record profile that serves it ``araz:``.

Apart from :mod:`araz.qt.map.view` so that the view's own module stays light (no
numpy, no model): the app creates its map before anything else, and the web engine
starts while Python builds the rest of the window.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
)
from PySide6.QtWidgets import QWidget

from araz.qt.map.interceptor import BlockingInterceptor
from araz.qt.map.scheme import HOST, SCHEME, ArazSchemeHandler, DataShelf

log = logging.getLogger(__name__)


def make_profile(parent: QObject, shelf: DataShelf | None = None) -> QWebEngineProfile:
    """An off-the-record profile serving ``araz:`` (``data/`` URLs from ``shelf``).

    Create it *after* the view whose page uses it, with the same parent: Qt deletes
    children in creation order, and a profile must outlive its pages.
    """
    profile = QWebEngineProfile(parent)  # no storage name: off the record
    profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
    profile.setPersistentCookiesPolicy(
        QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
    )
    profile.setSpellCheckEnabled(False)
    profile.installUrlSchemeHandler(SCHEME.encode(), ArazSchemeHandler(profile, shelf))
    return profile


class HardenedPage(QWebEnginePage):
    """A page that stays on ``araz:``, opens no windows, reads no files, shows no dialogs."""

    def __init__(self, profile: QWebEngineProfile, parent: QWidget | None = None) -> None:
        super().__init__(profile, parent)
        self.alerts: list[str] = []  # JavaScript alert() texts, swallowed (tests look here)
        self.interceptor = BlockingInterceptor(self)
        self.setUrlRequestInterceptor(self.interceptor)
        attr = QWebEngineSettings.WebAttribute
        settings = self.settings()
        for name, value in (
            (attr.LocalContentCanAccessFileUrls, False),
            (attr.LocalContentCanAccessRemoteUrls, False),
            (attr.JavascriptCanOpenWindows, False),
            (attr.JavascriptCanAccessClipboard, False),
            (attr.JavascriptCanPaste, False),
            (attr.AllowRunningInsecureContent, False),
            (attr.AllowGeolocationOnInsecureOrigins, False),
            (attr.PluginsEnabled, False),
            (attr.PdfViewerEnabled, False),
            (attr.NavigateOnDropEnabled, False),
            (attr.DnsPrefetchEnabled, False),
            (attr.FocusOnNavigationEnabled, False),
            (attr.JavascriptEnabled, True),
        ):
            settings.setAttribute(name, value)
        self.setBackgroundColor(Qt.GlobalColor.transparent)
        if hasattr(self, "permissionRequested"):  # Qt >= 6.8
            self.permissionRequested.connect(lambda permission: permission.deny())

    def acceptNavigationRequest(self, url: QUrl, kind, is_main_frame: bool) -> bool:
        allowed = url.scheme() == SCHEME and url.host() == HOST
        if not allowed:
            log.warning("araz: refused navigation to %s", url.toString())
            self.interceptor.record(url.toString())
        return allowed

    def createWindow(self, kind):
        log.warning("araz: refused to open a window")
        return None

    def javaScriptAlert(self, origin: QUrl, message: str) -> None:
        log.warning("araz: page alert swallowed: %r", message)
        self.alerts.append(message)

    def javaScriptConfirm(self, origin: QUrl, message: str) -> bool:
        self.alerts.append(message)
        return False

    def javaScriptPrompt(self, origin: QUrl, message: str, default: str):
        self.alerts.append(message)
        return False, ""

    def javaScriptConsoleMessage(self, level, message: str, line: int, source: str) -> None:
        level_name = getattr(level, "name", str(level))
        if "Error" in level_name:
            log.error("araz page: %s (%s:%d)", message, source, line)
        elif "Warning" in level_name:
            log.warning("araz page: %s (%s:%d)", message, source, line)
        else:
            log.debug("araz page: %s (%s:%d)", message, source, line)
