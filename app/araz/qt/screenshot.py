"""Wait until the window's map has drawn the dataset, then act: save a screenshot (the
README's picture is made this way) or report the start-up time (benchmarks/startup.py)."""

from __future__ import annotations

import contextlib
import sys
import threading
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


def when_painted(window, painted: list, callback: Callable[[], None], settle_ms: int = 0) -> None:
    """Call back once the dataset's calls are sent and the page has painted its first view
    (then ``settle_ms`` later): ``painted`` is not empty once the page has acknowledged
    a call (any: it acknowledges none before its first frame).  A call sent from then on
    is acknowledged only once what the page loads after its first paint is in and drawn
    (the basemap's detail, its relief: map-commands.js), after every earlier call."""
    if painted:
        QTimer.singleShot(settle_ms, callback)
        return

    def on_rendered(_seq: int) -> None:
        window.map.rendered.disconnect(on_rendered)
        QTimer.singleShot(settle_ms, callback)

    window.map.rendered.connect(on_rendered)


def when_acked(
    window,
    seq: int,
    callback: Callable[[], None],
    pause_ms: int = 16,
    patience_ms: int = 3000,
    give_up: Callable[[], None] | None = None,
    tries: int = 10,
) -> None:
    """Call back (a frame at 60 Hz later) once the page has acknowledged call ``seq``.

    A page that lets a call go unanswered (seen once under a heavy load: the process sat
    idle after the map was drawn) is asked again every ``patience_ms``: a newer call's
    acknowledgement counts too; after ``tries`` unanswered asks, ``give_up()``."""
    timer = QTimer(window)
    timer.setInterval(patience_ms)
    asked = 0

    def on_rendered(s: int) -> None:
        if s >= seq:
            timer.stop()
            timer.deleteLater()
            window.map.rendered.disconnect(on_rendered)
            QTimer.singleShot(pause_ms, callback)

    def again() -> None:
        nonlocal asked
        asked += 1
        if asked < tries:
            window.map.sync()
            return
        timer.stop()
        window.map.rendered.disconnect(on_rendered)
        if give_up is not None:
            give_up()

    window.map.rendered.connect(on_rendered)
    timer.timeout.connect(again)
    timer.start()


def check_screenshot_path(path: Path, dataset: Path | None) -> Path:
    """Where ``--screenshot`` may write: a .png that is not the dataset opened (nor the
    bundled seed); ExportError saying why not."""
    from ..export.atomic import ExportError, check_target

    target = check_target(path)
    if target.suffix.lower() != ".png":
        raise ExportError(f"--screenshot {path}: the picture's name must end in .png")
    if dataset is not None and target.resolve() == Path(dataset).resolve():
        raise ExportError(f"will not overwrite the dataset {path} with a screenshot")
    return target


# What the picture needs besides the window: the grabs until two agree (they load Qt
# Quick's and QML's bindings, ~10 ms) and the PNG writer
PICTURE_MODULES = ("araz.qt.stable_grab", "araz.qt.export.png")


def import_in_background(modules: tuple[str, ...] = PICTURE_MODULES) -> threading.Thread:
    """Import ``modules`` in a thread (started here; join it before using them).

    Imported on the interface thread once the page has painted its first view, they
    held that thread ~10 ms while the page drew the basemap's detail and the dataset:
    the page's frames wait for that thread (Qt renders the web view there).  Imported
    from the dataset's arrival instead, in this thread, they are in before the picture
    is taken; the interface thread renders on meanwhile (its own work is Qt's, in C++,
    and the switch interval is short while the thread imports: its Python waits little).
    An import that fails here fails again, with its traceback, where it is used."""
    import importlib

    from .application import SWITCH_INTERVAL_S

    def work() -> None:
        interval = sys.getswitchinterval()
        ours = min(interval, SWITCH_INTERVAL_S)
        sys.setswitchinterval(ours)
        try:
            for name in modules:
                with contextlib.suppress(Exception):
                    importlib.import_module(name)
        finally:
            # put back what it found only if nobody set another meanwhile (the page's
            # load restores its own: that one stays)
            if sys.getswitchinterval() == ours:
                sys.setswitchinterval(interval)

    thread = threading.Thread(target=work, name="araz-picture-imports", daemon=True)
    thread.start()
    return thread


# How long the screenshot's first grab waits for Qt to render the map after the page
# answered (none comes when the page had nothing new to draw)
RENDER_PATIENCE_MS = 100


