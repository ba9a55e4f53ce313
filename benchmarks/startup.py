"""Start-up against a bare window, timed in the same run.

Araz: the whole process, from outside (fork to exit), of ``araz --screenshot`` (window,
map and markers drawn, the window grabbed and saved). The reference: the same, from
outside, for a bare PySide6 window holding a QWebEngineView that loads a blank page,
paints it once (grab saved as PNG) and quits (``benchmarks/reference.py``). Runs
alternate (Araz, bare, Araz, bare…) after one unmeasured start of each (disk caches;
Araz's cache of the checked bundled dataset, as at every start after the first), so a
machine that drifts weighs on both alike.

Prints, as its last line, JSON::

    {"startup_s": {"median": …, "runs": […]}, "floor_s": {"median": …, "runs": […]},
     "ratio": {"median": …, "runs": […]}, "drawn_s": {…}}

``ratio`` is Araz over the bare window, per pair; ``drawn_s`` is what Araz itself
reports (from ``araz.cli.main`` to the markers drawn, inside the process);
``after_drawn_s`` (a diagnostic) is the rest of each run: the interpreter's start before
``main``, and after the drawing the grabs, the picture's encoding and writing, the exit.

Diagnostics on stderr: each pair, and a note when Araz's modules are compiled from source
at every run (``PYTHONDONTWRITEBYTECODE`` set for the runs and no bytecode cached under
``app/``), which an installed Araz never does; ``reference.child_env`` drops that variable so
that the warm-up run writes the bytecode.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference import child_env, median_ratio, stats

PAIRS = int(os.environ.get("ARAZ_BENCH_PAIRS", "5"))
HERE = Path(__file__).resolve().parent


def timed(cmd: list[str], out: Path) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=child_env(), capture_output=True, text=True, timeout=180)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"{cmd[1:4]} failed: {proc.stderr[-1000:]}")
    out.unlink()
    return elapsed, proc.stdout


def araz(out: Path) -> tuple[float, float]:
    """(whole process, the process's own 'drawn after') in seconds."""
    cmd = [sys.executable, "-m", "araz", "--screenshot", str(out), "--window-size", "1600x1000"]
    elapsed, stdout = timed(cmd, out)
    drawn = next(
        (float(line.split()[2]) for line in stdout.splitlines() if line.startswith("drawn after")),
        float("nan"),
    )
    return elapsed, drawn


def compiled_each_run(app: Path) -> bool:
    """Whether every run compiles Araz's modules from source: bytecode is not written
    (PYTHONDONTWRITEBYTECODE) and none is cached beside the sources."""
    if not child_env().get("PYTHONDONTWRITEBYTECODE"):  # reference.child_env drops it
        return False
    return not any((app / "araz").glob("**/__pycache__/*.pyc"))


def bare(out: Path) -> float:
    cmd = [sys.executable, str(HERE / "reference.py"), "bare-window", str(out), "1600x1000"]
    return timed(cmd, out)[0]


def main() -> None:
    app = Path(child_env()["PYTHONPATH"].split(os.pathsep)[0])
    if compiled_each_run(app):
        print(
            f"note: PYTHONDONTWRITEBYTECODE is set and {app}/araz holds no bytecode: every "
            "Araz run below compiles its modules from source (an installed Araz has them "
            "compiled; `python -m compileall -q app/araz` once to time that start)",
            file=sys.stderr,
        )
    ours: list[float] = []
    drawn: list[float] = []
    floor: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "start.png"
        # settings and logs of the runs stay in the temporary folder
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        os.environ["XDG_STATE_HOME"] = str(Path(tmp) / "state")
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        araz(out)  # unmeasured: disk caches, compiled bytecode, the bundled data's cache
        bare(out)
        for i in range(PAIRS):
            a, d = araz(out)
            b = bare(out)
            ours.append(a)
            drawn.append(d)
            floor.append(b)
            print(
                f"pair {i + 1}: araz {a:.3f} s (drawn after {d:.3f} s in the process), "
                f"bare window {b:.3f} s",
                file=sys.stderr,
            )
    print(
        json.dumps(
            {
                "startup_s": stats(ours),
                "floor_s": stats(floor),
                "ratio": median_ratio(ours, floor),
                "drawn_s": stats(drawn),
                "after_drawn_s": stats([a - d for a, d in zip(ours, drawn, strict=True)]),
            }
        )
    )


if __name__ == "__main__":
    main()
