"""The ``araz:`` URL scheme: how the map page and its assets reach QtWebEngine.

Everything the page loads comes through :class:`ArazSchemeHandler` under one origin,
``araz://app``:

========================================  =============================================
``araz://app/web/<file>``                 our page (``resources/web/``)
``araz://app/basemap/<file>``             the pre-built basemap (``resources/basemap/``)
``araz://app/vendor/leaflet/<file>``      Leaflet from the ``xstatic-leaflet`` package
``araz://app/vendor/qwebchannel.js``      Qt's ``qwebchannel.js`` (``:/qtwebchannel/``)
``araz://app/data/<name>/<seq>``          bytes the app published in a :class:`DataShelf`
                                          (the map's events: ``data/events/<seq>``)
``araz://app/web/bundle/<n>.js``          the page's scripts, bundled (below)
========================================  =============================================

The page is served with its scripts bundled: ``map.html`` lists them one by one (the
static HTML export reads that list), and :func:`read` serves it with two ``<script>``
elements instead, ``bundle/1.js`` (every script up to ``map-channel.js``, which opens the
web channel: its handshake with Python then overlaps the parse of the rest) and
``bundle/2.js`` (the rest, Leaflet and the basemap data included), each the
concatenation of its files in their order: two requests and two compilations instead of
some twenty five, each of which waits for the Python thread that answers it.

The ``data/`` URLs carry what is too big for a QWebChannel message: the app puts the
bytes on the view's shelf and sends the page only their URL, which the page fetches.
A shelf keeps one version per name, the latest; any other ``seq`` is not found.

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
import re
import time
from functools import cache, lru_cache
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
    ".webp": b"image/webp",  # the relief (a guess would read the system's MIME tables)
    ".bin": b"application/octet-stream",  # the regional band, read as bytes
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
    """Map a URL path (``/web/map.html``) to a file on disk, or None if not ours.

    A path found is kept (with the roots it was found under): a page load asks for its
    ~27 scripts' files (the bundles' stamps) and each real path took a dozen system
    calls; one not found is looked for again next time."""
    key = (path, os.environ.get("ARAZ_BASEMAP_DIR"))
    found = _found.get(key)
    if found is None or not found.is_file():
        found = _resolve(path)
        if found is not None:
            _found[key] = found
    return found


_found: dict[tuple[str, str | None], Path] = {}


def _resolve(path: str) -> Path | None:
    rel = path.lstrip("/")
    for prefix, root in _roots().items():
        if rel.startswith(prefix + "/"):
            root = root.resolve()
            candidate = (root / rel[len(prefix) + 1 :]).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
            return None
    return None


_SCRIPT = re.compile(rb'<script src="([^"<>]+)"></script>\n?')
_BUNDLE_PATH = re.compile(r"/web/bundle/([12])\.js")
# the last script of the first bundle: the one that opens the web channel
_CHANNEL_SCRIPT = "map-channel.js"


def _script_path(src: str) -> str:
    """A ``<script src>`` of ``map.html`` (relative to ``/web/``) as a URL path."""
    parts: list[str] = ["web"]
    for part in src.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/" + "/".join(parts)


def _bundles(html: bytes) -> tuple[bytes, list[list[str]]]:
    """``map.html`` with its scripts replaced by the bundles', and each bundle's URL paths."""
    srcs = [m.decode() for m in _SCRIPT.findall(html)]
    names = [src.rsplit("/", 1)[-1] for src in srcs]
    cut = names.index(_CHANNEL_SCRIPT) + 1 if _CHANNEL_SCRIPT in names else 0
    groups = [
        g
        for g in ([_script_path(s) for s in srcs[:cut]], [_script_path(s) for s in srcs[cut:]])
        if g
    ]
    tags = "".join(f'<script src="bundle/{n}.js"></script>\n' for n in range(1, len(groups) + 1))
    first = _SCRIPT.search(html)
    if first is None:
        return html, []
    rest = _SCRIPT.sub(b"", html[first.start() :])
    return html[: first.start()] + tags.encode() + rest, groups


def _bundle(number: int) -> bytes | None:
    """The page's bundle ``number`` (1 or 2): its scripts' texts, each on its own lines."""
    page = resolve("/web/map.html")
    if page is None:
        return None
    groups = _bundles(page.read_bytes())[1]
    if number > len(groups):
        return None
    return _concatenated(tuple(_stamp(path) for path in groups[number - 1]))


def _stamp(path: str) -> tuple[str, str, int, int]:
    """A script's URL path, its file and the file's modification time and size (the
    bundle's cache key: an edited file is bundled again)."""
    found = resolve(path)
    if found is None:
        return (path, "", 0, 0) if path == "/vendor/qwebchannel.js" else (path, "", -1, -1)
    stat = found.stat()
    return (path, str(found), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _concatenated(stamps: tuple[tuple[str, str, int, int], ...]) -> bytes | None:
    texts = []
    for path, _file, _mtime, size in stamps:
        if size < 0:
            log.error("araz: the page's script %s is missing", path)
            return None
        found = read(path)
        if found is None:
            return None
        # each file ends its own statements: a file without a last ";" or newline, or
        # ending in a line comment, cannot run into the next
        texts.append(found[0].rstrip() + b"\n;\n")
    return b"".join(texts)


def read(path: str) -> tuple[bytes, bytes] | None:
    """The bytes and MIME type served for a URL path, or None (404)."""
    if path == "/vendor/qwebchannel.js":
        return _qwebchannel_js(), _MIME[".js"]
    bundle = _BUNDLE_PATH.fullmatch(path)
    if bundle is not None:
        data = _bundle(int(bundle[1]))
        return None if data is None else (data, _MIME[".js"])
    if path == "/web/map.html":
        page = resolve(path)
        return None if page is None else (_bundles(page.read_bytes())[0], _MIME[".html"])
    found = resolve(path)
    if found is None:
        return None
    mime = _MIME.get(found.suffix.lower())
    if mime is None:
        guessed = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        mime = guessed.encode()
    return found.read_bytes(), mime


_HREF = re.compile(rb'<link [^<>]*href="([^"<>]+)"')
# what the page asks for as it loads, read ahead (see prefetch): URL path -> (when read,
# its answer); served once, and only while the start it was read for is on (AHEAD_S)
_ahead: dict[str, tuple[float, tuple[bytes, bytes]]] = {}
AHEAD_S = 30.0


def page_paths() -> list[str]:
    """The URL paths the page asks for as it loads: ``map.html``, its bundles and what its
    ``<link>`` elements name (stylesheets, the regional band it preloads)."""
    page = resolve("/web/map.html")
    if page is None:
        return []
    html = page.read_bytes()
    bundles = len(_bundles(html)[1])
    links = [_script_path(m.decode()) for m in _HREF.findall(html)]
    return ["/web/map.html", *(f"/web/bundle/{n}.js" for n in range(1, bundles + 1)), *links]


def prefetch() -> None:
    """Read what the page asks for as it loads (:func:`page_paths`) ahead, into memory:
    each is then served once from there.  The app calls it in the thread that imports the
    window while the page loads: the files' reads (some thirty, with the bundles' own)
    and the bundles' making wait there for Python's lock, not on the interface thread,
    which answers the page's requests, and the web engine's own work with them."""
    for path in page_paths():
        found = read(path)
        if found is not None:
            _ahead[path] = (time.monotonic(), found)


def take_read(path: str) -> tuple[bytes, bytes] | None:
    """What :func:`read` gives for ``path``: read ahead by :func:`prefetch` less than
    AHEAD_S ago (served once: the next request reads the file again) or read now.  What
    was read ahead too late (the page had asked already) goes once it is AHEAD_S old."""
    now = time.monotonic()
    ahead = _ahead.pop(path, None)
    for stale in [p for p, (when, _) in _ahead.items() if now - when >= AHEAD_S]:
        del _ahead[stale]
    if ahead is not None and now - ahead[0] < AHEAD_S:
        return ahead[1]
    return read(path)


_DATA_PATH = re.compile(r"/data/([a-z]+)/([0-9]{1,18})")


class DataShelf:
    """Bytes published to one page under ``araz://app/data/<name>/<seq>``.

    One version per name is kept: putting a new one withdraws the last, and a URL of any
    other ``seq`` is not found.  Owned by the view whose profile's handler serves it.
    """

    def __init__(self) -> None:
        self._items: dict[str, tuple[int, bytes]] = {}

    def put(self, name: str, seq: int, data: bytes) -> str:
        """Publish ``data`` (held, not copied) as ``name`` version ``seq``; returns its URL."""
        if not re.fullmatch(r"[a-z]+", name):
            raise ValueError(f"bad data name {name!r}")
        self._items[name] = (int(seq), data)
        return f"{ORIGIN}/data/{name}/{int(seq)}"

    def get(self, path: str) -> bytes | None:
        """The bytes published at a URL path (``/data/events/7``), or None."""
        match = _DATA_PATH.fullmatch(path)
        if match is None:
            return None
        item = self._items.get(match[1])
        if item is None or item[0] != int(match[2]):
            return None
        return item[1]


class ArazSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves the ``araz://app/...`` URLs listed in the module docstring (GET only);
    ``data/`` from ``shelf`` (none: not found)."""

    def __init__(self, parent: QObject | None = None, shelf: DataShelf | None = None) -> None:
        super().__init__(parent)
        self.shelf = shelf

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        if job.requestMethod() != QByteArray(b"GET"):
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        if url.host() != HOST:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        path = url.path()
        try:
            if path.startswith("/data/"):
                data = self.shelf.get(path) if self.shelf is not None else None
                found = None if data is None else (data, b"application/octet-stream")
            else:
                found = take_read(path)
        except OSError:
            log.exception("araz: cannot read %s", url.toString())
            found = None
        if found is None:
            log.debug("araz: not found %s", url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        data, mime = found
        if isinstance(data, QIODevice):  # a device of the shelf's, read as it goes
            data.setParent(job)  # lives exactly as long as the reply
            job.reply(mime, data)
            return
        buffer = QBuffer(job)  # parented to the job: lives exactly as long as the reply
        buffer.setData(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime, buffer)
