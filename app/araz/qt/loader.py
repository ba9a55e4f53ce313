"""Loading a file off the GUI thread, with progress and cancel (Orange's pattern: the
slow work is the pure ``read_path``; this only runs it in a thread and reports back).

The worker also builds what the views will draw (map records, timeline arrays, filter
indexes), so the GUI thread only swaps the dataset in.
"""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from ..io import LoadResult, Problem, read_path


def prepare(result: LoadResult) -> None:
    """Compute the dataset's derived data now (in the worker), not on first paint."""
    ds = result.dataset
    if ds is None:
        return
    from .bindings import map_data, timeline_data

    _ = ds.arrays, ds.events_by_actor, ds.colours, ds.unplaced_mask
    _ = ds.actor_counts, ds.index
    map_data(ds)
    timeline_data(ds)


class _Worker(QThread):
    progressed = Signal(float)
    done = Signal(object)  # LoadResult

    def __init__(self, path: Path, cancelled: threading.Event, options: dict, parent=None):
        super().__init__(parent)
        self.path = path
        self.options = options
        self.cancelled = cancelled
        self._last = 0.0

    def _progress(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self._last > 0.05 or fraction >= 1.0:
            self._last = now
            self.progressed.emit(float(fraction))

    def run(self) -> None:
        try:
            t0 = time.perf_counter()
            result = read_path(
                self.path, progress=self._progress, cancel=self.cancelled.is_set, **self.options
            )
            t1 = time.perf_counter()
            result.timings["read"] = t1 - t0
            if not self.cancelled.is_set():
                # the dataset's objects live as long as it is open: move them out of the
                # cyclic collector's way (a full collection over 100k events costs
                # ~0.5 s each time it runs); plain reference counting still frees them
                gc.freeze()
                prepare(result)
                result.timings["prepare"] = time.perf_counter() - t1
        except Exception as exc:  # a reader bug must not kill the app: report it
            result = LoadResult(None, [Problem(str(self.path), None, f"could not load: {exc!r}")])
        if self.cancelled.is_set():
            result = LoadResult(None, [Problem(str(self.path), None, "cancelled")])
        self.done.emit(result)


class Loader(QObject):
    """One load at a time; a new one cancels the previous."""

    started = Signal(str)
    progressed = Signal(float)
    finished = Signal(str, object)  # path, LoadResult

    def __init__(self, parent=None):
        super().__init__(parent)
        self._worker: _Worker | None = None
        self._cancel: threading.Event | None = None
        self._threads: set[_Worker] = set()  # alive, including ones still indexing

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def load(self, path, **options) -> None:
        """Read ``path`` in a thread (``options`` go to :func:`araz.io.read_path`)."""
        self.cancel()
        path = Path(path)
        self._cancel = threading.Event()
        worker = _Worker(path, self._cancel, options, self)
        worker.progressed.connect(self.progressed)
        worker.done.connect(lambda result, w=worker: self._on_done(w, result))
        worker.finished.connect(lambda w=worker: self._on_thread_finished(w))
        self._threads.add(worker)
        self._worker = worker
        self.started.emit(str(path))
        worker.start()

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def shutdown(self, ms: int = 10_000) -> None:
        """Cancel and wait for every thread (before the window goes away)."""
        self.cancel()
        for worker in list(self._threads):
            worker.cancelled.set()
            worker.wait(ms)

    def _on_thread_finished(self, worker: _Worker) -> None:
        self._threads.discard(worker)
        worker.deleteLater()

    def _on_done(self, worker: _Worker, result: LoadResult) -> None:
        if worker is not self._worker:
            return  # superseded by a newer load
        self._worker = None
        self.finished.emit(str(worker.path), result)
