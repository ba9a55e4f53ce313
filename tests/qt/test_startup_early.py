"""The start's overlap: the map's page loads, hidden, while a thread imports the window's
modules (the event loop runs meanwhile), and builds its map once shown, at its size."""

from __future__ import annotations

import sys
import time

import pytest

pytest.importorskip("pytestqt")

from map_support import TIMEOUT, event, open_map_view, run_js, wait_rendered
from PySide6.QtCore import QTimer
from PySide6.QtWebEngineWidgets import QWebEngineView

from araz.qt.app import import_while_serving
from araz.qt.application import skip_feature_scan
from araz.qt.map import MapView

pytestmark = pytest.mark.gui


def _close(qtbot, view: MapView) -> None:
    view.close()
    view.deleteLater()  # pages must go before the web engine shuts down with the app
    qtbot.wait(50)


def test_a_page_loaded_hidden_builds_its_map_once_shown_at_its_size(qtbot):
    # the reference: a view shown before its page loads (the map built at once)
    gen = open_map_view(qtbot, (900, 650))
    shown_first = next(gen)
    reference = shown_first.ask("view_bounds")
    zoom = run_js(qtbot, shown_first, "araz.map.getZoom()")
    next(gen, None)

    view = MapView()
    try:
        view.findChild(QWebEngineView).page().setVisible(False)  # as the app starts it
        seq = view.set_events([event(f"e{i}", 39.0 + i * 0.2, 46.0 + i * 0.2) for i in range(4)])
        with qtbot.waitSignal(view._bridge.page_connected, timeout=TIMEOUT):
            pass  # the page loaded, and its channel opened, while hidden
        qtbot.wait(300)
        assert not view.is_ready()  # no map built at no size
        view.resize(900, 650)
        with qtbot.waitSignal(view.ready, timeout=TIMEOUT):
            view.show()
        wait_rendered(qtbot, view, seq)
        assert view.ask("viewport") == [900, 650]
        assert run_js(qtbot, view, "araz.map.getZoom()") == zoom
        assert view.ask("view_bounds") == pytest.approx(reference, abs=1e-6)
        assert run_js(qtbot, view, "araz.events.n") == 4
        # the labels were placed for this view: some show
        shown = "araz.basemap.labels.filter(function (l) { return l.shown; }).length"
        assert run_js(qtbot, view, shown) > 0
    finally:
        _close(qtbot, view)


def test_imports_run_in_a_thread_while_the_event_loop_serves(qtbot, tmp_path, monkeypatch):
    (tmp_path / "araz_slow_module.py").write_text(
        "import time\ntime.sleep(0.4)\nVALUE = 42\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    started = time.monotonic()
    try:
        import_while_serving(("araz_slow_module", "araz_no_such_module"))
    finally:
        timer.stop()
    assert time.monotonic() - started >= 0.4
    assert sys.modules["araz_slow_module"].VALUE == 42
    assert len(ticks) >= 5  # the loop ran while the module was imported
    # a module that cannot be imported is not there; imported for use, it says why
    assert "araz_no_such_module" not in sys.modules
    with pytest.raises(ModuleNotFoundError):
        import araz_no_such_module  # noqa: F401


def test_modules_imported_after_pyside_are_not_read_for_features(tmp_path, monkeypatch):
    feature = sys.modules["shibokensupport.feature"]
    (tmp_path / "araz_uses_pyside.py").write_text(
        "# PySide6 named here: PySide's own check reads this source\nVALUE = 1\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    skip_feature_scan()
    read: list[str] = []
    monkeypatch.setattr("inspect.getsource", lambda obj: read.append(obj) or "")
    import araz_uses_pyside  # noqa: F401

    assert read == []
    assert feature.pyside_feature_dict["araz_uses_pyside"] == -1  # ignored in switching
