"""Files a newcomer can read (issue #15: no file over 500 lines), and a map page whose
scripts are all there: every ``<script src>`` and stylesheet map.html names exists, and
every script in resources/web is one map.html loads."""

from __future__ import annotations

import re
from pathlib import Path

import xstatic.pkg.leaflet

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app" / "araz"
RESOURCES = ROOT / "resources"
WEB = RESOURCES / "web"

MAX_LINES = 500
# Generated, never edited by hand: the basemap (packaging/build_basemap.py, build_world.py,
# build_places.py).  Nothing is vendored in the repository: Leaflet comes from the
# xstatic-leaflet package and qwebchannel.js from Qt (araz.qt.map.scheme serves both).
GENERATED = ("resources/basemap/",)
# Over the limit today, each waiting for its split: the list only shrinks (a file that
# is split, or gone, must leave it; see test_the_exemptions_are_still_needed).
OVER_TODAY: dict[str, str] = {}


def line_counts() -> dict[str, int]:
    """Lines of every text file under app/araz and resources, by path from the root."""
    counts = {}
    for folder in (APP, RESOURCES):
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue  # an image or other binary file: no lines to read
            counts[path.relative_to(ROOT).as_posix()] = len(text.splitlines())
    return counts


def test_no_file_over_500_lines():
    counts = line_counts()
    assert "resources/web/map.js" in counts and "app/araz/__init__.py" in counts
    long = {
        name: n
        for name, n in counts.items()
        if n > MAX_LINES and not name.startswith(GENERATED) and name not in OVER_TODAY
    }
    assert long == {}, f"over {MAX_LINES} lines, split by responsibility: {long}"


def test_the_exemptions_are_still_needed():
    counts = line_counts()
    stale = [name for name in OVER_TODAY if counts.get(name, 0) <= MAX_LINES]
    assert stale == [], f"split or gone: remove from OVER_TODAY: {stale}"


def page_references() -> tuple[list[str], list[str]]:
    """The script and stylesheet addresses map.html names, in order."""
    html = (WEB / "map.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script\s+src="([^"]+)"', html)
    styles = re.findall(r'<link\s+rel="stylesheet"\s+href="([^"]+)"', html)
    return scripts, styles


# Served by araz.qt.map.scheme from packages, not from resources/: araz://app/vendor/...
VENDOR = {
    "../vendor/qwebchannel.js",  # Qt's :/qtwebchannel/qwebchannel.js
    "../vendor/leaflet/leaflet.js",  # xstatic-leaflet
    "../vendor/leaflet/leaflet.css",
}


def test_every_file_map_html_names_exists():
    scripts, styles = page_references()
    assert "map.js" in scripts and "map.css" in styles
    missing = [
        ref for ref in scripts + styles if ref not in VENDOR and not (WEB / ref).resolve().is_file()
    ]
    assert missing == [], f"map.html names files that are not there: {missing}"
    assert {ref for ref in scripts + styles if ref.startswith("../vendor/")} == VENDOR
    leaflet = Path(xstatic.pkg.leaflet.BASE_DIR)
    assert (leaflet / "leaflet.js").is_file() and (leaflet / "leaflet.css").is_file()


def test_map_html_loads_every_script_of_the_page_in_order():
    scripts, _ = page_references()
    local = {ref for ref in scripts if "/" not in ref}
    on_disk = {path.name for path in WEB.glob("*.js")}
    # map-static.js stands in for the web channel in the standalone HTML export only
    assert on_disk - local == {"map-static.js"}, "scripts in resources/web never loaded"
    # map.js is last: it calls the parts' functions (map-popups.js, map-commands.js,
    # map-gestures.js) and connects the bridge; the events layer's parts add their
    # methods to the EventLayer map-events.js defines, so they follow it.
    assert scripts[-1] == "map.js"
    events = scripts.index("map-events.js")
    parts = [i for i, ref in enumerate(scripts) if ref.startswith("map-events-")]
    assert parts and min(parts) > events


def test_the_html_export_loads_the_pages_scripts_in_the_same_order():
    """The standalone HTML map (export/html.py) draws with the app's page: every local
    script map.html loads, in its order, after map-static.js (the static bridge, where
    the app loads qwebchannel.js: before map-channel.js opens the channel)."""
    from araz.export.html import page_scripts

    scripts, _ = page_references()
    local = [ref for ref in scripts if "/" not in ref]
    assert list(page_scripts()) == ["map-static.js", *local]
    assert len(local) >= 15 and "map-events-spread.js" in local
