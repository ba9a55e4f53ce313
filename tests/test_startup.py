"""Start-up does no work that is thrown away: the first events payload the map builds
and publishes is the dataset's, and the page fetches it (no "events not loaded")."""

import logging

import pytest

pytestmark = pytest.mark.gui


def test_start_sends_one_events_payload_and_the_page_fetches_it(
    qtbot, tmp_path, monkeypatch, caplog
):
    from PySide6.QtCore import QSettings

    from araz.model import AppModel
    from araz.paths import default_dataset
    from araz.qt.main_window import MainWindow
    from araz.qt.map import MapView

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    sent: list[int] = []
    original = MapView.set_events

    def counting(self, events):
        seq = original(self, events)
        sent.append(seq)
        return seq

    monkeypatch.setattr(MapView, "set_events", counting)
    caplog.set_level(logging.DEBUG, logger="araz")

    # as `araz` starts: an empty model, the window, then the bundled data in the background
    window = MainWindow(AppModel(), restore=False)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    assert sent == []  # nothing to draw yet: no payload built or published
    with qtbot.waitSignal(window.loadFinished, timeout=30_000):
        window.open_path(default_dataset())
    target = window.map_binding.loaded_seq
    assert target > 0
    with qtbot.waitSignal(
        window.map.rendered, check_params_cb=lambda s: s >= target, timeout=30_000
    ):
        pass
    assert len(sent) == 1
    page_log = [r.getMessage() for r in caplog.records if "araz page" in r.getMessage()]
    assert not [m for m in page_log if "not loaded" in m], page_log
    window.close()
    window.deleteLater()
    qtbot.wait(50)
