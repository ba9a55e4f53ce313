"""Hostile files: what a dataset is, where its files are, how big and how deep.

Special files (named pipes, devices, links to them) are made here in ``tmp_path``, never
committed.  Every read that could hang or eat memory on the unchanged code runs in a
child process with a memory limit and a timeout, or with a helper that unblocks a pipe
after a while, so that a regression fails instead of hanging the test run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from files_support import (
    child_env,
    curated,
    fifo,
    open_and_wait,
    read_in_thread,
    unblock_later,
    validate,
)

# ------------------------------------------------------------------ only regular files


@pytest.mark.parametrize("name", ["pipe.json", "pipe.yaml", "pipe.csv", "pipe.geojson", "pipe"])
def test_a_named_pipe_as_the_dataset_is_refused_at_once(tmp_path, name):
    path = fifo(tmp_path / name)
    unblock_later(path)
    result = read_in_thread(path)
    assert result.dataset is None
    assert len(result.problems) == 1
    assert "not a regular file" in result.problems[0].message
    assert "named pipe" in result.problems[0].message
    assert result.problems[0].file == str(path)


@pytest.mark.parametrize("name", ["zero.json", "zero.yaml", "zero.csv", "zero"])
def test_a_link_to_a_device_as_the_dataset_is_refused(tmp_path, name):
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    done = validate(str(link))
    assert done.returncode == 1, done.stderr[-2000:]
    assert "not a regular file" in done.stdout and "device" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_folder_as_the_dataset_is_refused(tmp_path):
    result = read_in_thread(tmp_path)
    assert result.dataset is None and "folder" in result.problems[0].message


@pytest.mark.parametrize("seed", ["/dev/zero", "zero.txt"])
def test_a_device_as_the_seed_is_refused_and_the_rest_loads(tmp_path, seed):
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    path = curated(tmp_path, seed=seed)
    done = validate(str(path))
    assert done.returncode == 1, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1 events,"), done.stdout
    assert len(lines) == 2 and lines[1].startswith(f"{path}:5: seed: "), lines
    # /dev/zero is a device, and outside the dataset's folder: refused for either
    assert "not a regular file" in lines[1] or "outside the dataset's folder" in lines[1]


def test_a_named_pipe_as_the_seed_is_refused_and_the_rest_loads(tmp_path):
    pipe = fifo(tmp_path / "seed.txt")
    unblock_later(pipe)
    result = read_in_thread(curated(tmp_path, seed="seed.txt"))
    assert len(result.dataset) == 1
    assert result.dataset.seed is None
    [problem] = result.problems
    assert problem.line == 5
    assert "seed.txt" in problem.message and "not a regular file" in problem.message


def test_a_seed_bigger_than_the_cap_is_refused_and_says_the_cap(tmp_path):
    with (tmp_path / "seed.txt").open("wb") as f:
        f.truncate(6 * 1024 * 1024)
    result = read_in_thread(curated(tmp_path, seed="seed.txt"))
    assert len(result.dataset) == 1 and result.dataset.seed is None
    [problem] = result.problems
    assert "6 MB" in problem.message and "at most 5 MB" in problem.message


def test_a_named_pipe_as_a_geometry_is_refused_and_the_rest_loads(tmp_path):
    pipe = fifo(tmp_path / "river.geojson")
    unblock_later(pipe)
    result = read_in_thread(curated(tmp_path, geometry="river.geojson"))
    assert [e.id for e in result.dataset.events] == ["one"]
    assert "river" not in result.dataset.places
    [problem] = result.problems
    assert "river.geojson" in problem.message and "not a regular file" in problem.message


# ------------------------------------------------------------------ in the window


def responsive(qtbot, window) -> bool:
    """The interface answers: a zero-delay timer fires within half a second."""
    from PySide6.QtCore import QTimer

    fired = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired), timeout=500)
    return window.isVisible()


@pytest.mark.gui
@pytest.mark.parametrize("name", ["pipe.json", "pipe.yaml", "zero.json", "zero.geojson"])
def test_the_window_refuses_special_files_and_keeps_its_data(qtbot, main_window, tmp_path, name):
    w = main_window
    before = w.model.dataset
    path = tmp_path / name
    if name.startswith("pipe"):
        unblock_later(fifo(path))
    else:
        path.symlink_to("/dev/zero")
    t0 = time.perf_counter()
    result = open_and_wait(qtbot, w, path, timeout=5000)
    assert time.perf_counter() - t0 < 5
    assert responsive(qtbot, w)
    assert w.model.dataset is before
    box = w.last_report
    assert box is not None and "previous data stays open" in box.text()
    [line] = box.detailedText().splitlines()
    assert "not a regular file" in line
    assert [str(p) for p in result.problems] == [line]
    box.close()


@pytest.mark.gui
def test_the_window_loads_a_dataset_whose_seed_is_a_pipe(qtbot, main_window, tmp_path):
    pipe = fifo(tmp_path / "seed.txt")
    unblock_later(pipe)
    w = main_window
    result = open_and_wait(qtbot, w, curated(tmp_path, seed="seed.txt"), timeout=5000)
    assert len(w.model.dataset) == 1 and w.model.dataset.seed is None
    assert "not a regular file" in w.last_report.detailedText()
    assert len(result.problems) == 1
    w.last_report.close()


@pytest.fixture
def stuck_reader(monkeypatch):
    """A reader that never returns until the test ends (a parser stuck in C code)."""
    import araz.qt.loader as loader

    release = threading.Event()

    def stuck(path, **kwargs):
        release.wait(60)
        from araz.io import LoadResult

        return LoadResult(None, [])

    monkeypatch.setattr(loader, "read_path", stuck)
    yield release
    release.set()


@pytest.mark.gui
def test_cancel_answers_within_a_second_even_when_the_reader_is_stuck(
    qtbot, main_window, tmp_path, stuck_reader
):
    w = main_window
    before = w.model.dataset
    w.open_path(tmp_path / "any.yaml")
    assert w.cancel_button.isVisible()
    t0 = time.perf_counter()
    with qtbot.waitSignal(w.loadFinished, timeout=1000) as blocker:
        w.cancel_button.click()
    assert time.perf_counter() - t0 < 1
    assert [p.message for p in blocker.args[1].problems] == ["cancelled"]
    assert w.model.dataset is before
    assert not w.cancel_button.isVisible()
    assert "cancelled" in w.statusBar().currentMessage()


@pytest.mark.gui
def test_closing_the_window_while_a_reader_is_stuck_takes_at_most_a_second(
    qtbot, main_window, tmp_path, stuck_reader
):
    w = main_window
    w.open_path(tmp_path / "any.yaml")
    t0 = time.perf_counter()
    w.close()
    assert time.perf_counter() - t0 < 1.5


CLOSE_WHILE_LOADING = """
import os, sys, time
from PySide6.QtCore import QTimer
from araz.qt.app import make_application
from araz.model import AppModel
from araz.qt.main_window import MainWindow
if sys.argv[2] == "stuck":  # a reader stuck for good (a parser deep in C code)
    import araz.qt.loader
    araz.qt.loader.read_path = lambda *a, **k: time.sleep(3600)
