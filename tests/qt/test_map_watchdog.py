"""A map page whose renderer stops answering is ended and reloaded (araz.qt.map.watchdog):
a renderer frozen by SIGSTOP while a call waits comes back with the call drawn; one frozen
with no call waiting, or only slow, is left alone."""

from __future__ import annotations

import contextlib
import os
import signal
import time

import pytest
from map_support import BAKU, TEHRAN, TIMEOUT, event, open_map_view, run_js, wait_rendered

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="freezes a process by SIGSTOP"),
]


@pytest.fixture
def map_view(qtbot):
    view_gen = open_map_view(qtbot)
    view = next(view_gen)
    view._watchdog.hang_s, view._watchdog.probe_s = 1.0, 2.0
    yield view
    pid = view._page.renderProcessPid()
    if pid > 0:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGCONT)
    yield from view_gen


def two_events(qtbot, view) -> None:
    wait_rendered(qtbot, view, view.set_events([event("t", *TEHRAN), event("b", *BAKU)]))


def test_a_frozen_renderer_with_a_call_waiting_is_ended_and_the_call_drawn(qtbot, map_view):
    two_events(qtbot, map_view)
    pid = map_view._page.renderProcessPid()
    os.kill(pid, signal.SIGSTOP)
    seq = map_view.select("b")
    with qtbot.waitSignal(map_view._page.renderProcessTerminated, timeout=TIMEOUT):
        pass
    wait_rendered(qtbot, map_view, seq)  # replayed in the new page, then drawn
    assert map_view._page.renderProcessPid() not in (pid, 0)
    assert map_view._watchdog.ended == 1
    assert run_js(qtbot, map_view, "[araz.events.n, araz.events.selected]") == [2, 1]


def test_a_frozen_renderer_with_no_call_waiting_is_left_alone(qtbot, map_view):
    two_events(qtbot, map_view)
    pid = map_view._page.renderProcessPid()
    os.kill(pid, signal.SIGSTOP)
    qtbot.wait(4000)  # twice hang_s + probe_s
    os.kill(pid, signal.SIGCONT)
    assert map_view._watchdog.ended == 0
    assert map_view._page.renderProcessPid() == pid
    wait_rendered(qtbot, map_view, map_view.select("t"))


def test_a_slow_page_that_still_answers_is_left_alone(qtbot, map_view):
    two_events(qtbot, map_view)
    map_view._watchdog.probe_s = 6.0
    pid = map_view._page.renderProcessPid()
    started = time.monotonic()
    # the page's thread busy for 3 s (past hang_s), then free: it answers the question
    map_view.web_view().page().runJavaScript(
        "setTimeout(function () { var t = Date.now(); while (Date.now() - t < 3000) {} }, 0)"
    )
    seq = map_view.select("t")
    wait_rendered(qtbot, map_view, seq)
    assert time.monotonic() - started > 2.5  # it did wait for the busy page
    assert map_view._watchdog.ended == 0
    assert map_view._page.renderProcessPid() == pid


def test_a_page_not_shown_yet_is_left_alone(qtbot):
    """The app loads its page hidden, before its window is shown: the map is built only
    once shown, and the calls wait till then; the page answers the ping all the same."""
    from araz.qt.map import MapView

    view = MapView()
    qtbot.addWidget(view)
    view._watchdog.hang_s, view._watchdog.probe_s = 1.0, 1.0
    view.web_view().page().setVisible(False)
    with qtbot.waitSignal(view._bridge.page_connected, timeout=TIMEOUT):
        pass
    pid = view._page.renderProcessPid()
    view.sync()  # sent, held by the page until its map is built
    qtbot.wait(5000)
    assert view._watchdog.ended == 0
    assert view._page.renderProcessPid() == pid
    assert not view.is_ready()
    with qtbot.waitSignal(view.ready, timeout=TIMEOUT):
        view.show()
        view.web_view().page().setVisible(True)
    view.close()
    view.deleteLater()
    qtbot.wait(50)
