"""GeoJSON whose date property Araz cannot guess: the mapping dialog's choices load it."""

from __future__ import annotations

import json

import pytest

from araz.io import read_path
from araz.qt.mapping_dialog import GeoJSONMappingDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def odd_geojson(tmp_path):
    feats = [
        {
            "type": "Feature",
            "properties": {
                "label": f"Event {i}",
                "when_it_happened": f"2022-0{i + 1}-15",
                "who": "Iran" if i % 2 else "Azerbaijan",
            },
            "geometry": {"type": "Point", "coordinates": [46 + i, 39]},
        }
        for i in range(4)
    ]
    path = tmp_path / "odd.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def needs_mapping(path):
    """What the loader finds (in its thread) before the window asks."""
    return read_path(path, ask_mapping=True).mapping


def test_needs_mapping_only_when_the_date_is_unknown(odd_geojson, tmp_path):
    guess = needs_mapping(odd_geojson)
    assert guess is not None and "when_it_happened" in guess["properties"]
    ok = tmp_path / "ok.geojson"
    ok.write_text(odd_geojson.read_text().replace("when_it_happened", "date"))
    assert needs_mapping(ok) is None
    assert needs_mapping(tmp_path / "missing.geojson") is None


def test_dialog_choices_load_dates_and_actors(qtbot, main_window, odd_geojson):
    dialog = GeoJSONMappingDialog(odd_geojson, needs_mapping(odd_geojson), main_window)
    qtbot.addWidget(dialog)
    dialog.date.setCurrentText("when_it_happened")
    dialog.actor.setCurrentText("who")
    choices = dialog.choices()
    assert choices == {"date_property": "when_it_happened", "actor_property": "who"}
    with qtbot.waitSignal(main_window.loadFinished, timeout=30_000):
        main_window.open_path(odd_geojson, **choices)
    ds = main_window.model.dataset
    assert len(ds) == 4
    assert all(e.date is not None for e in ds.events)
    assert {a.name for a in ds.actors.values()} == {"Iran", "Azerbaijan"}
    # data far from the brief's region is framed, not the Caucasus default
    assert main_window.map_binding.loaded_seq > 0


def test_opening_it_asks_then_loads_with_the_choices(qtbot, main_window, odd_geojson):
    """File→Open (or a drop): the file is read in the loader's thread, which finds that
    the date property is unknown; the window then asks, and loads with the answer."""
    w = main_window
    before = w.model.dataset
    w.open_path(odd_geojson)
    qtbot.waitUntil(lambda: w.mapping_dialog is not None and w.mapping_dialog.isVisible())
    assert w.model.dataset is before
    dialog = w.mapping_dialog
    assert "when_it_happened" in [dialog.date.itemText(i) for i in range(dialog.date.count())]
    dialog.date.setCurrentText("when_it_happened")
    with qtbot.waitSignal(w.loadFinished, timeout=30_000):
        dialog.accept()
    assert len(w.model.dataset) == 4
    assert all(e.date is not None for e in w.model.dataset.events)


def test_declining_the_question_keeps_the_open_dataset(qtbot, main_window, odd_geojson):
    w = main_window
    before = w.model.dataset
    w.open_path(odd_geojson)
    qtbot.waitUntil(lambda: w.mapping_dialog is not None and w.mapping_dialog.isVisible())
    w.mapping_dialog.reject()
    assert w.mapping_dialog is None
    assert w.model.dataset is before
    assert "not opened" in w.statusBar().currentMessage()
