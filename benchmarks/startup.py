"""Start-up time: from process start to the window shown with the map rendered and the
markers drawn, over 5 cold starts (each a new process, offscreen).

Prints, as its last line, JSON: {"startup_s": {"median": …, "runs": [ … ]}}.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5


def one_start(out: Path) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "araz", "--screenshot", str(out), "--window-size", "1600x1000"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"araz did not start: {proc.stderr[-1000:]}")
    # the child prints "drawn after X s" from the start of `araz.cli.main` to the page's
    # acknowledgement that the markers are drawn; add the interpreter's own start-up
    for line in proc.stdout.splitlines():
        if line.startswith("drawn after"):
            child = float(line.split()[2])
            break
    else:
        raise RuntimeError("no timing line")
    t1 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import araz.cli"], check=True)
    interpreter = time.perf_counter() - t1
    return child + interpreter


def main() -> None:
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(RUNS):
            runs.append(round(one_start(Path(tmp) / f"start{i}.png"), 3))
            print(f"run {i + 1}: {runs[-1]:.3f} s", file=sys.stderr)
    print(json.dumps({"startup_s": {"median": round(statistics.median(runs), 3), "runs": runs}}))


if __name__ == "__main__":
    main()
