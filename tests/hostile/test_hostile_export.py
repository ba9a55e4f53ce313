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
