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
from support import app_process_env

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


def test_the_loop_waits_little_for_python_while_a_thread_imports(qtbot, tmp_path, monkeypatch):
    """While the thread imports, Python hands its lock over every half millisecond (not
    every 5): each of the loop's calls into Python (the page's requests) waits that
    long at most; afterwards the interval is as it was."""
    from araz.qt.app import SWITCH_INTERVAL_S

    (tmp_path / "araz_interval_module.py").write_text(
        "import sys\nSEEN = sys.getswitchinterval()\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    before = sys.getswitchinterval()
    assert before > SWITCH_INTERVAL_S
    import_while_serving(("araz_interval_module",))
    seen = sys.modules["araz_interval_module"].SEEN
    assert abs(seen - SWITCH_INTERVAL_S) < 1e-6
    assert sys.getswitchinterval() == before


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


# injected as the page is created: once the page's scripts ask for the map to be built
# (window.araz.whenShown), record every zoom a reset leaves the map at, and every
# placement of the labels
_RECORDER = """
window.araz = window.araz || {};
window.arazSeen = { zooms: [], placements: 0 };
Object.defineProperty(window.araz, "whenShown", {
  configurable: true,
  set: function (whenShown) {
    Object.defineProperty(window.araz, "whenShown", {
      configurable: true, writable: true,
      value: function (fn) {
        var reset = L.Map.prototype._resetView;
        var place = window.araz.Basemap.prototype._placeLabels;
        L.Map.prototype._resetView = function () {
          var r = reset.apply(this, arguments);
          window.arazSeen.zooms.push(this.getZoom());
          return r;
        };
        window.araz.Basemap.prototype._placeLabels = function () {
          // a placement that did work (one asked for the view, labels and markers already
          // placed returns at once, _placedFor unchanged: Python's fit, framed already,
          // still ends in a moveend)
          var before = this._placedFor;
          var r = place.apply(this, arguments);
          if (before == null || this._placedFor !== before) window.arazSeen.placements++;
          return r;
        };
        return whenShown(fn);
      },
    });
  },
});
"""


def test_a_fit_sent_before_the_map_is_built_frames_its_first_view(qtbot):
    """The app's first calls (events, then a fit to them) wait in the page until its map
    is built: the map is framed where the fit asks from the start, so the basemap, the
    labels and the events are drawn once, not at the default view and again."""
    from PySide6.QtWebEngineCore import QWebEngineScript

    view = MapView()
    try:
        page = view.findChild(QWebEngineView).page()
        page.setVisible(False)
        script = QWebEngineScript()
        script.setSourceCode(_RECORDER)
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        page.scripts().insert(script)
        # around Tehran: far from the default view's frame
        view.set_events([event(f"e{i}", 35.6 + i * 0.05, 51.3 + i * 0.05) for i in range(5)])
        seq = view.fit([f"e{i}" for i in range(5)])
        with qtbot.waitSignal(view._bridge.page_connected, timeout=TIMEOUT):
            pass
        view.resize(900, 650)
        with qtbot.waitSignal(view.ready, timeout=TIMEOUT):
            view.show()
        wait_rendered(qtbot, view, seq)
        seen = run_js(qtbot, view, "window.arazSeen")
        zoom = run_js(qtbot, view, "araz.map.getZoom()")
        assert zoom > 7  # framed on the events, not on the default view (about 6)
        assert seen["zooms"] == [zoom]  # one reset, at that zoom: no move after it
        assert seen["placements"] == 1
        west, south, east, north = view.ask("view_bounds")
        assert west < 51.3 < 51.5 < east and south < 35.6 < 35.8 < north
    finally:
        _close(qtbot, view)


def test_a_start_leaves_the_collector_alone_until_its_first_load_is_in(tmp_path):
    """No automatic collection while the app imports, builds its window and loads the
    data (each walked every object the imports made: ~0.1 s of a start's CPU); the
    collector is on again afterwards."""
    import json
    import subprocess

    env = app_process_env(tmp_path)
    code = (
        "import gc, json, sys\n"
        "runs = [0, 0, 0]\n"
        "def count(phase, info):\n"
        "    if phase == 'start': runs[info['generation']] += 1\n"
        "gc.callbacks.append(count)\n"
        "from araz.cli import main\n"
        f"sys.argv = ['araz', '--screenshot', {str(tmp_path / 'start.png')!r}]\n"
        "rc = main()\n"
        "print(json.dumps([runs, gc.isenabled(), gc.get_freeze_count()]))\n"
        "sys.exit(rc)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    (young, middle, _full), enabled, frozen = json.loads(run.stdout.strip().splitlines()[-1])
    # before: ~100 young, ~9 middle and a full one walking every imported object
    assert young < 50 and middle <= 3, (young, middle)
    assert enabled
    assert frozen > 10_000  # the imports' objects, out of the way of later collections


def test_the_pages_start_files_read_ahead_are_served_once_from_memory(qtbot, monkeypatch):
    """The app reads what the page asks for as it loads in its importing thread: the
    page's requests for them are answered from memory, once; the next page's requests,
    or one long after, read the files again."""
    from araz.qt.map import scheme

    paths = scheme.page_paths()
    assert paths[:3] == ["/web/map.html", "/web/bundle/1.js", "/web/bundle/2.js"]
    assert {"/web/map.css", "/vendor/leaflet/leaflet.css", "/basemap/regional.bin"} <= set(paths)
    scheme.prefetch()
    assert {p: scheme.take_read(p) for p in paths} == {p: scheme.read(p) for p in paths}

    reads: list[str] = []
    real = scheme.read
    monkeypatch.setattr(scheme, "read", lambda path: reads.append(path) or real(path))
    for ahead in (True, False):
        if ahead:
            scheme.prefetch()
        reads.clear()
        view = MapView()
        try:
            view.resize(600, 400)
            view.set_style(relief=True)  # as the window does: the page then asks for it
            seq = view.set_events([event("e1", 39.5, 46.5)])
            with qtbot.waitSignal(view.ready, timeout=TIMEOUT):
                view.show()
            wait_rendered(qtbot, view, seq)
            assert run_js(qtbot, view, "araz.events.n") == 1  # the page works as ever
        finally:
            _close(qtbot, view)
        read_now = set(paths) & set(reads)
        assert read_now == (set() if ahead else set(paths))
        assert "/basemap/relief-world.webp" in reads  # what it asks for later: read then

    monkeypatch.setattr(scheme, "AHEAD_S", 0.0)  # read ahead too long ago: read again
    scheme.prefetch()
    reads.clear()
    assert scheme.take_read("/web/map.css") == real("/web/map.css")
    assert reads == ["/web/map.css"]
    assert scheme._ahead == {}  # the rest, never asked for in time, not held for good
