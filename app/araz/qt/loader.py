"""Loading a file off the GUI thread, with progress and cancel (Orange's pattern: the
slow work is the pure ``read_path``; this only runs it in a thread and reports back).
Nothing here touches the file on the interface thread: even which format it is, and
whether a GeoJSON file needs its date property chosen, is found out in the worker.

The worker also builds what the views will draw (map records, timeline arrays, filter
indexes), so the GUI thread only swaps the dataset in.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from .. import heap
from ..io import LoadResult, Problem, read_path
from ..views.prepared import payload_ahead, prepare


class _Relay(QObject):
    """Carries a worker's reports to the interface thread (queued: emitted elsewhere)."""

    progressed = Signal(int, float)  # load number, fraction
    done = Signal(int, object)  # load number, LoadResult
    ahead = Signal(int, object)  # load number, the map's payload file (a SideFile)


def _work(
    number: int, path: Path, cancelled: threading.Event, options: dict, relay: _Relay
) -> None:
    """One load, in a daemon thread: read, prepare, report (never raises)."""
    last = 0.0

    def progress(fraction: float) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last > 0.05 or fraction >= 1.0:
            last = now
            relay.progressed.emit(number, float(fraction))

    prepared = None
    try:
        # a re-open's map payload, kept in the table cache: the page may fetch it now,
        # while the file is read (used once checked, if it is the file checked)
        ahead = payload_ahead(path, options)
        if ahead is not None and not cancelled.is_set():
            relay.ahead.emit(number, ahead)
        # garbage waiting now would be frozen below with the dataset, for good: collect it
        # (cheap: what earlier loads froze is not scanned)
        gc.collect()
        t0 = time.perf_counter()
        result = read_path(path, progress=progress, cancel=cancelled.is_set, **options)
        t1 = time.perf_counter()
        result.timings["read"] = t1 - t0
        if not cancelled.is_set():
            # the dataset's objects live as long as it is open: move them out of the
            # cyclic collector's way (a full collection over 100k events costs
            # ~0.5 s each time it runs); plain reference counting still frees them
            gc.freeze()
            if result.dataset is not None:
                prepared = prepare(result.dataset, keep=False)  # kept once handed over
                if prepared.kept_s is not None:  # the views' data kept by an earlier open
                    result.timings["views cache"] = prepared.kept_s
            result.timings["prepare"] = time.perf_counter() - t1
    except Exception as exc:  # a reader bug must not kill the app: report it
        result = LoadResult(None, [Problem(str(path), None, f"could not load: {exc!r}")])
    if cancelled.is_set():
        result = _cancelled(path)
    with contextlib.suppress(RuntimeError):  # the window went away meanwhile
        relay.done.emit(number, result)
    if prepared is not None and not cancelled.is_set():
        # the views' data kept for the next open of the file, written while the window
        # shows this one (a file write and its checksum, mostly without the GIL); never raises
        prepared.write_kept()
    # what the read, the preparation and the cache's writing freed, given back now (the
    # window trimmed once the dataset was handed over, before the writing's buffers)
    heap.trim()


def _cancelled(path: Path) -> LoadResult:
    return LoadResult(None, [Problem(str(path), None, "cancelled")])


class Loader(QObject):
    """One load at a time; a new one cancels the previous.

    Each load runs in a daemon thread.  Cancel answers at once: the load is reported
    cancelled and its thread, told to stop, is left to finish on its own (a reader
    stuck in a parser cannot be interrupted; its result is dropped).  Nothing waits for
    such a thread for more than a second, and it never holds up quitting.
    """

    started = Signal(str)
    progressed = Signal(float)
    finished = Signal(str, object)  # path, LoadResult
    # the map's payload file of the load under way, kept by an earlier open (a
    # table_cache.SideFile: for MapView.prefetch), before the file is read
    payload_ahead = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._relay = _Relay()  # no parent: alive while a worker still holds it
        self._relay.progressed.connect(self._on_progress)
        self._relay.done.connect(self._on_done)
        self._relay.ahead.connect(self._on_ahead)
        self._number = 0
        self._path: Path | None = None
        self._cancel: threading.Event | None = None
        self._threads: dict[int, tuple[threading.Thread, threading.Event]] = {}

    @property
    def busy(self) -> bool:
        return self._path is not None

    def load(self, path, **options) -> None:
        """Read ``path`` in a thread (``options`` go to :func:`araz.io.read_path`)."""
        self._stop(report=False)
        path = Path(path)
        self._number += 1
        self._path = path
        self._cancel = threading.Event()
        thread = threading.Thread(
            target=_work,
            args=(self._number, path, self._cancel, options, self._relay),
            name=f"araz-load-{self._number}",
            daemon=True,
        )
        self._threads[self._number] = (thread, self._cancel)
        self.started.emit(str(path))
        thread.start()

    def cancel(self) -> None:
        """Stop the current load; it is reported cancelled now, whatever its thread is
        doing."""
        self._stop(report=True)

    def _stop(self, report: bool) -> None:
        if self._cancel is not None:
            self._cancel.set()
        path, self._path, self._cancel = self._path, None, None
        if path is not None and report:
            self.finished.emit(str(path), _cancelled(path))

    def shutdown(self, seconds: float = 1.0) -> None:
        """Cancel every load and give the threads ``seconds`` in all to stop (before the
        window goes away); those still running are left behind (daemon threads)."""
        self._stop(report=False)
        deadline = time.monotonic() + seconds
        for thread, cancelled in list(self._threads.values()):
            cancelled.set()
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = {n: t for n, t in self._threads.items() if t[0].is_alive()}

    def _on_progress(self, number: int, fraction: float) -> None:
        if number == self._number and self._path is not None:
            self.progressed.emit(fraction)

    def _on_ahead(self, number: int, side: object) -> None:
        if number == self._number and self._path is not None:
            self.payload_ahead.emit(side)

    def _on_done(self, number: int, result: LoadResult) -> None:
        self._threads.pop(number, None)
        if number != self._number or self._path is None:
            return  # superseded by a newer load, or cancelled
        path, self._path, self._cancel = self._path, None, None
        self.finished.emit(str(path), result)
