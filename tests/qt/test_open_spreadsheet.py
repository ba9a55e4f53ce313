"""A spreadsheet opened through the window's real open path (File → Open, drag and drop):
a plain sheet without a question; a workbook of several sheets asks which, with the
table's choices (title, coordinates)."""

from __future__ import annotations

from datetime import date

import pytest

from xlsx_writer import write_xlsx

pytestmark = pytest.mark.gui


def test_a_plain_xlsx_opens_through_the_window(qtbot, main_window, tmp_path):
    path = write_xlsx(
        tmp_path / "events.xlsx",
        {
            "Sheet1": [
                ["date", "title", "lat", "lon", "source_url"],
                [date(2020, 9, 27), "War begins", 39.82, 46.75, "https://example.org/1"],
                [date(2020, 11, 10), "Ceasefire", 39.75, 46.75, "https://example.org/2"],
            ]
        },
    )
    w = main_window
    with qtbot.waitSignal(w.loadFinished, timeout=60_000):
        w.open_path(path)
    assert w.mapping_dialog is None
    ds = w.model.dataset
    assert [e.title for e in ds.events] == ["War begins", "Ceasefire"]
    assert [e.date.edtf for e in ds.events] == ["2020-09-27", "2020-11-10"]
    assert w.windowTitle() == "Araz — events.xlsx"
    w.model.select([ds.events[1].id])
    assert "source_url" in w.detail.text() and "https://example.org/2" in w.detail.text()


def test_a_workbook_of_several_sheets_asks_which(qtbot, main_window, tmp_path):
    path = write_xlsx(
        tmp_path / "two.xlsx",
        {
            "Read me": [["remark"], ["the events are on the next sheet"]],
            "Events": [
                ["date", "name", "latitude", "longitude"],
                ["2021-05-12", "Border", 39.6, 45.9],
            ],
        },
    )
    w = main_window
    w.open_path(path)
    qtbot.waitUntil(lambda: w.mapping_dialog is not None and w.mapping_dialog.isVisible())
    dialog = w.mapping_dialog
    assert [dialog.layer.itemText(i) for i in range(dialog.layer.count())] == ["Read me", "Events"]
    assert set(dialog.combos) == {"date", "actor", "title", "lat", "lon"}
    dialog.layer.setCurrentText("Events")
    assert dialog.date.currentText() == "date"  # guessed in the chosen sheet's columns
    assert dialog.combos["lat"].currentText() == "latitude"
    with qtbot.waitSignal(w.loadFinished, timeout=60_000):
        dialog.accept()
    [e] = w.model.dataset.events
    assert (e.title, e.date.edtf) == ("Border", "2021-05-12")
    p = w.model.dataset.places[e.places[0].place]
    assert (p.lat, p.lon) == (39.6, 45.9)
