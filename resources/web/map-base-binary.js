/* Araz map: the bands of the basemap read from their binary files
 * (resources/basemap/regional.bin and close.bin, built by packaging/basemap_binary.py;
 * their layout is described there), instead of parsing basemap.js's JSON texts of them.
 *
 * Loaded first (with map-channel.js, before Leaflet and the rest): on the app's own
 * araz: page it fetches the file at once, and the page's other scripts load while it
 * comes; once in, its vertices are turned into Web Mercator metres in one pass over a
 * typed array.  window.araz.basemapBand(name) then gives the band's layers (null if it
 * is not in, or another band: map-base.js parses the JSON text then, as the static HTML
 * export, which cannot fetch, always does; the app's page, whose basemap/start.js has
 * no JSON text of this band, reads that from basemap.js when the file cannot be read).
 * window.araz.afterBasemapBand(fn): fn() once the file is in or failed (at once when
 * none is on its way; after WAIT_MS at most).
 * window.araz.fetchBasemapBand(band, fn): another band's file (the close band's, which
 * the start does not fetch: map-base.js asks for it the first time a view needs it),
 * fn() once it is in (basemapBand(band.name) then gives it) or failed (basemap.js's
 * text then, as for the regional band).  Their features are GeoJSON features whose
 * geometry also carries its rings' metres (arazRings, as map-base-paths.js's bandLayer
 * takes them; arazPolys: each polygon's rings, for map-base-land.js), views of one
 * Float64Array; their coordinates are made as [lon, lat] arrays only when something reads
 * them (the country mask of map-density.js, a river label's line), each ring carrying its
 * metres (window.araz.ringMetres finds them there).
 */
