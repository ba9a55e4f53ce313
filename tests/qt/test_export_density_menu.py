"""A snapshot draws crowds as View → Map density says, as the window's map does: the
renderer sends the window's density mode with the relief, and sends it again when the
menu changed since it last drew (one renderer kept between exports, never a picture
of the mode before)."""

from __future__ import annotations

import numpy as np
import pytest
from export_support import crowd

pytestmark = pytest.mark.gui

TIMEOUT = 30_000


def rgb(image) -> np.ndarray:
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB32)
    flat = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return flat.reshape(image.height(), image.width(), 4)[:, :, :3].astype(int)


def test_the_snapshot_follows_the_density_menu(qtbot, main_window):
    from araz.qt.export.snapshot import MapRenderer

    w = main_window
    records = crowd()
    ids = [r["id"] for r in records]
    size = {"width": 900, "height": 600, "bounds": (38.0, 32.0, 58.0, 44.0)}
    renderer = MapRenderer()
    try:
        # as a person picks it: View → Map density → Heatmap, then Hexagons
        w.density_actions["heat"].trigger()
        heat = rgb(renderer.image(records, ids, **size))
        w.density_actions["hex"].trigger()
        hexes = rgb(renderer.image(records, ids, **size))
    finally:
        renderer.close()
    # the references: a renderer's page told each mode directly before it first draws
    told = {}
    for mode in ("heat", "hex"):
        renderer = MapRenderer()
        try:
            renderer.view(1.0, (size["width"], size["height"])).set_style(density=mode)
            told[mode] = rgb(renderer.image(records, ids, **size))
        finally:
            renderer.close()
    told_heat, told_hex = told["heat"], told["hex"]
    region = (slice(80, None), slice(None))  # below any caption box

    def near(a: np.ndarray, b: np.ndarray) -> float:
        return float((np.abs(a[region] - b[region]).max(axis=2) <= 24).mean())

    # the two modes draw the crowd differently (a good part of the map)...
    assert near(told_heat, told_hex) < 0.9, near(told_heat, told_hex)
    # ...and each snapshot is the mode the menu had when it was taken: much nearer to
    # that mode's picture than to the other's (a hex grid drawn after a heatmap may sit
    # a little apart from one drawn first)
    assert near(heat, told_heat) > near(heat, told_hex) + 0.1
    assert near(hexes, told_hex) > near(hexes, told_heat) + 0.1
    assert near(heat, told_heat) > 0.97, near(heat, told_heat)
