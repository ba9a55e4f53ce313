"""The next batches of a pyarrow stream parsed by a thread while the caller works on the
one before (the ACLED block reader: the parse in C++ on one core, the rules in Python on
the other).

pyarrow parses a batch without the GIL, so the two overlap.  At most ``depth`` batches
wait (memory stays flat); an error of the parse is raised where the caller takes the
batch it would have been, the same exception; the caller's leaving early (Cancel, an
error of its own) stops the thread before the file it reads is closed.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_END = object()


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


@contextmanager
def prefetched(
    stream: Any, prepare: Callable[[Any], Any] | None = None, depth: int = 2
) -> Iterator[Iterator[Any]]:
    """``with prefetched(stream, prepare) as batches: for batch in batches: …``: each
    batch as ``prepare`` gives it (run in the thread: work that releases the GIL); the
    thread has ended when the ``with`` block is left, however it is left."""
    ready: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for batch in stream:
                if not put(batch if prepare is None else prepare(batch)):
                    return
            put(_END)
        except BaseException as exc:  # raised again in the caller's thread
            put(_Failed(exc))

    def batches() -> Iterator[Any]:
        while True:
            item = ready.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item

    thread = threading.Thread(target=run, name="araz-acled-parse", daemon=True)
    thread.start()
    try:
        yield batches()
    finally:
        stop.set()
        thread.join()


def in_thread(fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    """``fn(*args)`` started in a thread (work that releases the GIL: Arrow's, a large
    ``bytes.join``) while the caller goes on; the function returned waits for its result
    (its error raised again, the same exception)."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(fn(*args))
        except BaseException as exc:
            out.append(_Failed(exc))

    thread = threading.Thread(target=run, name="araz-acled-side", daemon=True)
    thread.start()

    def result() -> Any:
        thread.join()
        value = out[0]
        if isinstance(value, _Failed):
            raise value.exc
        return value

    return result
