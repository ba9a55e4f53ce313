"""Hostile inputs against the exports: a dataset title that is no file name, errors that
carry markup or come in a storm, an existing file in the way, a killed export's
leftovers, bad settings, a page calling into the bridge, bidirectional overrides."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from export_support import TIMEOUT, answer_next_question, open_export, press

pytestmark = pytest.mark.gui
HERE = Path(__file__).resolve().parent


def open_dataset(qtbot, window, path: Path) -> None:
    with qtbot.waitSignal(window.loadFinished, timeout=TIMEOUT):
        window.open_path(path)
    assert len(window.model.dataset)


@pytest.mark.parametrize("kind", ["data", "snapshot"])
def test_a_title_that_is_no_file_name_gives_a_file_name(main_window, qtbot, tmp_path, kind):
    """A 450-byte title with a NUL, slashes and markup: the dialog proposes a name the
    disk takes, and Save writes it there."""
    window = main_window
    open_dataset(qtbot, window, HERE / "export_long_title.yaml")
    assert "\0" in window.model.dataset.title
    dialog = open_export(qtbot, window, kind)
    proposed = Path(dialog.path.text())
    name = proposed.name
    assert "\0" not in name and "/" not in name and "\\" not in name
    assert not name.startswith(".")
    assert len(name.encode("utf-8")) <= 200
    assert name.startswith("-b-BOLD-")  # the title's words are still there
    assert proposed.parent == Path.home()
    # the proposed name, in a folder of ours, is written as is
    target = tmp_path / name
    dialog.path.setText(str(target))
    press(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    assert target.is_file() and target.stat().st_size > 0


def test_a_typed_name_with_a_nul_is_refused_in_one_plain_message(main_window, qtbot, tmp_path):
    window = main_window
    dialog = open_export(qtbot, window, "data")
    dialog.path.setText(str(tmp_path / "a\0<b>b</b>.csv"))
    seen: list[str] = []
    timer = answer_next_question(QMessageBox.StandardButton.Ok, seen)
    press(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(seen), timeout=TIMEOUT)
    timer.stop()
    assert "NUL" in seen[0]
    assert dialog.isVisible()  # the dialog stays for another name
    assert list(tmp_path.iterdir()) == []
    dialog.reject()


def test_error_dialog_shows_markup_as_text_and_only_once(main_window, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from araz.qt.errors import ErrorReporter, log_path

    reporter = ErrorReporter(main_window)
    payload = "<b>BOLD</b><img src=x><a href='x'>link</a>"

    def boom(i: int) -> None:
        raise ValueError(f"{payload} #{i}")

    reporter.install()
    try:
        for i in range(11):  # as an error in paintEvent does, frame after frame
            QTimer.singleShot(0, lambda i=i: boom(i))
        qtbot.waitUntil(lambda: reporter.count == 11, timeout=TIMEOUT)
        qtbot.wait(100)
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "error_dialog" and w.isVisible()
        ]
        assert len(boxes) == 1
        label = boxes[0].findChild(QLabel, "qt_msgbox_label")
        assert label.textFormat() == label.textFormat().PlainText
        assert payload in label.text()
        assert "10 more" in boxes[0].informativeText()
        assert log_path().read_text(encoding="utf-8").count("ValueError: <b>BOLD</b>") == 11
        # closed, the next error shows again
        boxes[0].button(QMessageBox.StandardButton.Ok).click()
        QTimer.singleShot(0, lambda: boom(12))
        qtbot.waitUntil(lambda: reporter.count == 12, timeout=TIMEOUT)
    finally:
        reporter.uninstall()
    assert reporter.last_dialog is not boxes[0] and reporter.last_dialog.isVisible()
    reporter.last_dialog.done(0)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("CON", "CON_"),
        ("nul", "nul_"),
        ("Com1.backup", "Com1_.backup"),
        ("...hidden", "hidden"),
        ('a/b\\c:d*e?f"g<h>i|j', "a-b-c-d-e-f-g-h-i-j"),
        ("tab\there\nnew\x1bline\u202eevil", "tab here new line evil"),
        ("  . ", "araz"),
        ("", "araz"),
        ("ok name ", "ok name"),
    ],
)
def test_safe_file_stem(title, expected):
    from araz.export.names import safe_file_stem

    assert safe_file_stem(title) == expected


def test_safe_file_stem_cuts_bytes_not_characters():
    from araz.export.names import safe_file_stem

    stem = safe_file_stem("ş" * 400, max_bytes=101)
    assert stem == "ş" * 50


def test_save_over_an_existing_file_asks_first(main_window, qtbot, tmp_path):
    window = main_window
    existing = tmp_path / "shown.csv"
    existing.write_text("keep me", encoding="utf-8")
    dialog = open_export(qtbot, window, "data")
    dialog.format.setCurrentIndex(dialog.format.findData(".csv"))
    dialog.path.setText(str(existing))

    seen: list[str] = []
    timer = answer_next_question(QMessageBox.StandardButton.No, seen)
    press(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(seen), timeout=TIMEOUT)
    timer.stop()
    assert "shown.csv already exists" in seen[0] and "Replace" in seen[0]
    assert existing.read_text(encoding="utf-8") == "keep me"
    assert dialog.isVisible()

    timer = answer_next_question(QMessageBox.StandardButton.Yes, seen)
    press(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    timer.stop()
    assert len(seen) == 2
    lines = existing.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) - 1 == int(window.model.mask.sum())


def araz(*args: str, cwd=None):
    import os
    import subprocess

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    env["XDG_STATE_HOME"] = str(cwd or HERE)  # logs out of the user's folder
    # this checkout's araz, not the one installed in the environment
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parents[2] / "app"), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "araz", *args], capture_output=True, text=True, env=env,
        cwd=cwd, timeout=180,
    )  # fmt: skip


def test_screenshot_never_writes_over_its_dataset(tmp_path):
    data = tmp_path / "d.yaml"
    data.write_bytes((HERE / "export_long_title.yaml").read_bytes())
    before = data.read_bytes()
    r = araz("--screenshot", str(data), str(data), cwd=tmp_path)
    assert r.returncode != 0
    assert data.read_bytes() == before
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("araz: "), r.stderr
    # not even as a picture of another name's dataset
    shot = tmp_path / "d.png"
    shot.write_bytes(b"not a picture")
    r = araz("--screenshot", str(shot), str(shot), cwd=tmp_path)
    assert r.returncode != 0 and shot.read_bytes() == b"not a picture"


def test_screenshot_that_cannot_be_written_fails(tmp_path):
    # /proc takes no new files, not even from root (a read-only place that works in CI)
    for out in ("/proc/araz-shot.png", str(tmp_path / "no" / "such" / "folder.png")):
        r = araz("--screenshot", out, cwd=tmp_path)
        assert r.returncode != 0, r.stdout
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot write" in lines[0], r.stderr
        assert not Path(out).exists()
    ok = tmp_path / "ok.png"
    r = araz("--screenshot", str(ok), "--window-size", "800x600", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == str(ok)
    assert ok.read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_an_export_killed_midway_leaves_nothing_after_the_next(main_window, qtbot, tmp_path):
    import os
    import signal
    import subprocess
    import time

    app = str(HERE.parents[2] / "app")
    killed = subprocess.Popen(
        [
            sys.executable, "-c",
            f"import sys, time; sys.path.insert(0, {app!r})\n"
            "from araz.export.atomic import atomic_write\n"
            "def slow(f):\n"
            "    f.write(b'x' * 1000); f.flush(); print('writing', flush=True); time.sleep(120)\n"
            f"atomic_write({str(tmp_path / 'big.csv')!r}, slow)\n",
        ],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert killed.stdout.readline().strip() == "writing"
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    (leftover,) = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert leftover.name.startswith(".big.csv")
    # two minutes on; meanwhile another export of ours is writing, and a file of
    # another program's naming lies there
    old = time.time() - 120
    os.utime(leftover, (old, old))
    live = tmp_path / f".other.csv.araz-{os.getpid()}.abcdefgh.part"
    live.write_bytes(b"being written")
    foreign = tmp_path / ".download.part"
    foreign.write_bytes(b"not ours")
    os.utime(foreign, (old, old))

    dialog = open_export(qtbot, main_window, "data")
    dialog.format.setCurrentIndex(dialog.format.findData(".csv"))
    dialog.path.setText(str(tmp_path / "shown.csv"))
    press(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    names = sorted(p.name for p in tmp_path.iterdir() if p.is_file())  # (settings: a folder)
    assert names == sorted([live.name, foreign.name, "shown.csv"])


BAD_SETTINGS = {
    "export/width": "abc",
    "export/height": "99999999999999999999999",
    "export/scale": "nan",
    "export/size_mode": "[1, 2]",
    "export/sheet": "maybe",
    "export/folder": "/no/such/folder/\u202e",
    "export/snapshot_format": ".exe",
    "timeline/lanes": "12",
}


def write_settings(values: dict) -> None:
    """Put values in the settings file as a hand edit would (text, any type)."""
    from PySide6.QtCore import QSettings

    s = QSettings()
    for key, value in values.items():
        s.setValue(key, value)
    s.sync()


def test_bad_export_settings_fall_back_to_defaults(main_window, qtbot, tmp_path, caplog):
    write_settings(BAD_SETTINGS)
    dialog = open_export(qtbot, main_window, "snapshot")
    assert dialog.size_mode.currentData() == "view"
    dialog.size_mode.setCurrentIndex(dialog.size_mode.findData("custom"))
    assert (dialog.width_box.value(), dialog.height_box.value()) == (1600, 1000)
    dialog.size_mode.setCurrentIndex(dialog.size_mode.findData("view"))
    assert dialog.scale.currentData() == 1.0
    assert not dialog.sheet.isChecked()
    assert dialog.suffix() == ".png"
    assert Path(dialog.path.text()).parent == Path.home()
    logged = caplog.text
    assert "export/width" in logged and "export/height" in logged and "export/folder" in logged
    # and it exports
    dialog.path.setText(str(tmp_path / "ok.png"))
    press(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    assert (tmp_path / "ok.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("window", [["abc", 1], [1], [float("nan"), 3], [9, 1], "x", [True, 2]])
def test_a_bad_saved_time_window_is_dropped_not_the_filter(main_window, qtbot, window, caplog):
    """A saved filter whose time window is not two day numbers: the rest of the filter is
    restored when the dataset loads, the window is not, and no error dialog comes up."""
    import json

    from PySide6.QtWidgets import QApplication

    from araz.model import AppModel
    from araz.paths import default_dataset
    from araz.qt.errors import ErrorReporter
    from araz.qt.main_window import MainWindow

    source = main_window.model.dataset.source
    saved = {"dataset": source, "actors": ["iran"], "window": window, "text": "Baku"}
    write_settings({"filter": json.dumps(saved), "timeline/lanes": "category"})
    fresh = MainWindow(AppModel(), restore=True)
    qtbot.addWidget(fresh)
    reporter = ErrorReporter(fresh)
    reporter.install()
    try:
        with qtbot.waitSignal(fresh.loadFinished, timeout=TIMEOUT):
            fresh.open_path(default_dataset())
        QApplication.processEvents()
    finally:
        reporter.uninstall()
    assert reporter.count == 0
    f = fresh.model.filter
    assert f.window is None
    assert f.text == "Baku" and f.actors is not None
    assert fresh.model.lane_mode == "category"
    assert "window" in caplog.text
    fresh.close()
    fresh.deleteLater()


def test_the_page_cannot_delete_the_bridge(main_window, qtbot):
    """A script in the page opens its own channel client and calls the bridge's inherited
    deleteLater(): refused; the map keeps taking commands, and after a reload of its page
    it draws again."""
    from page_support import read_page_json

    from araz.qt.map.page_json import of_type

    window = main_window
    keys = read_page_json(
        window.map,
        "(function(){window.__attack = null; new QWebChannel(qt.webChannelTransport,"
        " function (c) { var b = c.objects.bridge; var out = Object.keys(b);"
        " try { b.deleteLater(); } catch (e) {} window.__attack = out; }); return 1; })()",
    )
    assert keys == 1
    qtbot.waitUntil(
        lambda: read_page_json(window.map, "window.__attack") is not None, timeout=TIMEOUT
    )
    listed = read_page_json(window.map, "window.__attack", of_type(list))
    # what the page can reach: our seven slots and the command signal (QWebChannel adds
    # its own helpers, __-named, and QObject's deleteLater/destroyed/objectNameChanged,
    # which every QObject has: the bridge refuses the one that could harm)
    ours = {name.split("(")[0] for name in listed if not name.startswith("__")}
    helpers = {"unwrapQObject", "unwrapProperties", "propertyUpdate", "signalEmitted"}
    inherited = {"deleteLater", "destroyed", "objectNameChanged"}
    slots = {"connected", "ready", "clicked", "hovered", "picked", "rendered", "answered"}
    assert ours - helpers - inherited == slots | {"command"}
    qtbot.wait(300)  # the deferred delete, had it been accepted
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    window.map.sync()  # raises once the bridge is gone
    with qtbot.waitSignal(window.map.ready, timeout=TIMEOUT):
        window.map.web_view().reload()
    seq = window.map.sync()
    with qtbot.waitSignal(window.map.rendered, timeout=TIMEOUT, check_params_cb=lambda s: s >= seq):
        pass
    window.model.update_filter(text="Baku")  # the window still works
    assert window.isVisible()


def test_a_right_to_left_override_in_a_name_stays_in_the_name(main_window, qtbot, tmp_path):
    """An actor named U+202E + "Samsara" reads "arasmaS" on the sheet's legend, and its
    count stays where every count is: the legend row is the one of an actor named
    "arasmaS" outright."""
    from export_support import mean_difference
    from PySide6.QtGui import QImage

    from araz.qt.export.sheet import HEADER_H, LEGEND_W, MARGIN

    rows = {}
    for kind in ("rtl", "ltr"):
        open_dataset(qtbot, main_window, HERE / f"export_{kind}_actor.yaml")
        dialog = open_export(qtbot, main_window, "snapshot")
        dialog.format.setCurrentIndex(dialog.format.findData(".png"))
        dialog.sheet.setChecked(True)
        out = tmp_path / f"{kind}.png"
        dialog.path.setText(str(out))
        press(qtbot, dialog)
        qtbot.waitUntil(lambda d=dialog: not d.isVisible(), timeout=TIMEOUT)
        sheet = QImage(str(out))
        left = round(sheet.width() - MARGIN - LEGEND_W)
        top = round(MARGIN + HEADER_H + 32)
        rows[kind] = sheet.copy(left, top, round(LEGEND_W), 20)
        rows[kind].save(str(tmp_path / f"{kind}-row.png"))
    assert mean_difference(rows["rtl"], rows["ltr"]) < 1.0


def test_a_right_to_left_override_stays_inside_its_name_in_the_filter_line():
    """The sheet's line of filters isolates each name from the data on its own: the
    override of "\u202eSamsara" ends with the name, so " (as main actor)" and the rest of
    the line after it are not reversed."""
    from araz.export.selection import select
    from araz.io.curated import read_curated
    from araz.model.filter import Filter
    from araz.qt.export.sheet import isolate

    ds = read_curated(HERE / "export_rtl_actor.yaml").dataset
    shown = select(ds, Filter(actors=frozenset({"a"}), categories=frozenset({"\u202ecat"})))
    line = shown.describe(isolate)
    assert "\u2068\u202eSamsara\u2069 (as main actor)" in line
    assert "Categories: \u2068\u202ecat\u2069" in line
    # every override is closed by the isolate that holds it
    depth = 0
    for ch in line:
        depth += {"\u2068": 1, "\u2069": -1}.get(ch, 0)
        assert ch != "\u202e" or depth == 1
    assert depth == 0
