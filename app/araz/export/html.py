"""The shown events as one self-contained HTML map that opens offline in any browser.

Leaflet (from ``xstatic-leaflet``), the Natural Earth basemap, the app's own map page
scripts (``resources/web/map-*.js``, unchanged) and the events are all inlined; a
Content-Security-Policy forbids every request (no network, not even ``file:``), so the
page shows exactly what is inside it.  ``map-static.js`` stands in for the app's web
channel: it replays the calls the app's Python makes (the events payload of
:mod:`araz.views.map_payload`, the Colour by colours, the view's bounds, the caption
with the filter in words), so the export draws as the app's map does: markers spread on
rings with leader lines, arrows, density above the app's threshold (hexagon bins, a
heatmap or points only, as View → Map density; uncertainty outlines as the View menu's
toggle), the legends, popups and uncertainty discs on hover.  Zoomed in, the basemap's
detail layer (regions, urban areas, towns: ``resources/basemap/detail.json``, 0.34 MB)
is there too: its JSON is inlined as text, parsed by the page only when the map first
reaches its zoom.  All text is set with ``textContent``.  The inline JSON is escaped so
that no ``</script>`` (or ``<!--``) in the data can end its script element.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from functools import cache
from pathlib import Path

import numpy as np

from ..model.dataset import Dataset
from ..paths import resource
from ..views.density import DEFAULT_DENSITY, DENSITY_MODES
from ..views.map_payload import build_events
from ..views.records import HOME_BOX, map_records
from .atomic import atomic_write
from .colouring import Colouring, actor_colouring
from .selection import bounds_of

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)
SVG_UP_TO = 3000  # notebook maps (api/folium_map.py): more places, one canvas
# the caption (the page's own, as on a snapshot) top right: the zoom buttons stay usable
_EXTRA_CSS = "#araz-export-caption { left: auto !important; right: 12px; max-width: 45%; }"
EVENTS_URL = "araz://app/data/events/1"  # served by map-static.js from the embedded payload


@cache
def page_scripts() -> tuple[str, ...]:
    """The app's page scripts, read from resources/web/map.html in its order, after the
    static bridge (map-static.js), which stands where the app loads qwebchannel.js: the
    page opens its channel first (map-channel.js), so the stand-in must be there before
    it.  The export draws with the app's own page and follows it when a script is added."""
    page = resource("web", "map.html").read_text(encoding="utf-8")
    names = re.findall(r'<script src="(map[\w.-]*\.js)"></script>', page)
    if not names or names[-1] != "map.js":
        raise RuntimeError("resources/web/map.html: its last script is not map.js")
    return ("map-static.js", *names)


