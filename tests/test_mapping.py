"""GeoJSON whose date property Araz cannot guess: the mapping dialog's choices load it."""

from __future__ import annotations

import json

import pytest

from araz.qt.mapping_dialog import GeoJSONMappingDialog, needs_mapping

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
