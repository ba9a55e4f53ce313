/* Araz map: the events layer.
 *
 * One Leaflet layer of our own, drawing every event on a single canvas from typed
 * arrays: pre-projected world coordinates (0..1 Web Mercator), colours, a visibility
 * mask.  Few visible markers are drawn as anti-aliased circles; many are stamped into
 * an ImageData buffer.  Several events at one place are spread out on rings around the
 * place (up to SPREAD_MAX), beyond that drawn as one cluster disc with a count.  After
 * each draw a spatial grid of the drawn markers answers hover and click hit tests.
 *
 * The layer knows nothing of the bridge: the page (map.js, map-commands.js,
 * map-gestures.js) feeds it and asks it for hits.
 *
 * This file holds the events themselves (the payload decoded into typed arrays, colours,
 * sizes, visibility, texts) and the layout constants; map-events-draw.js (drawing),
 * map-events-spread.js (spread slots, leader lines, arrows) and map-events-hit.js (hit
 * tests) add their methods to EventLayer (Leaflet's include), loaded after this one.
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
  var OUTLINE = "rgba(40, 40, 40, 0.85)";
  var FOCUS = "#0b4f9c";   // keyboard focus ring
  var LIST_START = 1024;   // room for the drawn events' list at first (it grows)

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
   * table and n codes: c itself when it is a typed array of them (the payload's uint8,
   * uint16 or int32), else an Int32Array (missing ones are -1). */
  function textColumn(col, n) {
    var table = col && Array.isArray(col.t) ? col.t : [];
    var c = col && col.c;
    if ((c instanceof Int32Array || c instanceof Uint16Array || c instanceof Uint8Array) && c.length === n) {
      return { table: table, codes: c };
    }
    var codes = new Int32Array(n).fill(-1);
    if (c && typeof c.length === "number") codes.set(Array.prototype.slice.call(c, 0, n));
    return { table: table, codes: codes };
  }

  function textOf(col, i) {
    var s = col.table[col.codes[i]];
    return s === undefined || s === null ? "" : String(s);
  }

  var LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  // per byte of a mask (bit 0 first), its eight 0/1 flags as two little-endian words
  var BYTE_FLAGS_LO = new Uint32Array(256), BYTE_FLAGS_HI = new Uint32Array(256);
  (function () {
    for (var v = 0; v < 256; v++) {
      for (var bit = 0; bit < 4; bit++) {
        BYTE_FLAGS_LO[v] |= ((v >> bit) & 1) << (8 * bit);
        BYTE_FLAGS_HI[v] |= ((v >> (bit + 4)) & 1) << (8 * bit);
      }
    }
  })();
  var utf8 = new TextDecoder("utf-8");

  var WORLD = 4294967296; // the payload's world units: 2^32 across the world

  /* The type of a code into a table of size entries (map_payload.py's rule). */
  function codeType(size) {
    return size <= 256 ? Uint8Array : size <= 65536 ? Uint16Array : Int32Array;
  }

  /* The events payload Python serves at araz://app/data/events/<seq> (the format is in
   * the docstring of araz/views/map_payload.py) as the columns setEvents takes: typed
   * arrays viewing the buffer itself, no copies.  Throws on a malformed buffer. */
  function decodeEvents(buffer) {
    if (!LITTLE_ENDIAN) throw new Error("events payload: a big-endian platform");
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < 16) throw new Error("events payload: too short");
    var head = new DataView(buffer, 0, 16);
    var magic = String.fromCharCode(head.getUint8(0), head.getUint8(1), head.getUint8(2), head.getUint8(3));
    if (magic !== "ARZE" || head.getUint32(4, true) !== 3) throw new Error("events payload: unknown format");
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
    var d = { n: n, x: take(Uint32Array, n), y: take(Uint32Array, n), place: take(Int32Array, n) };
    d.places = meta.places;
    ["title", "date", "actors"].forEach(function (key) {
      var t = Array.isArray(meta[key]) ? meta[key] : [];
      d[key] = { t: t, c: take(codeType(t.length), n) };
    });
    var palette = Array.isArray(meta.palette) ? meta.palette : [];
    d.color = take(palette.length <= 256 ? Uint8Array : Uint16Array, n);
    d.radius = meta.radius ? take(Float32Array, n) : null;
    var starts = take(Uint32Array, n + 1);
    d.ids = { starts: starts, bytes: take(Uint8Array, n ? starts[n] : 0) };
    d.palette = palette;
    d.to = meta.to;
    d.line = meta.line;
    return d;
  }

  /* Per event its place's number (events at one point to 1e-4 degree share one), the
   * places numbered in order of first appearance: {group: Int32Array(n), count}.  An
   * open-addressing table in typed arrays, keyed by the two rounded coordinates as
   * integers: no Map of number keys beyond 31 bits (boxed, hashed, one heap number per
   * event: at 300,000 events the slowest part of setEvents in the page). */
  function groupPlaces(lat, lon, n) {
    var group = new Int32Array(n);
    var size = 16;
    while (size < 2 * n) size *= 2;
    var mask = size - 1;
    var slot = new Int32Array(size).fill(-1); // the place in a slot, -1: empty
    var keyLat = new Int32Array(n), keyLon = new Int32Array(n); // per place, its key
    var count = 0;
    for (var i = 0; i < n; i++) {
      var a = Math.round((lat[i] + 90) * 1e4) | 0, b = Math.round((lon[i] + 180) * 1e4) | 0;
      var h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77)) & mask;
      var g = slot[h];
      while (g >= 0 && (keyLat[g] !== a || keyLon[g] !== b)) {
        h = (h + 1) & mask;
        g = slot[h];
      }
      if (g < 0) {
        g = count++;
        slot[h] = g;
        keyLat[g] = a;
        keyLon[g] = b;
      }
      group[i] = g;
    }
    return { group: group, count: count };
  }

  /* The loops over every event are small functions of their own, each given one kind
   * of array (not inline in setEvents, whose arguments vary: a payload's columns or a
   * test page's plain arrays); setColors shares the palette's.
   *
   * Each event's place in the world is wx[i] * wper, wy[i] * wper (fractions of the
   * world from its top-left): a payload's own Uint32Array columns with wper = 2^-32
   * (no Float64Array copy of them: 16 MB at a million events), or fractions with
   * wper = 1.  wper is a power of two, so wx[i] * (scale * wper) is exactly the
   * product of the fraction and the scale: the same pixels either way. */

  /* Each event's palette slot (colorIndex), 0 for one past the palette: the colours
   * given themselves when they are a Uint8Array or Uint16Array (a payload's column, a
   * colour call's) all within the palette (no copy of them: 2 MB at a million events;
   * never written to), else a Uint16Array of them. */
  function paletteIndex(colors, npal, n) {
    var i, typed = colors instanceof Uint8Array || colors instanceof Uint16Array;
    if (typed && colors.length === n) {
      for (i = 0; i < n && colors[i] < npal; i++);
      if (i === n) return colors;
    }
    var colorIndex = new Uint16Array(n);
    for (i = 0; i < n; i++) {
      var ci = colors[i] || 0;
      colorIndex[i] = ci < npal ? ci : 0;
    }
    return colorIndex;
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
      this.visible = new Uint8Array(n).fill(1);
      this.sx = new Float32Array(n); // drawn position, canvas px (valid when drawn[i])
      this.sy = new Float32Array(n);
      this.drawn = new Uint8Array(n); // 0 not drawn, 1 marker, 2 cluster representative
      // the drawn ones, [0, drawnCount) in index order: grown as a draw needs (draws
      // seldom draw many; 4 MB at a million events); a cluster's count is its group's
      this.drawnList = new Int32Array(Math.min(n, LIST_START));
      this.drawnCount = 0;
      this._setPalette(d.palette);
      this.size = null; // marker radius per event (CSS px) when sized by a number
      this._bySize = null;
      var i;
      // the payload's world units (Python's), or degrees (plain arrays: a test's page);
      // a payload's degrees are worked out when first read (this.lat, a popup's place)
      var units = d.x instanceof Uint32Array && d.x.length === n && d.y instanceof Uint32Array && d.y.length === n;
      if (units) {
        this.wx = d.x;
        this.wy = d.y;
        this.wper = 1 / WORLD; // 2^-32, exact
        this._lat = this._lon = null;
      } else {
        var wx = (this.wx = new Float64Array(n)), wy = (this.wy = new Float64Array(n));
        this.wper = 1;
        var lat = (this._lat = d.lat instanceof Float64Array ? d.lat : Float64Array.from(d.lat));
        var lon = (this._lon = d.lon instanceof Float64Array ? d.lon : Float64Array.from(d.lon));
        for (i = 0; i < n; i++) {
          wx[i] = worldX(lon[i]);
          wy[i] = worldY(lat[i]);
        }
      }
      // the places (events at one point to 1e-4 degree form a group, numbered in order
      // of first appearance), worked out by Python (map_payload.py), else here
      var given = d.place instanceof Int32Array && d.place.length === n && typeof d.places === "number" &&
        d.places >= 0;
      var grouped = given ? { group: d.place, count: d.places } : groupPlaces(this.lat, this.lon, n);
      this.group = grouped.group;
      var ngroups = grouped.count;
      this.colorIndex = paletteIndex(d.color, this.palette.length, n);
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
      var n = this.n, i;
      this.colorIndex = paletteIndex(color, this.palette.length, n);
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
      var n = Math.min(this.n, count === undefined ? this.n : count, 8 * bin.length);
      vis.fill(0);
      // a byte's eight flags written as two 32-bit words (a table of the 256 bytes)
      var words = new Uint32Array(vis.buffer, vis.byteOffset, vis.length >> 2);
      var lo = BYTE_FLAGS_LO, hi = BYTE_FLAGS_HI, whole = n >> 3, byte, v;
      for (byte = 0; byte < whole; byte++) {
        v = bin.charCodeAt(byte);
        words[2 * byte] = lo[v];
        words[2 * byte + 1] = hi[v];
      }
      for (var i = whole * 8; i < n; i++) vis[i] = (bin.charCodeAt(i >> 3) >> (i & 7)) & 1;
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

    /* How many events a cluster disc (drawn[i] === 2) stands for: its place's shown
     * ones, as the last draw counted them. */
    clusterSizeOf: function (i) {
      return this.groupCount[this.group[i]];
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

    /* Indices of the visible events in the same place as i (for a cluster's popup). */
    groupMembers: function (i, limit) {
      var out = [], g = this.group[i];
      for (var j = 0; j < this.n && out.length < limit; j++) {
        if (this.group[j] === g && this.visible[j]) out.push(j);
      }
      return out;
    },
  });

  /* The events' degrees from their world units, made when first read (a popup, a fly to
   * an event, the uncertainty's outlines): 16 bytes an event the page holds only then. */
  function degreesOf(layer) {
    var n = layer.n, wx = layer.wx, wy = layer.wy, per = layer.wper;
    var lat = new Float64Array(n), lon = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      lon[i] = (wx[i] * per - 0.5) * 360;
      lat[i] = (Math.atan(Math.sinh(Math.PI * (1 - 2 * wy[i] * per))) * 180) / Math.PI;
    }
    layer._lat = lat;
    layer._lon = lon;
  }
  ["lat", "lon"].forEach(function (key) {
    Object.defineProperty(EventLayer.prototype, key, {
      get: function () {
        if (!this._lat) degreesOf(this);
        return key === "lat" ? this._lat : this._lon;
      },
    });
  });

  // each event's density bin (-1: none), worked out from the last count when first read
  Object.defineProperty(EventLayer.prototype, "binOf", {
    get: function () {
      return window.araz.density.binOf(this);
    },
  });

  window.araz = window.araz || {};
  window.araz.EventLayer = EventLayer;
  /* A payload fetched ahead (map-channel.js: a re-open's, while Python reads the file)
   * decoded ahead too, while the page waits: decodeEvents gives that once. */
  var decodedAhead = new WeakMap();
  window.araz.decodeEvents = function (buffer) {
    var d = decodedAhead.get(buffer);
    if (d === undefined) return decodeEvents(buffer);
    decodedAhead.delete(buffer);
    return d;
  };
  window.araz.decodeAhead = function (buffer) {
    try {
      decodedAhead.set(buffer, decodeEvents(buffer));
    } catch (err) {
      // malformed: decoded again, and reported, if it is ever used
    }
  };
  window.araz.RADIUS = RADIUS;
  // for the rest of the layer (map-events-draw.js, -spread.js, -hit.js)
  window.araz.eventConstants = {
    RADIUS: RADIUS, RING_GAP: RING_GAP, SPREAD_MAX: SPREAD_MAX, SLOT_X: SLOT_X, SLOT_Y: SLOT_Y,
    DENSITY_ABOVE: DENSITY_ABOVE, DENSITY_BELOW_ZOOM: DENSITY_BELOW_ZOOM,
    STAMP_ABOVE: STAMP_ABOVE, OUTLINE: OUTLINE, FOCUS: FOCUS,
  };
})();
