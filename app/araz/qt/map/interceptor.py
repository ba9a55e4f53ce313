"""Zero network: a request interceptor that lets only ``araz:``, ``data:`` and ``blob:`` by."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

from araz.qt.map.scheme import SCHEME

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({SCHEME, "data", "blob"})


class BlockingInterceptor(QWebEngineUrlRequestInterceptor):
    """Blocks every request whose scheme is not allowed and remembers its URL."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if url.scheme() in ALLOWED_SCHEMES:
            return
        info.block(True)
        self.record(url.toString())

    def record(self, url: str) -> None:
        """Count a refused attempt (also used for navigations the page refuses)."""
        self._blocked.append(url)
        log.warning("araz: blocked a request to %s", url)

    def blocked(self) -> list[str]:
        """The URLs blocked so far, oldest first (a copy)."""
        return list(self._blocked)
