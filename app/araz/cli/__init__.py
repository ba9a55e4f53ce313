"""The ``araz`` command: the desktop app, and sub-commands that print to the terminal.

araz [PATH]                      open the app (on the bundled dataset by default)
araz validate [--json] [PATH]    check a dataset; print a summary and each problem
araz install-launcher [--desktop] [--uninstall]   add Araz to the desktop's menu (Linux)
araz snapshot -o OUT.png|OUT.pdf [...]   the map of the shown events, drawn offscreen
araz export -o OUT.csv|.geojson|.gpkg|.parquet|.html [...]   the shown events as data or a web page
araz --version
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .. import __version__

# Araz does no linear algebra: numpy's OpenBLAS need not start a thread per core when
# numpy is imported (about a tenth of a second of the app's start-up CPU, measured).
# Set before anything imports numpy; a value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

SUBCOMMANDS = ("validate", "install-launcher", "snapshot", "export")


def _validate(args: argparse.Namespace) -> int:
    from ..io import read_path
    from ..io.normalized import to_dict
    from ..paths import default_dataset

    path = Path(args.path) if args.path else default_dataset()
    result = read_path(path)
    if args.json:
        if result.dataset is None:
            for p in result.problems:
                print(p, file=sys.stderr)
            return 1
        json.dump(to_dict(result.dataset), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 1 if result.problems else 0
    ds = result.dataset
    n_events = len(ds.events) if ds is not None else 0
    n_places = len(ds.places) if ds is not None else 0
    n_actors = len(ds.actors) if ds is not None else 0
    print(
        f"{n_events} events, {n_places} places, {n_actors} actors, {len(result.problems)} problems"
    )
    for p in result.problems:
        print(p)
    return 1 if result.problems else 0


def _install_launcher(args: argparse.Namespace) -> int:
    from .launcher import command

    return command(desktop=args.desktop, remove=args.uninstall)


def _parser_for(command: str | None) -> argparse.ArgumentParser:
    if command in ("snapshot", "export"):
        from .export import parser_for

        return parser_for(command)
    if command == "install-launcher":
        p = argparse.ArgumentParser(
            prog="araz install-launcher",
            description="Add Araz to the application menu (freedesktop: Linux, BSD), with its "
            "icon and file types; the launcher runs this installation of araz.",
        )
        p.add_argument("--desktop", action="store_true", help="also put a launcher on the desktop")
        p.add_argument("--uninstall", action="store_true", help="remove what was installed")
        p.set_defaults(func=_install_launcher)
        return p
    if command == "validate":
        p = argparse.ArgumentParser(
            prog="araz validate", description="Check a dataset and report its problems."
        )
        p.add_argument("path", nargs="?", help="dataset file (default: the bundled dataset)")
        p.add_argument("--json", action="store_true", help="print the normalized dataset")
        p.set_defaults(func=_validate)
        return p
    p = argparse.ArgumentParser(
        prog="araz",
        description="Araz: events on a map and a timeline, linked. "
        f"Sub-commands: {', '.join(SUBCOMMANDS)} (araz COMMAND --help).",
    )
    p.add_argument("path", nargs="?", help="dataset to open (default: the bundled dataset)")
    p.add_argument("--version", action="version", version=f"araz {__version__}")
    p.add_argument(
        "--reset-settings",
        action="store_true",
        help="forget the window layout, filters and last dataset before starting",
    )
    p.add_argument(
        "--screenshot",
        metavar="PNG",
        help="save a picture of the window once the map has drawn the data, then quit "
        "(how the README's screenshot is made)",
    )
    p.add_argument("--window-size", default="1600x1000", help="window size for --screenshot")
    p.add_argument("--select", metavar="EVENT_ID", help="start with this event selected")
    p.add_argument(
        "--colour-by",
        metavar="COLUMN",
        help="colour events by this column (main_actor, category, certainty, date_basis, "
        "or a column of the data such as event_type; View → Colour by)",
    )
    p.add_argument(
        "--size-by",
        metavar="COLUMN",
        help="size markers by this numeric column, e.g. fatalities (View → Size by)",
    )
    p.set_defaults(func=_gui)
    return p


def _gui(args: argparse.Namespace) -> int:
    from ..qt.app import run_app

    return run_app(args)


def main(argv: list[str] | None = None, *, exit_when_shot: bool = False) -> int:
    """Run the command; its exit status.  ``exit_when_shot`` (the process's own entry,
    ``python -m araz``): a ``--screenshot`` start ends the process as soon as its picture
    is written (see :func:`_exit_now`) instead of returning."""
    started = time.perf_counter()
    # pyarrow's own pool (jemalloc/mimalloc) keeps what a load freed: 381 MB against
    # 168 MB held after a 1M-row read.  The system allocator gives it back to
    # araz.heap.trim().  Set before pyarrow is imported (it reads this once), and only
    # here: a notebook that imports araz keeps its own choice.
    import os

    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    parser = _parser_for(command)
    args = parser.parse_args(argv[1:] if command else argv)
    args.started = started
    try:
        code = args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    if exit_when_shot and getattr(args, "screenshot", None) is not None:
        _exit_now(code)
    return code


def _exit_now(code: int) -> None:
    """End a ``--screenshot`` process now: its picture is written (renamed into place,
    flushed to disk), its line printed.  What is left is teardown only: the web engine's
    profile, page and processes, every Qt object, the interpreter's modules (a tenth of a
    second of the start, measured).  A load's thread still writing the views' cache
    (``araz.qt.loader``) is waited for; the log and the terminal are flushed."""
    import contextlib
    import logging
    import threading

    deadline = time.monotonic() + 5.0
    for thread in threading.enumerate():
        if thread.name.startswith("araz-load"):
            thread.join(max(0.0, deadline - time.monotonic()))
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        # a closed or broken terminal: nothing to keep
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
