"""``python -m araz --screenshot``: the process ends as soon as its picture is written
(no teardown of the web engine, the window or the interpreter), and the picture is the
one a start that tears everything down writes; taken at Qt's first render after the
page's acknowledgement, it is the picture of a screenshot taken seconds later."""

import subprocess
import sys

import pytest

from support import app_process_env

pytestmark = pytest.mark.gui

# a child that says whether the interpreter's teardown ran (atexit), then runs the command
CHILD = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('torn down', flush=True))\n"
    "from araz.cli import main\n"
    "out, how = sys.argv[1:3]\n"
    "if how == 'late':\n"
    "    import araz.qt.screenshot as shot\n"
    "    painted = shot.when_painted\n"
    "    shot.when_painted = lambda w, p, cb, settle_ms=0: painted(w, p, cb, 2500)\n"
    "sys.argv = ['araz', '--screenshot', out, '--window-size', '900x600']\n"
    "raise SystemExit(main(exit_when_shot=how == 'fast'))\n"
)


def same_picture(a, b) -> bool:
    """The same window drawn: under load the page's relief can reach the compositor in a
    frame or two (its dithering shifts a few hundred scattered pixels by a few levels,
    base and this way alike); a picture without the relief or the labels differs in tens
    of thousands."""
    import numpy as np
    from export_support import pixels

    diff = np.abs(pixels(a).astype(int) - pixels(b).astype(int)).max(axis=2)
    return a.size() == b.size() and int((diff > 2).sum()) < a.width() * a.height() // 1000


def _start(tmp_path, out, how: str) -> subprocess.CompletedProcess:
    env = app_process_env(tmp_path)
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(out), how],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_a_screenshot_start_ends_once_written_with_the_same_picture(tmp_path, qapp):
    from PySide6.QtGui import QImage

    slow, fast = tmp_path / "slow.png", tmp_path / "fast.png"
    torn = _start(tmp_path, slow, "slow")
    assert torn.returncode == 0, torn.stderr[-2000:]
    assert torn.stdout.splitlines()[-1] == "torn down"
    quick = _start(tmp_path, fast, "fast")
    assert quick.returncode == 0, quick.stderr[-2000:]
    lines = quick.stdout.splitlines()
    assert "torn down" not in lines  # ended before any teardown
    assert lines[-1] == str(fast)  # its line printed (flushed before the end)
    assert lines[0].startswith("drawn after ")
    assert not list(tmp_path.glob("*.part"))  # no temporary file left behind
    a = QImage(str(slow)).convertToFormat(QImage.Format.Format_RGB32)
    b = QImage(str(fast)).convertToFormat(QImage.Format.Format_RGB32)
    assert (b.width(), b.height()) == (900, 600)
    assert same_picture(a, b)  # the window as drawn
    # neither start closed its window: the user's remembered window and filter are not
    # the screenshot's (Qt's quit() closes the windows, which saves them); nor is the
    # data it showed remembered as the user's last or recent
    conf = tmp_path / "config" / "Araz" / "Araz.conf"
    text = conf.read_text() if conf.exists() else ""
    assert "geometry" not in text and "filter" not in text
    assert "last" not in text and "recent" not in text


def test_the_picture_taken_at_once_is_the_one_taken_seconds_later(tmp_path, qapp):
    from PySide6.QtGui import QImage

    now, late = tmp_path / "now.png", tmp_path / "late.png"
    for out, how in ((now, "fast"), (late, "late")):
        run = _start(tmp_path, out, how)
        assert run.returncode == 0, run.stderr[-2000:]
    a = QImage(str(now)).convertToFormat(QImage.Format.Format_RGB32)
    b = QImage(str(late)).convertToFormat(QImage.Format.Format_RGB32)
    assert (a.width(), a.height()) == (900, 600)
    assert same_picture(a, b)  # markers, basemap, relief and labels as seconds later


@pytest.mark.parametrize(
    ("name", "status"),
    [("x.jpg", 2), ("no such folder/x.png", 1)],  # refused at once; drawn, then not written
)
def test_a_failed_screenshot_ends_with_its_status_and_one_line(tmp_path, name, status):
    out = tmp_path / name
    run = _start(tmp_path, out, "fast")
    assert run.returncode == status
    assert run.stderr.strip().splitlines()[-1].startswith("araz: ")
    assert not out.exists()
    assert "torn down" not in run.stdout
