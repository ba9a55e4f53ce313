"""A re-open of a cached file in the window: the map's payload is served to the page
straight from the table cache's payload file (a QFile, read by Qt), and draws the same
markers as the first open; a payload file damaged before the re-open, or replaced after
its check, is never served (the payload is made again, or served from the pages that
were checked)."""

import contextlib
import os
import shutil
import signal
from pathlib import Path

import pytest
from map_support import pixel
from PySide6.QtCore import QFile
from pytestqt.exceptions import TimeoutError
from window_support import TIMEOUT, open_in_window

from araz.io import table_cache
from araz.qt.map import view as map_view_module
from araz.qt.map.page_json import QUERIES
from araz.qt.map.shelf import PayloadDevice
from araz.views.prepared import Prepared, map_data

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def served(monkeypatch):
    """The kind of each device the page's payload was served from, in order."""
    kinds: list[str] = []
    real = map_view_module.payload_device

    def spy(source):
        device = real(source)
        kinds.append(
            "file"
            if isinstance(device, QFile)
            else "python"
            if isinstance(device, PayloadDevice)
            else type(device).__name__
        )
        return device

    def ahead(side):
        device = real_ahead(side)
        kinds.append("ahead" if isinstance(device, QFile) else "ahead refused")
        return device

    real_ahead = map_view_module.file_device
    monkeypatch.setattr(map_view_module, "payload_device", spy)
    monkeypatch.setattr(map_view_module, "file_device", ahead)
    return kinds


def _drawn_now(qtbot, window):
    probes = window.map.request(
        "query", {"what": "marker_probes", "count": 100}, QUERIES["marker_probes"]
    )
    qtbot.wait(50)
    return probes, [pixel(window.map, int(x), int(y)).name() for x, y, _ in probes]


def _drawn(qtbot, window, like=None):
    """Every marker the page draws (place and colour) and the screen's pixel at each,
    once two looks agree (the page's last frames painted); ``like``: until they are
    that (or the time is up: the last look)."""
    looks = [_drawn_now(qtbot, window)]

    def settled() -> bool:
        looks.append(_drawn_now(qtbot, window))
        return looks[-1] == looks[-2] and (like is None or looks[-1] == like)

    with contextlib.suppress(TimeoutError):  # the last look: the caller compares it
        qtbot.waitUntil(settled, timeout=10_000)
    return looks[-1]


def _opened_twice(qtbot, w, cache, tmp_path, served):
    path = tmp_path / "export.csv"
    shutil.copy(DATA / "readers" / "acled_current.csv", path)
    open_in_window(qtbot, w, path)
    # written once the window has it: the payload file, then the views file naming it
    qtbot.waitUntil(lambda: len(list(cache.glob("*.views"))) == 1, timeout=TIMEOUT)
    assert len(list(cache.glob("*.payload"))) == 1
    qtbot.waitUntil(lambda: len(served) >= 1, timeout=TIMEOUT)
    first = _drawn(qtbot, w)
    # made in this open: its bytes, or the file once written (whichever is first)
    assert len(served) == 1 and served[0] in ("python", "file") and len(first[0]) >= 3
    served.clear()
    return path, first


@pytest.fixture
def named_ahead(main_window):
    """The payload files the loader named ahead (Loader.payload_ahead), in order."""
    named: list = []
    main_window.loader.payload_ahead.connect(named.append)
    return named


def test_a_reopen_is_served_from_the_payload_file_and_draws_the_same(
    qtbot, main_window, cache, tmp_path, served, named_ahead
):
    w = main_window
    path, first = _opened_twice(qtbot, w, cache, tmp_path, served)
    assert named_ahead == []  # nothing kept before the first open
    second = open_in_window(qtbot, w, path)
    assert "views cache" in second.timings
    assert _drawn(qtbot, w, first) == first
    # named before the read, the very file then checked: the page fetched it ahead
    # (served "ahead"), or, had it asked only after the events call, as the payload
    [side] = named_ahead
    assert side == table_cache.ViewsEntry.side_file(map_data(w.model.dataset)[0].body)
    assert served in (["ahead"], ["file"])


