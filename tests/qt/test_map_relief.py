"""The basemap's shaded relief (issue #18: "the Caucasus is a mountain story"): in the
real window on the bundled dataset the Greater Caucasus is shaded, the Kura lowland much
less and the Caspian not at all, and View → Shaded relief turns it off and on again,
remembered; the PNG snapshot draws it as the window does."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from export_support import pixels
from map_support import TIMEOUT, settle_map, steady_map_grab
from PySide6.QtWidgets import QMenu

from araz.qt import settings as app_settings

# (lat, lon): the main ridge from Kazbek to Bazarduzu; the Kura–Aras lowland (Mil and
# Mugan steppes); the Caspian off the Absheron peninsula
RIDGE = [(42.7, 44.5), (42.55, 45.3), (42.3, 46.2), (41.95, 47.1), (41.6, 47.9)]
LOWLAND = [(39.9, 47.6), (39.75, 48.2), (40.1, 48.3)]
SEA = [(41.4, 50.6), (40.9, 51.0)]
VIEW = (44.0, 39.4, 51.2, 43.2)  # west, south, east, north
HALF = 18  # px: the patches compared are 37 × 37


def relief_action(window):
    """The View menu's Shaded relief action, found in the menu bar as a person would."""
    for menu in window.menuBar().findChildren(QMenu):
        if menu.title().replace("&", "") == "View":
            for action in menu.actions():
                if action.text().replace("&", "") == "Shaded relief":
                    return action
    raise AssertionError("no View → Shaded relief")


def mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def container_point(view, lat: float, lon: float) -> tuple[int, int]:
    """Where (lat, lon) is drawn, from the view's bounds and size (asked of the page)."""
    west, south, east, north = view.ask("view_bounds")
    width, height = view.ask("viewport")
    x = (lon - west) / (east - west) * width
    y = (mercator(north) - mercator(lat)) / (mercator(north) - mercator(south)) * height
    return round(x), round(y)


def patches(view, arr: np.ndarray, places) -> list[np.ndarray]:
    scale = arr.shape[1] / view.ask("viewport")[0]  # device pixels a CSS pixel
    out = []
    for lat, lon in places:
        x, y = (round(v * scale) for v in container_point(view, lat, lon))
        assert HALF <= x < arr.shape[1] - HALF and HALF <= y < arr.shape[0] - HALF, (lat, lon)
        out.append(arr[y - HALF : y + HALF + 1, x - HALF : x + HALF + 1].astype(float))
    return out


def darkening(view, on: np.ndarray, off: np.ndarray, places) -> float:
    """How much the relief darkens those places on average (0–255)."""
    return float(
        np.mean(
            [
                (b - a).mean()
                for a, b in zip(patches(view, on, places), patches(view, off, places), strict=True)
            ]
        )
    )


def texture(view, arr: np.ndarray, places) -> float:
    """The mean spread of lightness in those places' patches (shaded slopes: high)."""
    return float(np.mean([p.mean(axis=2).std() for p in patches(view, arr, places)]))


def test_the_caucasus_is_shaded_and_the_view_menu_turns_it_off(qtbot, main_window):
    w = main_window
    view = w.map
    action = relief_action(w)
    assert action.isCheckable() and action.isChecked()  # on by default
    seq = view.fit_bounds(*VIEW)
    with qtbot.waitSignal(view.rendered, timeout=TIMEOUT, check_params_cb=lambda s: s >= seq):
        pass
    settle_map(qtbot, view, TIMEOUT)
    on = pixels(steady_map_grab(qtbot, view))

    action.trigger()  # off
    assert not action.isChecked()
    assert app_settings.read_bool(app_settings.qsettings(), "map/relief", True) is False
    settle_map(qtbot, view, TIMEOUT)
    off = pixels(steady_map_grab(qtbot, view))

    ridge = darkening(view, on, off, RIDGE)
    lowland = darkening(view, on, off, LOWLAND)
    sea = darkening(view, on, off, SEA)
    assert ridge >= 12, f"the ridge darkened by {ridge:.1f} only"
    assert lowland <= ridge / 2, (ridge, lowland)
    assert abs(sea) <= 2, sea
    # the ridge's slopes are drawn lit and shaded: its patches are far more varied with
    # the relief than without; the lowland's hardly change
    assert texture(view, on, RIDGE) >= texture(view, off, RIDGE) + 8
    assert texture(view, on, LOWLAND) <= texture(view, off, LOWLAND) + 4

    action.trigger()  # on again: the same picture as at first
    assert action.isChecked()
    assert app_settings.read_bool(app_settings.qsettings(), "map/relief", False) is True
    settle_map(qtbot, view, TIMEOUT)
    again = pixels(steady_map_grab(qtbot, view))
    assert float(np.abs(again - on).mean()) < 1.0


