"""The window's snapshots draw in one offscreen page kept between exports
(araz.qt.export.warm): a second export through File → Export… draws in the same page,
with the filter and the view the window has then, and the page is closed once unused."""

from __future__ import annotations

import pytest
from export_support import (
    BAKU,
    TIMEOUT,
    mean_difference,
    open_export,
    press,
    settle,
    steady_grab,
    type_path,
    wheel_zoom,
)
from PySide6.QtGui import QImage

pytestmark = pytest.mark.gui

SAME_VIEW = 3.0  # as test_export_view.py: an export against a grab of the same view


def export_png(qtbot, window, path):
    dialog = open_export(qtbot, window, "snapshot")
    dialog.format.setCurrentIndex(dialog.format.findData(".png"))
    dialog.sheet.setChecked(False)
    type_path(qtbot, dialog, str(path))
    press(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    assert path.is_file()
    return QImage(str(path))


def offscreen_maps(window) -> list:
    from PySide6.QtWidgets import QApplication

    from araz.qt.map import MapView

    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MapView) and w is not window.map
    ]


def test_a_second_export_draws_in_the_same_page_what_the_window_shows(main_window, qtbot, tmp_path):
    from araz.qt.export import warm

    window = main_window
    settle(qtbot, window)
    first = export_png(qtbot, window, tmp_path / "first.png")
    kept = warm._kept[window]
    pages = offscreen_maps(window)
    assert len(pages) == 1  # the export's page, kept

    # the window changes: only Iran's events, the map zoomed in on Baku
    model = window.model
    model.update_filter(actors=model.dataset.expand_actors(["Iran"]))
    wheel_zoom(qtbot, window, *BAKU, 2)
    on_screen = steady_grab(qtbot, window)
    second = export_png(qtbot, window, tmp_path / "second.png")
    # drawn in the same page (not loaded again)...
    assert warm._kept[window] is kept and offscreen_maps(window) == pages
    # ...and it is the window's map as it is now, not the first export's
    assert mean_difference(second, on_screen) < SAME_VIEW, mean_difference(second, on_screen)
    assert mean_difference(first, on_screen) > SAME_VIEW


def test_the_kept_page_closes_once_unused(main_window, qtbot, tmp_path, monkeypatch):
    from araz.qt.export import warm

    monkeypatch.setattr(warm, "KEEP_WARM_MS", 300)
    window = main_window
    settle(qtbot, window)
    export_png(qtbot, window, tmp_path / "a.png")
    kept = warm._kept[window]
    assert offscreen_maps(window)
    qtbot.waitUntil(lambda: kept.closed, timeout=TIMEOUT)
    assert window not in warm._kept
    qtbot.waitUntil(lambda: not offscreen_maps(window), timeout=TIMEOUT)
    # the next export makes a page again
    on_screen = steady_grab(qtbot, window)
    again = export_png(qtbot, window, tmp_path / "b.png")
    assert warm._kept[window] is not kept
    assert mean_difference(again, on_screen) < SAME_VIEW


def test_the_kept_page_is_not_closed_while_an_export_uses_it(main_window, qtbot, tmp_path):
    # the wait for "unused" stops when an export takes the page, and starts again when
    # the export is done: a page never closes under an export that began near its end
    from araz.qt.export import warm

    window = main_window
    settle(qtbot, window)
    export_png(qtbot, window, tmp_path / "a.png")
    kept = warm._kept[window]
    assert kept._idle.isActive()  # counting down to its closing
    assert warm.renderer_for(window) is kept  # an export takes it...
    assert not kept._idle.isActive()  # ...and no countdown runs while it draws
    kept.used()
    assert kept._idle.isActive() and not kept.closed


def test_the_kept_page_closes_when_the_window_opens_other_data(main_window, qtbot, tmp_path):
    # the kept page holds the old dataset's events: opening another file lets them go
    from pathlib import Path

    from araz.qt.export import warm

    window = main_window
    settle(qtbot, window)
    export_png(qtbot, window, tmp_path / "a.png")
    kept = warm._kept[window]
    other = Path(__file__).parents[1] / "data" / "samples" / "timelinejs_marktwain.json"
    with qtbot.waitSignal(window.loadFinished, timeout=TIMEOUT):
        window.open_path(other)
    qtbot.waitUntil(lambda: kept.closed, timeout=TIMEOUT)
    assert window not in warm._kept
    qtbot.waitUntil(lambda: not offscreen_maps(window), timeout=TIMEOUT)
