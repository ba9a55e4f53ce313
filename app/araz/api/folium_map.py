"""Events as a ``folium.Map`` a notebook displays as it is, offline by default.

folium's own defaults load Leaflet, jQuery, Bootstrap and Font Awesome from CDNs and draw
OpenStreetMap tiles from the network.  The map built here asks for nothing: Leaflet's
script and style are inlined from the installed ``xstatic-leaflet`` package (the same
files the app and its HTML export use), there is no tile layer (``tiles=None``) and the
land, borders, rivers (the Araz drawn stronger) and lakes come from Araz's bundled
Natural Earth basemap as GeoJSON layers, over a sea-coloured background ("Made with
Natural Earth").  Pass ``tiles="OpenStreetMap"`` (or any folium tile layer) to draw
tiles instead; they then come from the network.

Events at one place share a marker in the colour of the first one's main actor (the
app's palette); its popup lists them with title, date, actors and the seed's sentence.
Every text from the data reaches the page as JSON (``<`` escaped, so nothing can end the
script) and is set with ``textContent``: a title such as ``<script>…`` shows as text.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np

from ..export.html import SVG_UP_TO, leaflet_assets, script_json
from ..export.selection import bounds_of
from ..model.dataset import Dataset
from ..paths import resource
from ..views.records import HOME_BOX, map_record

SEA = "#a9cbe0"  # resources/web/map.css
LAND = {"iran": "#ead9b0", "azerbaijan": "#c4dab8", "armenia": "#e2c0c6", "other": "#ecebe5"}
BORDER, COAST, RIVER, ARAZ = "#6f6659", "#9fb4c2", "#6e9fc6", "#2f6fa8"
POPUP_LIST = 30  # events listed in one marker's popup
QUOTE_CHARS = 400  # of the seed's sentence(s) in a popup

_EVENTS_JS = """
(function () {
  var D = %s;
  var group = %s;
  function put(root, tag, cls, value) {
    if (!value) return;
    var el = document.createElement(tag);
    el.className = cls;
    el.textContent = String(value);
    root.appendChild(el);
  }
  function card(place) {
    var root = document.createElement("div");
    root.className = "araz-card";
    var n = place.events.length;
    if (n > 1) put(root, "div", "araz-count", n + " events here");
    place.events.slice(0, D.popupList).forEach(function (i) {
      var item = document.createElement("div");
      item.className = "araz-event";
      put(item, "div", "araz-title", D.title[i]);
      put(item, "div", "araz-date", D.date[i]);
      put(item, "div", "araz-actors", D.actors[i]);
      put(item, "blockquote", "araz-quote", D.quote[i]);
      root.appendChild(item);
    });
    if (n > D.popupList) put(root, "div", "araz-more", "and " + (n - D.popupList) + " more");
    return root;
  }
  // many places: one canvas for all markers instead of an SVG element each
  var renderer = D.places.length > D.svgUpTo ? L.canvas({ padding: 0.5 }) : undefined;
  D.places.forEach(function (place) {
    var marker = L.circleMarker([place.lat, place.lon], {
      radius: Math.min(6 + 2 * Math.sqrt(place.events.length - 1), 14),
      color: "#222222", weight: 1, fillColor: place.color, fillOpacity: 0.9,
      renderer: renderer
    });
    marker.bindPopup(function () { return card(place); }, { maxWidth: 360 });
    marker.bindTooltip(function () {
      var tip = document.createElement("span");
      var n = place.events.length;
      tip.textContent = D.title[place.events[0]] + (n > 1 ? " (+" + (n - 1) + ")" : "");
      return tip;
    });
    marker.addTo(group);
  });
  if (D.legend.length) {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var root = L.DomUtil.create("div", "araz-legend");
      D.legend.forEach(function (entry) {
        var row = document.createElement("div");
        var swatch = document.createElement("span");
        swatch.className = "araz-swatch";
        swatch.style.backgroundColor = entry[1];
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(entry[0]));
        root.appendChild(row);
      });
      return root;
    };
    legend.addTo(%s);
  }
})();
"""

_CSS = """
#%(map)s { background: %(sea)s; }
#%(map)s .araz-card { font: 13px/1.35 system-ui, sans-serif; max-height: 320px; overflow: auto; }
#%(map)s .araz-event + .araz-event { border-top: 1px solid #ddd; margin-top: 6px;
  padding-top: 6px; }
#%(map)s .araz-title { font-weight: 600; }
#%(map)s .araz-date, #%(map)s .araz-actors, #%(map)s .araz-count { color: #555; }
#%(map)s .araz-quote { margin: 4px 0 0; padding-left: 6px; border-left: 3px solid #ccc;
  color: #333; font-style: italic; }
#%(map)s .araz-legend { background: rgba(255,255,255,0.9); padding: 4px 8px;
  border-radius: 4px; font: 12px/1.5 system-ui, sans-serif; }
#%(map)s .araz-swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px;
  border: 1px solid #333; border-radius: 50%%; }
