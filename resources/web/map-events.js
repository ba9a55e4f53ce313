/* Araz map: the events layer.
 *
 * One Leaflet layer of our own, drawing every event on a single canvas from typed
 * arrays: pre-projected world coordinates (0..1 Web Mercator), colours, a visibility
 * mask.  Few visible markers are drawn as anti-aliased circles; many are stamped into
 * an ImageData buffer.  Several events at one place are spread out on rings around the
 * place (up to SPREAD_MAX), beyond that drawn as one cluster disc with a count.  After
 * each draw a spatial grid of the drawn markers answers hover and click hit tests.
 *
 * The layer knows nothing of the bridge: map.js feeds it and asks it for hits.
 */
(function () {
  "use strict";

  var RADIUS = 5;          // marker radius, CSS px
  var RING_GAP = 2 * RADIUS + 2;
  // 1 + 6 + 12: two rings around the place, at most 24 px from it; a slot across a
  // border from the place is not used, and a group that does not fit is one disc with
  // its count at the place itself
  var SPREAD_MAX = 19;
  // Density: shown events at more distinct places than this inside the view, below this
  // zoom, draw as hexagon bins (or a heatmap); fewer, or closer, as points (events at one
  // place are one marker, spread or a cluster).  1,000 markers of 10 px hide a 900 x 650
  // map's borders and labels (see the README's screenshots); 500 do not.
  var DENSITY_ABOVE = 1000;
  var DENSITY_BELOW_ZOOM = 10;
  var STAMP_ABOVE = 3000;  // more visible markers than this: stamp pixels instead of arcs
  var CELL = 32;           // hit-test grid cell, px
  var OUTLINE = "rgba(40, 40, 40, 0.85)";
  var FOCUS = "#0b4f9c";   // keyboard focus ring

  // Ring layout: slot 0 at the place, ring j holds 6*j slots at radius j*RING_GAP.
  var SLOT_X = new Float32Array(SPREAD_MAX);
  var SLOT_Y = new Float32Array(SPREAD_MAX);
  (function () {
    var k = 1;
    for (var ring = 1; k < SPREAD_MAX; ring++) {
      var n = 6 * ring;
      for (var s = 0; s < n && k < SPREAD_MAX; s++, k++) {
        var a = -Math.PI / 2 + (2 * Math.PI * s) / n + (ring % 2 ? 0 : Math.PI / n);
        SLOT_X[k] = Math.cos(a) * ring * RING_GAP;
        SLOT_Y[k] = Math.sin(a) * ring * RING_GAP;
      }
    }
  })();

  function worldX(lon) {
    return lon / 360 + 0.5;
  }

  function worldY(lat) {
    var max = 85.0511287798;
    var phi = (Math.max(Math.min(lat, max), -max) * Math.PI) / 180;
    return 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI);
  }

  /* A text column: {t: [distinct texts], c: per event, its index in t}, kept as the
   * table and an Int32Array of n codes (c itself when it is one; missing ones are -1). */
  function textColumn(col, n) {
    var table = col && Array.isArray(col.t) ? col.t : [];
    var c = col && col.c;
    if (c instanceof Int32Array && c.length === n) return { table: table, codes: c };
    var codes = new Int32Array(n).fill(-1);
    if (c && typeof c.length === "number") codes.set(Array.prototype.slice.call(c, 0, n));
    return { table: table, codes: codes };
  }

  function textOf(col, i) {
    var s = col.table[col.codes[i]];
    return s === undefined || s === null ? "" : String(s);
  }

  var LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  var utf8 = new TextDecoder("utf-8");

  /* The events payload Python serves at araz://app/data/events/<seq> (the format is in
   * the docstring of araz/qt/map/view.py) as the columns setEvents takes: typed arrays
   * viewing the buffer itself, no copies.  Throws on a malformed buffer. */
  function decodeEvents(buffer) {
    if (!LITTLE_ENDIAN) throw new Error("events payload: a big-endian platform");
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < 16) throw new Error("events payload: too short");
    var head = new DataView(buffer, 0, 16);
    var magic = String.fromCharCode(head.getUint8(0), head.getUint8(1), head.getUint8(2), head.getUint8(3));
    if (magic !== "ARZE" || head.getUint32(4, true) !== 1) throw new Error("events payload: unknown format");
    var n = head.getUint32(8, true), size = head.getUint32(12, true);
    if (16 + size > buffer.byteLength) throw new Error("events payload: truncated");
    var meta = JSON.parse(utf8.decode(new Uint8Array(buffer, 16, size)));
    var at = 16 + size;
    function take(Type, count) {
      at += (8 - (at % 8)) % 8;
      if (at + count * Type.BYTES_PER_ELEMENT > buffer.byteLength) throw new Error("events payload: truncated");
      var view = new Type(buffer, at, count);
      at += count * Type.BYTES_PER_ELEMENT;
      return view;
    }
    var d = { n: n, lat: take(Float64Array, n), lon: take(Float64Array, n) };
    ["title", "date", "actors"].forEach(function (key) {
      d[key] = { t: meta[key], c: take(Int32Array, n) };
    });
    d.color = take(Uint16Array, n);
    d.radius = meta.radius ? take(Float32Array, n) : null;
    var starts = take(Uint32Array, n + 1);
    d.ids = { starts: starts, bytes: take(Uint8Array, n ? starts[n] : 0) };
    d.palette = meta.palette;
    d.to = meta.to;
    d.line = meta.line;
    return d;
  }

  function parseColor(hex) {
    var m = /^#([0-9a-fA-F]{6})$/.exec(hex || "");
    var v = m ? parseInt(m[1], 16) : 0x808080;
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }

  var EventLayer = L.Renderer.extend({
    options: { padding: 0.1, pane: "events" },

    initialize: function (options) {
      L.Renderer.prototype.initialize.call(this, options);
      this.setEvents({ n: 0, ids: [], lat: [], lon: [], color: [], palette: [] });
      this.selected = -1;
      this.hovered = -1;
      this.focused = -1;
      this.densityMode = "hex"; // "hex", "heat" or "points" (never density)
      this.outlines = false; // location uncertainty as light outlines for every marker
      this.bins = null; // the density drawn (map-density.js's hexbin), or null: points
    },

    /* Drawing options: {density: "hex" | "heat" | "points", outlines: bool}. */
    setStyle: function (o) {
      if (o && ["hex", "heat", "points"].indexOf(o.density) >= 0) this.densityMode = o.density;
      if (o && typeof o.outlines === "boolean") this.outlines = o.outlines;
    },

    /* Replace all events.  d: the columns decodeEvents reads from Python's payload
     * (typed arrays, kept as they are), or plain arrays alike.  ids as an array of
     * strings or {starts, bytes} (UTF-8, read with idOf(i)); title, date and actors as
     * tables of distinct texts with a code per event: read them with titleOf(i) and the like. */
    setEvents: function (d) {
      var n = typeof d.n === "number" ? d.n : d.ids.length;
      this.n = n;
      this._ids = d.ids;
      // texts as a table of distinct strings and one code per event (see textColumn)
      this.titles = textColumn(d.title, n);
      this.dates = textColumn(d.date, n);
      this.actorLists = textColumn(d.actors, n);
      this.lat = d.lat instanceof Float64Array ? d.lat : Float64Array.from(d.lat);
      this.lon = d.lon instanceof Float64Array ? d.lon : Float64Array.from(d.lon);
      var lat = this.lat, lon = this.lon;
      this.wx = new Float64Array(n);
      this.wy = new Float64Array(n);
      this.colorIndex = new Uint16Array(n);
      this.visible = new Uint8Array(n).fill(1);
      this.sx = new Float32Array(n); // drawn position, canvas px (valid when drawn[i])
      this.sy = new Float32Array(n);
      this.drawn = new Uint8Array(n); // 0 not drawn, 1 marker, 2 cluster representative
      this.clusterSize = new Uint32Array(n);
      // events at the same point (to 1e-4 degree) form a group; a numeric key, not a
      // "lat,lon" string per event (100,000 strings of garbage at load)
      var groups = new Map();
      this.group = new Int32Array(n);
      var ngroups = 0;
      this._setPalette(d.palette);
      this.size = null; // marker radius per event (CSS px) when sized by a number
      this._bySize = null;
      var colors = d.color, npal = this.palette.length;
      for (var i = 0; i < n; i++) {
        this.wx[i] = worldX(lon[i]);
        this.wy[i] = worldY(lat[i]);
        var ci = colors[i] || 0;
        this.colorIndex[i] = ci < npal ? ci : 0;
        var key = Math.round((lat[i] + 90) * 1e4) * 4e6 + Math.round((lon[i] + 180) * 1e4);
        var g = groups.get(key);
        if (g === undefined) groups.set(key, (g = ngroups++));
        this.group[i] = g;
      }
      this.groupCount = new Uint32Array(ngroups);
      this.groupRank = new Uint32Array(ngroups);
      this.groupFirst = new Int32Array(ngroups);
      // location uncertainty in metres (ACLED's geo_precision), when the data has any
      this.radius = !d.radius ? null : d.radius instanceof Float32Array ? d.radius : Float64Array.from(d.radius);
      this.to = new Map(); // index -> [wx, wy]
      (d.to || []).forEach(function (t) {
        if (t[0] >= 0 && t[0] < n) this.to.set(t[0], [worldX(t[2]), worldY(t[1])]);
      }, this);
      this.line = new Uint8Array(n);
      (d.line || []).forEach(function (i) {
        if (i >= 0 && i < n) this.line[i] = 1;
      }, this);
      this.selected = -1;
      this.hovered = -1;
      this.focused = -1;
      this.fire("events"); // new events, in their own colours (map.js drops the legend)
    },

    /* The palette ("#rrggbb" texts) as CSS and RGB, and packed for stamping. */
    _setPalette: function (hexes) {
      this.palette = (hexes || []).map(function (h) {
        var rgb = parseColor(h);
        return { css: "rgb(" + rgb.join(",") + ")", rgb: rgb };
      });
      if (!this.palette.length) this.palette.push({ css: "rgb(128,128,128)", rgb: [128, 128, 128] });
      // ImageData is little-endian RGBA: pack as ABGR words.
      this.packed = new Uint32Array(this.palette.length);
      for (var p = 0; p < this.palette.length; p++) {
        var c = this.palette[p].rgb;
        this.packed[p] = ((255 << 24) | (c[2] << 16) | (c[1] << 8) | c[0]) >>> 0;
      }
    },

    /* Colour by another column, size by a number: the events stay.  palette: "#rrggbb"
     * texts; color: a palette index per event; quarters: a marker radius per event in
     * quarter CSS px (0..255), or null for one size.  Big markers are drawn first, small
     * ones on top (a counting sort: linear in the events). */
    setColors: function (palette, color, quarters) {
      this._setPalette(palette);
      var npal = this.palette.length, n = this.n, i;
      for (i = 0; i < n; i++) {
        var ci = color[i] || 0;
        this.colorIndex[i] = ci < npal ? ci : 0;
      }
      this.size = null;
      this._bySize = null;
      if (!quarters || quarters.length !== n) return;
      var size = new Float32Array(n), start = new Uint32Array(257);
      for (i = 0; i < n; i++) {
        size[i] = quarters[i] / 4;
        start[256 - quarters[i]]++; // bucket 1 holds the largest (255)
      }
      for (i = 0; i < 256; i++) start[i + 1] += start[i];
      var order = new Uint32Array(n);
      for (i = 0; i < n; i++) order[start[255 - quarters[i]]++] = i;
      this.size = size;
      this._bySize = order;
    },

    /* Marker radius of event i (CSS px): its size, or the one size. */
    radiusOf: function (i) {
      return this.size ? this.size[i] : RADIUS;
    },

    /* Visibility from a base64 bitmask, little bit order (numpy packbits "little"). */
    setMaskBase64: function (b64, count) {
      var bin = atob(b64);
      var vis = this.visible;
      var n = Math.min(this.n, count === undefined ? this.n : count);
      vis.fill(0);
      for (var byte = 0, i = 0; i < n; byte++) {
        var v = bin.charCodeAt(byte);
        for (var bit = 0; bit < 8 && i < n; bit++, i++) vis[i] = (v >> bit) & 1;
      }
    },

    /* Event i's id (a string; "" out of range). */
    idOf: function (i) {
      var ids = this._ids;
      if (!(i >= 0 && i < this.n)) return "";
      if (Array.isArray(ids)) return String(ids[i]);
      return utf8.decode(ids.bytes.subarray(ids.starts[i], ids.starts[i + 1]));
    },

    colorOf: function (i) {
      return this.palette[this.colorIndex[i]].css;
    },

    /* Event i's title, date and actors as text ("" when it has none). */
    titleOf: function (i) {
      return textOf(this.titles, i);
    },

    dateOf: function (i) {
      return textOf(this.dates, i);
    },

    actorsOf: function (i) {
      return textOf(this.actorLists, i);
    },

    // --- Leaflet renderer plumbing (container positioning, zoom animation) ---

    _initContainer: function () {
      var c = (this._container = document.createElement("canvas"));
      c.className = "araz-events";
      this._ctx = c.getContext("2d");
      var d = (this._densityCanvas = document.createElement("canvas"));
      d.className = "araz-density leaflet-zoom-animated";
      this._densityCtx = d.getContext("2d");
    },

    onAdd: function () {
      L.Renderer.prototype.onAdd.call(this);
      (this._map.getPane("density") || this.getPane()).appendChild(this._densityCanvas);
    },

    _updateTransform: function (center, zoom) {
      L.Renderer.prototype._updateTransform.call(this, center, zoom);
      if (!this._densityCanvas || !this._bounds) return;
      var scale = this._map.getZoomScale(zoom, this._zoom);
      var viewHalf = this._map.getSize().multiplyBy(0.5 + this.options.padding);
      var currentCenterPoint = this._map.project(this._center, zoom);
      var topLeftOffset = viewHalf.multiplyBy(-scale).add(currentCenterPoint)
        .subtract(this._map._getNewPixelOrigin(center, zoom));
      if (L.Browser.any3d) L.DomUtil.setTransform(this._densityCanvas, topLeftOffset, scale);
      else L.DomUtil.setPosition(this._densityCanvas, topLeftOffset);
    },

    _destroyContainer: function () {
      L.DomUtil.remove(this._densityCanvas);
      L.DomUtil.remove(this._container);
      delete this._ctx;
      delete this._container;
    },

    _update: function () {
      if (this._map._animatingZoom && this._bounds) return;
      L.Renderer.prototype._update.call(this);
      var b = this._bounds;
      var size = b.getSize();
      var m = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(this._container, b.min);
      this._container.width = Math.round(m * size.x);
      this._container.height = Math.round(m * size.y);
      this._container.style.width = size.x + "px";
      this._container.style.height = size.y + "px";
      var d = this._densityCanvas;
      L.DomUtil.setPosition(d, b.min);
      d.width = this._container.width;
      d.height = this._container.height;
      d.style.width = size.x + "px";
      d.style.height = size.y + "px";
      this._dpr = m;
      this.draw();
      this.fire("update");
    },

    /* Canvas position (CSS px) of a container point, for hit tests. */
    canvasPoint: function (containerPoint) {
      return this._map.containerPointToLayerPoint(containerPoint).subtract(this._bounds.min);
    },

    /* Draw offset (CSS px, from the event's place) of a drawn marker. */
    drawOffset: function (i) {
      if (!this.drawn[i] || !this._bounds) return L.point(0, 0);
      var z = this._map.getZoom();
      var scale = 256 * Math.pow(2, z);
      var origin = this._map.getPixelOrigin();
      var x = this.wx[i] * scale - origin.x - this._bounds.min.x;
      var y = this.wy[i] * scale - origin.y - this._bounds.min.y;
      return L.point(this.sx[i] - x, this.sy[i] - y);
    },

    // --- drawing ---

    draw: function () {
      if (!this._map || !this._bounds) return;
      var size = this._bounds.getSize();
      var z = this._map.getZoom();
      var scale = 256 * Math.pow(2, z);
      var origin = this._map.getPixelOrigin();
      var ox = -origin.x - this._bounds.min.x;
      var oy = -origin.y - this._bounds.min.y;
      var n = this.n, vis = this.visible, group = this.group;
      var gc = this.groupCount, gr = this.groupRank, gf = this.groupFirst;
      var sx = this.sx, sy = this.sy, drawn = this.drawn;
      gc.fill(0);
      gr.fill(0);
      drawn.fill(0);
      var i, g;
      for (i = 0; i < n; i++) {
        if (vis[i] || i === this.selected) {
          g = group[i];
          if (gc[g]++ === 0) gf[g] = i;
        }
      }
      // how many shown events are inside the view (the map's container, not the padding)
      var view = this._map.getSize(), corner = this._map.containerPointToLayerPoint([0, 0]);
      var vx0 = corner.x - this._bounds.min.x, vy0 = corner.y - this._bounds.min.y;
      // ... and at how many distinct places (markers, before spreading): the clutter
      var inView = 0, places = 0, seen = new Uint8Array(gc.length);
      for (i = 0; i < n; i++) {
        if (!vis[i]) continue;
        var qx = this.wx[i] * scale + ox - vx0, qy = this.wy[i] * scale + oy - vy0;
        if (qx >= 0 && qy >= 0 && qx <= view.x && qy <= view.y) {
          inView++;
          if (!seen[group[i]]) {
            seen[group[i]] = 1;
            places++;
          }
        }
      }
      this.inView = inView;
      this.placesInView = places;
      var dense = this.densityMode !== "points" && places > DENSITY_ABOVE && z < DENSITY_BELOW_ZOOM;
      this.bins = dense ? window.araz.density.hexbin(this, scale, ox, oy, size.x, size.y) : null;
      var slots = dense ? null : this._allowedSlots(scale, ox, oy, size);
      var count = 0, margin = 2 * RING_GAP + RADIUS;
      for (i = 0; i < n; i++) {
        if (!(vis[i] || i === this.selected)) continue;
        // density: only the selected, hovered and focused events are markers
        if (dense && i !== this.selected && i !== this.hovered && i !== this.focused) continue;
        g = group[i];
        var x = this.wx[i] * scale + ox, y = this.wy[i] * scale + oy;
        if (x < -margin || y < -margin || x > size.x + margin || y > size.y + margin) continue;
        var k = gr[g]++;
        if (dense) {
          k = 0;
        } else if (slots && gc[g] > 1) {
          var list = slots.get(g);
          if (!list || gc[g] > list.length) k = -1; // does not fit on its side: a cluster
          else k = list[k];
        } else if (gc[g] > SPREAD_MAX) {
          k = -1;
        }
        if (k < 0) {
          if (gr[g] > 1) continue;
          drawn[i] = 2;
          this.clusterSize[i] = gc[g];
        } else {
          drawn[i] = 1;
          x += SLOT_X[k];
          y += SLOT_Y[k];
        }
        sx[i] = x;
        sy[i] = y;
        count++;
      }
      this.drawnCount = count;
      var ctx = this._ctx, dpr = this._dpr;
      var dctx = this._densityCtx;
      dctx.setTransform(1, 0, 0, 1, 0, 0);
      dctx.clearRect(0, 0, this._densityCanvas.width, this._densityCanvas.height);
      if (this.bins) {
        dctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        if (this.densityMode === "heat") window.araz.density.paintHeat(dctx, this.bins, size.x, size.y, dpr);
        else window.araz.density.paintHex(dctx, this.bins, dpr);
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, this._container.width, this._container.height);
      if (count > STAMP_ABOVE) {
        this._stamp();
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        this._drawArrows(ctx, scale, ox, oy);
      } else {
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        this._drawUncertainty(ctx, scale, ox, oy);
        this._drawArrows(ctx, scale, ox, oy);
        this._drawLegs(ctx, scale, ox, oy);
        this._drawCircles(ctx);
      }
      this._drawClusters(ctx);
      this._drawFocus(ctx, this.hovered, false);
      this._drawFocus(ctx, this.selected, true);
      this._drawKeyboardFocus(ctx, this.focused);
      this._buildGrid(size);
      this.fire("drawn");
    },

    /* The keyboard focus ring: white and dark blue, outside any selection ring. */
    _drawKeyboardFocus: function (ctx, i) {
      if (i < 0 || i >= this.n || !this.drawn[i]) return;
      var r = (this.drawn[i] === 2 ? RADIUS + 8 : this.radiusOf(i)) + (i === this.selected ? 8 : 5);
      ctx.lineWidth = 5;
      ctx.strokeStyle = "#ffffff";
      ctx.beginPath();
      ctx.arc(this.sx[i], this.sy[i], r, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = FOCUS;
      ctx.stroke();
    },

    _drawArrows: function (ctx, scale, ox, oy) {
      var self = this;
      ctx.lineWidth = 2;
      ctx.lineCap = "round";
      var size = this._bounds.getSize();
      this.to.forEach(function (t, i) {
        var x0, y0;
        var x1 = t[0] * scale + ox, y1 = t[1] * scale + oy;
        if (self.drawn[i]) {
          x0 = self.sx[i];
          y0 = self.sy[i];
        } else if (!self.bins && (self.visible[i] || i === self.selected)) {
          // its start is out of the view (no marker there): the arrow still runs from
          // its true place, when its box meets the canvas (the canvas clips the rest)
          x0 = self.wx[i] * scale + ox;
          y0 = self.wy[i] * scale + oy;
          var pad = 0.2 * (Math.abs(x1 - x0) + Math.abs(y1 - y0));
          if (Math.max(x0, x1) + pad < 0 || Math.min(x0, x1) - pad > size.x) return;
          if (Math.max(y0, y1) + pad < 0 || Math.min(y0, y1) - pad > size.y) return;
        } else {
          return;
        }
        var dx = x1 - x0, dy = y1 - y0, len = Math.sqrt(dx * dx + dy * dy);
        if (len < 2 * RADIUS) return;
        var cx = (x0 + x1) / 2 - dy * 0.2, cy = (y0 + y1) / 2 + dx * 0.2;
        // Stop short of the target so the head is not hidden under markers there.
        var ex = x1 - cx, ey = y1 - cy, el = Math.sqrt(ex * ex + ey * ey) || 1;
        x1 -= (ex / el) * (RADIUS + 3);
        y1 -= (ey / el) * (RADIUS + 3);
        ctx.strokeStyle = ctx.fillStyle = self.colorOf(i);
        ctx.globalAlpha = i === self.selected || i === self.hovered ? 1 : 0.75;
        ctx.beginPath();
        ctx.moveTo(x0, y0);
        ctx.quadraticCurveTo(cx, cy, x1, y1);
        ctx.stroke();
        var a = Math.atan2(y1 - cy, x1 - cx), h = 9;
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.lineTo(x1 - h * Math.cos(a - 0.4), y1 - h * Math.sin(a - 0.4));
        ctx.lineTo(x1 - h * Math.cos(a + 0.4), y1 - h * Math.sin(a + 0.4));
        ctx.closePath();
        ctx.fill();
      });
      ctx.globalAlpha = 1;
    },

    /* Location uncertainty around the true place: a translucent disc for the hovered,
     * selected and focused events only; a light outline (no fill) for every other drawn
     * marker when outlines are asked for (never thousands of tinted discs). */
    _drawUncertainty: function (ctx, scale, ox, oy) {
      if (!this.radius) return;
      var self = this;
      function disc(i, filled) {
        var r = self.radius[i];
        if (!(r > 0) || !self.drawn[i]) return;
        var px = (r / (40075016.686 * Math.cos((self.lat[i] * Math.PI) / 180))) * scale;
        if (px < 3) return;
        var rgb = self.palette[self.colorIndex[i]] ? self.palette[self.colorIndex[i]].rgb : [128, 128, 128];
        ctx.beginPath();
        ctx.arc(self.wx[i] * scale + ox, self.wy[i] * scale + oy, px, 0, 2 * Math.PI);
        if (filled) {
          ctx.lineWidth = 1.5;
          ctx.fillStyle = "rgba(" + rgb.join(",") + ",0.12)";
          ctx.strokeStyle = "rgba(" + rgb.join(",") + ",0.8)";
          ctx.fill();
        } else {
          ctx.lineWidth = 1;
          ctx.strokeStyle = "rgba(" + rgb.join(",") + ",0.35)";
        }
        ctx.stroke();
      }
      var focus = [this.selected, this.hovered, this.focused];
      if (this.outlines && !this.bins) {
        for (var i = 0; i < this.n; i++) if (focus.indexOf(i) < 0) disc(i, false);
      }
      focus.forEach(function (j) {
        if (j >= 0 && j < self.n) disc(j, true);
      });
    },

    /* The country mask of the view, made again only when the view or the band changed
     * (not on a filter change: a playback step costs no polygon painting). */
    _countryMask: function (band, size) {
      var o = this._map.getPixelOrigin(), b = this._bounds.min;
      var key = [band.name, this._map.getZoom(), o.x, o.y, b.x, b.y, size.x, size.y].join(",");
      if (this._maskKey !== key) {
        this._maskKey = key;
        this._mask = window.araz.density.countryMask(band.countries, this._map, this._bounds, size.x, size.y);
      }
      return this._mask;
    },

    /* Per group of two or more events at one place inside the view, the ring slots (in
     * order) whose marker stays in the place's country on the basemap drawn now; null
     * when there is no basemap to ask. */
    _allowedSlots: function (scale, ox, oy, size) {
      var basemap = window.araz.basemap, band = basemap && basemap.current;
      if (!band || !band.countries) return null;
      var gc = this.groupCount, gf = this.groupFirst, out = new Map(), mask = null;
      for (var g = 0; g < gc.length; g++) {
        if (gc[g] < 2) continue;
        var i = gf[g];
        var x = this.wx[i] * scale + ox, y = this.wy[i] * scale + oy;
        if (x < 0 || y < 0 || x > size.x || y > size.y) continue;
        if (!mask) mask = this._countryMask(band, size);
        var home = mask.home(x, y), list = [0];
        for (var k = 1; k < SPREAD_MAX; k++) {
          var at = mask.at(x + SLOT_X[k], y + SLOT_Y[k]);
          if (at === home || at < 0) list.push(k);
        }
        out.set(g, list);
      }
      return out;
    },

    _drawLegs: function (ctx, scale, ox, oy) {
      ctx.strokeStyle = "rgba(60, 60, 60, 0.55)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (var i = 0; i < this.n; i++) {
        if (this.drawn[i] !== 1 || this.groupCount[this.group[i]] < 2) continue;
        var x = this.wx[i] * scale + ox, y = this.wy[i] * scale + oy;
        if (x === this.sx[i] && y === this.sy[i]) continue;
        ctx.moveTo(x, y);
        ctx.lineTo(this.sx[i], this.sy[i]);
      }
      ctx.stroke();
    },

    _drawCircles: function (ctx) {
      ctx.lineWidth = 1;
      ctx.strokeStyle = OUTLINE;
      var order = this._bySize, size = this.size;
      for (var k = 0; k < this.n; k++) {
        var i = order ? order[k] : k;
        if (this.drawn[i] !== 1) continue;
        ctx.fillStyle = this.colorOf(i);
        ctx.beginPath();
        ctx.arc(this.sx[i], this.sy[i], size ? size[i] : RADIUS, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      }
    },

    _drawClusters: function (ctx) {
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.font = "bold 11px sans-serif";
      for (var i = 0; i < this.n; i++) {
        if (this.drawn[i] !== 2) continue;
        var r = RADIUS + 8, x = this.sx[i], y = this.sy[i];
        ctx.fillStyle = this.colorOf(i);
        ctx.strokeStyle = "#ffffff";
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = OUTLINE;
        ctx.stroke();
        ctx.fillStyle = "#ffffff";
        ctx.strokeStyle = "rgba(0,0,0,0.6)";
        ctx.lineWidth = 2.5;
        var label = String(this.clusterSize[i]);
        ctx.strokeText(label, x, y);
        ctx.fillText(label, x, y);
      }
    },

    _drawFocus: function (ctx, i, selected) {
      if (i < 0 || i >= this.n || !this.drawn[i]) return;
      var x = this.sx[i], y = this.sy[i];
      var r = this.drawn[i] === 2 ? RADIUS + 8 : this.radiusOf(i);
      if (selected) {
        ctx.fillStyle = this.colorOf(i);
        ctx.beginPath();
        ctx.arc(x, y, r + 3, 0, 2 * Math.PI);
        ctx.fill();
        ctx.lineWidth = 3;
        ctx.strokeStyle = "#ffffff";
        ctx.stroke();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = "#1a1a1a";
        ctx.beginPath();
        ctx.arc(x, y, r + 4.5, 0, 2 * Math.PI);
        ctx.stroke();
      } else {
        ctx.lineWidth = 2;
        ctx.strokeStyle = "#1a1a1a";
        ctx.beginPath();
        ctx.arc(x, y, r + 3, 0, 2 * Math.PI);
        ctx.stroke();
      }
    },

    /* Many markers: write pixels directly, a precomputed disc with a 1 px outline. */
    _stamp: function () {
      var w = this._container.width, h = this._container.height, dpr = this._dpr;
      if (!w || !h) return;
      var img = this._img;
      if (!img || img.width !== w || img.height !== h) {
        img = this._img = this._ctx.createImageData(w, h);
        this._imgWords = new Uint32Array(img.data.buffer);
      }
      var buf = this._imgWords;
      buf.fill(0);
      var R = Math.max(2, Math.round(RADIUS * dpr));
      if (!this._disc || this._disc.R !== R || this._disc.w !== w) this._disc = makeDisc(R, w);
      if (!this._discs || this._discs.w !== w) this._discs = { w: w }; // per radius, sized
      var disc = this._disc, fill = disc.fill, edge = disc.edge;
      var fdx = disc.fdx, fdy = disc.fdy, edx = disc.edx, edy = disc.edy;
      var outline = ((215 << 24) | (40 << 16) | (40 << 8) | 40) >>> 0;
      var packed = this.packed, ci = this.colorIndex, k, p;
      var order = this._bySize, size = this.size;
      for (var j = 0; j < this.n; j++) {
        var i = order ? order[j] : j;
        if (this.drawn[i] !== 1) continue;
        if (size) {
          R = Math.max(2, Math.round(size[i] * dpr));
          disc = this._discs[R] || (this._discs[R] = makeDisc(R, w));
          fill = disc.fill; edge = disc.edge;
          fdx = disc.fdx; fdy = disc.fdy; edx = disc.edx; edy = disc.edy;
        }
        var cx = Math.round(this.sx[i] * dpr), cy = Math.round(this.sy[i] * dpr);
        var col = packed[ci[i]];
        if (cx > R && cy > R && cx < w - R - 1 && cy < h - R - 1) {
          var base = cy * w + cx;
          for (k = 0; k < edge.length; k++) buf[base + edge[k]] = outline;
          for (k = 0; k < fill.length; k++) buf[base + fill[k]] = col;
        } else {
          for (k = 0; k < edx.length; k++) {
            p = px(cx + edx[k], cy + edy[k], w, h);
            if (p >= 0) buf[p] = outline;
          }
          for (k = 0; k < fdx.length; k++) {
            p = px(cx + fdx[k], cy + fdy[k], w, h);
            if (p >= 0) buf[p] = col;
          }
        }
      }
      this._ctx.putImageData(img, 0, 0);
    },

    // --- hit testing ---

    _buildGrid: function (size) {
      var cols = Math.max(1, Math.ceil(size.x / CELL)), rows = Math.max(1, Math.ceil(size.y / CELL));
      var start = new Int32Array(cols * rows + 1);
      var cellOf = new Int32Array(this.drawnCount);
      var which = new Int32Array(this.drawnCount);
      var m = 0, i, c;
      for (i = 0; i < this.n; i++) {
        if (!this.drawn[i]) continue;
        var cx = Math.floor(this.sx[i] / CELL), cy = Math.floor(this.sy[i] / CELL);
        if (cx < 0 || cy < 0 || cx >= cols || cy >= rows) continue;
        c = cy * cols + cx;
        cellOf[m] = c;
        which[m++] = i;
        start[c + 1]++;
      }
      for (c = 0; c < cols * rows; c++) start[c + 1] += start[c];
      var fillAt = start.slice(0, cols * rows);
      var items = new Int32Array(m);
      for (var j = 0; j < m; j++) items[fillAt[cellOf[j]]++] = which[j];
      this._grid = { cols: cols, rows: rows, start: start, items: items };
    },

    /* Index of the marker under a container point, or -1. */
    hitTest: function (containerPoint) {
      var grid = this._grid;
      if (!grid || !this._bounds || this._map._animatingZoom) return -1;
      var p = this.canvasPoint(containerPoint);
      var gx = Math.floor(p.x / CELL), gy = Math.floor(p.y / CELL);
      var best = -1, bestD = Infinity;
      for (var y = gy - 1; y <= gy + 1; y++) {
        if (y < 0 || y >= grid.rows) continue;
        for (var x = gx - 1; x <= gx + 1; x++) {
          if (x < 0 || x >= grid.cols) continue;
          var c = y * grid.cols + x;
          for (var k = grid.start[c]; k < grid.start[c + 1]; k++) {
            var i = grid.items[k];
            var r = (this.drawn[i] === 2 ? RADIUS + 8 : this.radiusOf(i)) + (i === this.selected ? 5 : 2);
            var dx = this.sx[i] - p.x, dy = this.sy[i] - p.y, d = dx * dx + dy * dy;
            if (d > r * r) continue;
            var score = i === this.selected ? -1 : d;
            if (score < bestD || (score === bestD && i > best)) {
              best = i;
              bestD = score;
            }
          }
        }
      }
      return best;
    },

    /* How many drawn markers touch a box given in layer px (at most cap): obstacles for
     * labels.  Uses the hit-test grid, so it costs a few cells whatever the data size. */
    countIn: function (x0, y0, x1, y1, cap) {
      var grid = this._grid;
      // thousands of markers are a carpet: labels cannot keep clear of them, do not try
      if (!grid || !this._bounds || this.drawnCount > STAMP_ABOVE) return 0;
      var bx = this._bounds.min.x, by = this._bounds.min.y;
      x0 -= bx; x1 -= bx; y0 -= by; y1 -= by;
      var pad = RADIUS + 8 + 1;
      var gx0 = Math.max(0, Math.floor((x0 - pad) / CELL)), gx1 = Math.min(grid.cols - 1, Math.floor((x1 + pad) / CELL));
      var gy0 = Math.max(0, Math.floor((y0 - pad) / CELL)), gy1 = Math.min(grid.rows - 1, Math.floor((y1 + pad) / CELL));
      var count = 0, limit = cap === undefined ? Infinity : cap;
      for (var y = gy0; y <= gy1; y++) {
        for (var x = gx0; x <= gx1; x++) {
          var c = y * grid.cols + x;
          for (var k = grid.start[c]; k < grid.start[c + 1]; k++) {
            var i = grid.items[k];
            var r = (this.drawn[i] === 2 ? RADIUS + 8 : this.radiusOf(i)) + (i === this.selected ? 5 : 1);
            var px = Math.max(x0, Math.min(this.sx[i], x1)), py = Math.max(y0, Math.min(this.sy[i], y1));
            var dx = this.sx[i] - px, dy = this.sy[i] - py;
            if (dx * dx + dy * dy < r * r && ++count >= limit) return count;
          }
        }
      }
      return count;
    },

    /* The drawn markers inside the view (container size), west to east then north to
     * south: the keyboard's order.  Clusters count once. */
    keyboardOrder: function () {
      if (!this._map || !this._bounds) return [];
      var size = this._map.getSize();
      var off = this._map.containerPointToLayerPoint([0, 0]).subtract(this._bounds.min);
      var out = [];
      for (var i = 0; i < this.n; i++) {
        if (!this.drawn[i]) continue;
        var x = this.sx[i] - off.x, y = this.sy[i] - off.y;
        if (x >= 0 && y >= 0 && x <= size.x && y <= size.y) out.push(i);
      }
      var sx = this.sx, sy = this.sy;
      out.sort(function (a, b) {
        return sx[a] - sx[b] || sy[a] - sy[b] || a - b;
      });
      return out;
    },

    /* Indices of the visible events in the same place as i (for a cluster's popup). */
    groupMembers: function (i, limit) {
      var out = [], g = this.group[i];
      for (var j = 0; j < this.n && out.length < limit; j++) {
        if (this.group[j] === g && this.visible[j]) out.push(j);
      }
      return out;
    },
  });

  function px(x, y, w, h) {
    return x < 0 || y < 0 || x >= w || y >= h ? -1 : y * w + x;
  }

  function makeDisc(R, w) {
    var fdx = [], fdy = [], edx = [], edy = [], fill = [], edge = [];
    for (var dy = -R - 1; dy <= R + 1; dy++) {
      for (var dx = -R - 1; dx <= R + 1; dx++) {
        var d = Math.sqrt(dx * dx + dy * dy);
        if (d <= R - 0.5) {
          fdx.push(dx);
          fdy.push(dy);
          fill.push(dy * w + dx);
        } else if (d <= R + 0.6) {
          edx.push(dx);
          edy.push(dy);
          edge.push(dy * w + dx);
        }
      }
    }
    return {
      R: R, w: w, fill: Int32Array.from(fill), edge: Int32Array.from(edge),
      fdx: fdx, fdy: fdy, edx: edx, edy: edy,
    };
  }

  window.araz = window.araz || {};
  window.araz.EventLayer = EventLayer;
  window.araz.decodeEvents = decodeEvents;
  window.araz.RADIUS = RADIUS;
})();
