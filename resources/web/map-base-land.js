/* Araz map: where a country's land is, for its name (map-base-labels.js), from the
 * band's polygons themselves instead of a painting of them.
 *
 * At a zoom, each country's rings are projected once to world pixels (rounded as
 * Leaflet's latLngToLayerPoint rounds them, so as the basemap's canvas draws them) and
 * cut into runs of CHUNK edges, each with its bounding box; a pan at that zoom reuses
 * them.  A text box is on a country's land when none of the country's edges crosses it
 * (a neighbour's land, the sea or a lake's shore beyond one) and its centre is inside
 * the country (even-odd over all its rings: islands and holes alike).  Where to look
 * for room is a grid over the view, its points found per row from where the country's
 * edges cross it.
 *
 * Basemap.prototype._land(id) -> {crosses(x0, y0, x1, y1), inside(x, y), grid(view)}
 * in layer px, for the current band's country of index id - 1 at the map's zoom.
 * Basemap.prototype._landBox(id) -> that country's box [x0, y0, x1, y1] in layer px (its
 * vertices' own, from its box of metres: the projection is monotonic), or null: a
 * country off the view is not projected to learn that its name has no room there.
 * Basemap.prototype._edgesNear(x0, y0, x1, y1) -> whether an edge of any of the current
 * band's countries (those the country mask paints: map-density.js) crosses or touches
 * that layer-px box: none does, and every pixel of it lies in the same countries (the
 * events' spread then needs no mask there: map-events-spread.js).
 */
