/* Araz map: the ops Python waits for an answer to (MapView.request, MapView.ask).
 *
 * map-commands.js runs them in its command queue, in order with the other ops (a query
 * sent after "view" or "fit" answers about the view they made, once the map has stopped
 * moving and what changed is drawn), and answers bridge.answered(seq, json) with
 * {ok: value} (the op's return value) or {error: "why"} (the op threw; an unknown op or
 * query).
 *
 *   query {what}                  one of QUERIES below; any other what is an error
 *   caption {title, subtitle}     the export's title box over the map (title null: none);
 *                                 text set with textContent, never parsed as HTML
 *   zoom_control {shown}          Leaflet's +/- buttons on or off
 *   print_colors {exact}          print backgrounds and colours as drawn (PDF)
 */
(function () {
  "use strict";

  var CAPTION_ID = "araz-export-caption";
  var swatch = null; // a 1×1 canvas context that turns any CSS colour into #rrggbb

  /* [r, g, b] (0-255) of a CSS colour. */
  function rgbOf(css) {
    if (!swatch) swatch = document.createElement("canvas").getContext("2d");
    swatch.fillStyle = "#000000";
    swatch.fillStyle = String(css);
    var hex = String(swatch.fillStyle);
    if (!/^#[0-9a-f]{6}$/i.test(hex)) throw new Error("not an opaque colour: " + css);
    return [1, 3, 5].map(function (k) { return parseInt(hex.slice(k, k + 2), 16); });
  }

  function has(table, key) {
    return typeof key === "string" && Object.prototype.hasOwnProperty.call(table, key);
  }

  /* The ops, over ``page``: {map, events, markerPoint(i) -> [x, y] or null}. */
  function answeringOps(page) {
    var map = page.map, events = page.events;

    var QUERIES = {
      /* [west, south, east, north] the map shows. */
      view_bounds: function () {
        var b = map.getBounds();
        return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
      },
      /* [width, height] of the page in CSS pixels. */
      viewport: function () {
        return [window.innerWidth, window.innerHeight];
      },
      /* Ground metres per CSS pixel across the map's centre. */
      metres_per_pixel: function () {
        var size = map.getSize(), y = size.y / 2;
        var a = map.containerPointToLatLng([size.x / 2 - 50, y]);
        var b = map.containerPointToLatLng([size.x / 2 + 50, y]);
        return map.distance(a, b) / 100;
      },
      /* Up to ``count`` (3) of the topmost markers drawn as markers (not density, not
       * clusters): [[x, y, [r, g, b]], ...], container pixels and the colour drawn. */
      marker_probes: function (c) {
        var count = typeof c.count === "number" && c.count >= 0 ? Math.min(c.count, 100) : 3;
        var out = [];
        for (var i = events.n - 1; i >= 0 && out.length < count; i--) {
          if (events.drawn[i] !== 1) continue;
          var p = page.markerPoint(i);
          if (p) out.push([p[0], p[1], rgbOf(events.colorOf(i))]);
        }
        return out;
      },
    };

    return {
      query: function (c) {
        if (!has(QUERIES, c.what)) throw new Error("unknown query " + JSON.stringify(c.what));
        return QUERIES[c.what](c);
      },
      caption: function (c) {
        var el = document.getElementById(CAPTION_ID);
        if (el) el.remove();
        if (c.title === null || c.title === undefined) return false;
        el = document.createElement("div");
        el.id = CAPTION_ID;
        var s = el.style;
        s.position = "absolute";
        s.top = "12px";
        s.left = "12px";
        s.zIndex = 1000;
        s.padding = "6px 10px";
        s.background = "rgba(255,255,255,0.92)";
        s.borderRadius = "4px";
        s.font = '12px/1.35 "DejaVu Sans", sans-serif';
        s.color = "#222";
        var title = document.createElement("div");
        title.style.fontWeight = "bold";
        title.style.fontSize = "16px";
        title.textContent = String(c.title);
        el.appendChild(title);
        if (c.subtitle) {
          var sub = document.createElement("div");
          sub.textContent = String(c.subtitle);
          el.appendChild(sub);
        }
        document.body.appendChild(el);
        return true;
      },
      zoom_control: function (c) {
        var control = map.zoomControl;
        if (!control) throw new Error("the map has no zoom control");
        if (c.shown && !control._map) control.addTo(map);
        else if (!c.shown && control._map) map.removeControl(control);
        return !!control._map;
      },
      print_colors: function (c) {
        var s = document.documentElement.style;
        s.printColorAdjust = s.webkitPrintColorAdjust = c.exact ? "exact" : "";
        return !!c.exact;
      },
    };
  }

  window.araz = window.araz || {};
  window.araz.answeringOps = answeringOps;
})();
