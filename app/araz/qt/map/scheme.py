"""The ``araz:`` URL scheme: how the map page and its assets reach QtWebEngine.

Everything the page loads comes through :class:`ArazSchemeHandler` under one origin,
``araz://app``:

========================================  =============================================
``araz://app/web/<file>``                 our page (``resources/web/``)
``araz://app/basemap/<file>``             the pre-built basemap (``resources/basemap/``)
``araz://app/vendor/leaflet/<file>``      Leaflet from the ``xstatic-leaflet`` package
``araz://app/vendor/qwebchannel.js``      Qt's ``qwebchannel.js`` (``:/qtwebchannel/``)
========================================  =============================================

:func:`register_scheme` must run **before the QApplication is created** (QtWebEngine
reads the scheme registry once, at start-up).  Importing :mod:`araz.qt.map` calls it, so
the application's entry point only has to import that package early.  Calling it again is
harmless.

For development, the environment variable ``ARAZ_BASEMAP_DIR`` points the ``basemap/``
prefix at another folder (for instance a basemap built into a temporary directory).
"""

from __future__ import annotations

import logging
import mimetypes
import os
from functools import cache
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QFile, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from araz.paths import resource

log = logging.getLogger(__name__)

SCHEME = "araz"
HOST = "app"
ORIGIN = f"{SCHEME}://{HOST}"
PAGE_URL = f"{ORIGIN}/web/map.html"

_registered = False

_MIME = {
    ".html": b"text/html;charset=utf-8",
    ".js": b"text/javascript;charset=utf-8",
    ".css": b"text/css;charset=utf-8",
    ".json": b"application/json",
    ".geojson": b"application/geo+json",
    ".png": b"image/png",
    ".svg": b"image/svg+xml",
    ".map": b"application/json",
}


def register_scheme() -> None:
    """Declare the ``araz:`` scheme to QtWebEngine.  Call before QApplication exists.

    Safe to call several times; a call after the QApplication was created only logs a
    warning (the scheme registered by an earlier call keeps working).
    """
    global _registered
    if _registered:
        return
    if QCoreApplication.instance() is not None:
        log.warning(
            "araz: scheme registered after QApplication was created; import araz.qt.map earlier"
        )
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setDefaultPort(QWebEngineUrlScheme.SpecialPort.PortUnspecified.value)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.CorsEnabled
        | QWebEngineUrlScheme.Flag.FetchApiAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)
    _registered = True


def _leaflet_dir() -> Path:
    import xstatic.pkg.leaflet as leaflet

    return Path(leaflet.BASE_DIR)


def _basemap_dir() -> Path:
    override = os.environ.get("ARAZ_BASEMAP_DIR")
    return Path(override) if override else resource("basemap")


def _roots() -> dict[str, Path]:
    return {
        "web": resource("web"),
        "basemap": _basemap_dir(),
        "vendor/leaflet": _leaflet_dir(),
    }


@cache
def _qwebchannel_js() -> bytes:
    qfile = QFile(":/qtwebchannel/qwebchannel.js")
    if not qfile.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(":/qtwebchannel/qwebchannel.js")
    try:
        return bytes(qfile.readAll().data())
    finally:
        qfile.close()


def resolve(path: str) -> Path | None:
    """Map a URL path (``/web/map.html``) to a file on disk, or None if not ours."""
    rel = path.lstrip("/")
    for prefix, root in _roots().items():
        if rel.startswith(prefix + "/"):
            root = root.resolve()
            candidate = (root / rel[len(prefix) + 1 :]).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
            return None
    return None


def read(path: str) -> tuple[bytes, bytes] | None:
    """The bytes and MIME type served for a URL path, or None (404)."""
    if path == "/vendor/qwebchannel.js":
        return _qwebchannel_js(), _MIME[".js"]
    found = resolve(path)
    if found is None:
        return None
    mime = _MIME.get(found.suffix.lower())
    if mime is None:
        guessed = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        mime = guessed.encode()
    return found.read_bytes(), mime


class ArazSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves the ``araz://app/...`` URLs listed in the module docstring (GET only)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        if job.requestMethod() != QByteArray(b"GET"):
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        if url.host() != HOST:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        try:
            found = read(url.path())
        except OSError:
            log.exception("araz: cannot read %s", url.toString())
            found = None
        if found is None:
            log.debug("araz: not found %s", url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        data, mime = found
        buffer = QBuffer(job)  # parented to the job: lives exactly as long as the reply
        buffer.setData(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime, buffer)
