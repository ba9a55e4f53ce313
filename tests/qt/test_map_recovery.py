"""The map page comes back as it was, and keeps answering, when things go wrong: its
renderer killed (the events and the last filter replayed, a call made meanwhile drawn);
the basemap's detail layer not found (every call still acknowledged as drawn)."""

from __future__ import annotations

import os
import signal

import pytest

pytest.importorskip("pytestqt")

from map_support import TIMEOUT, event, open_map_view, run_js, wait_rendered

import araz.qt.map.scheme as scheme

pytestmark = pytest.mark.gui


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot, (900, 650))


def test_a_killed_renderer_comes_back_with_the_events_and_the_last_filter(qtbot, map_view):
    evs = [event(f"e{i}", 39.0 + i * 0.2, 46.0 + i * 0.2) for i in range(4)]
    wait_rendered(qtbot, map_view, map_view.set_events(evs))
    wait_rendered(qtbot, map_view, map_view.show_ids(["e1", "e2"]))
    page = map_view.web_view().page()
    pid = page.renderProcessPid()
    with qtbot.waitSignal(page.renderProcessTerminated, timeout=TIMEOUT):
        os.kill(pid, signal.SIGKILL)
    late = map_view.show_ids(["e3"])  # a call made while the page reloads
    with qtbot.waitSignal(map_view.ready, timeout=TIMEOUT):
        pass
    wait_rendered(qtbot, map_view, late)
    assert run_js(qtbot, map_view, "araz.events.n") == 4
    assert run_js(qtbot, map_view, "Array.from(araz.events.visible)") == [0, 0, 0, 1]
    wait_rendered(qtbot, map_view, map_view.sync())


@pytest.fixture
def map_view_without_detail(qtbot, monkeypatch):
    real = scheme.read
    monkeypatch.setattr(
        scheme, "read", lambda path: None if path.endswith("detail.json") else real(path)
    )
    yield from open_map_view(qtbot, (900, 650))


def test_calls_are_acknowledged_when_the_basemap_detail_fails(qtbot, map_view_without_detail):
    view = map_view_without_detail
    wait_rendered(qtbot, view, view.set_events([event("e1", 39.2, 46.4)]))
    wait_rendered(qtbot, view, view.fit_bounds(46.3, 39.15, 46.5, 39.25))  # zoom 12
    wait_rendered(qtbot, view, view.sync())
    assert run_js(qtbot, view, "araz.map.getZoom()") >= 8
    assert run_js(qtbot, view, "araz.basemap.detailState") == 3  # failed, not loading