def test_a_damaged_payload_file_is_not_served(
    qtbot, main_window, cache, tmp_path, served, monkeypatch, named_ahead
):
    w = main_window
    path, first = _opened_twice(qtbot, w, cache, tmp_path, served)
    # the payload made again is not written over the damaged file this time (written,
    # it could be served from there, sound, if the page asked late)
    monkeypatch.setattr(Prepared, "write_kept", lambda self: None)
    [side] = cache.glob("*.payload")
    raw = bytearray(side.read_bytes())
    raw[len(raw) // 2] ^= 0x40
    side.write_bytes(bytes(raw))
    second = open_in_window(qtbot, w, path)
    assert "views cache" not in second.timings  # refused, made again from the table
    assert len(named_ahead) == 1  # named ahead (its size is right): the page may fetch it
    qtbot.waitUntil(lambda: "python" in served, timeout=TIMEOUT)
    # but found damaged: not used, the payload made again served instead (the page's
    # fetch ahead served, refused once the file was deleted, or too late to be asked)
    assert served[-1] == "python" and set(served[:-1]) <= {"ahead", "ahead refused"}
    assert _drawn(qtbot, w, first) == first


def test_a_payload_file_replaced_after_its_check_is_not_served(
    qtbot, main_window, cache, tmp_path, served
):
    w = main_window
    path, first = _opened_twice(qtbot, w, cache, tmp_path, served)
    open_in_window(qtbot, w, path)
    qtbot.waitUntil(lambda: len(served) >= 1, timeout=TIMEOUT)
    assert served in (["ahead"], ["file"])
    [side] = cache.glob("*.payload")
    size = side.stat().st_size
    side.unlink()
    side.write_bytes(b"\xff" * size)  # another file: same name, same size
    page = w.map.web_view().page()
    with qtbot.waitSignal(page.renderProcessTerminated, timeout=TIMEOUT):
        os.kill(page.renderProcessPid(), signal.SIGKILL)  # the page fetches it again
    qtbot.waitUntil(lambda: len(served) >= 2, timeout=TIMEOUT)
    assert served[1] == "python"  # the checked pages, not the file now at that name
    # the page come back and painted (its first frames are the basemap's alone)
    assert _drawn(qtbot, w, first) == first


def _kill_renderer(qtbot, window) -> None:
    page = window.map.web_view().page()
    with qtbot.waitSignal(page.renderProcessTerminated, timeout=TIMEOUT):
        os.kill(page.renderProcessPid(), signal.SIGKILL)  # the page fetches it again


def test_after_a_first_open_the_payload_is_the_file_alone_and_served_after_a_crash(
    qtbot, main_window, cache, tmp_path, served
):
    w = main_window
    _path, first = _opened_twice(qtbot, w, cache, tmp_path, served)
    ds = w.model.dataset
    # once written, the app keeps no copy of its own: the payload is the file's pages
    qtbot.waitUntil(
        lambda: table_cache.ViewsEntry.side_file(map_data(ds)[0].body) is not None,
        timeout=TIMEOUT,
    )
    assert not isinstance(map_data(ds)[0].body, bytes)
    _kill_renderer(qtbot, w)
    qtbot.waitUntil(lambda: len(served) >= 1, timeout=TIMEOUT)
    assert served == ["file"]  # Qt reads the file: nothing through Python
    assert _drawn(qtbot, w, first) == first


def test_with_the_cache_off_the_payload_is_kept_and_served_after_a_crash(
    qtbot, main_window, tmp_path, served, monkeypatch
):
    monkeypatch.setenv("ARAZ_TABLE_CACHE", "off")
    w = main_window
    path = tmp_path / "export.csv"
    shutil.copy(DATA / "readers" / "acled_current.csv", path)
    open_in_window(qtbot, w, path)
    qtbot.waitUntil(lambda: len(served) >= 1, timeout=TIMEOUT)
    first = _drawn(qtbot, w)
    assert served == ["python"] and len(first[0]) >= 3
    assert isinstance(map_data(w.model.dataset)[0].body, bytes)  # no file to read it from
    _kill_renderer(qtbot, w)
    qtbot.waitUntil(lambda: len(served) >= 2, timeout=TIMEOUT)
    assert served[1] == "python"
    assert _drawn(qtbot, w, first) == first


def test_a_fetch_ahead_that_failed_is_fetched_again_by_the_events_call(
    qtbot, main_window, cache, tmp_path, served, monkeypatch
):
    """The page's early fetch of a sound payload file failed (the file could not be
    opened then): the events call that names it fetches it again, and draws."""
    w = main_window
    path, first = _opened_twice(qtbot, w, cache, tmp_path, served)
    spied = map_view_module.file_device
    refused: list = []

    def refuse_once(side):
        if not refused:
            refused.append(side)
            served.append("ahead failed")
            return None  # a 404 for the page's early fetch
        return spied(side)

    monkeypatch.setattr(map_view_module, "file_device", refuse_once)
    open_in_window(qtbot, w, path)
    qtbot.waitUntil(lambda: len(served) >= 2, timeout=TIMEOUT)
    assert served[0] == "ahead failed" and served[1] in ("file", "ahead")
    assert _drawn(qtbot, w, first) == first