(function () {
  "use strict";

  var Basemap = window.araz.Basemap;
  var CHUNK = 32;

  /* One ring in world px at scale s: {px: x, y of each vertex and the first again,
   * chunks: [minX, minY, maxX, maxY, first edge, end edge] per run, box}. */
  function projectRing(xy, s, t) {
    var n = xy.length / 2;
    var px = new Float64Array(2 * n + 2);
    for (var i = 0; i < 2 * n; i += 2) {
      px[i] = Math.round(s * (t._a * xy[i] + t._b));
      px[i + 1] = Math.round(s * (t._c * xy[i + 1] + t._d));
    }
    px[2 * n] = px[0];
    px[2 * n + 1] = px[1];
    var chunks = [], box = [Infinity, Infinity, -Infinity, -Infinity];
    for (var c = 0; c < n; c += CHUNK) {
      var end = Math.min(c + CHUNK, n), x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (var k = c; k <= end; k++) {
        var x = px[2 * k], y = px[2 * k + 1];
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
      chunks.push(x0, y0, x1, y1, c, end);
      if (x0 < box[0]) box[0] = x0;
      if (y0 < box[1]) box[1] = y0;
      if (x1 > box[2]) box[2] = x1;
      if (y1 > box[3]) box[3] = y1;
    }
    return { px: px, chunks: chunks, box: box };
  }

  /* Each polygon's rings as their metres (map-base-paths.js's ringMetres; a binary
   * band's own: map-base-binary.js), kept on the geometry. */
  function polygonMetres(g) {
    if (!g) return [];
    if (!g.arazPolys) {
      var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      Object.defineProperty(g, "arazPolys", {
        value: polys.map(function (rings) { return rings.map(window.araz.ringMetres); }),
      });
    }
    return g.arazPolys;
  }

  function projectCountry(feature, s, t) {
    var polys = polygonMetres(feature && feature.geometry), rings = [];
    for (var p = 0; p < polys.length; p++) {
      for (var r = 0; r < polys[p].length; r++) {
        if (polys[p][r].length > 2) rings.push(projectRing(polys[p][r], s, t));
      }
    }
    return rings;
  }

  /* Whether any edge of the rings crosses or touches the box (world px). */
  function crosses(rings, x0, y0, x1, y1) {
    for (var r = 0; r < rings.length; r++) {
      var ring = rings[r], b = ring.box;
      if (b[0] > x1 || b[2] < x0 || b[1] > y1 || b[3] < y0) continue;
      var ch = ring.chunks, px = ring.px;
      for (var c = 0; c < ch.length; c += 6) {
        if (ch[c] > x1 || ch[c + 2] < x0 || ch[c + 1] > y1 || ch[c + 3] < y0) continue;
        for (var i = ch[c + 4]; i < ch[c + 5]; i++) {
          var ax = px[2 * i], ay = px[2 * i + 1], bx = px[2 * i + 2], by = px[2 * i + 3];
          if ((ax < x0 && bx < x0) || (ax > x1 && bx > x1) || (ay < y0 && by < y0) || (ay > y1 && by > y1)) continue;
          // the edge's box meets the box: they meet unless all four corners lie on one
          // side of the edge's line
          var dx = bx - ax, dy = by - ay;
          var d1 = dx * (y0 - ay) - dy * (x0 - ax), d2 = dx * (y0 - ay) - dy * (x1 - ax);
          var d3 = dx * (y1 - ay) - dy * (x0 - ax), d4 = dx * (y1 - ay) - dy * (x1 - ax);
          if (!((d1 > 0 && d2 > 0 && d3 > 0 && d4 > 0) || (d1 < 0 && d2 < 0 && d3 < 0 && d4 < 0))) return true;
        }
      }
    }
    return false;
  }

  /* The x where the rings' edges cross each of n rows spaced step apart from y0 (world
   * px), unsorted, in one pass over the edges (not one a row): [xs of row 0, ...]. */
  function rowCrossings(rings, y0, step, n) {
    var rows = new Array(n);
    for (var k = 0; k < n; k++) rows[k] = [];
    if (!n) return rows;
    var last = y0 + (n - 1) * step;
    for (var r = 0; r < rings.length; r++) {
      var ring = rings[r], b = ring.box;
      if (b[1] > last || b[3] <= y0) continue;
      var ch = ring.chunks, px = ring.px;
      for (var c = 0; c < ch.length; c += 6) {
        if (ch[c + 1] > last || ch[c + 3] <= y0) continue;
        for (var i = ch[c + 4]; i < ch[c + 5]; i++) {
          var ay = px[2 * i + 1], by = px[2 * i + 3];
          if (ay === by) continue;
          var lo = ay < by ? ay : by, hi = ay < by ? by : ay;
          if (lo > last || hi <= y0) continue;
          var ax = px[2 * i], bx = px[2 * i + 2];
          // the rows in [lo, hi): those whose y the edge's ends straddle
          for (var j = Math.max(0, Math.ceil((lo - y0) / step) - 1); j < n; j++) {
            var y = y0 + j * step;
            if (y >= hi) break;
            if (ay > y === by > y) continue;
            rows[j].push(ax + ((y - ay) * (bx - ax)) / (by - ay));
          }
        }
      }
    }
    return rows;
  }

  /* Whether (x, y) (world px) is inside the rings, even-odd. */
  function inside(rings, x, y) {
    var xs = rowCrossings(rings, y, 1, 1)[0], n = 0;
    for (var k = 0; k < xs.length; k++) if (xs[k] > x) n++;
    return n % 2 === 1;
  }

  /* A feature's box of metres [minX, minY, maxX, maxY] over all its rings (kept on it:
   * the basemap's data does not change; a binary band's features come with it, worked
   * out by map-base-binary.js while the page loads), or null. */
  function metreBox(feature) {
    if (feature.arazBox !== undefined) return feature.arazBox;
    var polys = polygonMetres(feature.geometry), m = [Infinity, Infinity, -Infinity, -Infinity];
    for (var p = 0; p < polys.length; p++) {
      for (var r = 0; r < polys[p].length; r++) {
        var xy = polys[p][r];
        for (var k = 0; k < xy.length; k += 2) {
          if (xy[k] < m[0]) m[0] = xy[k];
          if (xy[k] > m[2]) m[2] = xy[k];
          if (xy[k + 1] < m[1]) m[1] = xy[k + 1];
          if (xy[k + 1] > m[3]) m[3] = xy[k + 1];
        }
      }
    }
    var box = m[0] <= m[2] ? m : null;
    Object.defineProperty(feature, "arazBox", { value: box });
    return box;
  }

  Basemap.prototype._landBox = function (id) {
    var band = this.current, map = this.map, feats = (band && band.countries && band.countries.features) || [];
    var m = feats[id - 1] ? metreBox(feats[id - 1]) : null;
    if (!m) return null;
    var crs = map.options.crs, t = crs.transformation, s = crs.scale(map.getZoom()), o = map.getPixelOrigin();
    var xa = Math.round(s * (t._a * m[0] + t._b)) - o.x, xb = Math.round(s * (t._a * m[2] + t._b)) - o.x;
    var ya = Math.round(s * (t._c * m[1] + t._d)) - o.y, yb = Math.round(s * (t._c * m[3] + t._d)) - o.y;
    return [Math.min(xa, xb), Math.min(ya, yb), Math.max(xa, xb), Math.max(ya, yb)];
  };

  Basemap.prototype._edgesNear = function (x0, y0, x1, y1) {
    var band = this.current, feats = (band && band.countries && band.countries.features) || [];
    for (var id = 1; id <= Math.min(feats.length, 255); id++) {
      var b = this._landBox(id);
      if (!b || b[0] > x1 || b[2] < x0 || b[1] > y1 || b[3] < y0) continue;
      if (this._land(id).crosses(x0, y0, x1, y1)) return true;
    }
    return false;
  };

  /* The current band's countries projected at the map's zoom, made as asked, kept until
   * the band or the zoom changes. */
  Basemap.prototype._land = function (id) {
    var band = this.current, map = this.map, zoom = map.getZoom();
    var cache = this._landCache;
    if (!cache || cache.band !== band || cache.zoom !== zoom) {
      cache = this._landCache = { band: band, zoom: zoom, byId: {} };
    }
    var land = cache.byId[id];
    if (land) return land;
    var crs = map.options.crs, feats = (band.countries && band.countries.features) || [];
    var rings = projectCountry(feats[id - 1], crs.scale(zoom), crs.transformation);
    var grids = {};
    function origin() {
      return map.getPixelOrigin();
    }
    land = cache.byId[id] = {
      crosses: function (x0, y0, x1, y1) {
        var o = origin();
        return crosses(rings, x0 + o.x, y0 + o.y, x1 + o.x, y1 + o.y);
      },
      inside: function (x, y) {
        var o = origin();
        return inside(rings, x + o.x, y + o.y);
      },
      /* A grid over the view (layer px box: every 16 x 12 px, 10 px in from its
       * edges): its points on the country, [x, y, ...], kept per view. */
      grid: function (view) {
        var o = origin(), key = view.join(",") + "," + o.x + "," + o.y;
        if (grids.key === key) return grids.points;
        var points = [], top = view[1] + 10;
        var rows = rowCrossings(rings, top + o.y, 12, Math.max(0, Math.ceil((view[3] - 10 - top) / 12)));
        for (var r = 0; r < rows.length; r++) {
          var gy = top + 12 * r, xs = rows[r];
          if (xs.length < 2) continue;
          xs.sort(function (a, b) { return a - b; });
          var k = 0;
          for (var gx = view[0] + 10; gx < view[2] - 10; gx += 16) {
            var wx = gx + o.x;
            while (k < xs.length && xs[k] <= wx) k++;
            if (k % 2 === 1) points.push(gx, gy);
          }
        }
        grids.key = key;
        grids.points = points;
        return points;
      },
    };
    return land;
  };
})();
