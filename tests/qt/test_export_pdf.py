"""The map's PDF embeds only what shows: each canvas of the page (basemap, river
highlight, density, events) is larger than the map so that a pan shows drawn pixels at
once; printed, the map's canvases are one opaque picture of the map's area, with the
events' pixels that lie over labels printed over them in pieces (they show over the
labels), and a blank canvas is left out (resources/web/map-print.js).  The printed map
is the map on screen, and the page is put back as it was after printing."""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pytest
from export_support import crowd

from support import require_tool

pytestmark = pytest.mark.gui


def rgb(image) -> np.ndarray:
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB32)
    flat = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return flat.reshape(image.height(), image.width(), 4)[:, :, :3].astype(int)


def test_the_map_pdf_embeds_the_map_once_and_the_page_comes_back(tmp_path, qapp):
    require_tool("pdfimages", "poppler-utils")
    require_tool("pdftoppm", "poppler-utils")
    from PySide6.QtGui import QImage

    from araz.export import select
    from araz.io import read_path
    from araz.paths import default_dataset
    from araz.qt.export.snapshot import MapRenderer, page_size_px, write_snapshot
    from araz.views.records import map_records

    ds = read_path(default_dataset()).dataset
    records, ids = map_records(ds), select(ds).shown_ids
    width, height = page_size_px("a4")
    renderer = MapRenderer()
    try:
        # the map as the PDF frames it (the PDF's caption box aside): on screen, before
        screen = renderer.image(records, ids, width=width, height=height, legend=True)
        out = tmp_path / "map.pdf"
        write_snapshot(renderer, ds, ids, out, records=records, title="T")
        after = renderer.image(records, ids, width=width, height=height, legend=True)
    finally:
        renderer.close()
    listed = subprocess.run(
        ["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True
    ).stdout
    sizes = [
        tuple(map(int, m)) for m in re.findall(r"^\s*1\s+\d+\s+\w+\s+(\d+)\s+(\d+)", listed, re.M)
    ]
    assert sizes, listed
    # no image larger than the page (the canvases are half a view larger on each side)
    assert all(w <= width + 1 and h <= height + 1 for w, h in sizes), listed
    # what lies under the labels as one opaque picture of the map's size (no alpha
    # mask), and the events' pieces that lie over labels, each with its alpha mask: the
    # map's pixels embedded once (six canvases with their masks before, 3.5 times the
    # map's pixels; the events' whole drawn box then, 1.3 times)
    rows = re.findall(r"^\s*1\s+\d+\s+(\w+)\s+(\d+)\s+(\d+)", listed, re.M)
    images = [(int(w), int(h)) for kind, w, h in rows if kind == "image"]
    masks = [(int(w), int(h)) for kind, w, h in rows if kind == "smask"]
    assert len(images) - len(masks) == 1, listed
    assert max(images, key=lambda s: s[0] * s[1]) in {(width, height), (width, height - 1)}
    assert sum(w * h for w, h in images) <= 1.15 * width * height, listed

    subprocess.run(["pdftoppm", "-r", "96", "-png", str(out), str(tmp_path / "page")], check=True)
    printed = rgb(QImage(str(tmp_path / "page-1.png")))
    shown = rgb(screen)
    h, w = min(printed.shape[0], shown.shape[0]), min(printed.shape[1], shown.shape[1])
    # below the caption box (top left): the printed map is the map on screen, pixel for
    # pixel but for text and edge antialiasing
    region = (slice(140, h), slice(0, w))
    near = (np.abs(printed[region] - shown[region]).max(axis=2) <= 40).mean()
    assert near > 0.95, near
    # a map, not a blank page
    assert len(np.unique(printed[region].reshape(-1, 3), axis=0)) > 50

    # printing put the page back: the picture as before it (the PDF's caption box, top
    # left, taken off again, aside), not a map whose canvases stayed hidden or cut.
    # Compared over 8 px blocks: the same view drawn again after another one (the PDF's
    # page) may sit a fraction of a pixel apart, which moves every line's antialiasing
    # (8 % of the pixels) but no block's mean by much; a hidden or cut canvas moves half
    # of them.
    def blocks(a: np.ndarray) -> np.ndarray:
        h, w = a.shape[0] // 8 * 8, a.shape[1] // 8 * 8
        return a[:h, :w].reshape(h // 8, 8, w // 8, 8, 3).mean(axis=(1, 3))

    moved = np.abs(blocks(rgb(after)[region]) - blocks(shown[region])).max(axis=2)
    assert (moved <= 12).mean() > 0.99, (moved <= 12).mean()


def test_a_heatmap_prints_as_the_map_shows_it(tmp_path, qtbot):
    """The heatmap's canvas is a third of the map's size each way, shown scaled up:
    printed, it is laid under the labels at the size it shows."""
    require_tool("pdftoppm", "poppler-utils")
    from PySide6.QtGui import QImage

    from araz.qt.export.snapshot import MapRenderer, page_size_px

    records = crowd()
    ids = [r["id"] for r in records]
    width, height = page_size_px("a4")
    renderer = MapRenderer()
    try:
        view = renderer.view(1.0, (width, height))
        view.set_style(density="heat")
        heat = renderer.image(records, ids, width=width, height=height, legend=True)
        data = renderer.pdf_bytes(records, ids, caption=("T", ""))
        seq = view.set_style(density="points")
        with qtbot.waitSignal(view.rendered, check_params_cb=lambda s: s >= seq, timeout=30_000):
            pass
        points = renderer.image(records, ids, width=width, height=height, legend=True)
    finally:
        renderer.close()
    out = tmp_path / "heat.pdf"
    out.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "96", "-png", str(out), str(tmp_path / "page")], check=True)
    printed, shown, bare = rgb(QImage(str(tmp_path / "page-1.png"))), rgb(heat), rgb(points)
    h, w = min(printed.shape[0], shown.shape[0]), min(printed.shape[1], shown.shape[1])
    region = (slice(140, h), slice(0, w))
    # the heatmap covers a good part of the map (it is not the map with points)...
    assert (np.abs(shown[region] - bare[region]).max(axis=2) > 30).mean() > 0.05
    # ...and the printed page shows it as the map does
    near = (np.abs(printed[region] - shown[region]).max(axis=2) <= 40).mean()
    assert near > 0.95, near