def test_the_png_snapshot_draws_the_relief_as_the_window_does(qtbot, main_window, tmp_path):
    from PySide6.QtGui import QImage

    from araz.qt.export.dialog import export_snapshot

    w = main_window
    view = w.map
    seq = view.fit_bounds(*VIEW)
    with qtbot.waitSignal(view.rendered, timeout=TIMEOUT, check_params_cb=lambda s: s >= seq):
        pass
    settle_map(qtbot, view, TIMEOUT)
    shots = {}
    for name in ("on", "off"):
        if (name == "on") != relief_action(w).isChecked():
            relief_action(w).trigger()
        path = export_snapshot(w, tmp_path / f"{name}.png")
        shots[name] = pixels(QImage(str(path)))
    # the export frames the window's view at the window map's size: the same places
    assert shots["on"].shape == shots["off"].shape
    ridge = darkening(view, shots["on"], shots["off"], RIDGE)
    sea = darkening(view, shots["on"], shots["off"], SEA)
    assert ridge >= 12 and abs(sea) <= 2, (ridge, sea)
    assert texture(view, shots["on"], RIDGE) >= texture(view, shots["off"], RIDGE) + 8


def test_the_relief_is_credited_while_shown(qtbot, main_window):
    from page_support import read_page_json

    from araz.qt.map.page_json import of_type

    w = main_window
    script = "araz.map.attributionControl.getContainer().textContent"
    settle_map(qtbot, w.map, TIMEOUT)
    assert "relief: Tom Patterson" in read_page_json(w.map, script, of_type(str))
    relief_action(w).trigger()
    settle_map(qtbot, w.map, TIMEOUT)
    assert "Tom Patterson" not in read_page_json(w.map, script, of_type(str))


def test_the_relief_is_asked_for_early_and_the_first_view_never_waits_for_it(
    qtbot, monkeypatch, curated
):
    """The relief's images are asked for while the page waits for its first calls, not
    after its first view; that view is drawn and acknowledged even while they are not in
    (here never answered), and once they fail a later call is acknowledged too."""
    import time

    from PySide6.QtWebEngineCore import QWebEngineUrlRequestJob

    from araz.qt.map import MapView, scheme
    from araz.views.records import map_records

    asked: list[tuple[float, str]] = []
    held: list = []  # the relief's requests, left unanswered
    started = scheme.ArazSchemeHandler.requestStarted

    def holding(self, job) -> None:
        path = job.requestUrl().path()
        asked.append((time.perf_counter(), path))
        if "/basemap/relief-" in path:
            held.append(job)
        else:
            started(self, job)

    monkeypatch.setattr(scheme.ArazSchemeHandler, "requestStarted", holding)
    view = MapView()
    qtbot.addWidget(view)
    view.resize(900, 650)
    drawn: list[float] = []
    view.rendered.connect(lambda _seq: drawn.append(time.perf_counter()))
    view.set_style(relief=True)  # as the window does (the page draws none unless told)
    seq = view.set_events(map_records(curated))  # queued: the page is not loaded yet
    with qtbot.waitSignal(view.rendered, timeout=TIMEOUT, check_params_cb=lambda s: s >= seq):
        view.show()
    first = drawn[0]
    relief = [t for t, p in asked if "/basemap/relief-" in p]
    assert len(relief) == 2 and max(relief) < first  # asked for, unanswered, not waited for
    assert len(held) == 2
    for job in held:
        job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
    t0 = time.perf_counter()
    with qtbot.waitSignal(view.rendered, timeout=TIMEOUT):
        view.sync()
    assert time.perf_counter() - t0 < 3.0  # not held until the page gives up (4 s)
    view.close()
    view.deleteLater()
    qtbot.wait(50)
