"""Hostile files: what a dataset is, where its files are, how big and how deep.

Special files (named pipes, devices, links to them) are made here in ``tmp_path``, never
committed.  Every read that could hang or eat memory on the unchanged code runs in a
child process with a memory limit and a timeout, or with a helper that unblocks a pipe
after a while, so that a regression fails instead of hanging the test run.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

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


def open_and_wait(qtbot, window, path: Path, timeout: int = TIMEOUT):
    with qtbot.waitSignal(window.loadFinished, timeout=timeout) as blocker:
        window.open_path(path)
    return blocker.args[1]


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


# ------------------------------------------------------------------ things that are not events

MAP_DATA = HERE / "files_map_data.json"  # a web map's own data.json, French keys


def no_events_geojson(folder: Path) -> Path:
    props = [{"nom": f"n{i}", "date": None} for i in range(5)]
    feats = [{"type": "Feature", "properties": p, "geometry": None} for p in props]
    path = folder / "nothing.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def test_json_that_is_not_a_story_is_refused_in_one_line():
    from araz.io import read_path

    result = read_path(MAP_DATA)
    assert result.dataset is None
    [problem] = result.problems
    assert problem.file == str(MAP_DATA)
    assert "TimelineJS" in problem.message and "GeoJSON" in problem.message


def test_records_without_a_date_or_a_place_are_not_events(tmp_path):
    from araz.io import read_path

    result = read_path(no_events_geojson(tmp_path))
    assert result.dataset is None
    [problem] = result.problems
    assert "no record has a date or a place" in problem.message
    assert "5 records read" in problem.message


@pytest.mark.parametrize("make", [lambda tmp: MAP_DATA, no_events_geojson])
def test_validate_refuses_what_is_not_events(tmp_path, make):
    path = make(tmp_path)
    done = validate(str(path))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("0 events,") and len(lines) == 2, lines
    assert lines[1].startswith(f"{path}:")
    done = validate("--json", str(path))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == lines[1]


@pytest.mark.gui
@pytest.mark.parametrize("make", [lambda tmp: MAP_DATA, no_events_geojson])
def test_the_window_refuses_what_is_not_events_and_keeps_its_data(
    qtbot, main_window, tmp_path, make
):
    w = main_window
    before, title = w.model.dataset, w.windowTitle()
    result = open_and_wait(qtbot, w, make(tmp_path))
    assert result.dataset is None
    assert w.model.dataset is before and w.windowTitle() == title
    box = w.last_report
    assert "previous data stays open" in box.text()
    assert len(box.detailedText().splitlines()) == 1
    box.close()


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


# ------------------------------------------------------------------ lone surrogates

LONE = "\\ud800"  # as written in the file: a JSON or YAML escape of half a character


def surrogate_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    geojson = folder / "lone.geojson"
    feats = [
        {
            "type": "Feature",
            "properties": {"name": name, "date": "2023-01-27"},
            "geometry": {"type": "Point", "coordinates": [46.3, 38.1]},
        }
        for name in ("Fine", f"Bad {LONE} half", "Emoji \\ud83d\\ude00 pair")
    ]
    geojson.write_text(
        json.dumps({"type": "FeatureCollection", "features": feats}).replace("\\\\u", "\\u")
    )
    timeline = folder / "lone.json"
    slides = [
        {"start_date": {"year": 2023}, "text": {"headline": h}}
        for h in ("Fine", f"Bad {LONE} half")
    ]
    timeline.write_text(json.dumps({"events": slides}).replace("\\\\u", "\\u"))
    yaml = curated(folder)
    yaml.write_text(
        yaml.read_text().replace("title: One", f'title: "One {LONE} and \\ud83d\\ude00"')
    )
    return {"geojson": geojson, "timeline": timeline, "yaml": yaml}


@pytest.mark.parametrize(
    ("kind", "record"),
    [("geojson", "feature 2"), ("timeline", "event 2"), ("yaml", "event 1")],
)
def test_a_lone_surrogate_becomes_a_replacement_character_and_a_problem(tmp_path, kind, record):
    from araz.io import read_path

    path = surrogate_files(tmp_path)[kind]
    result = read_path(path)
    ds = result.dataset
    titles = [e.title for e in ds.events]
    assert any("\ufffd" in t for t in titles), titles
    for t in titles:
        t.encode("utf-8")  # every text can be written out
    assert "😀" in "".join(titles) or kind == "timeline"
    [problem] = [p for p in result.problems if "surrogate" in p.message]
    assert problem.record is not None and problem.record.startswith(record)
    assert problem.message.startswith(record)
    assert "U+FFFD" in problem.message
    if kind == "yaml":
        assert problem.line == 17


@pytest.mark.parametrize("kind", ["geojson", "timeline", "yaml"])
def test_validate_json_and_export_write_text_with_a_lone_surrogate(tmp_path, kind):
    path = surrogate_files(tmp_path / "in")[kind]
    done = validate("--json", str(path))
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    doc = json.loads(done.stdout)
    assert "\ufffd" in json.dumps(doc, ensure_ascii=False)
    for out in ("out.csv", "out.geojson"):
        exported = subprocess.run(
            [
                sys.executable,
                "-m",
                "araz",
                "export",
                "-o",
                str(tmp_path / out),
                "--dataset",
                str(path),
            ],
            capture_output=True,
            text=True,
            env=child_env(),
            timeout=120,
        )
        assert exported.returncode == 0, exported.stderr[-2000:]
        assert "\ufffd" in (tmp_path / out).read_text(encoding="utf-8")


# ------------------------------------------------------------------ nesting depth


def nested(depth: int) -> str:
    return "[" * depth + "46.0, 39.0" + "]" * depth


@pytest.mark.parametrize("depth", [5, 500, 990, 5000])
def test_a_deep_geometry_file_is_refused_and_the_rest_loads(tmp_path, depth):
    folder = tmp_path / "data"
    folder.mkdir()
    text = '{"type": "MultiPolygon", "coordinates": ' + nested(depth) + "}"
    (folder / "deep.geojson").write_text(text)
    path = curated(folder, geometry="deep.geojson")
    done = validate(str(path))
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1 events, 1 places"), lines
    assert len(lines) == 2 and lines[1].startswith(f"{path}:17: river: "), lines


def deep_feature_collection(folder: Path, depth: int) -> Path:
    ok = {
        "type": "Feature",
        "properties": {"name": "Fine", "date": "2023-01-27"},
        "geometry": {"type": "Point", "coordinates": [46.3, 38.1]},
    }
    deep = {
        "type": "Feature",
        "properties": {"name": "Deep", "date": "2023-01-28"},
        "geometry": {"type": "MultiPolygon", "coordinates": "DEEP"},
    }
    text = json.dumps({"type": "FeatureCollection", "features": [ok, deep, ok]}, indent=1)
    path = folder / "deep.geojson"
    path.write_text(text.replace('"DEEP"', nested(depth)))
    return path


@pytest.mark.parametrize("depth", [500, 990, 5000])
def test_a_deep_feature_is_kept_without_a_place_and_the_rest_loads(tmp_path, depth):
    path = deep_feature_collection(tmp_path, depth)
    done = validate(str(path))
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("3 events, 1 places"), lines
    assert any("feature 2" in line for line in lines[1:]), lines


@pytest.mark.gui
def test_the_window_opens_a_file_with_a_deep_feature(qtbot, main_window, tmp_path):
    w = main_window
    result = open_and_wait(qtbot, w, deep_feature_collection(tmp_path, 990))
    assert len(w.model.dataset) == 3
    assert result.dataset is w.model.dataset
    assert "feature 2" in w.last_report.detailedText()
    w.last_report.close()


# ------------------------------------------------------------------ the single-instance socket


class Squatter:
    """Another user's listening sockets where Araz would put its own; records what it
    is sent."""

    def __init__(self, paths: list[Path]):
        import socket

        self.received: list[bytes] = []
        self.socks = []
        for p in paths:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(str(p))
            os.chmod(p, 0o777)
            s.listen(5)
            s.settimeout(0.2)
            self.socks.append(s)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            for s in self.socks:
                try:
                    conn, _ = s.accept()
                except OSError:
                    continue
                conn.settimeout(1)
                with contextlib.suppress(OSError):
                    self.received.append(conn.recv(65536))
                conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        for s in self.socks:
            s.close()


@pytest.fixture
def squatted_tmp(tmp_path, monkeypatch):
    """No XDG_RUNTIME_DIR; in the temporary folder another user got there first: a
    folder ``araz-<uid>`` anyone may use (and the old name, a bare socket)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir(mode=0o1777)
    os.chmod(tmp, 0o1777)
    uid = os.getuid()
    folder = tmp / f"araz-{uid}"
    folder.mkdir()
    os.chmod(folder, 0o777)
    squatter = Squatter([folder / "araz-instance", tmp / f"araz-instance-{uid}"])
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.delenv("ARAZ_INSTANCE_NAME", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr("tempfile.tempdir", str(tmp))
    yield tmp, folder, squatter
    squatter.close()


def test_a_squatted_instance_folder_is_not_used(squatted_tmp, monkeypatch):
    from araz.qt.single_instance import send_to_running, server_name

    tmp, folder, squatter = squatted_tmp
    assert server_name() is None  # others may use the folder
    os.chmod(folder, 0o700)
    os.chown(folder, 4242, 4242)  # another user's, private to them
    assert server_name() is None
    os.chown(folder, os.getuid(), os.getgid())
    assert server_name() == str(folder / "araz-instance")  # ours and private: fine
    os.chmod(folder, 0o777)
    link = tmp / "elsewhere"
    folder.rename(link)
    folder.symlink_to(link)  # a link to a folder: not accepted either
    assert server_name() is None
    assert send_to_running("/home/me/secret-plan.yaml") is False
    time.sleep(0.3)
    assert squatter.received == []


@pytest.mark.gui
def test_araz_file_with_a_squatter_opens_its_own_window(squatted_tmp, tmp_path):
    """``araz FILE`` must not hand FILE to the squatter and exit: it starts its own
    window (no hand-over), and the squatter learns nothing."""
    tmp, folder, squatter = squatted_tmp
    env = child_env() | {
        "TMPDIR": str(tmp),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
    }
    env.pop("XDG_RUNTIME_DIR", None)
    env.pop("ARAZ_INSTANCE_NAME", None)
    dataset = curated(tmp_path / "mine")
    child = subprocess.Popen(
        [sys.executable, "-m", "araz", str(dataset)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=6)  # still running: its own window
        assert squatter.received == []
        log = (tmp_path / "state" / "araz" / "araz.log").read_text()
        assert "not using" in log and str(folder) in log
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, 9)
        child.wait()


def test_a_server_ignores_a_peer_of_another_user(qapp, qtbot, tmp_path, monkeypatch):
    import araz.qt.single_instance as si

    name = str(tmp_path / "sock")
    server = si.InstanceServer(name)
    assert server.listen()
    got: list[str] = []
    server.messageReceived.connect(got.append)
    real = os.getuid()
    monkeypatch.setattr(si, "my_uid", lambda: real + 4242)  # everyone else is a stranger
    assert si.send_to_running("/x/a.yaml", name=name) is False  # the server is a stranger
    monkeypatch.setattr(si, "same_user", lambda sock, _real=si.same_user: True)
    assert si.send_to_running("/x/b.yaml", name=name) is True  # sent (client not checking)
    monkeypatch.undo()
    monkeypatch.setattr(si, "my_uid", lambda: real + 4242)
    qtbot.wait(500)
    assert got == []  # the server checked, and dropped it
    monkeypatch.undo()
    with qtbot.waitSignal(server.messageReceived, timeout=5000) as blocker:
        assert si.send_to_running("/x/c.yaml", name=name) is True
    assert blocker.args == ["/x/c.yaml"]
    server.close()


def test_two_launches_at_once_make_one_server(qapp, tmp_path):
    """The second listener loses even when it cannot see the first's socket (a launch
    racing another, between probe and listen): the lock decides."""
    from araz.qt.single_instance import InstanceServer

    name = str(tmp_path / "araz-instance")
    first, second = InstanceServer(name), InstanceServer(name)
    assert first.listen()
    os.unlink(name)  # the socket file gone, as seen by a racing launch
    assert not second.listen()
    assert not Path(name).exists()  # and it did not put its own socket there
    first.close()
    assert second.listen()  # the lock is free once the first is gone
    second.close()