def screenshot_and_quit(window, path: Path, *, started: float | None = None) -> None:
    """Save the whole window as PNG once drawn (atomically, never over the dataset),
    print the path, and quit; on failure one line on stderr and exit status 1.

    Once the dataset's calls are sent and the page has painted its first view, one round
    trip (its acknowledgement comes once every earlier call is drawn, and waits for what
    the page draws after its first paint: the basemap's detail, its relief; sent then,
    not after the dataset's own acknowledgement, which can come a frame or more after the
    first one), then the map is grabbed
    at Qt's first render after that acknowledgement (the page acknowledges in the frame
    that shows its drawing, the labels placed around the markers in that same draw:
    map-commands.js) and again a page round trip later, until two grabs agree: no fixed
    pauses, and no grab again while Qt has not rendered the map since the last one.  The
    whole window is grabbed once, then (its widgets paint as they are when grabbed)."""
    from PySide6.QtWidgets import QApplication

    from ..export.atomic import ExportError, atomic_write

    written = False
    imports: list[threading.Thread] = []  # the picture's modules, imported meanwhile
    grabs: list = []  # Qt's renders of the map, the grabs until two agree: made once drawn
    # the window is never panned: the page's canvases keep to the view (their margins,
    # grown when the page is first idle, are pixels no picture shows: made and handed to
    # the compositor, they can also make Qt render the map again between two grabs)
    window.map.set_pan_margins(False)

    def drawn() -> None:
        if started is not None:
            print(f"drawn after {time.perf_counter() - started:.3f} s")

    def write() -> None:
        from .export.png import fast_png

        nonlocal written
        if written:
            return
        written = True
        # the whole window once: its widgets paint as they are when grabbed
        image = window.grab().toImage()
        try:
            # an opaque window's rows unfiltered at zlib's fastest level (Qt's PNG writer's
            # filters: a few times the time, for a picture of flat fills)
            out = atomic_write(path, fast_png(image), window.model.dataset)
        except ExportError as exc:
            print(f"araz: {exc}", file=sys.stderr)
            QApplication.exit(1)
            return
        print(out)
        # the loop ends, the window is not closed: its closing would remember the
        # screenshot's window, size and filter as the user's (and take its time)
        QApplication.exit(0)

    def stuck() -> None:
        if not written:
            print("araz: the map stopped answering; no screenshot written", file=sys.stderr)
            QApplication.exit(1)

    def shoot() -> None:
        stable = grabs[1]
        if written:
            return
        if stable.offer() is None:
            # the next grab once the page has answered (no pause: a grab is taken again
            # only if Qt has rendered the map since the last one)
            when_acked(window, window.map.sync(), shoot, pause_ms=0, give_up=stuck)
            return
        write()

    def grab_when_rendered() -> None:
        # one round trip first: its acknowledgement waits for the dataset's drawing and for
        # what the page loads after its first paint (the basemap's detail, its relief:
        # map-commands.js)
        seq = window.map.sync()
        for thread in imports:  # imported since the dataset came in (import_in_background)
            thread.join()
        from .stable_grab import QtRenders, StableGrab

        renders = QtRenders(window.map.web_view())
        last: list = [None, None]  # Qt's render count at the last grab, that grab

        def take():
            count = renders.count
            if count is not None and last[0] == count:
                return last[1]  # Qt has not rendered the map since: the same picture
            image = window.map.grab().toImage()  # a tenth of a grab of the whole window
            last[:] = [count, image]
            return image

        grabs[:] = [renders, StableGrab(take, max_round_trips=20)]
        if renders.count is None:  # Qt's renders not counted: grabs a frame after answers
            when_acked(window, seq, shoot, give_up=stuck)
            return
        when_acked(window, seq, at_next_render, pause_ms=0, give_up=stuck)

    fired: list[bool] = []

    def at_next_render() -> None:
        # the first grab at Qt's first render after the answer (or, none coming, soon)
        def once() -> None:
            if not fired:
                fired.append(True)
                shoot()

        renders = grabs[0]
        renders.after(renders.count, once)
        QTimer.singleShot(RENDER_PATIENCE_MS, once)

    painted: list[int] = []  # the page's first acknowledgement: its first view is painted

    def first_painted(seq: int) -> None:
        window.map.rendered.disconnect(first_painted)
        painted.append(seq)

    def loaded(_path, _result) -> None:
        if len(window.model.dataset):
            window.loadFinished.disconnect(loaded)
            imports.append(import_in_background())
            when_drawn(window, lambda: None, on_drawn=drawn)
            when_painted(window, painted, grab_when_rendered)

    window.map.rendered.connect(first_painted)
    window.loadFinished.connect(loaded)
