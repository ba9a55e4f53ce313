"""The table cache in the window: a second open of a file says it came from the cache,
and File → Clear cached tables… says how much it frees and frees it."""

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from window_support import TIMEOUT, open_in_window

from araz.io import table_cache

DATA = Path(__file__).resolve().parent.parent / "data"
LEFT = Qt.MouseButton.LeftButton


def _file_menu(window):
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&File"]
    return menu


def test_a_second_open_comes_from_the_cache_and_the_menu_clears_it(
    qtbot, main_window, cache, tmp_path
):
    w = main_window
    path = tmp_path / "export.csv"
    shutil.copy(DATA / "readers" / "acled_current.csv", path)
    first = open_in_window(qtbot, w, path)
    assert "cache" not in first.timings and "views cache" not in first.timings
    assert "from the cache" not in w.statusBar().currentMessage()
    # what the views made of it, kept too (written once the window has it)
    qtbot.waitUntil(lambda: len(list(cache.glob("*.views"))) == 1, timeout=TIMEOUT)
    drawn_first = w.map.ask("marker_probes")
    second = open_in_window(qtbot, w, path)
    assert "cache" in second.timings and len(w.model.dataset) == len(first.dataset) == 8
    assert "views cache" in second.timings  # the map's and timeline's data read back
    assert drawn_first and w.map.ask("marker_probes") == drawn_first  # drawn the same
    assert "export.csv: from the cache" in w.statusBar().currentMessage()

    # File → Clear cached tables…, as the menu shows it: with the size it frees
    menu = _file_menu(w)
    [action] = [a for a in menu.actions() if a.objectName() == "clear_table_cache"]
    used = table_cache.usage()
    assert used > 0
    menu.aboutToShow.emit()
    assert action.isEnabled()
    assert f"({used / 1e6:,.1f} MB)" in action.text()

    # asked first: Cancel keeps the cache
    action.trigger()
    box = w.findChild(QMessageBox, "clear_table_cache_confirm")
    assert box is not None and box.isVisible()
    assert f"{used / 1e6:,.1f} MB" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), LEFT)
    assert table_cache.usage() == used
    box.deleteLater()

    action.trigger()
    [box] = [b for b in w.findChildren(QMessageBox, "clear_table_cache_confirm") if b.isVisible()]
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), LEFT)
    assert table_cache.usage() == 0 and not list(cache.glob("*.arrow"))
    assert not list(cache.glob("*.views"))
    assert f"{used / 1e6:,.1f} MB freed" in w.statusBar().currentMessage()
    menu.aboutToShow.emit()
    assert not action.isEnabled() and "MB" not in action.text()
    box.deleteLater()

    third = open_in_window(qtbot, w, path)  # read from the file again, and cached again
    assert "cache" not in third.timings and table_cache.usage() > 0
    assert "views cache" not in third.timings
    qtbot.waitUntil(lambda: len(list(cache.glob("*.views"))) == 1, timeout=TIMEOUT)
