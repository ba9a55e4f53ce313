"""What the export tests do as a person would: zoom the map with the mouse wheel, open
File → Export… from the menu, type in the dialog, press its buttons, answer its
questions; and compare pictures."""

from __future__ import annotations

import numpy as np
from map_support import settle_map, steady_map_grab, wheel_at
from page_support import read_page_json
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox

from araz.qt.map.page_json import number, numbers

TIMEOUT = 30_000
BAKU = (40.4093, 49.8671)  # lat, lon


def wheel_zoom(qtbot, window, lat: float, lon: float, notches: int) -> None:
    """Turn the mouse wheel over a place on the map, ``notches`` clicks (in: > 0), and
    wait until the map stops moving."""
    for _ in range(abs(notches)):
        x, y = read_page_json(window.map, f"araz.containerPoint({lat}, {lon})", numbers(2))
        wheel_at(qtbot, window.map, x, y, 1 if notches > 0 else -1)
    settle(qtbot, window)


def settle(qtbot, window) -> None:
    """Wait until the map's view (zoom and centre) stays put and one more frame is drawn."""
    settle_map(qtbot, window.map, TIMEOUT)


def steady_grab(qtbot, window) -> QImage:
    """A grab of the map once two grabs a painted frame apart agree."""
    return steady_map_grab(qtbot, window.map, TIMEOUT)


def zoom(window) -> float:
    return read_page_json(window.map, "araz.map.getZoom()", number)


def open_export(qtbot, window, kind: str) -> QDialog:
    """File → Export map snapshot… (kind "snapshot") or Export data… ("data")."""
    name = "export_map" if kind == "snapshot" else "export_data"
    action = window.findChild(QAction, name)
    assert action is not None and action.isEnabled()
    action.trigger()
    found: list[QDialog] = []

    def shown() -> bool:
        found[:] = [d for d in window.findChildren(QDialog, f"export_{kind}") if d.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=TIMEOUT)
    return found[0]


def type_path(qtbot, dialog, text: str) -> None:
    """Replace the dialog's file name by typing it."""
    field = dialog.path
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)
    assert field.text() == text


def press(qtbot, dialog, which=QDialogButtonBox.StandardButton.Save) -> None:
    box = dialog.findChild(QDialogButtonBox)
    button = box.button(which)
    assert button is not None and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def answer_next_question(button: QMessageBox.StandardButton, seen: list[str]) -> QTimer:
    """Once a message box comes up (modal, from inside a click), record its text and
    press ``button`` on it."""
    timer = QTimer()
    timer.setInterval(50)

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            seen.append(box.text())
            timer.stop()
            box.button(button).click()

    timer.timeout.connect(poll)
    timer.start()
    return timer


def pixels(image: QImage) -> np.ndarray:
    """The image as an H×W×3 array of ints (RGB)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    w, h = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine() // 4, 4)
    return raw[:, :w, 2::-1].astype(np.int16)  # BGRA in memory: R, G, B


def mean_difference(a: QImage, b: QImage) -> float:
    """Mean absolute difference per channel (0-255) of two images of one size."""
    assert (a.width(), a.height()) == (b.width(), b.height())
    return float(np.abs(pixels(a) - pixels(b)).mean())


def crowd() -> list[dict]:
    """4,000 events around four cities: crowded enough for density at a wide view."""
    import random

    rng = random.Random(5)
    hubs = [(40.2, 44.5), (40.4, 49.9), (38.1, 46.3), (35.7, 51.4)]
    records = []
    for i in range(4000):
        lat, lon = hubs[i % len(hubs)]
        records.append(
            {
                "id": f"e{i}",
                "title": f"Event {i}",
                "date": "2023",
                "actors": "Iran",
                "color": "#0072b2",
                "lat": lat + rng.gauss(0, 0.6),
                "lon": lon + rng.gauss(0, 0.8),
            }
        )
    return records