app = make_application(headless=True)
window = MainWindow(AppModel(), restore=False)
window.show()
window.open_path(sys.argv[1])
def close():
    print("busy" if window.loader.busy else "idle", flush=True)
    window.close()
    app.quit()
QTimer.singleShot(1500, close)
app.exec()
print("quit", flush=True)
"""


@pytest.mark.parametrize("reader", ["real", "stuck"])
def test_quitting_while_loading_exits_cleanly(tmp_path, reader):
    """A worker blocked on a pipe (or stuck anywhere else) must not abort the exit with
    "QThread: Destroyed while thread is still running", nor hold it up."""
    pipe = fifo(tmp_path / "pipe.yaml")
    unblock_later(pipe, after=20)
    env = child_env() | {"XDG_CONFIG_HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path)}
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CLOSE_WHILE_LOADING, str(pipe), reader],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    took = time.perf_counter() - t0
    assert done.returncode == 0, done.stderr[-2000:]
    assert "quit" in done.stdout
    assert "Destroyed while thread" not in done.stderr
    assert took < 15
    assert done.stdout.split() == ["busy" if reader == "stuck" else "idle", "quit"]


# ------------------------------------------------------------------ files outside the folder


def escapes(folder: Path) -> dict[str, str]:
    """Seed references that leave ``folder``, by how they do it."""
    outside = folder.parent / "outside.txt"
    outside.write_text("a secret of another folder\n")
    (folder / "sub").mkdir(parents=True, exist_ok=True)
    (folder / "link.txt").symlink_to(outside)
    (folder / "sub" / "up.txt").symlink_to("../../outside.txt")
    return {
        "absolute": "/etc/passwd",
        "proc": "/proc/self/environ",
        "dotdot": "../outside.txt",
        "deep dotdot": "sub/../../outside.txt",
        "link out": "link.txt",
        "link up": "sub/up.txt",
    }


@pytest.mark.parametrize(
    "how", ["absolute", "proc", "dotdot", "deep dotdot", "link out", "link up"]
)
def test_a_seed_outside_the_dataset_folder_is_refused_and_the_rest_loads(tmp_path, how):
    folder = tmp_path / "data"
    ref = escapes(folder)[how]
    result = read_in_thread(curated(folder, seed=ref))
    assert len(result.dataset) == 1
    assert result.dataset.seed is None
    [problem] = result.problems
    assert problem.line == 5
    assert ref in problem.message and "outside the dataset's folder" in problem.message


def test_a_seed_in_a_subfolder_or_linked_within_is_read(tmp_path):
    folder = tmp_path / "data"
    (folder / "texts").mkdir(parents=True)
    (folder / "texts" / "seed.txt").write_text("The seed text.\n")
    (folder / "seed-link.txt").symlink_to("texts/seed.txt")
    for ref in ("texts/seed.txt", "seed-link.txt", "./texts/../texts/seed.txt"):
        result = read_in_thread(curated(folder, seed=ref))
        assert result.problems == [] and result.dataset.seed.text == "The seed text.\n"


def test_a_geometry_outside_the_dataset_folder_is_refused_and_the_rest_loads(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    line = {"type": "LineString", "coordinates": [[45, 39], [46, 39.5]]}
    (tmp_path / "river.geojson").write_text(json.dumps(line))
    result = read_in_thread(curated(folder, geometry="../river.geojson"))
    assert [e.id for e in result.dataset.events] == ["one"]
    assert "river" not in result.dataset.places
    [problem] = result.problems
    assert "../river.geojson" in problem.message and "outside" in problem.message
    (folder / "river.geojson").write_text(json.dumps(line))
    result = read_in_thread(curated(folder, geometry="river.geojson"))
    assert result.problems == [] and "river" in result.dataset.places


@pytest.mark.gui
def test_the_article_panel_never_shows_a_file_outside_the_folder(qtbot, main_window, tmp_path):
    w = main_window
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE\n")
    path = curated(tmp_path / "data", seed=str(secret))
    open_and_wait(qtbot, w, path)
    assert len(w.model.dataset) == 1 and w.model.dataset.seed is None
    w.show_article()
    assert "TOP-SECRET-LINE" not in w.article.toPlainText()
    assert "outside the dataset's folder" in w.last_report.detailedText()
    w.last_report.close()


def test_validate_names_the_line_of_a_seed_outside_the_folder(tmp_path):
    path = curated(tmp_path / "data", seed="/etc/passwd")
    done = validate(str(path))
    assert done.returncode == 1
    assert done.stdout.splitlines()[1].startswith(f"{path}:5: seed: /etc/passwd")
    assert "root:" not in done.stdout
