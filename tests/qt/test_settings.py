"""Settings are versioned: an older file is migrated, a corrupted one reset with a message,
and the window's filters and layout come back on the next start."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from araz.qt import settings as app_settings

DATA = Path(__file__).resolve().parents[1] / "data" / "settings"


@pytest.fixture
def ini(tmp_path, qapp):
    def make(name: str) -> QSettings:
        target = tmp_path / "settings.ini"
        shutil.copy(DATA / name, target)
        return QSettings(str(target), QSettings.Format.IniFormat)

    return make


def test_version_0_is_migrated(ini):
    s = ini("araz-v0.ini")
    assert app_settings.check(s) is None
    assert s.value("settings_version") in (1, "1")
    assert s.value("data/last") == "/nonexistent/old.yaml"
    assert not s.contains("dataset")


def test_corrupted_settings_are_reset_with_a_message(ini):
    s = ini("araz-corrupt.ini")
    msg = app_settings.check(s)
    assert msg and "reset" in msg
    assert s.allKeys() == ["settings_version"]


def test_filters_and_lanes_persist_between_windows(qtbot, main_window):
    from araz.model import AppModel
    from araz.qt.main_window import MainWindow

    w = main_window
    w.model.update_filter(categories={"military"}, text="Iran")
    w.model.set_lane_mode("category")
    app_settings.save_window(w)
    again = MainWindow(AppModel(w.model.dataset), restore=True)
    qtbot.addWidget(again)
    assert again.model.filter.categories == {"military"}
    assert again.model.filter.text == "Iran"
    assert again.model.lane_mode == "category"
    assert not again.model.can_undo  # restored state is the starting point
    again.close()


def test_garbage_in_settings_never_stops_the_window(qtbot, main_window):
    from araz.model import AppModel
    from araz.qt.main_window import MainWindow

    s = QSettings()
    s.setValue("window/geometry", "not bytes")
    s.setValue("filter", '{"dataset": 3, "actors": "x"}')
    s.setValue("timeline/lanes", 42)
    again = MainWindow(AppModel(main_window.model.dataset), restore=True)
    qtbot.addWidget(again)
    assert again.model.filter.is_empty
    again.close()
