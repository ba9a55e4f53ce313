"""The standalone HTML map (``araz export -o x.html``) in headless Chromium: it draws with
the app's own page (events at one place spread into separate markers, the colour legend,
the caption with the filter in words), asks for nothing outside the file, and keeps
hostile titles as text; ``--colour-by`` colours it (and ``araz snapshot``) as View →
Colour by does.  Pixels of real screenshots, not page state."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from test_export_qt import CHROMIUM, araz, pixel_of

from support import require_tool

pytestmark = pytest.mark.gui
HOSTILE = Path(__file__).resolve().parent / "hostile" / "hostile.yaml"
SIZE = (1000, 700)


def chromium(page: Path, tmp_path: Path, *mode: str) -> tuple[str, set[str]]:
    """Open ``page`` in headless Chromium (``mode``: --dump-dom or --screenshot=PNG);
    its stdout and the URLs the page asked for (from the net log)."""
    require_tool("chromium", "chromium")
    log = tmp_path / f"net{len(list(tmp_path.glob('net*')))}.log"
    run = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
            "--disable-sync", "--disable-default-apps", "--metrics-recording-only",
            "--disable-features=NetworkTimeServiceQuerying",
            f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={log}",
            f"--window-size={SIZE[0]},{SIZE[1]}", "--virtual-time-budget=5000",
            *mode, page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    events = json.loads(log.read_text(encoding="utf-8") or "{}") if log.exists() else {}
    asked = set()
    for ev in events.get("events", []):
        params = ev.get("params") or {}
        url, initiator = params.get("url"), params.get("initiator")
        if isinstance(url, str) and initiator not in (None, "not an origin"):
            asked.add(url)
    return run.stdout, asked


def screenshot(page: Path, tmp_path: Path):
    from PySide6.QtGui import QImage

    png = tmp_path / (page.stem + ".png")
    _, asked = chromium(page, tmp_path, f"--screenshot={png}")
    image = QImage(str(png))
    assert (image.width(), image.height()) == SIZE
    return image, asked


def part(dom: str, start: str) -> str:
    """The DOM's element from ``start`` (an attribute) on, up to the next script."""
    assert start in dom, start
    return dom.split(start, 1)[1].split("<script", 1)[0]


def outside(asked: set[str]) -> set[str]:
    return {u for u in asked if not u.startswith(("file:", "data:", "blob:"))}


def blobs(image, cx: float, cy: float, colours: set[str], radius: int = 40, tol: int = 14):
    """Separate patches (4-connected) of pixels near any of ``colours`` around (cx, cy)."""
    rgbs = [tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in colours]
    x0, y0 = int(cx) - radius, int(cy) - radius
    hit = set()
    for y in range(y0, y0 + 2 * radius):
        for x in range(x0, x0 + 2 * radius):
            p = image.pixelColor(x, y)
            rgb = (p.red(), p.green(), p.blue())
            if any(all(abs(a - b) < tol for a, b in zip(rgb, c, strict=True)) for c in rgbs):
                hit.add((x, y))
    patches = 0
    while hit:
        patches += 1
        todo = [hit.pop()]
        while todo:
            x, y = todo.pop()
            for q in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if q in hit:
                    hit.remove(q)
                    todo.append(q)
    return patches


def drawn_near(image, cx: float, cy: float, colour: str, radius: int = 3) -> bool:
    """Whether a line of ``colour`` passes within ``radius`` px of (cx, cy): a pixel there
    is well on the way from the ground (the commonest colour around) to that colour (a
    thin line is blended with the ground it crosses)."""
    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    around = Counter()
    for y in range(int(cy) - 3 * radius, int(cy) + 3 * radius + 1):
        for x in range(int(cx) - 3 * radius, int(cx) + 3 * radius + 1):
            around[image.pixelColor(x, y).rgb()] += 1
    ground = image.pixelColor(0, 0).fromRgb(around.most_common(1)[0][0])
    ground_rgb = (ground.red(), ground.green(), ground.blue())

    def dist(a, b) -> float:
        return sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5

    far = dist(ground_rgb, want)
    for y in range(int(cy) - radius, int(cy) + radius + 1):
        for x in range(int(cx) - radius, int(cx) + radius + 1):
            c = image.pixelColor(x, y)
            if dist((c.red(), c.green(), c.blue()), want) < 0.75 * far:
                return True
    return False


def three_at_one_place():
    """(lat, lon, the events' colours) of a place of the bundled story with 3 events."""
    from araz.io import read_path
    from araz.paths import default_dataset
    from araz.views.records import map_records

    records = map_records(read_path(default_dataset()).dataset)
    places = Counter((r["lat"], r["lon"]) for r in records)
    lat, lon = next(p for p, n in places.most_common() if n == 3)
    return lat, lon, {r["color"] for r in records if (r["lat"], r["lon"]) == (lat, lon)}


