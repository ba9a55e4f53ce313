"""Where the map page fetches its events payload from: the view's shelf
(:class:`SourceShelf`, a :class:`~araz.qt.map.scheme.DataShelf` whose items are read
from their owner when fetched), the device that serves one as it is read
(:class:`PayloadDevice`) and the copy of one made ahead in Qt's memory (:func:`stage`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice

from araz.qt.map.scheme import DataShelf

if TYPE_CHECKING:
    import numpy as np

    from araz.views.map_payload import MapEvents


def payload_device(source: Callable[[], MapEvents]) -> QIODevice:
    """The events' payload as the page fetches it: its copy made by :func:`stage` (the
    first fetch of a staged payload), else a device that reads it as it goes."""
    body = source().body
    staged = _staged.take(body)
    if staged is None:
        return PayloadDevice(body)
    buffer = QBuffer()
    buffer.setData(staged)  # shared, not copied
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    return buffer


def stage(body: bytes | np.ndarray) -> None:
    """Copy a payload that lies in a file's mapped pages (the views' cache: a re-open)
    into Qt's memory now, in a thread, before the page asks for it: the web engine then
    reads it without Python.  Served through :class:`PayloadDevice`, each of its 64 KiB
    reads (some 570 at a million events) needs the GIL, which the interface thread
    holds while it takes in the new dataset (measured in one quiet session: 0.12-0.15 s
    to serve 37 MB, against 0.09 s from a QBuffer; on a loaded machine the two were
    alike).  The copy (~20 ms, without the GIL; 37 MB more until the page has it) is
    used by the next fetch of that payload only, then let go; a payload in memory
    (bytes: a first read) is not copied."""
    if isinstance(body, bytes) or not len(body):
        _staged.clear()
        return
    _staged.start(body)


class _Staged:
    """The one payload copy :func:`stage` makes (the last one asked for): the payload,
    the thread that copies it and the copy once made, replaced as one (the loader's
    thread stages, the interface thread takes)."""

    def __init__(self) -> None:
        self._now: tuple[np.ndarray, threading.Thread, list[QByteArray]] | None = None

    def start(self, body: np.ndarray) -> None:
        data: list[QByteArray] = []

        def run() -> None:
            import numpy as np

            copy = QByteArray(len(body), 0)
            target = np.frombuffer(memoryview(copy), np.uint8)
            target.flags.writeable = True  # its own, unshared buffer
            np.copyto(target, np.asarray(body).reshape(-1).view(np.uint8))
            data.append(copy)
            from araz.io.table_cache import ViewsEntry

            ViewsEntry.forget(body)  # its pages were read: back to the file

        thread = threading.Thread(target=run, name="araz-payload-copy", daemon=True)
        self._now = (body, thread, data)
        thread.start()

    def take(self, body: bytes | np.ndarray) -> QByteArray | None:
        """The copy of ``body`` if it is made, once; None if there is none or it is not
        made yet (never waited for: the interface thread asks; on a busy machine the
        copy may come late, and the payload is then read as it is).  Any copy kept is
        let go."""
        now, self._now = self._now, None
        if now is None or now[0] is not body or now[1].is_alive():
            return None
        return now[2][0] if now[2] else None

    def clear(self) -> None:
        self._now = None


_staged = _Staged()


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
