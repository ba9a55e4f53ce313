"""Where the map page fetches its events payload from: the view's shelf
(:class:`SourceShelf`, a :class:`~araz.qt.map.scheme.DataShelf` whose items are read
from their owner when fetched) and the device that serves one as it is read
(:class:`PayloadDevice`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QFile, QIODevice

from araz.qt.map.scheme import DataShelf

if TYPE_CHECKING:
    import numpy as np

    from araz.io.table_cache import SideFile
    from araz.views.map_payload import MapEvents


def payload_device(source: Callable[[], MapEvents]) -> QIODevice:
    """The events' payload as the page fetches it: the table cache's payload file when
    the payload is that file, whole, checked when the views' data was read and still the
    same file (Qt reads it, in the engine's thread: nothing goes through Python, nor
    waits for its lock); else a device that reads it from Python as it goes."""
    body = source().body
    kept = side_file(body)
    device = file_device(kept) if kept is not None else None
    return device if device is not None else PayloadDevice(body)


def side_file(body: bytes | np.ndarray) -> SideFile | None:
    """The table cache's payload file ``body`` is, whole, as checked (None: not one)."""
    if isinstance(body, bytes):
        return None
    from araz.io.table_cache import ViewsEntry

    return ViewsEntry.side_file(body)


def let_go(*arrays: np.ndarray) -> None:
    """Let the pages of arrays read from the table cache's files (a fit's coordinates,
    16 MB at a million events) leave memory until they are read again (from the file);
    arrays of the process's own are left as they are."""
    from araz.io.table_cache import ViewsEntry

    for array in arrays:
        ViewsEntry.forget(array)


def file_device(side: SideFile) -> QFile | None:
    """The payload file open, if it is still the very file ``side`` (else None)."""
    qfile = QFile(side.path)
    if qfile.open(QIODevice.OpenModeFlag.ReadOnly) and side.same(qfile.handle()):
        return qfile
    qfile.close()  # replaced, or written to, since: not served
    return None


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
    copy of a payload that its owner keeps).  Beside each name's item, one more may be
    put ahead (:meth:`put_ahead`: what the page may fetch before it is told to use it),
    at a ``seq`` of its own, until it is put in the item's place (:meth:`put_source`
    at that ``seq``) or dropped (:meth:`drop_ahead`)."""

    def __init__(self) -> None:
        super().__init__()
        self._sources: dict[str, Callable[[], QIODevice]] = {}
        self._ahead: dict[str, tuple[int, Callable[[], QIODevice | None]]] = {}

    def put_ahead(self, name: str, seq: int, source: Callable[[], QIODevice | None]) -> str:
        """Publish ``source`` ahead as ``name`` version ``seq`` (the name's item stays);
        its URL.  ``source()`` None: not found."""
        url = DataShelf().put(name, seq, b"")  # checks the name, makes the URL
        self._ahead[name] = (int(seq), source)
        return url

    def drop_ahead(self, name: str) -> None:
        self._ahead.pop(name, None)

    def put_source(self, name: str, seq: int, source: Callable[[], QIODevice]) -> str:
        ahead = self._ahead.get(name)
        if ahead is not None and ahead[0] == int(seq):
            del self._ahead[name]  # in the item's place now
        url = self.put(name, seq, b"")
        self._sources[name] = source
        return url

    def put(self, name: str, seq: int, data: bytes) -> str:
        self._sources.pop(name, None)
        return super().put(name, seq, data)

    def get(self, path: str) -> bytes | QIODevice | None:  # type: ignore[override]
        parts = path.split("/")
        ahead = self._ahead.get(parts[2]) if len(parts) == 4 and parts[1] == "data" else None
        if ahead is not None and parts[3] == str(ahead[0]):
            return ahead[1]()
        data = super().get(path)
        source = self._sources.get(path.split("/")[2]) if data is not None else None
        return source() if source is not None else data