(function () {
  "use strict";

  var BASE = "araz://app/basemap/";
  var URL = BASE + "regional.bin";
  var MAGIC = 0x425a5241; // "ARZB" read as a little-endian uint32
  var FORMAT = 1;
  // L.Projection.SphericalMercator's constants (Leaflet is not loaded yet)
  var R = 6378137, MAX = 85.0511287798, D = Math.PI / 180;
  var DEPTH = { LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2 };
  var WAIT_MS = 1000;
  // the page's basemap.js, whose JSON text of the band is read when the file is not
  // (the app's page loads basemap/start.js, without it: packaging/basemap_binary.py)
  var FALLBACK = "araz://app/basemap/basemap.js";
  var bands = {}, waiting = null; // the functions that wait for the file (null: none is on its way)
  var texts = {}; // band name -> its layers' JSON text, read from FALLBACK
  window.araz = window.araz || {};

  function settled() {
    var fns = waiting || [];
    waiting = null;
    fns.forEach(function (fn) { fn(); });
  }

  window.araz.afterBasemapBand = function (fn) {
    if (waiting) waiting.push(fn);
    else fn();
  };

  /* The band's layers from the file's bytes (see the module comment); throws on a file
   * that is not one. */
  function decode(buffer) {
    var view = new DataView(buffer);
    if (view.getUint32(0, true) !== MAGIC) throw new Error("not an Araz basemap band");
    if (view.getUint32(4, true) !== FORMAT) throw new Error("basemap band format " + view.getUint32(4, true));
    var length = view.getUint32(8, true);
    var index = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 12, length)));
    var n = index.vertices, ints = new Int32Array(buffer, 12 + length, 2 * n), scale = Math.pow(10, index.digits);
    // metres as map-base-paths.js's ringMetres works them out from [lon, lat]
    var xy = new Float64Array(2 * n);
    for (var i = 0; i < 2 * n; i += 2) {
      var lat = Math.max(Math.min(MAX, ints[i + 1] / scale), -MAX), sin = Math.sin(lat * D);
      xy[i] = R * (ints[i] / scale) * D;
      xy[i + 1] = (R * Math.log((1 + sin) / (1 - sin))) / 2;
    }
    var at = 0;
    /* One ring of count vertices, from the next vertex on: {start, count}. */
    function ring(count) {
      var r = { start: at, count: count };
      at += count;
      return r;
    }
    function shape(counts, depth) {
      return depth === 0 ? ring(counts) : counts.map(function (c) { return shape(c, depth - 1); });
    }
    function metres(r) {
      return xy.subarray(2 * r.start, 2 * (r.start + r.count));
    }
    /* A closed ring without its repeated last vertex, as L.Polygon drops it. */
    function open(r) {
      var a = 2 * r.start, b = 2 * (r.start + r.count - 1);
      var same = r.count >= 2 && ints[a] === ints[b] && ints[a + 1] === ints[b + 1];
      return xy.subarray(a, same ? b : b + 2);
    }
    function coords(r) {
      var out = new Array(r.count);
      for (var k = 0; k < r.count; k++) out[k] = [ints[2 * (r.start + k)] / scale, ints[2 * (r.start + k) + 1] / scale];
      Object.defineProperty(out, "arazXY", { value: metres(r) });
      return out;
    }
    function geometry(type, counts) {
      var depth = DEPTH[type], parts = shape(counts, depth);
      var polys = type === "Polygon" ? [parts] : type === "MultiPolygon" ? parts : [];
      var lines = type === "LineString" ? [parts] : type === "MultiLineString" ? parts : [];
      var closed = polys.length > 0, flat = [];
      polys.forEach(function (p) { p.forEach(function (r) { flat.push(open(r)); }); });
      lines.forEach(function (r) { flat.push(metres(r)); });
      var g = { type: type };
      Object.defineProperty(g, "arazRings", { value: { closed: closed, rings: flat } });
      Object.defineProperty(g, "arazPolys", {
        value: polys.map(function (p) { return p.map(metres); }),
      });
      var made = null;
      Object.defineProperty(g, "coordinates", {
        enumerable: true,
        get: function () {
          if (!made) {
            made = (function build(p, d) {
              return d === 0 ? coords(p) : p.map(function (q) { return build(q, d - 1); });
            })(parts, depth);
          }
          return made;
        },
      });
      return g;
    }
    /* A polygon feature's box of metres [minX, minY, maxX, maxY] over its vertices
     * xy[2 * from .. 2 * to) (map-base-land.js's metreBox, worked out here while the
     * page waits for its scripts, not when the first labels are placed). */
    function box(feature, from, to) {
      var m = [Infinity, Infinity, -Infinity, -Infinity];
      for (var k = 2 * from; k < 2 * to; k += 2) {
        var x = xy[k], y = xy[k + 1];
        if (x < m[0]) m[0] = x;
        if (x > m[2]) m[2] = x;
        if (y < m[1]) m[1] = y;
        if (y > m[3]) m[3] = y;
      }
      Object.defineProperty(feature, "arazBox", { value: m[0] <= m[2] ? m : null });
    }
    var layers = {};
    Object.keys(index.layers).forEach(function (name) {
      layers[name] = {
        type: "FeatureCollection",
        features: index.layers[name].map(function (row) {
          var from = at;
          var feature = { type: "Feature", properties: row[0], geometry: geometry(row[1], row[2]) };
          if (row[1] === "Polygon" || row[1] === "MultiPolygon") box(feature, from, at);
          return feature;
        }),
      };
    });
    if (at !== n) throw new Error("basemap band: the index does not account for every vertex");
    return { name: index.name, layers: layers };
  }

  /* The band's layers once its file is in and read (each given once), else null. */
  window.araz.basemapBand = function (name) {
    var band = Object.prototype.hasOwnProperty.call(bands, name) ? bands[name] : null;
    delete bands[name];
    if (!band && Object.prototype.hasOwnProperty.call(texts, name)) {
      band = JSON.parse(texts[name]);
      delete texts[name];
    }
    return band;
  };
  window.araz.decodeBasemapBand = decode;

  /* The bands' JSON texts from basemap.js (window.ARAZ_BASEMAP = {...};), when a
   * binary file could not be read (fetched once). */
  var fellBack = null;
  function fallback() {
    if (!fellBack) fellBack = fetchFallback();
    return fellBack;
  }
  function fetchFallback() {
    return fetch(FALLBACK).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    }).then(function (text) {
      var data = JSON.parse(text.slice(text.indexOf("=") + 1, text.lastIndexOf(";")));
      data.bands.forEach(function (band) {
        if (typeof band.json === "string") texts[band.name] = band.json;
      });
    }).catch(function (err) {
      console.error("araz: no basemap band: " + FALLBACK + ": " + err);
    });
  }

  window.araz.fetchBasemapBand = function (band, fn) {
    var url = BASE + band.binary;
    fetch(url).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.arrayBuffer();
    }).then(function (buffer) {
      var read = decode(buffer);
      if (read.name !== band.name) throw new Error("not the " + band.name + " band");
      bands[read.name] = read.layers;
    }).catch(function (err) {
      console.warn("araz: basemap band not read from " + url + ": " + err);
      return fallback();
    }).then(fn);
  };

  if (location.protocol === "araz:" && window.fetch) {
    waiting = [];
    setTimeout(settled, WAIT_MS);
    // the request map.html's preload made as it was read, taken here (same URL and mode)
    fetch(URL).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.arrayBuffer();
    }).then(function (buffer) {
      var band = decode(buffer);
      bands[band.name] = band.layers;
    }).catch(function (err) {
      console.warn("araz: basemap band not read from " + URL + ": " + err);
      return fallback();
    }).then(settled);
  }
})();
