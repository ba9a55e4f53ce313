"""Snapshots, PDF, sheet and the HTML in Chromium (subprocesses, headless), and the
export dialog through the real main window."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import require_tool

pytestmark = pytest.mark.gui

TEHRAN = (35.6892, 51.3890)  # lat, lon
BBOX = (50.4, 35.0, 52.4, 36.4)  # W, S, E, N around Tehran
IRAN = (0xD5, 0x5E, 0x00)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def araz(*args, cwd=None):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    # this checkout's araz, not the one installed in the environment
    app = str(Path(__file__).resolve().parents[2] / "app")
    env["PYTHONPATH"] = os.pathsep.join([app, env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "araz", *args], capture_output=True, text=True, env=env,
        cwd=cwd, timeout=180,
    )  # fmt: skip


def merc(lon: float, lat: float) -> tuple[float, float]:
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def pixel_of(lat, lon, bbox, width, height):
    """Where a place lands when ``bbox`` is framed exactly in width×height."""
    w, s, e, n = bbox
    x0, y0 = merc(w, s)
    x1, y1 = merc(e, n)
    k = min(width / (x1 - x0), height / (y1 - y0))
    x, y = merc(lon, lat)
    return width / 2 + (x - (x0 + x1) / 2) * k, height / 2 - (y - (y0 + y1) / 2) * k


def count_colour(image, cx, cy, rgb, radius=30, tol=10):
    n = 0
    for y in range(int(cy) - radius, int(cy) + radius):
        for x in range(int(cx) - radius, int(cx) + radius):
            c = image.pixelColor(x, y)
            if all(
                abs(a - b) < tol for a, b in zip((c.red(), c.green(), c.blue()), rgb, strict=True)
            ):
                n += 1
    return n


def test_snapshot_pixels_follow_the_actor_filter(tmp_path, qapp):
    from PySide6.QtGui import QImage

    bbox = ",".join(str(v) for v in BBOX)
    found = {}
    for actor in ("Iran", "Armenia"):
        out = tmp_path / f"{actor}.png"
        r = araz("snapshot", "-o", str(out), "--actor", actor, "--bbox", bbox, "--size", "800x560")
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == str(out)
        image = QImage(str(out))
        assert (image.width(), image.height()) == (800, 560)
        x, y = pixel_of(*TEHRAN, BBOX, 800, 560)
        found[actor] = count_colour(image, x, y, IRAN)
    assert found["Iran"] > 40
    assert found["Armenia"] == 0


def test_snapshot_scale_2_doubles_pixels(tmp_path, qapp):
    from PySide6.QtGui import QImage

    out = tmp_path / "big.png"
    bbox = ",".join(str(v) for v in BBOX)
    r = araz("snapshot", "-o", str(out), "--bbox", bbox, "--size", "400x280", "--scale", "2")
    assert r.returncode == 0, r.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (800, 560)
    x, y = pixel_of(*TEHRAN, BBOX, 800, 560)
    assert count_colour(image, x, y, IRAN, radius=50) > 100


def test_bbox_without_size_is_exactly_the_box(tmp_path):
    from araz.cli.export import mercator_height

    assert mercator_height(1600, (44.0, 35.0, 52.0, 41.0)) == pytest.approx(1524, abs=2)


@pytest.mark.parametrize("sheet", [False, True])
def test_pdf_renders_and_holds_the_title(tmp_path, sheet):
    require_tool("pdftoppm", "poppler-utils")
    require_tool("pdftotext", "poppler-utils")
    out = tmp_path / "map.pdf"
    title = "Araz export test title"
    args = ["snapshot", "-o", str(out), "--title", title, "--actor", "Iran"]
    r = araz(*args, *(["--sheet"] if sheet else []))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert title in text
    if sheet:
        assert "Actors: Iran" in text and "Made with Natural Earth" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True)
    from PySide6.QtGui import QImage

    page = QImage(str(tmp_path / "page-1.png"))
    assert page.width() > page.height() > 100  # landscape
    colours = {
        page.pixel(x, y) for x in range(0, page.width(), 7) for y in range(0, page.height(), 7)
    }
    assert len(colours) > 50  # a map, not a blank page


def test_sheet_png(tmp_path, qapp):
    from PySide6.QtGui import QImage

    out = tmp_path / "sheet.png"
    r = araz("snapshot", "-o", str(out), "--sheet", "--actor", "Iran", "--size", "1600x1000")
    assert r.returncode == 0, r.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 1000)
    assert image.pixelColor(5, 5).name() == "#ffffff"  # paper


def test_snapshot_errors_one_line(tmp_path):
    for args, message in (
        (["-o", "x.jpg"], "must end in .png or .pdf"),
        (["-o", "x.png", "--size", "big"], "WIDTHxHEIGHT"),
        (["-o", "x.png", "--actor", "Narnia"], "no actor named"),
        (["-o", str(tmp_path / "no" / "x.png")], "does not exist"),
        (["-o", "x.png", "--bbox", "10,10,5,20"], "W < E"),
    ):
        r = araz("snapshot", *args, cwd=tmp_path)
        assert r.returncode != 0
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], r.stderr


def test_html_opens_offline_in_chromium(tmp_path):
    require_tool("chromium", "chromium")
    out = tmp_path / "map.html"
    r = araz("export", "-o", str(out), "--title", "Offline </script> map")
    assert r.returncode == 0, r.stderr
    log = tmp_path / "net.log"
    run = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
            "--disable-sync", "--disable-default-apps", "--metrics-recording-only",
            "--disable-features=NetworkTimeServiceQuerying",
            f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={log}",
            "--virtual-time-budget=5000", "--dump-dom", out.as_uri(),
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    dom = run.stdout
    assert 'data-araz-ready="1"' in dom, run.stderr[-2000:]
    assert 'data-araz-drawn="1"' in dom  # the app's page drew the embedded calls
    assert "leaflet-container" in dom
    assert "<script>alert" not in dom
    # nothing the page asked for left the file (the net log lists every request; the
    # browser's own housekeeping is initiated by 'not an origin')
    events = json.loads(log.read_text(encoding="utf-8") or "{}") if log.exists() else {}
    page_urls = set()
    for ev in events.get("events", []):
        params = ev.get("params") or {}
        url = params.get("url")
        initiator = params.get("initiator")
        if isinstance(url, str) and initiator not in (None, "not an origin"):
            page_urls.add(url)
    outside = {u for u in page_urls if not u.startswith(("file:", "data:", "blob:"))}
    assert not outside, outside


def test_dialog_exports_png_and_csv(main_window, tmp_path, qtbot):
    from PySide6.QtGui import QImage

    from araz.qt.export.dialog import ExportDialog

    main_window.model.update_filter(actors=main_window.model.dataset.expand_actors(["Iran"]))
    shot = ExportDialog(main_window, "snapshot")
    shot.path.setText(str(tmp_path / "view.png"))
    out = shot.export()
    image = QImage(str(out))
    web = main_window.map.web_view()
    assert (image.width(), image.height()) == (web.width(), web.height())
    shot.scale.setCurrentIndex(shot.scale.findData(2.0))
    out2 = shot.export()
    image2 = QImage(str(out2))
    assert (image2.width(), image2.height()) == (2 * web.width(), 2 * web.height())

    data = ExportDialog(main_window, "data")
    data.format.setCurrentIndex(data.format.findData(".csv"))
    data.path.setText(str(tmp_path / "shown.csv"))
    csv_path = data.export()
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) - 1 == int(main_window.model.mask.sum())

    # the choices and the folder are remembered
    again = ExportDialog(main_window, "snapshot")
    assert again.scale.currentData() == 2.0
    assert Path(again.path.text()).parent == tmp_path
    again.deleteLater()
    shot.deleteLater()
    data.deleteLater()


def test_dialog_refuses_the_loaded_dataset(main_window, tmp_path):
    from araz.export import ExportError
    from araz.qt.export.dialog import export_data

    main_window.dataset_path = tmp_path / "loaded.csv"
    (tmp_path / "loaded.csv").write_text("keep", encoding="utf-8")
    with pytest.raises(ExportError, match="will not overwrite"):
        export_data(main_window, tmp_path / "loaded.csv")
    assert (tmp_path / "loaded.csv").read_text(encoding="utf-8") == "keep"


def test_headless_commands_keep_qt_chatter_off_the_terminal(tmp_path):
    """Qt and Chromium warnings (no GPU, no D-Bus…) go to the log file, not stderr."""
    import os
    import subprocess
    import sys

    out = tmp_path / "map.png"
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-m", "araz", "snapshot", "-o", str(out), "--size", "400x300"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    assert proc.stderr.strip() == ""
    assert (tmp_path / "state" / "araz" / "araz.log").exists()


def test_dialog_offers_and_writes_geopackage(main_window, tmp_path, qtbot):
    import geopandas as gpd
    from PySide6.QtWidgets import QDialogButtonBox

    from araz.export.data import EXPORT_SUFFIXES
    from araz.qt.export.dialog import ExportDialog

    model = main_window.model
    model.update_filter(actors=model.dataset.expand_actors(["Iran"]))
    shown = [e.id for e, m in zip(model.dataset.events, model.mask, strict=True) if m]
    assert 0 < len(shown) < len(model.dataset)
    data = ExportDialog(main_window, "data")
    offered = [data.format.itemData(i) for i in range(data.format.count())]
    assert sorted(offered) == sorted(EXPORT_SUFFIXES)  # every format the writers know
    data.path.setText(str(tmp_path / "shown.csv"))
    data.format.setCurrentIndex(data.format.findText("GeoPackage"))
    assert data.path.text() == str(tmp_path / "shown.gpkg")  # the name follows the format
    data.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    out = tmp_path / "shown.gpkg"
    assert out.is_file() and data.result() == data.DialogCode.Accepted
    frame = gpd.read_file(out)
    assert list(frame["id"]) == shown
    assert frame.crs.to_epsg() == 4326
    assert main_window.statusBar().currentMessage() == f"Exported {out}"
    again = ExportDialog(main_window, "data")  # the format is remembered
    assert again.format.currentData() == ".gpkg"
    again.deleteLater()
    data.deleteLater()


def test_dialog_offers_and_writes_kml(main_window, tmp_path, qtbot):
    import xml.etree.ElementTree as ET

    from PySide6.QtWidgets import QDialogButtonBox

    from araz.qt.export.dialog import ExportDialog
    from araz.views.records import map_record

    ds = main_window.model.dataset
    unplaced = [e.id for e in ds.events if map_record(ds, e) is None]
    assert unplaced  # the bundled data has events the KML leaves out
    data = ExportDialog(main_window, "data")
    data.path.setText(str(tmp_path / "all.csv"))
    data.format.setCurrentIndex(data.format.findText("KML (Google Earth)"))
    assert data.path.text() == str(tmp_path / "all.kml")
    data.title.setText("Araz & <friends>")
    data.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    out = tmp_path / "all.kml"
    assert out.is_file() and data.result() == data.DialogCode.Accepted
    ns = "{http://www.opengis.net/kml/2.2}"
    doc = ET.parse(out).getroot().find(f"{ns}Document")
    assert doc.findtext(f"{ns}name") == "Araz & <friends>"
    ids = [m.findtext(f"{ns}ExtendedData/{ns}Data[@name='id']/{ns}value") for m in doc]
    ids = [i for i in ids if i is not None]
    assert ids == [e.id for e in ds.events if e.id not in unplaced]
    message = main_window.statusBar().currentMessage()
    assert message == (
        f"Exported {out} ({len(unplaced)} shown events without a place left out of the KML)"
    )
    data.deleteLater()


def test_dialog_html_map_is_coloured_as_the_window(main_window, tmp_path, qtbot):
    """View → Colour by → Category, then File → Export data… → HTML: the standalone map's
    legend and colours are the categories', as on screen (main actors before)."""
    import json
    import re

    from PySide6.QtWidgets import QDialogButtonBox

    from araz.qt.export.dialog import ExportDialog

    def export_legend(name: str) -> dict:
        data = ExportDialog(main_window, "data")
        data.path.setText(str(tmp_path / name))
        data.format.setCurrentIndex(data.format.findText("Standalone HTML map"))
        data.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        text = (tmp_path / name).read_text(encoding="utf-8")
        data.deleteLater()
        found = re.search(
            r'<script id="araz-data" type="application/json">(.*?)</script>', text, re.S
        )
        assert found
        doc = json.loads(found.group(1))
        colors = next(c for c in doc["commands"] if c["op"] == "colors")
        return colors["legend"]

    assert export_legend("before.html")["title"] == "Main actor"
    view = next(a.menu() for a in main_window.menuBar().actions() if a.text() == "&View")
    sub = next(a.menu() for a in view.actions() if a.menu() and a.text() == "&Colour by")
    next(a for a in sub.actions() if a.objectName() == "colour_by_category").trigger()
    legend = export_legend("after.html")
    assert legend["title"] == "Colour: Category"
    categories = {row[0] for row in legend["rows"]}
    assert categories & set(main_window.model.dataset.categories)
