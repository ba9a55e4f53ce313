"""``araz --screenshot``: what the picture needs besides the window (the grabs until two
agree, which load Qt Quick's and QML's bindings; the PNG writer) is imported in a thread
from the dataset's arrival, not on the interface thread while the page draws; the
offscreen snapshot's module (its page, its colours, its PDF) is not imported at all."""

import ast
import subprocess
import sys

import pytest

from support import app_process_env

pytestmark = pytest.mark.gui

WATCHED = ("araz.qt.stable_grab", "araz.qt.export.png", "PySide6.QtQml")

# a child that notes which thread first looks each watched module up, then runs the command
CHILD = (
    "import importlib.abc, sys, threading\n"
    "seen = {}\n"
    "class Watch(importlib.abc.MetaPathFinder):\n"
    "    def find_spec(self, name, path, target=None):\n"
    f"        if name in {WATCHED!r}:\n"
    "            seen.setdefault(name, threading.current_thread().name)\n"
    "        return None\n"
    "sys.meta_path.insert(0, Watch())\n"
    "from araz.cli import main\n"
    "sys.argv = ['araz', '--screenshot', sys.argv[1], '--window-size', '900x600']\n"
    "rc = main()\n"
    "print(repr((seen, 'araz.qt.export.snapshot' in sys.modules)))\n"
    "sys.exit(rc)\n"
)


def test_a_screenshot_imports_what_its_picture_needs_off_the_interface_thread(tmp_path):
    out = tmp_path / "start.png"
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(out)],
        env=app_process_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert out.stat().st_size > 0
    seen, snapshot_imported = ast.literal_eval(run.stdout.strip().splitlines()[-1])
    assert seen == dict.fromkeys(WATCHED, "araz-picture-imports")
    assert not snapshot_imported
