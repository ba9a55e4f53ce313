/* Araz map: the basemap (window.ARAZ_BASEMAP, built by packaging/ from Natural Earth).
 *
 * Sea is the map's background colour; countries are filled (Iran, Azerbaijan and Armenia
 * in their own muted fills), then lakes, rivers (the Araz stronger), borders, all on one
 * canvas.  The zoom bands swap at their minZoom/maxZoom (regional up to 7, close from 8).
 * The three countries' own tints are kept while the view's centre is near the Caucasus
 * (REGION); elsewhere every country is drawn plain.
 * What the first view does not show is not parsed at start: each band comes as JSON
 * text, parsed when its zooms are first shown (the regional band at start, read from its
 * binary file instead when the page fetched it: map-base-binary.js; the close
 * band at the first zoom to 8 or more, whose binary file the app's page fetches only
 * then: _fetchBand), and the world outside the regional box
 * (window.ARAZ_WORLD_JSON; fetched by the app's page, whose scripts do not carry it) when
 * the view first reaches beyond the box.
 * Labels: map-base-labels.js; regions, urban areas and towns from zoom 8: map-base-detail.js.
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

  // the view's centre inside this box (south, west, north, east): Iran, Azerbaijan and
  // Armenia keep their tints; outside it, a map of Afghanistan or Africa is plain
  var REGION = [33.0, 37.0, 45.0, 56.0];
  // the regional band's box (south, west, north, east; packaging/build_world.py's BOX):
  // the world layer draws outside it
  var BOX = [20.0, 24.0, 60.0, 76.0];
  var WORLD_URL = "araz://app/basemap/world.js";

  function riverWeight(band, major) {
    var close = band.minZoom >= 8;
    if (major) return close ? 4.5 : 3;
    return close ? 1.6 : 1;
  }

  function Basemap(map, data) {
    this.map = map;
    this.data = data;
    // drawn at the view's size until the map is first used, then half the view beyond
    // it on each side (map-commands.js's pan margins: growMargins)
    this.renderer = L.canvas({ pane: "basemap", padding: 0 });
    this.highlightRenderer = L.canvas({ pane: "riverHighlight", padding: 0 });
    this.renderer._panPadding = this.highlightRenderer._panPadding = 0.5;
    this.layers = {}; // band name -> L.LayerGroup
    this.highlight = {}; // band name -> L.GeoJSON of the major river
    this.current = null;
    this.labels = [];
    this.highlightStyle = null;
    // the app's page has its labels apart, in its first bundle (map-labels-early.js)
    if (data) this._buildLabels(data.labels || window.ARAZ_BASEMAP_LABELS);
    this.world = null; // the world layer's two L.GeoJSON, once the view has needed them
    this.worldState = 0; // its text: 0 not asked for, 1 on its way, 2 in (fetchWorld)
    this.bandsAsked = {}; // band name -> 1 its file on its way, 2 in or failed (_fetchBand)
    this.tinted = true;
    map.on("zoomend", this.update, this);
    map.on("move zoom resize", this._worldIfSeen, this);
    map.on("moveend", this._retint, this);
    map.on("moveend", this._placeSoon, this);
  }

  /* The world layer (Natural Earth 1:110m outside the regional box), parsed and added
   * the first time the view, with the margin the canvas draws beyond it, leaves the
   * box: data far from the Caucasus still sits on a map. */
  Basemap.prototype._worldIfSeen = function () {
    if (this.world) return;
    var b = this.map.getBounds().pad(0.5);
    if (b.getSouth() >= BOX[0] && b.getWest() >= BOX[1] && b.getNorth() <= BOX[2] && b.getEast() <= BOX[3]) return;
    if (typeof window.ARAZ_WORLD_JSON !== "string") {
      this.worldNeeded = true; // a view waits for it
      this.fetchWorld();
      return;
    }
    var world = JSON.parse(window.ARAZ_WORLD_JSON), plain = { renderer: this.renderer, interactive: false };
    // fills without outlines (their cut along the regional box would show as a seam),
    // then the countries' own coasts and borders as lines; beneath the band, which
    // was on the canvas first
    var fills = window.araz.bandLayer(world.fills, L.extend({}, plain, {
      style: { fillColor: FILL.other, fillOpacity: 1, stroke: false },
    })).addTo(this.map);
    var lines = window.araz.bandLayer(world.lines, L.extend({}, plain, {
      style: { color: COAST, weight: 0.8, opacity: 1, fill: false },
    })).addTo(this.map);
    lines.bringToBack();
    fills.bringToBack();
    this.world = { fills: fills, lines: lines };
  };

  /* The app's page has no world.js among its scripts (a quarter megabyte the first view
   * does not draw): its text is fetched when the page is first idle (map.js) or when a
   * view needs it, whichever comes first; worldState 1 while on its way, 2 once in (or
   * failed).  worldPending(): a view waits for it (map-commands.js holds the
   * acknowledgements meanwhile; not for a fetch ahead of need); true too while a
   * band's file a view needs is on its way (_fetchBand). */
  Basemap.prototype.worldPending = function () {
    return (this.worldState === 1 && !!this.worldNeeded) || this.bandPending();
  };

  Basemap.prototype.fetchWorld = function () {
    if (this.worldState || typeof window.ARAZ_WORLD_JSON === "string") return;
    if (location.protocol !== "araz:" || !window.fetch) return;
    var self = this;
    this.worldState = 1;
    fetch(WORLD_URL).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    }).then(function (text) {
      // window.ARAZ_WORLD_JSON = "<JSON text>"; (packaging/build_world.py)
      var literal = JSON.parse(text.slice(text.indexOf("=") + 1, text.lastIndexOf(";")));
      if (typeof literal !== "string") throw new Error("not the world's JSON text");
      window.ARAZ_WORLD_JSON = literal;
    }).catch(function (err) {
      console.warn("araz: world layer not read from " + WORLD_URL + ": " + err);
    }).then(function () {
      self.worldState = 2;
      if (self.map._loaded) self._worldIfSeen();
    });
  };

  function countryStyle(tinted) {
    return function (f) {
      var role = (tinted && f.properties && f.properties.role) || "other";
      // no outline: the band is clipped to a box, and a stroked clip edge would
      // cross the land as a seam; coasts read from land against sea, borders are lines
      return { fillColor: FILL[role] || FILL.other, fillOpacity: 1, stroke: false };
    };
  }

  /* Tints on or off as the view's centre enters or leaves the region. */
  Basemap.prototype._retint = function () {
    var c = this.map.getCenter();
    var tinted = c.lat >= REGION[0] && c.lat <= REGION[2] && c.lng >= REGION[1] && c.lng <= REGION[3];
    if (tinted === this.tinted) return;
    this.tinted = tinted;
    for (var name in this.countryLayers) this.countryLayers[name].setStyle(countryStyle(tinted));
  };

  Basemap.prototype.bandFor = function (zoom) {
    var bands = (this.data && this.data.bands) || [];
    var band = bands.length ? bands[zoom < bands[0].minZoom ? 0 : bands.length - 1] : null;
    for (var i = 0; i < bands.length; i++) {
      if (zoom >= bands[i].minZoom && zoom < bands[i].maxZoom + 1) {
        band = bands[i];
        break;
      }
    }
    var ready = band && parsed(band);
    if (band && !ready && band.binary) this._fetchBand(band);
    return ready;
  };

  /* A band whose binary file the start did not fetch (the close band: map-base-binary.js)
   * asked for the first time a view needs it, the basemap's detail with it
   * (map-base-detail.js); the band shown meanwhile stays, and is swapped once the file
   * is in.  bandsAsked[name]: 1 on its way, 2 in (or failed: not asked again). */
  Basemap.prototype._fetchBand = function (band) {
    if (this.bandsAsked[band.name] || !window.araz.fetchBasemapBand) return;
    if (location.protocol !== "araz:" || !window.fetch) return;
    this.bandsAsked[band.name] = 1;
    var self = this;
    window.araz.fetchBasemapBand(band, function () {
      self.bandsAsked[band.name] = 2;
      if (self.map._loaded) self.update();
    });
    if (this._detailIfNeeded) this._detailIfNeeded(band);
  };

  Basemap.prototype.bandPending = function () {
    for (var name in this.bandsAsked) if (this.bandsAsked[name] === 1) return true;
    return false;
  };

  /* The band with its layers: those that came as JSON text parsed, once (or read from
   * the band's binary file instead, when the page has it: map-base-binary.js). */
  function parsed(band) {
    if (typeof band.json === "string" || band.binary) {
      // basemap/start.js's band has no JSON text: its binary file's (band.binary)
      var binary = window.araz.basemapBand ? window.araz.basemapBand(band.name) : null;
      var layers = binary || (typeof band.json === "string" ? JSON.parse(band.json) : null);
      if (!layers) return null; // neither its file nor its text could be read
      for (var name in layers) band[name] = layers[name];
      delete band.json;
      delete band.binary;
    }
    return band;
  }

  /* The first band (the regional one, which the home view shows) parsed and its
   * layers built: work that needs no size, done while the page waits to be shown. */
  Basemap.prototype.prepare = function () {
    var bands = (this.data && this.data.bands) || [];
    if (!bands.length) return;
    var band = parsed(bands[0]);
    if (band && !this.layers[band.name]) this.layers[band.name] = this._build(band);
  };

  Basemap.prototype._build = function (band) {
    var r = this.renderer, layer = window.araz.bandLayer;
    var plain = { renderer: r, interactive: false };
    var group = L.layerGroup();
    var countries = layer(band.countries, L.extend({}, plain, { style: countryStyle(this.tinted) }));
    this.countryLayers = this.countryLayers || {};
    this.countryLayers[band.name] = countries;
    group.addLayer(countries);
    var detail = this._detailLayers ? this._detailLayers(band) : null; // map-base-detail.js
    if (detail) group.addLayer(detail.urban);
    if (band.lakes) {
      group.addLayer(layer(band.lakes, L.extend({}, plain, {
        style: { fillColor: LAKE, fillOpacity: 1, color: RIVER, weight: 0.8 },
      })));
    }
    if (detail) group.addLayer(detail.regions);
    if (band.rivers) {
      group.addLayer(layer(band.rivers, L.extend({}, plain, {
        filter: function (f) { return !(f.properties && f.properties.major); },
        style: { color: RIVER, weight: riverWeight(band, false), opacity: 0.9, lineJoin: "round" },
      })));
    }
    if (band.borders) {
      group.addLayer(layer(band.borders, L.extend({}, plain, {
        style: { color: BORDER, weight: band.minZoom >= 8 ? 1.6 : 1.1, opacity: 0.9, dashArray: null },
      })));
    }
    if (band.rivers) {
      group.addLayer(layer(band.rivers, L.extend({}, plain, {
        filter: function (f) { return !!(f.properties && f.properties.major); },
        style: { color: ARAZ, weight: riverWeight(band, true), opacity: 1, lineJoin: "round" },
      })));
      this.highlight[band.name] = layer(band.rivers, {
        renderer: this.highlightRenderer, interactive: false,
        filter: function (f) { return !!(f.properties && f.properties.major); },
      });
    }
    return group;
  };

  /* Show the band for the current zoom (and keep the river highlight on it). */
  Basemap.prototype.update = function () {
    var band = this.bandFor(this.map.getZoom());
    if (!band || band === this.current) return this._placeSoon();
    if (this.current) {
      this.map.removeLayer(this.layers[this.current.name]);
      var old = this.highlight[this.current.name];
      if (old && this.map.hasLayer(old)) this.map.removeLayer(old);
    }
    if (!this.layers[band.name]) this.layers[band.name] = this._build(band);
    this.layers[band.name].addTo(this.map);
    this.current = band;
    if (this._detailIfNeeded) this._detailIfNeeded(band);
    // the detail's credit, had the detail come before the band's file (map-base-detail.js)
    if (this._detailCredit) this._detailCredit();
    this.setRiverHighlight(this.highlightStyle);
    this._placeSoon();
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

  window.araz = window.araz || {};
  window.araz.Basemap = Basemap;
})();
