/* Araz map: the basemap (window.ARAZ_BASEMAP, built by packaging/ from Natural Earth).
 *
 * Sea is the map's background colour; countries are filled (Iran, Azerbaijan and Armenia
 * in their own muted fills), then lakes, rivers (the Araz stronger), borders, all on one
 * canvas.  The zoom bands swap at their minZoom/maxZoom (regional up to 7, close from 8).
 * Labels are small DOM markers shown from their minZoom, the lower rank winning a clash.
 * Basemap text is escaped like any other (textContent only).
 */
(function () {
  "use strict";

  var FILL = {
    iran: "#ead9b0",
    azerbaijan: "#c4dab8",
    armenia: "#e2c0c6",
    other: "#ecebe5",
  };
  var COAST = "#9fb4c2";
  var BORDER = "#6f6659";
  var RIVER = "#6e9fc6";
  var ARAZ = "#2f6fa8";
  var LAKE = "#a9cbe0"; // = sea (map.css)

  var KIND_ORDER = { capital: 1, city: 2, river: 3, lake: 4, country: 5, peak: 6 };

  function num(value, fallback) {
    var n = Number(value);
    return value === null || value === undefined || isNaN(n) ? fallback : n;
  }

  function riverWeight(band, major) {
    var close = band.minZoom >= 8;
    if (major) return close ? 4.5 : 3;
    return close ? 1.6 : 1;
  }

  function Basemap(map, data) {
    this.map = map;
    this.data = data;
    this.renderer = L.canvas({ pane: "basemap", padding: 0.5 });
    this.highlightRenderer = L.canvas({ pane: "riverHighlight", padding: 0.5 });
    this.layers = {}; // band name -> L.LayerGroup
    this.highlight = {}; // band name -> L.GeoJSON of the major river
    this.current = null;
    this.labels = [];
    this.highlightStyle = null;
    if (data) this._buildLabels(data.labels);
    // Natural Earth 1:110m outside the regional box (window.ARAZ_WORLD), always drawn:
    // data far from the Caucasus still sits on a map
    if (window.ARAZ_WORLD) {
      L.geoJSON(window.ARAZ_WORLD, {
        renderer: this.renderer, interactive: false,
        style: { fillColor: FILL.other, fillOpacity: 1, color: COAST, weight: 0.8, opacity: 1 },
      }).addTo(map);
    }
    map.on("zoomend", this.update, this);
    map.on("moveend", this._placeLabels, this);
  }

  Basemap.prototype.bandFor = function (zoom) {
    var bands = (this.data && this.data.bands) || [];
    for (var i = 0; i < bands.length; i++) {
      if (zoom >= bands[i].minZoom && zoom < bands[i].maxZoom + 1) return bands[i];
    }
    return bands.length ? bands[zoom < bands[0].minZoom ? 0 : bands.length - 1] : null;
  };

  Basemap.prototype._build = function (band) {
    var r = this.renderer;
    var plain = { renderer: r, interactive: false };
    var group = L.layerGroup();
    group.addLayer(
      L.geoJSON(band.countries, L.extend({}, plain, {
        style: function (f) {
          var role = (f.properties && f.properties.role) || "other";
          return {
            fillColor: FILL[role] || FILL.other, fillOpacity: 1,
            color: COAST, weight: 0.8, opacity: 1,
          };
        },
      }))
    );
    if (band.lakes) {
      group.addLayer(L.geoJSON(band.lakes, L.extend({}, plain, {
        style: { fillColor: LAKE, fillOpacity: 1, color: RIVER, weight: 0.8 },
      })));
    }
    if (band.rivers) {
      group.addLayer(L.geoJSON(band.rivers, L.extend({}, plain, {
        filter: function (f) { return !(f.properties && f.properties.major); },
        style: { color: RIVER, weight: riverWeight(band, false), opacity: 0.9, lineJoin: "round" },
      })));
    }
    if (band.borders) {
      group.addLayer(L.geoJSON(band.borders, L.extend({}, plain, {
        style: { color: BORDER, weight: band.minZoom >= 8 ? 1.6 : 1.1, opacity: 0.9, dashArray: null },
      })));
    }
    if (band.rivers) {
      group.addLayer(L.geoJSON(band.rivers, L.extend({}, plain, {
        filter: function (f) { return !!(f.properties && f.properties.major); },
        style: { color: ARAZ, weight: riverWeight(band, true), opacity: 1, lineJoin: "round" },
      })));
      this.highlight[band.name] = L.geoJSON(band.rivers, {
        renderer: this.highlightRenderer, interactive: false,
        filter: function (f) { return !!(f.properties && f.properties.major); },
      });
    }
    return group;
  };

  /* Show the band for the current zoom (and keep the river highlight on it). */
  Basemap.prototype.update = function () {
    var band = this.bandFor(this.map.getZoom());
    if (!band || band === this.current) return this._placeLabels();
    if (this.current) {
      this.map.removeLayer(this.layers[this.current.name]);
      var old = this.highlight[this.current.name];
      if (old && this.map.hasLayer(old)) this.map.removeLayer(old);
    }
    if (!this.layers[band.name]) this.layers[band.name] = this._build(band);
    this.layers[band.name].addTo(this.map);
    this.current = band;
    this.setRiverHighlight(this.highlightStyle);
    this._placeLabels();
  };

  /* style: null for none, else {color, weight, opacity}. */
  Basemap.prototype.setRiverHighlight = function (style) {
    this.highlightStyle = style;
    if (!this.current) return;
    var layer = this.highlight[this.current.name];
    if (!layer) return;
    if (!style) {
      if (this.map.hasLayer(layer)) this.map.removeLayer(layer);
      return;
    }
    layer.setStyle({ color: style.color, weight: style.weight, opacity: style.opacity, lineCap: "round" });
    if (!this.map.hasLayer(layer)) layer.addTo(this.map);
  };

  Basemap.prototype._buildLabels = function (fc) {
    var feats = (fc && fc.features) || [];
    for (var i = 0; i < feats.length; i++) {
      var f = feats[i], p = f.properties || {};
      if (!f.geometry || f.geometry.type !== "Point") continue;
      var kind = String(p.kind || "city");
      var el = document.createElement("div");
      el.className = "araz-label-inner";
      if (kind === "capital" || kind === "city") {
        var dot = document.createElement("span");
        dot.className = "dot";
        el.appendChild(dot);
      } else if (kind === "peak") {
        var tri = document.createElement("span");
        tri.className = "peak";
        tri.textContent = "\u25B2";
        el.appendChild(tri);
      }
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = String(p.name || "");
      el.appendChild(text);
      var c = f.geometry.coordinates;
      var marker = L.marker([c[1], c[0]], {
        icon: L.divIcon({ className: "araz-label kind-" + kind.replace(/[^a-z]/g, ""), html: el, iconSize: null }),
        interactive: false, keyboard: false, pane: "labels",
      });
      this.labels.push({
        marker: marker, name: String(p.name || ""), kind: kind,
        minZoom: num(p.minZoom, 0), rank: num(p.rank, 9), latlng: L.latLng(c[1], c[0]),
      });
    }
    // Lower rank first; on a tie, places before rivers and lakes before country names.
    this.labels.sort(function (a, b) {
      return a.rank - b.rank || (KIND_ORDER[a.kind] || 9) - (KIND_ORDER[b.kind] || 9);
    });
  };

  /* Labels from their minZoom; skip one that would overlap a better-ranked one. */
  Basemap.prototype._placeLabels = function () {
    var map = this.map, zoom = map.getZoom(), boxes = [];
    for (var i = 0; i < this.labels.length; i++) {
      var l = this.labels[i], show = zoom >= l.minZoom;
      if (show) {
        var p = map.latLngToLayerPoint(l.latlng);
        var big = l.kind === "country";
        var w = l.name.length * (big ? 9 : 7) + (l.kind === "capital" || l.kind === "city" ? 12 : 0);
        var h = big ? 18 : 15;
        var centred = !(l.kind === "capital" || l.kind === "city");
        var box = centred ? [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2]
          : [p.x - 6, p.y - h / 2, p.x + w, p.y + h / 2];
        for (var j = 0; j < boxes.length && show; j++) {
          var o = boxes[j];
          if (box[0] < o[2] && box[2] > o[0] && box[1] < o[3] && box[3] > o[1]) show = false;
        }
        if (show) boxes.push(box);
      }
      if (show && !map.hasLayer(l.marker)) l.marker.addTo(map);
      else if (!show && map.hasLayer(l.marker)) map.removeLayer(l.marker);
    }
  };

  window.araz = window.araz || {};
  window.araz.Basemap = Basemap;
})();
