"""Opening files in the app: the same path the File menu and drag-and-drop use, in the
background, with a report; the previous data stays when nothing loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

pytestmark = pytest.mark.gui
DATA = Path(__file__).resolve().parents[1] / "data"
TIMEOUT = 30_000
BROKEN = DATA / "broken"


def open_and_wait(qtbot, window, path: Path):
    with qtbot.waitSignal(window.loadFinished, timeout=TIMEOUT) as blocker:
        window.open_path(path)
    return blocker.args[1]


def test_open_a_timelinejs_story_changes_the_counts(qtbot, main_window):
    w = main_window
    path = DATA / "samples" / "timelinejs_marktwain.json"
    result = open_and_wait(qtbot, w, path)
    assert result.dataset is not None and len(w.model.dataset) == len(result.dataset)
    n = len(result.dataset)
    assert n != 30
    assert w.count_label.text().startswith(f"{n} of {n} events shown")
    assert w.table_model.rowCount() == n
    assert w.dataset_path == path
    assert w.windowTitle() == f"Araz — {path.name}"


def test_a_file_with_nothing_valid_keeps_the_previous_data(qtbot, main_window):
    w = main_window
    before = w.model.dataset
    result = open_and_wait(qtbot, w, BROKEN / "binary.yaml")
    assert result.dataset is None
    assert w.model.dataset is before
    box = w.last_report
    assert box is not None and box.isVisible()
    assert "previous data stays open" in box.text()
    assert "binary" in box.detailedText()
    box.close()


def test_partly_broken_file_loads_the_rest_and_reports(qtbot, main_window):
    w = main_window
    result = open_and_wait(qtbot, w, BROKEN / "duplicate_id.yaml")
    assert len(w.model.dataset) == 1
    box = w.last_report
    assert "1 event loaded, 1 skipped, 1 problem." in box.text()
    assert "duplicate event id" in box.detailedText()
    assert result.problems
    box.close()


def test_drop_a_file_on_the_window_opens_it(qtbot, main_window):
    w = main_window
    mime = QMimeData()
    path = DATA / "samples" / "storymapjs_sochi.json"
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(w.loadFinished, timeout=TIMEOUT):
        w.dropEvent(event)
    assert w.dataset_path == path


def test_cancel_keeps_the_previous_data(qtbot, main_window, tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from synth import write_acled_csv

    big = tmp_path / "big.csv"
    write_acled_csv(big, 60_000)
    w = main_window
    before = w.model.dataset
    with qtbot.waitSignal(w.loadFinished, timeout=TIMEOUT) as blocker:
        w.open_path(big)
        assert w.progress.isVisible() and w.cancel_button.isVisible()
        w.cancel_button.click()
    assert [p.message for p in blocker.args[1].problems] == ["cancelled"]
    assert w.model.dataset is before
    assert "cancelled" in w.statusBar().currentMessage()


@pytest.mark.parametrize("name", ["samples/timelinejs_marktwain.json", "broken/binary.yaml"])
def test_the_loading_message_goes_when_the_load_ends(qtbot, main_window, name):
    """ "Loading X…" is in the status bar while a file loads, and gone once it has loaded or
    been refused (it used to stay for good)."""
    w = main_window
    messages = []
    w.statusBar().messageChanged.connect(messages.append)
    path = DATA / name
    open_and_wait(qtbot, w, path)
    assert f"Loading {path.name}…" in messages
    assert "Loading" not in w.statusBar().currentMessage()
    qtbot.wait(50)
    assert "Loading" not in w.statusBar().currentMessage()
