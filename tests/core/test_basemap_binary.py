"""The regional band's binary file (packaging/basemap_binary.py) holds exactly the band of
basemap.js, and the encoder refuses what it could not give back exactly."""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import basemap_binary  # noqa: E402

BASEMAP = ROOT / "resources" / "basemap"


@pytest.fixture(scope="module")
def regional() -> dict:
    return basemap_binary.regional_from_basemap_js(
        (BASEMAP / "basemap.js").read_text(encoding="utf-8")
    )


def test_committed_file_is_the_regional_band_of_basemap_js(regional):
    data = (BASEMAP / basemap_binary.NAME).read_bytes()
    band = basemap_binary.decode(data)
    assert (band["name"], band["minZoom"], band["maxZoom"]) == ("regional", 0, 7)
    for layer in basemap_binary.LAYERS:
        # every feature, property and coordinate equal (the same doubles as the JSON's)
        assert band[layer] == regional[layer], layer
    # and it is what the encoder makes of that band today (rebuilt, not hand-edited)
    assert basemap_binary.encode(regional, 3) == data


def test_committed_close_file_is_the_close_band_of_basemap_js():
    text = (BASEMAP / "basemap.js").read_text(encoding="utf-8")
    close = basemap_binary.band_from_basemap_js(text, "close")
    data = (BASEMAP / basemap_binary.FILES["close"]).read_bytes()
    band = basemap_binary.decode(data)
    assert (band["name"], band["minZoom"], band["maxZoom"]) == ("close", 8, 19)
    for layer in basemap_binary.LAYERS:
        assert band[layer] == close[layer], layer
    assert basemap_binary.encode(close, 5) == data
    assert len(data) < 0.5 * len(json.dumps({k: close[k] for k in basemap_binary.LAYERS}))


def test_start_scripts_are_basemap_js_without_the_bands_texts():
    """start.js and labels.js (the app page's basemap scripts) are basemap.js less the
    bands' JSON texts, each naming its binary file instead, its labels apart; all else
    the same."""
    text = (BASEMAP / "basemap.js").read_text(encoding="utf-8")
    start = (BASEMAP / basemap_binary.START).read_text(encoding="utf-8")
    labels = (BASEMAP / basemap_binary.LABELS).read_text(encoding="utf-8")
    assert (start, labels) == basemap_binary.start_js(text)  # rebuilt, not hand-edited
    for script, prefix in ((start, basemap_binary.PREFIX), (labels, basemap_binary.LABELS_PREFIX)):
        assert script.startswith(prefix) and script.endswith(";\n")
    full = json.loads(text[text.index("=") + 1 :].strip().rstrip(";"))
    light = json.loads(start[len(basemap_binary.PREFIX) :].strip().rstrip(";"))
    assert light["bands"] == [
        {"name": "regional", "minZoom": 0, "maxZoom": 7, "binary": "regional.bin"},
        {"name": "close", "minZoom": 8, "maxZoom": 19, "binary": "close.bin"},
    ]
    for band in full["bands"]:
        del band["json"]
        band["binary"] = basemap_binary.FILES[band["name"]]
    assert json.loads(labels[len(basemap_binary.LABELS_PREFIX) :].strip().rstrip(";")) == full.pop(
        "labels"
    )
    assert light == full
    assert len(start) + len(labels) < len(text) / 20


def test_layout_header_index_and_int32_vertices(regional):
    data = basemap_binary.encode(regional, 3)
    assert data[:4] == b"ARZB"
    version, length = struct.unpack_from("<II", data, 4)
    assert version == 1 and length % 4 == 0
    index = json.loads(data[12 : 12 + length])
    vertices = index["vertices"]
    assert len(data) == 12 + length + 8 * vertices
    # the first vertex: the first country's first ring's first point
    geometry = regional["countries"]["features"][0]["geometry"]
    ring = geometry["coordinates"][0]
    if geometry["type"] == "MultiPolygon":
        ring = ring[0]
    lon, lat = ring[0]
    assert struct.unpack_from("<2i", data, 12 + length) == (round(lon * 1000), round(lat * 1000))


def test_decode_rebuilds_each_geometry_type():
    band = {"name": "t", "minZoom": 0, "maxZoom": 1}
    shapes = {
        "countries": [
            ("Polygon", [[[1.5, 2.25], [3.0, 4.0], [5.125, 2.0], [1.5, 2.25]]]),
            (
                "MultiPolygon",
                [[[[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]], [[[9.0, 9.0], [8.0, 9.0], [9.0, 8.5]]]],
            ),
        ],
        "borders": [("LineString", [[10.0, -20.5], [11.001, -21.0]])],
        "rivers": [("MultiLineString", [[[1.0, 1.0], [2.0, 2.0]], [[3.0, 3.0], [4.0, 4.5]]])],
        "lakes": [],
    }
    for layer, rows in shapes.items():
        band[layer] = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": f"{layer} {k}", "major": k == 1},
                    "geometry": {"type": kind, "coordinates": coords},
                }
                for k, (kind, coords) in enumerate(rows)
            ],
        }
    back = basemap_binary.decode(basemap_binary.encode(band, 3))
    for layer in basemap_binary.LAYERS:
        assert back[layer] == band[layer]


def test_encoder_refuses_more_decimals_than_it_keeps():
    band = {"name": "t", "minZoom": 0, "maxZoom": 1, "borders": {"features": []}}
    band["countries"] = band["rivers"] = band["lakes"] = {"features": []}
    band["borders"] = {
        "features": [
            {
                "properties": {},
                "geometry": {"type": "LineString", "coordinates": [[1.0, 2.0], [1.00049, 2.0]]},
            }
        ]
    }
    with pytest.raises(ValueError, match="3-decimal"):
        basemap_binary.encode(band, 3)
    with pytest.raises(ValueError, match="not an Araz basemap band"):
        basemap_binary.decode(b"JUNK" + bytes(8))