def test_three_events_at_one_place_are_three_markers_with_legend_and_caption(tmp_path, qapp):
    lat, lon, colours = three_at_one_place()
    bbox = (lon - 0.6, lat - 0.4, lon + 0.6, lat + 0.4)
    out = tmp_path / "story.html"
    r = araz(
        "export", "-o", str(out), "--bbox", ",".join(map(str, bbox)),
        "--title", "Offline </script> map", "--from", "2020",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    image, asked = screenshot(out, tmp_path)
    x, y = pixel_of(lat, lon, bbox, *SIZE)
    assert blobs(image, x, y, colours) == 3  # the old export: one marker
    dom, asked_too = chromium(out, tmp_path, "--dump-dom")
    assert 'data-araz-drawn="1"' in dom
    caption = part(dom, 'id="araz-export-caption"')
    assert "Offline &lt;/script&gt; map" in caption  # the title, as text
    assert "2020-01-01 – …" in caption  # the filter in words
    assert "on the map" in caption
    legend = part(dom, 'class="araz-colour-legend')
    assert "Main actor" in legend and "Iran" in legend and "Azerbaijan" in legend
    assert not outside(asked | asked_too), asked | asked_too


def test_hostile_titles_stay_text(tmp_path):
    out = tmp_path / "hostile.html"
    r = araz("export", "-o", str(out), "--dataset", str(HOSTILE))
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("</script>") == text.count("<script")
    dom, asked = chromium(out, tmp_path, "--dump-dom")
    assert 'data-araz-drawn="1"' in dom
    caption = part(dom, 'id="araz-export-caption"')
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in caption  # the title, as text
    assert "<script>alert" not in dom
    assert not outside(asked), asked


def test_html_colour_by_category_lists_the_categories(tmp_path):
    out = tmp_path / "category.html"
    r = araz("export", "-o", str(out), "--colour-by", "category")
    assert r.returncode == 0, r.stderr
    dom, _ = chromium(out, tmp_path, "--dump-dom")
    legend = part(dom, 'class="araz-colour-legend')
    assert "Colour: Category" in legend and "diplomatic" in legend
    acled = Path(__file__).resolve().parents[1] / "data" / "samples"
    sized = tmp_path / "sized.html"
    r = araz(
        "export", "-o", str(sized), "--size-by", "fatalities",
        "--dataset", str(acled / "acled_legacy_uppercase_hdx_fixture.csv"),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    dom, _ = chromium(sized, tmp_path, "--dump-dom")
    assert 'data-araz-drawn="1"' in dom
    assert "Size: fatalities, marker area in proportion" in part(dom, 'araz-legend-size">')
    r = araz("export", "-o", str(tmp_path / "x.html"), "--colour-by", "nope")
    assert r.returncode == 2 and "can be coloured by main_actor, category" in r.stderr


def many_places(tmp_path: Path) -> Path:
    """An ACLED file of 1,500 events at 1,500 places (above the page's density threshold)."""
    sample = Path(__file__).resolve().parents[1] / "data" / "samples"
    head, row = (sample / "acled_legacy_uppercase_hdx_fixture.csv").read_text().splitlines()[:2]
    cells = row.split(",")
    lines = [head]
    for i in range(1500):
        cells[1] = f"{i}X"
        cells[19], cells[20] = f"{34 + (i % 50) * 0.1:.3f}", f"{2 + (i // 50) * 0.1:.3f}"
        lines.append(",".join(cells))
    data = tmp_path / "many.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data


def test_many_places_draw_as_density_with_its_legend(tmp_path):
    """1,500 events at 1,500 places: the app's page draws hexagon bins and their legend
    (points above its threshold would hide the map), in the export too."""
    data = many_places(tmp_path)
    out = tmp_path / "many.html"
    r = araz("export", "-o", str(out), "--dataset", str(data))
    assert r.returncode == 0, r.stderr
    dom, asked = chromium(out, tmp_path, "--dump-dom")
    assert 'data-araz-drawn="1"' in dom
    legend = part(dom, 'class="araz-legend leaflet-control"')
    assert "Events per hexagon" in legend and "1,500 events in view" in legend
    assert not outside(asked), asked


def test_the_density_choice_of_the_view_menu_draws_the_export_alike(tmp_path):
    """View → Map density: a heatmap (its legend says so) or points only (no density
    legend; the markers are drawn), as the window draws them."""
    from araz.export.html import write_html
    from araz.io import read_path

    ds = read_path(many_places(tmp_path)).dataset
    heat = write_html(ds, None, tmp_path / "heat.html", density="heat")
    dom, asked = chromium(heat, tmp_path, "--dump-dom")
    legend = part(dom, 'class="araz-legend leaflet-control"')
    assert "Events nearby (heatmap)" in legend and "1,500 events in view" in legend
    points = write_html(ds, None, tmp_path / "points.html", density="points", outlines=True)
    dom, asked_too = chromium(points, tmp_path, "--dump-dom")
    assert 'data-araz-drawn="1"' in dom
    assert '"op":"style","density":"points","outlines":true' in points.read_text("utf-8")
    assert "araz-legend-title" not in part(dom, 'class="araz-legend leaflet-control"')
    assert "Main actor" in part(dom, 'class="araz-colour-legend')
    assert not outside(asked | asked_too), asked | asked_too
    with pytest.raises(ValueError, match="density"):
        write_html(ds, None, tmp_path / "x.html", density="bins")


def test_a_click_opens_the_popup_with_a_hostile_title_as_text(tmp_path, qtbot):
    """The static bridge answers a click as the app does: the event is selected and its
    popup opens, its title set as text (the page's own card)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineWidgets import QWebEngineView

    out = tmp_path / "hostile.html"
    assert araz("export", "-o", str(out), "--dataset", str(HOSTILE)).returncode == 0
    view = QWebEngineView()
    qtbot.addWidget(view)
    view.resize(*SIZE)
    view.show()

    def js(script: str):
        box: list = []
        view.page().runJavaScript(f"JSON.stringify({script})", 0, box.append)
        qtbot.waitUntil(lambda: bool(box), timeout=10_000)
        return json.loads(box[0]) if box[0] else None

    view.load(QUrl.fromLocalFile(str(out)))
    qtbot.waitUntil(lambda: js("document.body && document.body.dataset.arazDrawn") == "1")
    point = js(
        "(function(){for (var i = 0; i < araz.events.n; i++)"
        " if (araz.events.drawn[i] === 1) return araz.markerPoint(i); return null;})()"
    )
    assert point is not None
    js(
        "(function(){var c = araz.map.getContainer(), r = c.getBoundingClientRect();"
        f"c.dispatchEvent(new MouseEvent('click', {{bubbles: true, clientX: r.left + {point[0]},"
        f" clientY: r.top + {point[1]}}})); return null;}})()"
    )
    qtbot.waitUntil(lambda: js("!!document.querySelector('.leaflet-popup .araz-title')"))
    title = js("document.querySelector('.leaflet-popup .araz-title').textContent")
    assert "<" in title  # the hostile markup, shown as its characters
    assert js("document.querySelectorAll('.leaflet-popup script, .leaflet-popup img').length") == 0
    assert js("araz.events.selected") >= 0  # selected through the static bridge
    view.close()


def region_points(bbox, size) -> list[tuple[float, float]]:
    """The basemap detail's region boundary vertices inside ``bbox``, as the pixels of a
    picture of ``size`` framing it exactly."""
    from araz.paths import resource

    detail = json.loads(resource("basemap", "detail.json").read_text(encoding="utf-8"))
    west, south, east, north = bbox
    points = []
    for feature in detail["regions"]["features"]:
        geometry = feature["geometry"]
        lines = geometry["coordinates"]
        for line in [lines] if geometry["type"] == "LineString" else lines:
            inside = [(y, x) for x, y in line if west < x < east and south < y < north]
            points += [pixel_of(y, x, bbox, *size) for y, x in inside]
    return points


def test_zoomed_in_the_export_draws_the_basemap_detail_without_a_request(tmp_path):
    """Around Kapan at zoom 10 the export shows what the app's map shows there: the
    first-level regions (their dashed boundaries, Syunik's name) and GeoNames towns, from
    the detail layer carried in the file (the app fetches resources/basemap/detail.json;
    the export's page may not fetch anything)."""
    region = "#8a7a66"  # map-base-detail.js: region boundaries
    lat, lon = 39.2076, 46.4057  # Kapan
    bbox = (lon - 0.685, lat - 0.2, lon + 0.685, lat + 0.2)  # zoom 10 in 1000 x 700
    out = tmp_path / "kapan.html"
    r = araz("export", "-o", str(out), "--bbox", ",".join(map(str, bbox)))
    assert r.returncode == 0, r.stderr
    image, asked = screenshot(out, tmp_path)
    # clear of the controls, the caption and the legend
    points = [(x, y) for x, y in region_points(bbox, SIZE) if 60 < x < 850 and 80 < y < 660]
    assert len(points) >= 20, len(points)
    hits = sum(drawn_near(image, x, y, region) for x, y in points)
    assert hits >= 0.6 * len(points), (hits, len(points))
    dom, asked_too = chromium(out, tmp_path, "--dump-dom")
    assert 'data-araz-drawn="1"' in dom
    # the region's name, a label on the map (the basemap keeps only the labels it shows)
    regions = [m.split("araz-label ", 1)[0] for m in dom.split("araz-label kind-region")[1:]]
    assert any('<span class="text">Syunik</span>' in m for m in regions), regions
    assert "GeoNames" in part(dom, 'class="leaflet-control-attribution')
    asked |= asked_too
    assert not outside(asked) and not any("detail.json" in u for u in asked), asked
