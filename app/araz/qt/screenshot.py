"""Wait until the window's map has drawn the dataset, then act: save a screenshot (the
README's picture is made this way) or report the start-up time (benchmarks/startup.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer


def when_drawn(window, callback: Callable[[], None], settle_ms: int = 0, on_drawn=None) -> None:
    """Call back once the map has acknowledged the dataset's first drawing (then
    ``settle_ms`` later).  No wait by default: the basemap is drawn with the page (no
    tiles arrive late), and the screenshot grabs until two grabs a page round trip
    apart agree."""
    target = window.map_binding.loaded_seq
    done = False

    def on_rendered(seq: int) -> None:
        nonlocal done
        if seq >= target and not done:
            done = True
            window.map.rendered.disconnect(on_rendered)
            if on_drawn is not None:
                on_drawn()
            QTimer.singleShot(settle_ms, callback)

    window.map.rendered.connect(on_rendered)


def when_acked(window, seq: int, callback: Callable[[], None], pause_ms: int = 16) -> None:
    """Call back (a frame at 60 Hz later) once the page has acknowledged call ``seq``."""

    def on_rendered(s: int) -> None:
        if s >= seq:
            window.map.rendered.disconnect(on_rendered)
            QTimer.singleShot(pause_ms, callback)

    window.map.rendered.connect(on_rendered)


def screenshot_and_quit(window, path: Path, *, started: float | None = None) -> None:
    """Save the whole window as PNG once drawn, print the path, and quit."""
    from PySide6.QtWidgets import QApplication

    def drawn() -> None:
        if started is not None:
            print(f"drawn after {time.perf_counter() - started:.3f} s")

    previous: list = [None, 0]  # the last grab, and how many were taken

    def shoot() -> None:
        # the compositor can lag the page by a few frames: grab until two grabs a page
        # round trip apart agree (at most 20 tries)
        image = window.grab().toImage()
        if image != previous[0] and previous[1] < 20:
            previous[:] = [image, previous[1] + 1]
            when_acked(window, window.map.sync(), shoot)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(path))
        print(path)
        QApplication.quit()

    def loaded(_path, _result) -> None:
        if len(window.model.dataset):
            window.loadFinished.disconnect(loaded)
            when_drawn(window, shoot, on_drawn=drawn)

    window.loadFinished.connect(loaded)
