"""A big load's hand-over, the map first (MapBinding.first): the map's payload goes to
the page, which fetches it from the interface thread, before the other views take the
dataset; the model's changes in between (about the dataset before) do not reach the
map, which takes the model's state with the new dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from araz.qt.bindings import MapBinding

pytestmark = pytest.mark.gui
ACLED = Path(__file__).resolve().parents[1] / "data" / "readers" / "acled_current.csv"
TIMEOUT = 30_000


def test_the_page_takes_the_payload_before_the_other_views_the_dataset(
    qtbot, main_window, monkeypatch
):
    from map_support import run_js, wait_rendered

    w = main_window
    monkeypatch.setattr(MapBinding, "FIRST_FROM", 1)  # every load counts as big
    monkeypatch.setattr(MapBinding, "FIRST_WAIT_MS", TIMEOUT)  # a busy machine's page
    story = len(w.model.dataset)
    taken: list[tuple[int, int]] = []  # (events in the model, in the timeline)
    get = w.map._shelf.get

    def asked(path: str):  # what the views hold when the page asks for the payload
        if path.startswith("/data/events/"):
            taken.append((len(w.model.dataset), len(w.timeline._data)))
        return get(path)

    monkeypatch.setattr(w.map._shelf, "get", asked)
    sent: list[str] = []

    def on_command(text: str) -> None:
        call = json.loads(text)
        sent.append(call["op"])
        if call["op"] == "events" and len(w.model.dataset) == story:
            # the user filters the story while the new file's events are on their way
            w.model.set_filter(w.model.filter.replace(text="no such text anywhere"))

    w.map._bridge.command.connect(on_command)
    with qtbot.waitSignal(w.loadFinished, timeout=TIMEOUT) as blocker:
        w.open_path(ACLED)
    n = len(blocker.args[1].dataset)
    assert n != story
    # the page took the payload while the model and the table still had the story
    assert taken[0] == (story, story)
    # then every view took the new dataset, the filter afresh (none): all shown
    assert len(w.model.dataset) == n and w.table_model.rowCount() == n
    assert w.count_label.text().startswith(f"{n} of {n} events shown")
    # the story's filter never reached the map: no show call after the events
    assert "show" not in sent[sent.index("events") :]
    wait_rendered(qtbot, w.map, w.map_binding.loaded_seq)
    placed = w.map.event_ids()  # the new file's events with a place, all shown
    assert 0 < len(placed) <= n and set(placed) <= set(w.model.dataset.events.ids)
    assert run_js(qtbot, w.map, "araz.events.n") == len(placed)
    assert run_js(qtbot, w.map, "araz.events.visible.reduce((a, b) => a + b, 0)") == len(placed)


def test_a_small_load_hands_over_at_once(qtbot, main_window, monkeypatch):
    w = main_window
    taken: list[int] = []
    get = w.map._shelf.get

    def asked(path: str):
        taken.append(len(w.model.dataset))
        return get(path)

    monkeypatch.setattr(w.map._shelf, "get", asked)
    with qtbot.waitSignal(w.loadFinished, timeout=TIMEOUT) as blocker:
        w.open_path(ACLED)
    n = len(blocker.args[1].dataset)
    assert len(w.model.dataset) == n and w.table_model.rowCount() == n
    qtbot.waitUntil(lambda: bool(taken), timeout=TIMEOUT)
    assert taken[0] == n  # the model had the dataset before the page asked
