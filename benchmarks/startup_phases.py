"""Where ``araz --screenshot`` spends its start: milliseconds from the process's fork to
each phase (a diagnostic beside ``startup.py``, which times the whole against a bare
window).

``python benchmarks/startup_phases.py [RUNS]`` starts Araz (``ARAZ_BENCH_APP``: another
checkout's ``app/``, as for ``startup.py``) RUNS times (5 by default;
one unmeasured start first) and prints, per phase, the median time since the fork:
the QApplication made, the map's view made (the imports start in a thread), the page's
channel open, the imports done, the window built and shown, the page loaded, the
dataset handed to the map, the map ready, each call drawn, Qt's render of the map that
the screenshot waits for (or the grabs until two agree), the picture written, the exit.
The phases are marked by wrapping Araz's own functions as their modules are imported
(nothing in Araz changes); the child is this same file with ``--child``.
"""

from __future__ import annotations

import importlib.abc
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference import child_env

T0 = float(os.environ.get("ARAZ_PHASES_T0") or time.time())


def mark(what: str) -> None:
    sys.stderr.write(f"[{(time.time() - T0) * 1000:8.1f} ms] {what}\n")


def _wrap(owner, name: str, before: str | None = None, after: str | None = None) -> None:
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        if before:
            mark(before)
        result = original(*args, **kwargs)
        if after:
            mark(after)
        return result

    setattr(owner, name, wrapper)


def _app(module) -> None:
    _wrap(module, "make_application", "make_application", "QApplication made")
    _wrap(module, "import_while_serving", "map view made; imports start", "imports done")


def _view(module) -> None:
    cls = module.MapView
    init = cls.__init__

    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self._page.loadFinished.connect(lambda ok: mark("page loaded"))
        self._bridge.page_connected.connect(lambda: mark("page channel open"))
        self.ready.connect(lambda: mark("map ready"))
        self.rendered.connect(lambda seq: mark(f"call {seq} drawn"))

    cls.__init__ = __init__
    _wrap(cls, "set_events", None, "events sent to the map")


def _window(module) -> None:
    cls = module.MainWindow
    _wrap(cls, "__init__", "window: build", "window: built")
    _wrap(cls, "show", None, "window: shown")


def _write(module) -> None:
    _wrap(module, "atomic_write", "picture: writing", "picture written")


def _encode(module) -> None:
    for name in ("fast_png", "png_bytes"):
        _wrap(module, name, f"picture: window grabbed, {name}", None)


def _grab(module) -> None:
    _wrap(module.StableGrab, "offer", None, "grab")
    renders = module.QtRenders
    if hasattr(renders, "after"):  # (an older Araz grabs until two grabs agree)
        after = renders.after

        def marked_after(self, count, callback):
            def marked():
                mark("Qt rendered the map after the acknowledgement")
                callback()

            after(self, count, marked)

        renders.after = marked_after


def _cli(module) -> None:
    if hasattr(module, "_exit_now"):  # (an older Araz tears everything down instead)
        _wrap(module, "_exit_now", "exit: the loop has quit")


HOOKS = {
    "araz.qt.app": _app,
    "araz.qt.map.view": _view,
    "araz.qt.main_window": _window,
    "araz.export.atomic": _write,
    "araz.qt.export.png": _encode,  # (snapshot re-exports what it defines)
    "araz.qt.stable_grab": _grab,
}


class _Hooks(importlib.abc.MetaPathFinder):
    """Wraps a module's functions once it is imported."""

    def find_spec(self, name, path, target=None):
        if name not in HOOKS:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            HOOKS[name](module)

        spec.loader.exec_module = exec_module
        return spec


def child(out: str) -> int:
    import atexit

    atexit.register(lambda: mark("interpreter's teardown"))
    mark("python started")
    sys.meta_path.insert(0, _Hooks())
    import araz.cli
    from araz.cli import main

    _cli(araz.cli)
    mark("araz.cli imported")
    sys.argv = ["araz", "--screenshot", out, "--window-size", "1600x1000"]
    if not hasattr(araz.cli, "_exit_now"):  # an older Araz (ARAZ_BENCH_APP): as it ran
        code = main()
        mark("main returned")
        return code
    return main(exit_when_shot=True)  # as python -m araz runs it


def run(runs: int) -> None:
    marks: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "start.png")
        env = child_env()
        for key in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[key] = str(Path(tmp) / key.lower())
        for i in range(runs + 1):
            env["ARAZ_PHASES_T0"] = repr(time.time())
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, __file__, "--child", out],
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
            )
            elapsed = (time.perf_counter() - t0) * 1000
            if proc.returncode != 0:
                raise RuntimeError(proc.stderr[-2000:])
            if i == 0:
                continue  # unmeasured: disk caches, the bundled data's cache
            seen: dict[str, int] = defaultdict(int)
            for m in re.finditer(r"\[\s*([\d.]+) ms\] (.*)", proc.stderr):
                seen[m.group(2)] += 1
                n = seen[m.group(2)]
                marks[m.group(2) + (f" ({n})" if n > 1 else "")].append(float(m.group(1)))
            marks["process ended"].append(elapsed)
    rows = sorted(marks.items(), key=lambda kv: statistics.median(kv[1]))
    for name, values in rows:
        print(f"{statistics.median(values):8.0f} ms  {name}  ({len(values)} runs)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        raise SystemExit(child(sys.argv[2]))
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
