"""Hostile content and faults: text from data files is shown as text everywhere and runs
nothing; the web view only talks through its documented slots; the map survives its
renderer dying."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from PySide6.QtCore import QMetaMethod

from araz.io import read_path
from araz.qt.map.bridge import MapBridge

pytestmark = pytest.mark.gui
HOSTILE = Path(__file__).resolve().parent / "hostile"
PAYLOADS = (HOSTILE / "payloads.txt").read_text(encoding="utf-8").splitlines()
TIMEOUT = 30_000


def run_js(qtbot, window, script: str):
    box: list = []
    window.map.web_view().page().runJavaScript(f"JSON.stringify({script})", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=TIMEOUT)
    return json.loads(box[0]) if box[0] else None  # "" while the page is reloading


@pytest.fixture
def hostile_window(qtbot, main_window):
    with qtbot.waitSignal(main_window.loadFinished, timeout=TIMEOUT):
        main_window.open_path(HOSTILE / "hostile.yaml")
    assert len(main_window.model.dataset) == len(PAYLOADS)
    return main_window


@pytest.mark.parametrize("name", ["hostile.yaml", "hostile.geojson", "hostile_timeline.json"])
def test_readers_keep_payloads_as_plain_text(name):
    ds = read_path(HOSTILE / name).dataset
    assert ds is not None and len(ds) == len(PAYLOADS)
    titles = {e.title for e in ds.events}
    if name == "hostile_timeline.json":
        # TimelineJS text is HTML by design: it is reduced to plain text, scripts dropped
        for e in ds.events:
            assert "<script" not in e.summary.lower()
            assert "steal_" not in e.summary
    else:
        assert titles == set(PAYLOADS)


def test_detail_panel_and_table_show_payloads_as_text(qtbot, hostile_window):
    w = hostile_window
    for i, payload in enumerate(PAYLOADS):
        w.model.select([f"event-{i}"])
        text = w.detail.text()
        assert payload in text  # shown verbatim
        html = w.detail.browser.toHtml()
        assert "<script" not in html.lower()
        assert "<img" not in html.lower() and "<svg" not in html.lower()
        row = w.table_model.row_of(f"event-{i}")
        assert w.table_model.data(w.table_model.index(row, 1)) == payload
    w.detail.article_button.click()
    assert "<script" not in w.article.toHtml().lower()


def test_map_runs_nothing_from_the_data(qtbot, hostile_window):
    w = hostile_window
    title = "(document.querySelector('.leaflet-popup .araz-title') || {}).textContent || ''"
    for i in range(len(PAYLOADS)):
        w.model.select([f"event-{i}"])
        qtbot.waitUntil(lambda i=i: run_js(qtbot, w, title) == PAYLOADS[i], timeout=TIMEOUT)
    assert (
        run_js(
            qtbot,
            w,
            "document.querySelectorAll('img[src=x], svg[onload], script:not([src])').length",
        )
        == 0
    )
    assert w.map._page.alerts == []
    assert w.map.blocked_requests() == []


def test_bridge_exposes_only_its_documented_slots():
    meta = MapBridge.staticMetaObject
    slots = set()
    for i in range(meta.methodOffset(), meta.methodCount()):
        m = meta.method(i)
        if (
            m.methodType() == QMetaMethod.MethodType.Slot
            and m.access() == QMetaMethod.Access.Public
        ):
            slots.add(bytes(m.name()).decode())
    assert slots == {"connected", "ready", "clicked", "hovered", "picked", "rendered", "answered"}


def test_junk_through_the_bridge_changes_nothing(qtbot, main_window):
    w = main_window
    before = (w.model.selection, w.model.filter)
    junk = [
        "bridge.clicked('no-such-event')",
        "bridge.clicked('')",
        "bridge.clicked('x'.repeat(100000))",
        "bridge.hovered('<img src=x onerror=alert(1)>')",
        "bridge.rendered(-1)",
        "bridge.connected()",
        "bridge.clicked(12345)",
        "bridge.clicked(null)",
        "bridge.picked('not json')",
        "bridge.picked('[1, 2]')",
        'bridge.picked(\'{"ids": ["event-1"]}\')',
        "bridge.picked(JSON.stringify(['no-such-event', '']))",
        "bridge.picked(JSON.stringify(['x'.repeat(100000)]))",
        "bridge.picked('[' + '\"a\",'.repeat(500000) + '\"a\"]')",
        "bridge.picked(null)",
    ]
    for call in junk:
        w.map.web_view().page().runJavaScript(
            "new QWebChannel(qt.webChannelTransport, function (c) { var bridge = c.objects.bridge;"
            f" try {{ {call}; }} catch (e) {{}} }});"
        )
    qtbot.wait(500)
    assert (w.model.selection, w.model.filter) == before
    assert w.model.hover is None or w.model.hover not in w.model.dataset.index
    assert w.isVisible()


def test_map_reloads_after_its_renderer_dies(qtbot, main_window):
    w = main_window
    w.model.update_filter(categories={"military"})
    shown = {i for i in w.model.shown_ids() if i in w.map._index}
    pid = w.map._page.renderProcessPid()
    assert pid > 0
    with qtbot.waitSignal(w.map.ready, timeout=TIMEOUT):
        os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: w.map.is_ready(), timeout=TIMEOUT)
    qtbot.wait(500)
    visible = run_js(
        qtbot, w, "Array.from(araz.events.visible).reduce((a, v) => a + (v ? 1 : 0), 0)"
    )
    assert visible == len(shown)
    assert w.model.filter.categories == {"military"}


def test_picked_ids_keeps_a_capped_list_of_strings(caplog):
    from araz.qt.map.bridge import MAX_PICKED, picked_ids

    assert picked_ids('["a", "b", "a"]') == ["a", "b"]
    for junk in ("nope", "[1, 2]", '{"a": 1}', '["a", null]', None, 7, "x" * 10_000_000):
        caplog.clear()
        assert picked_ids(junk) is None
        assert "junk" in caplog.text
    many = [f"e{i}" for i in range(MAX_PICKED + 5)]
    caplog.clear()
    assert picked_ids(json.dumps(many)) == many[:MAX_PICKED]
    assert f"the first {MAX_PICKED} kept" in caplog.text
