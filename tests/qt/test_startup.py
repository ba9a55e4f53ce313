"""Start-up does no work that is thrown away: the first events payload the map builds
and publishes is the dataset's, and the page fetches it (no "events not loaded")."""

import logging

import pytest

from support import app_process_env

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

    def counting(self, events, *args, **kwargs):
        seq = original(self, events, *args, **kwargs)
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


def test_the_bundled_dataset_is_checked_once_then_loaded_from_the_cache(tmp_path, monkeypatch):
    from araz.io import bundled_cache, read_path
    from araz.io.curated import read_curated_bytes
    from araz.io.normalized import to_dict
    from araz.paths import default_dataset

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh = read_curated_bytes(default_dataset().read_bytes(), default_dataset())
    first = read_path(default_dataset())  # reads, checks, keeps the result
    assert list((tmp_path / "araz").glob("bundled-*.pickle"))

    def no_parsing(*args, **kwargs):
        raise AssertionError("the cached bundled dataset was parsed again")

    monkeypatch.setattr("araz.io.curated.read_curated_bytes", no_parsing)
    second = read_path(default_dataset())
    for result in (first, second):
        assert to_dict(result.dataset) == to_dict(fresh.dataset)
        assert result.problems == fresh.problems
    # any other bytes are another key: a changed file is read again, never the cache
    assert bundled_cache.load(default_dataset().read_bytes() + b"\n") is None


def test_a_broken_cache_is_ignored(tmp_path, monkeypatch):
    from araz.io import bundled_cache, read_path
    from araz.paths import default_dataset

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    raw = default_dataset().read_bytes()
    bundled_cache._file(raw).parent.mkdir(parents=True)
    bundled_cache._file(raw).write_bytes(b"not a pickle")
    result = read_path(default_dataset())
    assert result.dataset is not None and len(result.dataset) > 0
    assert bundled_cache.load(raw) is not None  # written again, good this time


def test_a_start_on_the_cached_bundled_dataset_imports_no_yaml_parser(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    app = str(Path(__file__).resolve().parents[2] / "app")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": app}
    code = (
        "import sys; from araz.io import read_path; from araz.paths import default_dataset; "
        "r = read_path(default_dataset()); assert len(r.dataset) > 0; "
        "print(sorted(m for m in ('araz.io.curated', 'yaml', 'shapely') if m in sys.modules))"
    )
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert "araz.io.curated" in first.stdout  # read and checked, then kept
    again = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert again.stdout.strip() == "[]"


# each costs 0.03-0.5 s and serves only other files, notebooks or exports
HEAVY = (
    *("araz.io.curated", "yaml", "jsonschema", "shapely", "pyarrow", "pandas", "numpy.ma"),
    *("geopandas", "pyogrio", "folium", "fastexcel"),
)


def test_a_screenshot_start_on_the_cached_bundled_dataset_imports_nothing_heavy(tmp_path):
    """The whole start (window, map, markers drawn, picture saved) on the bundled dataset,
    once it is cached: no YAML or schema checking, no geometry, no Arrow or pandas, not
    numpy's masked arrays (np.unique's plain form imports them)."""
    import subprocess
    import sys

    env = app_process_env(tmp_path)
    out = tmp_path / "start.png"
    code = (
        "import sys; from araz.cli import main; "
        f"sys.argv = ['araz', '--screenshot', {str(out)!r}]; rc = main(); "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules)); sys.exit(rc)"
    )
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "araz.io.curated" in first.stdout  # read and checked, then kept
    again = subprocess.run(run, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout.strip().splitlines()[-1] == "[]"
    assert out.stat().st_size > 0


def test_a_wait_for_the_page_asks_again_and_gives_up_instead_of_hanging(qtbot, main_window):
    """``araz --screenshot`` once sat idle for good after the map was drawn: a call the
    page never acknowledged.  The wait asks the page again (a newer call's
    acknowledgement counts) and, when nothing ever answers, gives up."""
    from araz.qt.screenshot import when_acked

    window = main_window
    acked: list[int] = []
    window.map.rendered.connect(acked.append)
    last = window.map.sync()
    qtbot.waitUntil(lambda: bool(acked) and max(acked) >= last, timeout=5000)
    # a call that was never sent: only asking again can answer it
    called: list[str] = []
    when_acked(window, last + 1, lambda: called.append("done"), patience_ms=50)
    qtbot.waitUntil(lambda: called == ["done"], timeout=5000)

    # a call no ask can reach: give up after the tries, never call back
    gave_up: list[str] = []
    when_acked(
        window,
        last + 10_000,
        lambda: called.append("never"),
        patience_ms=30,
        tries=3,
        give_up=lambda: gave_up.append("stuck"),
    )
    qtbot.waitUntil(lambda: gave_up == ["stuck"], timeout=5000)
    qtbot.wait(200)
    assert called == ["done"]
