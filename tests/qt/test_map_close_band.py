"""The close band (zoom 8 and more) comes as its own binary file, ``close.bin``, which the
app's page fetches only the first time a view needs it: the start's scripts do not carry
its 214 KB of JSON text, and the map drawn from the file is the very picture the band's
JSON text (``basemap.js``, the fallback) draws."""

from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("pytestqt")

from map_support import run_js, steady_map_grab, wait_rendered
from test_map_first_render import dispose, shown_map

from araz.paths import resource
from araz.qt.map.scheme import read

# Kafan and the Araz east of it: regions, towns, borders and rivers at zoom 9
KAFAN = (46.1, 39.0, 46.7, 39.4)
FROM_FILE = "!!araz.basemap.data.bands[1].countries.features[0].geometry.arazRings"


def test_start_bundles_do_not_carry_the_close_band():
    text = resource("basemap", "basemap.js").read_text(encoding="utf-8")
    basemap = json.loads(text[text.index("=") + 1 :].strip().rstrip(";"))
    close = basemap["bands"][1]
    assert close["name"] == "close"
    bundles = read("/web/bundle/1.js")[0] + read("/web/bundle/2.js")[0]
    assert b'"binary":"close.bin"' in bundles
    # no part of the band's JSON text (as basemap.js escapes it in its string)
    escaped = json.dumps(close["json"])[1:-1]
    for at in (0, len(escaped) // 2, len(escaped) - 300):
        assert escaped[at : at + 200].encode() not in bundles
    assert len(bundles) < 600_000, len(bundles)


def zoomed_in(qtbot, view) -> None:
    wait_rendered(qtbot, view, view.fit_bounds(*KAFAN))
    wait_rendered(qtbot, view, view.sync())
    assert run_js(qtbot, view, "araz.map.getZoom()") >= 9
    assert run_js(qtbot, view, "araz.basemap.current.name") == "close"
    assert run_js(qtbot, view, "araz.basemap.detailState") == 2  # regions and towns in


def test_close_band_from_its_file_draws_the_same_map_as_its_json_text(qtbot, monkeypatch, tmp_path):
    view = shown_map(qtbot)
    zoomed_in(qtbot, view)
    assert run_js(qtbot, view, FROM_FILE) is True
    from_file = steady_map_grab(qtbot, view)
    dispose(qtbot, view)

    # without close.bin: the page reads the band's JSON text from basemap.js
    names = ("start.js", "labels.js", "regional.bin", "basemap.js", "world.js", "detail.json")
    for name in names:
        shutil.copy(resource("basemap", name), tmp_path / name)
    monkeypatch.setenv("ARAZ_BASEMAP_DIR", str(tmp_path))
    view = shown_map(qtbot)
    zoomed_in(qtbot, view)
    assert run_js(qtbot, view, FROM_FILE) is False
    from_json = steady_map_grab(qtbot, view)
    dispose(qtbot, view)
    assert from_file.size() == from_json.size()
    # every pixel, the towns' credit included (the detail comes before the band's text
    # here: the band, once in, shows it)
    assert from_file == from_json
