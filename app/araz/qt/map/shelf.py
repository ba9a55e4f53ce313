"""Where the map page fetches its events payload from: the view's shelf
(:class:`SourceShelf`, a :class:`~araz.qt.map.scheme.DataShelf` whose items are read
from their owner when fetched), the device that serves one as it is read
(:class:`PayloadDevice`), and a payload kept by the views' cache copied into Qt's
memory off the interface thread (:func:`staging`), served by Qt alone."""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice

from araz.qt.map.scheme import DataShelf

if TYPE_CHECKING:
    from araz.views.map_payload import MapEvents

STAGE_WAIT_S = 0.25  # the longest a fetch waits for a copy under way (then: as it goes)


def payload_device(source: Callable[[], MapEvents]) -> QIODevice:
    """The events' payload as the page fetches it: the copy :func:`staging` made of it
    (a buffer Qt reads without Python), else a device that reads it as it goes."""
    body = source().body
    data = _take(body)
    if data is None:
        return PayloadDevice(body)
    buffer = QBuffer()
    buffer.setData(data)  # shared, not copied (the copy was made in the loader's thread)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    return buffer


class _Staged:
    """One payload's copy in Qt's memory: whose (weakly), the copy once made."""

    def __init__(self, body: np.ndarray) -> None:
        self.body = weakref.ref(body, lambda _ref: _drop(self))
        self.data: QByteArray | None = None
        self.done = threading.Event()


_lock = threading.Lock()
_staged: _Staged | None = None  # one at a time: the last load's


def staging(body: object) -> Callable[[], None]:
    """For a payload the views' cache kept (a numpy view of the file's mapped pages):
    register its copy now, and return what makes it, to call once the window has been
    handed the dataset (the loader's thread, while the window takes it).  The page's
    fetch is then served from Qt's memory by Qt alone: served as it is read, each 64 KiB
    the web engine takes waits for Python's lock (~0.15-0.25 s at a million events
    while the window draws; from a buffer ~0.1).  The copy is numpy's (it lets go of
    the lock), of pages then let go.  A fetch that comes while it is made waits for it
    (:data:`STAGE_WAIT_S` at most); one of another payload, or none, leaves it to go
    with its payload (or the next).  Any other payload (a first read's bytes, kept as
    the first open's peak memory allows): nothing is done."""
    global _staged
    if not isinstance(body, np.ndarray) or not body.nbytes or body.ndim != 1:
        return lambda: None
    entry = _Staged(body)
    with _lock:
        _staged = entry

    def make() -> None:
        try:
            src = entry.body()
            if src is None:
                return
            data = QByteArray()
            data.resize(src.nbytes)
            np.copyto(np.frombuffer(memoryview(data), np.uint8), src.view(np.uint8))  # type: ignore[arg-type]
            entry.data = data
            from araz.io.table_cache import ViewsEntry

            ViewsEntry.forget(src)  # its pages leave memory (they stay in the file)
        except Exception:  # served as it is read instead
            entry.data = None
        finally:
            entry.done.set()

    return make


def _take(body: object) -> QByteArray | None:
    """The copy made of ``body`` (served once), waiting for it if it is being made."""
    global _staged
    with _lock:
        entry = _staged
    if entry is None or entry.body() is not body:
        return None
    entry.done.wait(STAGE_WAIT_S)
    with _lock:
        if _staged is entry:
            _staged = None
    return entry.data if entry.done.is_set() else None


def _drop(entry: _Staged) -> None:
    """The payload went: so does its copy."""
    global _staged
    with contextlib.suppress(Exception), _lock:
        if _staged is entry:
            _staged = None


class PayloadDevice(QIODevice):
    """A payload served as the web engine reads it, in chunks of the caller's buffer
    (bytes, or the views' cache file's mapped pages): no copy of it all on the interface
    thread before the first byte goes out (a QByteArray of 37 MB at a million events,
    zero-filled then filled: 0.1-0.2 s, and as much memory until the page has it).  A
    mapped payload's pages leave memory once read (they stay in the file)."""

    def __init__(self, body: bytes | np.ndarray) -> None:
        super().__init__()
        self.body = body  # served as it is, not a copy
        self._view = memoryview(body).cast("B")
        self._read = False
        self.open(QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Unbuffered)

    def isSequential(self) -> bool:
        return False

    def size(self) -> int:
        return len(self._view)

    def readData(self, maxlen: int) -> bytes:
        at = self.pos()
        chunk = self._view[at : at + maxlen].tobytes()
        if at + len(chunk) >= len(self._view) and not self._read:
            self._read = True
            if not isinstance(self.body, bytes):
                from araz.io.table_cache import ViewsEntry

                ViewsEntry.forget(self.body)
        return chunk

    def writeData(self, data: bytes) -> int:
        return -1


class SourceShelf(DataShelf):
    """A :class:`DataShelf` whose items may be made when fetched: :meth:`put_source`
    keeps a function that gives the bytes, called at each fetch (the view keeps no
    copy of a payload that its owner keeps)."""

    def __init__(self) -> None:
        super().__init__()
        self._sources: dict[str, Callable[[], QIODevice]] = {}

    def put_source(self, name: str, seq: int, source: Callable[[], QIODevice]) -> str:
        url = self.put(name, seq, b"")
        self._sources[name] = source
        return url

    def put(self, name: str, seq: int, data: bytes) -> str:
        self._sources.pop(name, None)
        return super().put(name, seq, data)

    def get(self, path: str) -> bytes | QIODevice | None:  # type: ignore[override]
        data = super().get(path)
        source = self._sources.get(path.split("/")[2]) if data is not None else None
        return source() if source is not None else data
