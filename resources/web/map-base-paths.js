/* Araz map: the basemap's countries, lakes, rivers and borders as Leaflet paths that
 * keep their vertices as numbers, not as one L.LatLng object each.
 *
 * A band holds some 30,000 vertices; L.geoJSON makes an L.LatLng of each, and at every
 * zoom projects each through the map's CRS.  Here each ring is one Float64Array of its
 * Web Mercator metres, made once (or read so from the band's binary file:
 * map-base-binary.js), and a zoom turns it into layer pixels with the very arithmetic of
 * Leaflet's latLngToLayerPoint (so the pixels, and the picture, are the same), only for
 * the paths that reach the canvas (the first view holds a tenth of the regional band);
 * clipping, simplifying and drawing stay Leaflet's own (L.Polyline, L.Polygon on the
 * band's canvas).
 *
 * window.araz.bandLayer(featureCollection, options) -> an L.GeoJSON holding one path per
 * feature: options are L.geoJSON's (renderer, interactive, style, filter), and setStyle
 * with a function of the feature works as on any L.GeoJSON.
 * window.araz.ringMetres(ring) -> the ring's Float64Array of metres (the country mask of
 * map-density.js paints from it).
 */
(function () {
  "use strict";

  var D = Math.PI / 180;
  var R = L.Projection.SphericalMercator.R;
  var MAX = L.Projection.SphericalMercator.MAX_LATITUDE;

  /* [lon, lat] pairs -> Float64Array of x, y metres (SphericalMercator.project), worked
   * out once per ring (kept on it: the basemap's data does not change). */
  function ringMetres(coords) {
    if (!coords.arazXY) {
      var n = coords.length, out = new Float64Array(2 * n);
      for (var i = 0; i < n; i++) {
        var lat = Math.max(Math.min(MAX, coords[i][1]), -MAX), sin = Math.sin(lat * D);
        out[2 * i] = R * coords[i][0] * D;
        out[2 * i + 1] = (R * Math.log((1 + sin) / (1 - sin))) / 2;
      }
      Object.defineProperty(coords, "arazXY", { value: out });
    }
    return coords.arazXY;
  }

  /* A ring's metres; a closed ring without its repeated last vertex, as L.Polygon drops it. */
  function metres(coords, closed) {
    var xy = ringMetres(coords), n = coords.length;
    if (closed && n >= 2) {
      var a = coords[0], b = coords[n - 1];
      if (Math.max(Math.abs(a[1] - b[1]), Math.abs(a[0] - b[0])) <= 1.0e-9) return xy.subarray(0, xy.length - 2);
    }
    return xy;
  }

  /* The geometry's rings (or lines), flat, as L.Polygon / L.Polyline flatten them. */
  function ringsOf(geometry) {
    if (geometry.arazRings) return geometry.arazRings; // read from a binary band: map-base-binary.js
    var c = geometry.coordinates, out = [];
    switch (geometry.type) {
      case "Polygon":
        c.forEach(function (ring) { out.push(metres(ring, true)); });
        return { closed: true, rings: out };
      case "MultiPolygon":
        c.forEach(function (poly) { poly.forEach(function (ring) { out.push(metres(ring, true)); }); });
        return { closed: true, rings: out };
      case "LineString":
        return { closed: false, rings: [metres(c, false)] };
      case "MultiLineString":
        c.forEach(function (line) { out.push(metres(line, false)); });
        return { closed: false, rings: out };
    }
    return null;
  }

  var numeric = {
    initialize: function (rings, options) {
      L.setOptions(this, options);
      this._xy = rings;
      // the rings' box in metres [minX, minY, maxX, maxY] (null: no vertex)
      var m = [Infinity, Infinity, -Infinity, -Infinity];
      for (var r = 0; r < rings.length; r++) {
        var xy = rings[r];
        for (var k = 0; k < xy.length; k += 2) {
          if (xy[k] < m[0]) m[0] = xy[k];
          if (xy[k] > m[2]) m[2] = xy[k];
          if (xy[k + 1] < m[1]) m[1] = xy[k + 1];
          if (xy[k + 1] > m[3]) m[3] = xy[k + 1];
        }
      }
      this._metreBox = m[0] <= m[2] ? m : null;
      this._latlngs = [];
      this._bounds = L.latLngBounds([]);
    },

    /* The layer-pixel bounds at the map's zoom, from the rings' box of metres: the
     * projection below is monotonic in x and in y, so they are those of the vertices'
     * own pixels.  The vertices are projected when first drawn (_update): the first view
     * shows a tenth of the band, and a path that never enters the canvas's bounds at a
     * zoom is never projected at it.  Leaflet projects again on a reset and on zoomend,
     * and a band added in a zoomend handler gets both for one view: the second finds
     * its bounds already there. */
    _project: function () {
      var map = this._map, crs = map.options.crs, t = crs.transformation;
      var s = crs.scale(map._zoom), o = map.getPixelOrigin();
      if (this._rings !== undefined && s === this._scale && o.x === this._origin.x && o.y === this._origin.y) return;
      this._clippedFor = null;
      this._rings = null; // projected when first needed
      this._scale = s;
      this._origin = o;
      var m = this._metreBox;
      if (!m) return;
      var xa = Math.round(s * (t._a * m[0] + t._b)) - o.x, xb = Math.round(s * (t._a * m[2] + t._b)) - o.x;
      var ya = Math.round(s * (t._c * m[1] + t._d)) - o.y, yb = Math.round(s * (t._c * m[3] + t._d)) - o.y;
      this._rawPxBounds = new L.Bounds(L.point(Math.min(xa, xb), Math.min(ya, yb)), L.point(Math.max(xa, xb), Math.max(ya, yb)));
      this._updateBounds();
    },

    /* Layer pixels of every vertex: Math.round(scale * (a * x + b)) less the pixel
     * origin, exactly as map.latLngToLayerPoint works them out. */
    _projectRings: function () {
      var t = this._map.options.crs.transformation, s = this._scale, o = this._origin;
      this._rings = [];
      for (var r = 0; r < this._xy.length; r++) {
        var xy = this._xy[r], ring = new Array(xy.length / 2);
        for (var i = 0, k = 0; k < xy.length; i++, k += 2) {
          ring[i] = new L.Point(Math.round(s * (t._a * xy[k] + t._b)) - o.x, Math.round(s * (t._c * xy[k + 1] + t._d)) - o.y);
        }
        this._rings.push(ring);
      }
    },

    /* Clipped to the renderer's bounds and simplified (Leaflet's own), unless done
     * already for these pixels, bounds and line width. */
    _update: function () {
      if (!this._map) return;
      var b = this._renderer._bounds, w = this.options.weight, k = this._clippedFor;
      if (!k || k[0] !== b.min.x || k[1] !== b.min.y || k[2] !== b.max.x || k[3] !== b.max.y || k[4] !== w) {
        this._clippedFor = [b.min.x, b.min.y, b.max.x, b.max.y, w];
        // L.Polygon clips to the bounds grown by the line's weight: a margin past that
        var pad = (w || 0) + 1, p = L.point(pad, pad);
        if (!this._rings && this._pxBounds && this._pxBounds.intersects(L.bounds(b.min.subtract(p), b.max.add(p)))) {
          this._projectRings();
        }
        this._clipPoints(); // nothing when outside the bounds (Leaflet's own test)
        this._simplifyPoints();
      }
      this._updatePath();
    },
  };

  var NumericPolygon = L.Polygon.extend(numeric);
  var NumericPolyline = L.Polyline.extend(numeric);

  function bandLayer(fc, options) {
    var group = L.geoJSON(null, options);
    var plain = { renderer: options.renderer, interactive: !!options.interactive };
    ((fc && fc.features) || []).forEach(function (f) {
      if (!f.geometry || (options.filter && !options.filter(f))) return;
      var g = ringsOf(f.geometry);
      if (!g) return;
      var layer = g.closed ? new NumericPolygon(g.rings, plain) : new NumericPolyline(g.rings, plain);
      // as L.GeoJSON's addData does: the feature kept, the group's style applied
      layer.feature = f;
      layer.defaultOptions = layer.options;
      group.resetStyle(layer);
      group.addLayer(layer);
    });
    return group;
  }

  window.araz = window.araz || {};
  window.araz.bandLayer = bandLayer;
  window.araz.ringMetres = ringMetres;
})();
