"""The shown events as one self-contained HTML map that opens offline in any browser.

Leaflet (from ``xstatic-leaflet``), the Natural Earth basemap, our basemap drawing code
and the events are all inlined; a Content-Security-Policy forbids every request (no
network, not even ``file:``), so the page shows exactly what is inside it.  Events at
one place share a marker whose popup lists them; all text is set with ``textContent``.
The inline JSON is escaped so that no ``</script>`` (or ``<!--``) in the data can end
its script element.
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
from ..views.records import HOME_BOX, map_records
from .atomic import atomic_write
from .selection import bounds_of

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)
SVG_UP_TO = 3000  # more places than this: one canvas instead of an SVG path per marker
POPUP_LIST = 30  # events listed in one marker's popup

_STANDALONE_JS = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("araz-data").textContent);
  var map = L.map("map", { zoomSnap: 0.25, zoomDelta: 0.5, minZoom: 2, maxZoom: 13 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Made with Natural Earth");
  L.control.scale({ imperial: false, maxWidth: 140, position: "bottomleft" }).addTo(map);
  [["basemap", 200], ["riverHighlight", 300], ["labels", 420], ["events", 450]].forEach(
    function (p) {
      var pane = map.createPane(p[0]);
      pane.style.zIndex = String(p[1]);
      if (p[0] !== "events") pane.style.pointerEvents = "none";
    });
  var basemap = new window.araz.Basemap(map, window.ARAZ_BASEMAP || null);
  map.fitBounds(D.bounds);
  basemap.update();

  function text(tag, cls, value) {
    var el = document.createElement(tag);
    el.className = cls;
    el.textContent = String(value || "");
    return el;
  }

  function card(place) {
    var root = document.createElement("div");
    root.className = "araz-card";
    var n = place.events.length;
    if (n > 1) root.appendChild(text("div", "araz-title", n + " events here"));
    var list = document.createElement(n > 1 ? "ul" : "div");
    place.events.slice(0, D.popupList).forEach(function (i) {
      var item = document.createElement(n > 1 ? "li" : "div");
      item.appendChild(text("div", "araz-title", D.title[i]));
      var date = text("div", "araz-date", D.date[i]);
      var swatch = document.createElement("span");
      swatch.className = "araz-swatch";
      swatch.style.backgroundColor = D.color[i];
      date.insertBefore(swatch, date.firstChild);
      item.appendChild(date);
      if (D.actors[i]) item.appendChild(text("div", "araz-actors", D.actors[i]));
      list.appendChild(item);
    });
    if (n > D.popupList) {
      list.appendChild(text("li", "araz-more", "and " + (n - D.popupList) + " more"));
    }
    root.appendChild(list);
    return root;
  }

  var many = D.places.length > D.svgUpTo;
  var renderer = many ? L.canvas({ pane: "events" }) : L.svg({ pane: "events" });
  D.arrows.forEach(function (a) {
    L.polyline([a[0], a[1]], {
      renderer: renderer, color: a[2], weight: 2, opacity: 0.75, dashArray: "6 4",
      interactive: false,
    }).addTo(map);
  });
  D.places.forEach(function (p) {
    var n = p.events.length;
    L.circleMarker([p.lat, p.lon], {
      renderer: renderer, radius: n > 1 ? Math.min(12, 5 + 2 * Math.log2(n)) : 5,
      fillColor: p.color, fillOpacity: 1, color: "#282828", weight: 1, opacity: 0.85,
      className: "araz-marker",
    }).bindPopup(function () { return card(p); }, { maxWidth: 320, className: "araz-popup" })
      .addTo(map);
  });

  var caption = document.getElementById("araz-caption");
  caption.appendChild(text("div", "araz-caption-title", D.caption.title));
  caption.appendChild(text("div", "araz-caption-line", D.caption.filters));
  caption.appendChild(text("div", "araz-caption-line", D.caption.count));
  document.body.setAttribute("data-araz-places", String(D.places.length));
  document.body.setAttribute("data-araz-events", String(D.title.length));
  window.araz.map = map;
})();
"""

_EXTRA_CSS = """
.araz-caption { position: absolute; top: 10px; right: 10px; z-index: 1000; max-width: 40%;
  background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 4px;
  font: 12px/1.35 "DejaVu Sans", "Noto Sans", sans-serif; color: #222;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); }
.araz-caption-title { font-weight: bold; font-size: 14px; }
.araz-card ul { margin: 4px 0 0; padding-left: 16px; max-height: 260px; overflow: auto; }
.araz-card li { margin-bottom: 4px; }
"""


def script_json(value) -> str:
    """JSON safe inside a <script> element: no '<' (so no '</script>' or '<!--'), and
    no U+2028/U+2029 line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


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
        "base_js": _inline_js(
            "\n".join(
                resource("web", name).read_text(encoding="utf-8")
                for name in ("map-base-paths.js", "map-base.js", "map-base-labels.js")
            )
        ),
    }


def payload(
    ds: Dataset,
    mask: np.ndarray | None,
    *,
    title: str = "",
    bounds: tuple[float, float, float, float] | None = None,
    description: str = "",
) -> dict:
    """What the page draws: events as columns, grouped by place, and the framing."""
    shown = None if mask is None else {e.id for e, m in zip(ds.events, mask, strict=True) if m}
    records = [r for r in map_records(ds) if shown is None or r["id"] in shown]
    cols: dict[str, list] = {"title": [], "date": [], "actors": [], "color": []}
    places: dict[tuple[float, float], dict] = {}
    arrows = []
    for i, r in enumerate(records):
        cols["title"].append(r["title"])
        cols["date"].append(r["date"])
        cols["actors"].append(r["actors"])
        cols["color"].append(r["color"])
        key = (round(r["lat"], 4), round(r["lon"], 4))
        place = places.setdefault(
            key, {"lat": r["lat"], "lon": r["lon"], "color": r["color"], "events": []}
        )
        place["events"].append(i)
        if isinstance(r.get("to"), dict):
            arrows.append([[r["lat"], r["lon"]], [r["to"]["lat"], r["to"]["lon"]], r["color"]])
    box = bounds or bounds_of(records) or HOME_BOX
    west, south, east, north = box
    n = len(records)
    unplaced = (int(mask.sum()) if mask is not None else len(ds)) - n
    count = f"{n} event{'s' if n != 1 else ''} on the map"
    if unplaced > 0:
        count += f" ({unplaced} more without a place)"
    return {
        **cols,
        "places": list(places.values()),
        "arrows": arrows,
        "bounds": [[south, west], [north, east]],
        "svgUpTo": SVG_UP_TO,
        "popupList": POPUP_LIST,
        "caption": {
            "title": title or ds.title or "Araz",
            "filters": description,
            "count": count,
        },
    }


def html_text(
    ds: Dataset,
    mask: np.ndarray | None = None,
    *,
    title: str = "",
    bounds: tuple[float, float, float, float] | None = None,
    description: str = "",
) -> str:
    a = _assets()
    data = payload(ds, mask, title=title, bounds=bounds, description=description)
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
<div id="araz-caption" class="araz-caption"></div>
<script>{a["leaflet_js"]}</script>
<script>{a["world_js"]}</script>
<script>{a["basemap_js"]}</script>
<script>{a["base_js"]}</script>
<script id="araz-data" type="application/json">{script_json(data)}</script>
<script>{_STANDALONE_JS}</script>
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
) -> Path:
    """Write the standalone HTML map of the shown events, atomically; returns the path."""
    text = html_text(ds, mask, title=title, bounds=bounds, description=description)
    return atomic_write(path, text.encode("utf-8"), ds)
