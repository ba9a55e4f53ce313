"""The fields Araz does not map, in the Event panel: listed as text, a link copied (never
loaded) by an explicit "Copy link"; and a GeoPackage opened through the window's real
open path."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QTextDocument

pytestmark = pytest.mark.gui

LINK = "https://example.org/videos/clip?id=7&x=<b>"


@pytest.fixture
def osint_geojson(tmp_path):
    """What an OSINT map exports: a link, a video and a verification status per feature."""
    feats = [
        {
            "type": "Feature",
            "properties": {
                "date": "2022-09-13",
                "name": "Shelling near Jermuk",
                "link": LINK,
                "video": "www.example.org/v/1",
                "verification": "verified",
                "note_count": 3,
            },
            "geometry": {"type": "Point", "coordinates": [45.67, 39.84]},
        }
    ]
    path = tmp_path / "osint.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def _open(qtbot, w, path, **options):
    with qtbot.waitSignal(w.loadFinished, timeout=60_000):
        w.open_path(path, **options)


def _click_text(qtbot, browser, needle: str, nth: int = 0) -> None:
    """Click the nth occurrence of ``needle`` in the browser, as a person does."""
    cursor = None
    for _ in range(nth + 1):
        found = browser.document().find(needle, cursor or 0, QTextDocument.FindFlag(0))
        assert not found.isNull(), needle
        cursor = found
    browser.setTextCursor(cursor)
    browser.ensureCursorVisible()
    rect = browser.cursorRect(cursor)
    pos = QPoint(rect.left() - 8, rect.center().y())  # inside the anchor's last letters
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_unmapped_fields_are_listed_and_a_link_is_copied_not_loaded(
    qtbot, main_window, osint_geojson
):
    w = main_window
    _open(qtbot, w, osint_geojson)
    ds = w.model.dataset
    [e] = ds.events
    w.model.select([e.id])
    text = w.detail.text()
    assert "Fields" in text
    for shown in ("link", LINK, "video", "www.example.org/v/1", "verification", "verified"):
        assert shown in text
    assert "note_count" in text and "3" in text
    assert text.count("Copy link") == 2  # the link and the video, not the status
    # the link is text, not an anchor: only "Copy link" is one
    html = w.detail.browser.toHtml()
    assert 'href="https://' not in html and "&lt;b&gt;" in html
    QGuiApplication.clipboard().clear()
    with qtbot.waitSignal(w.detail.linkCopied, timeout=5_000) as copied:
        _click_text(qtbot, w.detail.browser, "Copy link", nth=0)
    assert copied.args == [LINK]
    assert QGuiApplication.clipboard().text() == LINK
    with qtbot.waitSignal(w.detail.linkCopied, timeout=5_000):
        _click_text(qtbot, w.detail.browser, "Copy link", nth=1)
    assert QGuiApplication.clipboard().text() == "www.example.org/v/1"
    # nothing was navigated to: the panel still shows the event
    assert "Shelling near Jermuk" in w.detail.text()


def test_a_geopackage_opens_through_the_window(qtbot, main_window, tmp_path):
    import geopandas as gpd

    path = tmp_path / "events.gpkg"
    frame = gpd.GeoDataFrame(
        {
            "event_date": ["2020-09-27", "2020-11-10"],
            "title": ["War begins", "Ceasefire"],
            "actors": ["Armenia; Azerbaijan", "Russia"],
            "source_url": ["https://example.org/1", "https://example.org/2"],
        },
        geometry=gpd.points_from_xy([46.75, 46.75], [39.82, 39.75]),
        crs="EPSG:4326",
    )
    frame.to_file(path, layer="events", driver="GPKG")
    w = main_window
    _open(qtbot, w, path)
    ds = w.model.dataset
    assert [e.title for e in ds.events] == ["War begins", "Ceasefire"]
    assert [e.date.edtf for e in ds.events] == ["2020-09-27", "2020-11-10"]
    assert w.windowTitle() == "Araz — events.gpkg"
    w.model.select([ds.events[1].id])
    assert "source_url" in w.detail.text() and "https://example.org/2" in w.detail.text()


def test_a_geopackage_of_several_layers_asks_which(qtbot, main_window, tmp_path):
    import geopandas as gpd

    path = tmp_path / "two.gpkg"
    base = gpd.GeoDataFrame(
        {"date": ["2021-05-12"], "name": ["Border incident"]},
        geometry=gpd.points_from_xy([45.9], [39.6]),
        crs="EPSG:4326",
    )
    base.to_file(path, layer="incidents", driver="GPKG")
    other = base.assign(name=["Other layer"])
    other.to_file(path, layer="zz_other", driver="GPKG")
    w = main_window
    w.open_path(path)
    qtbot.waitUntil(lambda: w.mapping_dialog is not None and w.mapping_dialog.isVisible())
    dialog = w.mapping_dialog
    assert [dialog.layer.itemText(i) for i in range(dialog.layer.count())] == [
        "incidents",
        "zz_other",
    ]
    dialog.layer.setCurrentText("zz_other")
    assert dialog.date.currentText() == "date"  # guessed in the chosen layer's fields
    with qtbot.waitSignal(w.loadFinished, timeout=60_000):
        dialog.accept()
    assert [e.title for e in w.model.dataset.events] == ["Other layer"]


def test_a_csv_whose_date_is_unknown_asks_and_the_choice_is_remembered(
    qtbot, main_window, tmp_path
):
    header = "when_it_happened,what,y_coord,x_coord,who\n"
    first = tmp_path / "first.csv"
    first.write_text(header + "2022-03-15,Strike,39.5,46.1,Azerbaijan\n")
    w = main_window
    w.open_path(first)
    qtbot.waitUntil(lambda: w.mapping_dialog is not None and w.mapping_dialog.isVisible())
    dialog = w.mapping_dialog
    assert set(dialog.combos) == {"date", "actor", "title", "lat", "lon"}
    for role, column in (
        ("date", "when_it_happened"),
        ("title", "what"),
        ("lat", "y_coord"),
        ("lon", "x_coord"),
        ("actor", "who"),
    ):
        dialog.combos[role].setCurrentText(column)
    with qtbot.waitSignal(w.loadFinished, timeout=60_000):
        dialog.accept()
    [e] = w.model.dataset.events
    assert (e.title, e.date.edtf) == ("Strike", "2022-03-15")
    p = w.model.dataset.places[e.places[0].place]
    assert (p.lat, p.lon) == (39.5, 46.1)
    # another file with the same header (in another order of case): the last choice
    # is offered first
    second = tmp_path / "second.csv"
    second.write_text(header.upper() + "2023-01-01,Other,40,45,Armenia\n")
    w.open_path(second)
    qtbot.waitUntil(lambda: w.mapping_dialog is not None and w.mapping_dialog.isVisible())
    dialog = w.mapping_dialog
    assert dialog.combos["date"].currentText() == "WHEN_IT_HAPPENED"
    assert dialog.combos["lat"].currentText() == "Y_COORD"
    dialog.reject()