"""


@cache
def _basemap_texts() -> dict[str, str]:
    """The layers as JSON text: the regional band (zoom 0-7) of the bundled basemap
    (``countries``, ``lakes``, ``rivers``, ``borders``) and ``world``, Natural Earth's
    1:110m land outside the band's box (lon 24-76, lat 20-60), so that the map is not sea
    beyond it.  Text, parsed for each map: folium writes ids into the features it gets."""
    text = resource("basemap", "basemap.js").read_text(encoding="utf-8")
    doc = json.loads(text[text.index("{") : text.rindex("}") + 1])
    band = next(b for b in doc["bands"] if b["name"] == "regional")
    layers = json.loads(band["json"])  # each band keeps its layers as JSON text
    out = {k: json.dumps(layers[k]) for k in ("countries", "lakes", "rivers", "borders")}
    text = resource("basemap", "world.js").read_text(encoding="utf-8")
    start = text.index("=") + 1  # window.ARAZ_WORLD_JSON = "<JSON text>";
    world = json.loads(json.loads(text[start : text.rindex(";")].strip()))
    out["world"] = json.dumps(world["fills"])
    return out


def _basemap_layer(name: str) -> dict[str, Any]:
    return json.loads(_basemap_texts()[name])


def payload(ds: Dataset, mask: np.ndarray | None) -> tuple[dict, list[dict]]:
    """What the events layer draws (columns, places, legend) and the map records."""
    cols: dict[str, list] = {"title": [], "date": [], "actors": [], "quote": []}
    places: dict[tuple[float, float], dict] = {}
    records: list[dict] = []
    states: dict[str, str] = {}
    for row, e in enumerate(ds.events):
        if mask is not None and not mask[row]:
            continue
        rec = map_record(ds, e)
        if rec is None:
            continue
        i = len(records)
        records.append(rec)
        cols["title"].append(e.title)
        cols["date"].append(rec["date"])
        cols["actors"].append(rec["actors"])
        quote = " … ".join(q.text for q in e.quotes)
        if len(quote) > QUOTE_CHARS:
            quote = quote[: QUOTE_CHARS - 1].rstrip() + "…"
        cols["quote"].append(quote)
        key = (round(rec["lat"], 4), round(rec["lon"], 4))
        place = places.setdefault(
            key, {"lat": rec["lat"], "lon": rec["lon"], "color": rec["color"], "events": []}
        )
        place["events"].append(i)
        state = ds.main_state(e)
        if state is not None and state not in states:
            actor = ds.actors.get(state)
            states[state] = actor.name if actor else state
    legend = [[name, ds.palette.colour(s)] for s, name in states.items()]
    data = {
        **cols,
        "places": list(places.values()),
        "legend": legend,
        "popupList": POPUP_LIST,
        "svgUpTo": SVG_UP_TO,
    }
    return data, records


def to_folium(
    ds: Dataset,
    mask: np.ndarray | None = None,
    *,
    tiles: Any = None,
    basemap: bool | None = None,
    width: str | int = "100%",
    height: str | int = 500,
    **map_options: Any,
):
    """A ``folium.Map`` of the events of ``ds`` where ``mask`` is true (see the module's
    docstring).  ``tiles``: None (default, offline) or what ``folium.Map(tiles=…)``
    takes; ``basemap``: draw the bundled Natural Earth basemap (default: when there are
    no tiles).  Other keywords go to ``folium.Map`` (with ``location`` or ``zoom_start``
    the map opens there instead of framing the events)."""
    import folium
    from branca.element import Element

    data, records = payload(ds, mask)
    box = bounds_of(records) or HOME_BOX
    west, south, east, north = box
    fit = "location" not in map_options and "zoom_start" not in map_options
    map_options.setdefault("location", [(south + north) / 2, (west + east) / 2])
    fmap = folium.Map(
        tiles=tiles,
        width=width,
        height=height,
        **map_options,
    )
    if tiles is None:
        # no CDN: Leaflet inlined; folium's Bootstrap, jQuery and icon fonts not asked for
        fmap.default_js = []
        fmap.default_css = []
        css, js = leaflet_assets()
        header = fmap.get_root().header
        header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css")
        header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js")
    name = fmap.get_name()
    fmap.get_root().header.add_child(
        Element("<style>" + _CSS % {"map": name, "sea": SEA} + "</style>"), name="araz_css"
    )
    if basemap if basemap is not None else tiles is None:
        _add_basemap(fmap)
    layer = folium.FeatureGroup(name="Events")
    layer.add_to(fmap)
    # after the layer's own script: rendered in the order the map's children were added
    fmap.add_child(_script(_EVENTS_JS % (script_json(data), layer.get_name(), name)))
    if fit:  # frame the events, unless told where to look
        fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def _add_basemap(fmap) -> None:
    import folium

    group = folium.FeatureGroup(name="Basemap (Natural Earth)", control=False)
    layer = _basemap_layer
    layers: list[tuple[dict, Any]] = [
        (layer("world"), lambda f: {"fillColor": LAND["other"], "fillOpacity": 1, "stroke": False}),
        (
            layer("countries"),
            lambda f: {
                "fillColor": LAND.get(f["properties"].get("role"), LAND["other"]),
                "fillOpacity": 1,
                "stroke": False,
            },
        ),
        (layer("lakes"), lambda f: {"fillColor": SEA, "fillOpacity": 1, "color": COAST}),
        (
            layer("rivers"),
            lambda f: {
                "color": ARAZ if f["properties"].get("major") else RIVER,
                "weight": 2.5 if f["properties"].get("major") else 1,
                "opacity": 0.9,
            },
        ),
        (layer("borders"), lambda f: {"color": BORDER, "weight": 1.1, "opacity": 0.9}),
    ]
    for doc, style in layers:
        folium.GeoJson(
            doc, style_function=style, interactive=False, control=False, smooth_factor=0.5
        ).add_to(group)
    group.add_to(fmap)
    name = fmap.get_name()
    fmap.add_child(_script(f'{name}.attributionControl.addAttribution("Made with Natural Earth");'))


@cache
def _script_class():
    from branca.element import MacroElement
    from folium.template import Template

    class ArazScript(MacroElement):
        """A piece of our JavaScript, rendered where it is added among the map's children
        (so after the layers it uses)."""

        _template = Template("{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}")

        def __init__(self, js: str) -> None:
            super().__init__()
            self._name = "ArazScript"
            self.js = js

    return ArazScript


def _script(js: str):
    return _script_class()(js)
