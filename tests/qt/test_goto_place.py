"""Go to a place: any name or script the gazetteer knows, or a Natural Earth town, flies
the map there (View → Go to place…, Ctrl+G); it filters nothing (issue #18)."""

from __future__ import annotations

import pytest
from page_support import read_page_json
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from araz.paths import resource
from araz.views.places import PlaceIndex, fold

TIMEOUT = 30_000


def test_fold_ignores_case_and_accents():
    assert fold("Azərbaycan") == "azerbaycan"
    assert fold("KIRKLARELİ") == fold("Kırklareli") == "kirklareli"


def test_index_finds_dataset_aliases_first_then_natural_earth(curated):
    index = PlaceIndex()
    index.add_dataset(curated)
    index.add_natural_earth(resource("basemap", "places.json"))
    for name in ("Kapan", "kafan", "Ղափան", "Qafan"):
        hit = index.find(name)[0]
        assert abs(hit.lat - 39.2) < 0.1 and abs(hit.lon - 46.4) < 0.1, (name, hit)
        assert "in this dataset" in hit.label
    ganja = index.find("Ganja")[0]  # Natural Earth's "Ganca", in current English usage
    assert abs(ganja.lat - 40.68) < 0.1 and abs(ganja.lon - 46.36) < 0.1
    assert index.find("Ganca")[0].name == "Ganca"  # and by Natural Earth's own name
    assert index.find("Kyiv") and index.find("Kiev")
    assert index.find("Kirklareli")  # a Natural Earth name by its ASCII form
    assert index.find("") == [] and index.find("no such place zz") == []


@pytest.mark.gui
def test_go_to_place_flies_the_map_there(qtbot, main_window):
    w = main_window
    before = w.count_label.text()

    def answer():
        dialog = w.goto_dialog
        if dialog is None:
            QTimer.singleShot(50, answer)
            return
        QTest.keyClicks(dialog.line, "Ghapan")  # an alias (keyClicks types ASCII only)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, answer)
    w.goto_action.trigger()

    def there() -> bool:
        lat, lon, zoom = read_page_json(
            w.map, "[araz.map.getCenter().lat, araz.map.getCenter().lng, araz.map.getZoom()]"
        )
        return abs(lat - 39.21) < 0.05 and abs(lon - 46.41) < 0.05 and zoom >= 9

    qtbot.waitUntil(there, timeout=TIMEOUT)
    assert w.count_label.text() == before  # nothing filtered


def test_suggestions_list_what_the_index_matched(qtbot, main_window):
    """Typing "Susa" suggests Şuşa / Shusha: the list is the index's (case and accents
    ignored), not filtered again by the typed letters (which hid them)."""
    w = main_window
    seen: list[list[str]] = []

    def answer():
        dialog = w.goto_dialog
        if dialog is None:
            QTimer.singleShot(50, answer)
            return
        QTest.keyClicks(dialog.line, "Susa")
        completions = dialog.line.completer().completionModel()
        seen.append([completions.index(r, 0).data() for r in range(completions.rowCount())])
        dialog.reject()

    QTimer.singleShot(0, answer)
    w.goto_action.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=TIMEOUT)
    assert any(name in ("Şuşa", "Shusha", "Shushi") for name in seen[0]), seen