def script_json(value) -> str:
    """JSON safe inside a <script> element: no '<' (so no '</script>' or '<!--'), and
    no U+2028/U+2029 line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _inline_json(text: str) -> str:
    """JSON text for a <script type="application/json"> element: '<' only occurs inside
    JSON strings, where its escape means the same."""
    return text.replace("<", "\\u003c")


def _inline_js(text: str) -> str:
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


@cache
def _leaflet_dir() -> Path:
    import xstatic.pkg.leaflet as xs

    return Path(xs.BASE_DIR)


@cache
def _leaflet_css() -> str:
    folder = _leaflet_dir()
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(m: re.Match) -> str:
        name = m.group(1)
        png = (folder / "images" / name).read_bytes()
        return "url(data:image/png;base64," + base64.b64encode(png).decode("ascii") + ")"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, css)
    return css.replace("behavior: url(#default#VML);", "")


def leaflet_assets() -> tuple[str, str]:
    """Leaflet's CSS (its images as data: URIs) and JavaScript from ``xstatic-leaflet``,
    ready to inline in a <style> and a <script> element (the notebook maps use them)."""
    a = _assets()
    return a["leaflet_css"], a["leaflet_js"]


@cache
def _assets() -> dict[str, str]:
    return {
        "leaflet_css": _leaflet_css(),
        "map_css": resource("web", "map.css").read_text(encoding="utf-8"),
        "leaflet_js": _inline_js((_leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")),
        "world_js": _inline_js(resource("basemap", "world.js").read_text(encoding="utf-8")),
        "basemap_js": _inline_js(resource("basemap", "basemap.js").read_text(encoding="utf-8")),
        "detail_json": _inline_json(resource("basemap", "detail.json").read_text(encoding="utf-8")),
        "page_js": "\n".join(
            f"<script>{_inline_js(resource('web', name).read_text(encoding='utf-8'))}</script>"
            for name in page_scripts()
        ),
    }


def payload(
    ds: Dataset,
    mask: np.ndarray | None,
    *,
    title: str = "",
    bounds: tuple[float, float, float, float] | None = None,
    description: str = "",
    colours: Colouring | None = None,
    density: str = DEFAULT_DENSITY,
    outlines: bool = False,
) -> dict:
    """What the page draws: the shown events as the app's map payload (base64), and the
    calls the app's Python would make (events, colours, the drawing options of View →
    Map density and Location uncertainty outlines, the view, the caption)."""
    if density not in DENSITY_MODES:
        raise ValueError(f"density: one of {', '.join(DENSITY_MODES)}, not {density!r}")
    shown = None if mask is None else {e.id for e, m in zip(ds.events, mask, strict=True) if m}
    records = [r for r in map_records(ds) if shown is None or r["id"] in shown]
    prepared = build_events(records)
    box = bounds or bounds_of(records) or HOME_BOX
    west, south, east, north = box
    n = len(prepared.ids)
    unplaced = (int(mask.sum()) if mask is not None else len(ds)) - n
    count = f"{n} event{'s' if n != 1 else ''} on the map"
    if unplaced > 0:
        count += f" ({unplaced} more without a place)"
    caption = {"title": title or ds.title or "Araz", "filters": description, "count": count}
    view = [[south, west], [north, east]]
    commands: list[dict] = [{"op": "events", "url": EVENTS_URL, "n": n}]
    # the legend lists the colours of the shown events, the main actors' by default
    colours = colours or actor_colouring(ds)
    rows = np.fromiter((ds.index[i] for i in prepared.ids), dtype=np.intp, count=n)
    legend = colours.shown_legend(mask)
    commands.append({"op": "colors", **colours.page_colors(rows, legend)})
    commands.append({"op": "style", "density": density, "outlines": bool(outlines)})
    subtitle = " \u00b7 ".join(t for t in (description, count) if t)
    commands += [
        {"op": "view", "bounds": view},
        {"op": "caption", "title": caption["title"], "subtitle": subtitle},
    ]
    return {
        "events": base64.b64encode(prepared.body).decode("ascii"),
        "commands": commands,
        "bounds": view,
        "caption": caption,
    }


def html_text(
    ds: Dataset,
    mask: np.ndarray | None = None,
    *,
    title: str = "",
    bounds: tuple[float, float, float, float] | None = None,
    description: str = "",
    colours: Colouring | None = None,
    density: str = DEFAULT_DENSITY,
    outlines: bool = False,
) -> str:
    a = _assets()
    data = payload(
        ds, mask, title=title, bounds=bounds, description=description, colours=colours,
        density=density, outlines=outlines,
    )  # fmt: skip
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Araz">
<title>{html.escape(data["caption"]["title"])}</title>
<style>{a["leaflet_css"]}</style>
<style>{a["map_css"]}{_EXTRA_CSS}</style>
</head>
<body>
<div id="map"></div>
<script id="araz-data" type="application/json">{script_json(data)}</script>
<script id="araz-basemap-detail" type="application/json">{a["detail_json"]}</script>
<script>{a["leaflet_js"]}</script>
<script>{a["world_js"]}</script>
<script>{a["basemap_js"]}</script>
{a["page_js"]}
</body>
</html>
"""


def write_html(
    ds: Dataset,
    mask: np.ndarray | None,
    path: str | os.PathLike,
    *,
    title: str = "",
    bounds: tuple[float, float, float, float] | None = None,
    description: str = "",
    colours: Colouring | None = None,
    density: str = DEFAULT_DENSITY,
    outlines: bool = False,
) -> Path:
    """Write the standalone HTML map of the shown events, atomically; returns the path.
    ``density`` ("hex", "heat" or "points") and ``outlines`` draw it as View → Map
    density and Location uncertainty outlines do in the window."""
    text = html_text(
        ds, mask, title=title, bounds=bounds, description=description, colours=colours,
        density=density, outlines=outlines,
    )  # fmt: skip
    return atomic_write(path, text.encode("utf-8"), ds)
