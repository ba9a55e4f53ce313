"""Shared by the hostile-file tests: a small curated dataset to spoil, named pipes that
unblock themselves, ``araz validate`` in a child with a memory limit, a read with a bound."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
TIMEOUT = 30_000

CURATED = """\
format: araz-dataset
version: 1
title: Hostile files
{seed}
actors:
  - id: iran
    name: Iran
    kind: state
places:
  - id: tabriz
    name: Tabriz
    kind: city
    point: {{lat: 38.08, lon: 46.29}}
{geometry}
events:
  - id: one
    title: One
    date: {{edtf: "2023-01-27", basis: seed}}
    actors: [iran]
    places: [tabriz]
    certainty: reported
"""


def curated(folder: Path, seed: str | None = None, geometry: str | None = None) -> Path:
    """A small valid curated file in ``folder``, with its seed and a geometry file."""
    folder.mkdir(parents=True, exist_ok=True)
    seed_block = ""
    if seed is not None:
        seed_block = f"seed:\n  file: {json.dumps(seed)}\n  title: The seed\n"
    geom_block = ""
    if geometry is not None:
        geom_block = (
            "  - id: river\n    name: River\n    kind: river\n"
            f"    geometry: {json.dumps(geometry)}\n"
        )
    path = folder / "data.yaml"
    path.write_text(CURATED.format(seed=seed_block, geometry=geom_block), encoding="utf-8")
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def unblock_later(path: Path, after: float = 8.0) -> threading.Thread:
    """Open ``path`` for writing after a while and close it at once, so a reader stuck
    opening the pipe gets an empty file (a regression then fails instead of hanging)."""

    def run() -> None:
        deadline = time.monotonic() + after + 30
        time.sleep(after)
        while time.monotonic() < deadline:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # nobody reading (ENXIO), or gone
                if not path.exists():
                    return
                time.sleep(0.2)
                continue
            os.close(fd)
            time.sleep(0.2)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "app")
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _limit_memory() -> None:  # in the child: a runaway read fails instead of eating RAM
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def validate(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "araz", "validate", *args],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=timeout,
        preexec_fn=_limit_memory,
    )


def read_in_thread(path: Path, bound: float = 5.0):
    """read_path(path) in a thread: (result, seconds), failing when it takes too long."""
    from araz.io import read_path

    out: list = []
    t0 = time.perf_counter()
    t = threading.Thread(target=lambda: out.append(read_path(path)), daemon=True)
    t.start()
    t.join(bound + 20)
    took = time.perf_counter() - t0
    assert out, f"read_path({path.name}) still running after {took:.0f} s"
    assert took < bound, f"read_path({path.name}) took {took:.1f} s"
    return out[0]


def open_and_wait(qtbot, window, path: Path, timeout: int = TIMEOUT):
    with qtbot.waitSignal(window.loadFinished, timeout=timeout) as blocker:
        window.open_path(path)
    return blocker.args[1]
