/* Araz map: density drawing (hexagonal bins or a heatmap) and the country mask.
 *
 * Pure drawing helpers the events layer (map-events-draw.js) calls from its draw():
 *  - hexbin(): the shown events in view counted into pointy-top hexagons of HEX_R CSS px,
 *    fixed to the world (absolute Web Mercator pixels at the zoom), so bins do not move
 *    while panning; the rounding to the nearest hexagon centre follows d3-hexbin's (a
 *    fresh implementation, no code copied).
 *  - paintHex(): the bins as hexagons on a canvas (the smoothed heatmap of the same bins:
 *    map-density-heat.js), coloured on viridis (perceptual, colour-blind safe), light for
 *    few and dark for many.  Classes are geometric: one colour step multiplies the count
 *    by `step` (2, 3, 5 or 10, the least that covers the densest bin in 7 classes), said
 *    by the legend: a few busy towns do not wash every other bin into the lightest colour.
 *  - countryMask(): the basemap's countries painted in id colours on an offscreen canvas
 *    around the view, so "is this pixel in the same country as that one" is one lookup
 *    (the events layer keeps markers spread around a place on their place's side of a
 *    border; the basemap keeps a country's name on its own land).
 */
(function () {
  "use strict";

  var HEX_R = 12; // hexagon circumradius, CSS px
  // viridis, 7 classes from few (light) to many (dark)
  var SCALE = ["#c8e020", "#7ad151", "#35b779", "#1f9e89", "#26828e", "#31688e", "#443a83"];
  var SQRT3 = Math.sqrt(3);

  /* The least factor (2, 3, 5, 10, 100) whose `classes` powers cover max: class k holds
   * the counts from step^k to step^(k+1) - 1. */
  function niceStep(max, classes) {
    var steps = [2, 3, 5, 10, 100];
    for (var k = 0; k < steps.length; k++) if (Math.pow(steps[k], classes) > max) return steps[k];
    return 1000;
  }

  /* Count the shown events (vis[i] set) into hexagons over a canvas of w x h CSS px whose
   * top-left is (-ox, -oy) in world pixels at `scale`.  Returns the bins: per bin its
   * count and canvas centre, in the order of their cells.  Which hexagon each event falls
   * in depends on the view alone: it is worked out once per view for every event
   * (cellsFor) and kept on the layer, so a filter change, the time brush or playback only
   * counts the shown events into their cells (one add per event, no branch).  Each
   * event's bin (layer.binOf, for a click or a tooltip) is worked out when first read. */
  function hexbin(layer, scale, ox, oy, w, h) {
    var cells = cellsFor(layer, scale, ox, oy, w, h);
    var n = layer.n, vis = layer.visible, cellOf = cells.cellOf, per = cells.per;
    per.fill(0);
    for (var i = 0; i < n; i++) per[cellOf[i]] += vis[i]; // the last cell: off the canvas
    var binOfCell = cells.binOfCell, last = per.length - 1;
    var count = [], cx = [], cy = [], max = 0;
    for (var c = 0; c < last; c++) {
      var k = per[c];
      if (!k) {
        binOfCell[c] = -1;
        continue;
      }
      binOfCell[c] = count.length;
      count.push(k);
      cx.push(cells.cx[c]);
      cy.push(cells.cy[c]);
      if (k > max) max = k;
    }
    binOfCell[last] = -1;
    cells.shown.set(vis); // what these bins counted, for binOf
    cells.binOf = null;
    var step = niceStep(max, SCALE.length);
    return { kind: "hex", r: HEX_R, count: count, cx: cx, cy: cy, max: max, step: step, classes: classOf(max, step) + 1 };
  }

  /* Per event, the bin of the last hexbin() it was counted in (-1: none), made when
   * first asked for after each count. */
  function binOf(layer) {
    var cells = layer._hexCells, n = layer.n;
    if (!cells || cells.n !== n) return new Int32Array(n).fill(-1);
    if (!cells.binOf) {
      var out = new Int32Array(n), shown = cells.shown, cellOf = cells.cellOf, bc = cells.binOfCell;
      for (var i = 0; i < n; i++) out[i] = shown[i] ? bc[cellOf[i]] : -1;
      cells.binOf = out;
    }
    return cells.binOf;
  }

  /* Per event, the hexagon cell of the view it falls in (the last cell, one past the
   * view's: outside), with each cell's canvas centre; made again when the view, the size
   * or the events change. */
  function cellsFor(layer, scale, ox, oy, w, h) {
    var n = layer.n, wx = layer.wx, wy = layer.wy, kept = layer._hexCells;
    if (kept && kept.scale === scale && kept.ox === ox && kept.oy === oy && kept.w === w &&
        kept.h === h && kept.n === n && kept.wx === wx && kept.wy === wy) return kept;
    var r = HEX_R, dx = r * SQRT3, dy = r * 1.5, ws = scale * layer.wper; // exact (see map-events.js)
    if (!(layer.wper > 0)) throw new Error("density: the events layer has no wper");
    var pi0 = Math.floor(-ox / dx) - 2, pj0 = Math.floor(-oy / dy) - 2;
    var cols = Math.ceil(w / dx) + 5, rows = Math.ceil(h / dy) + 5, out = cols * rows;
    // a cell number per event in 2 bytes when the cells (and the one outside) fit: a
    // view has a few thousand (4 bytes an event only for a huge canvas)
    var Cells = out < 65536 ? Uint16Array : Int32Array;
    var cellOf = kept && kept.cellOf.length === n && kept.cellOf instanceof Cells ? kept.cellOf : new Cells(n);
    var cx = new Float64Array(out), cy = new Float64Array(out);
    // one pass over the events (the cost at a million: keep it lean), one write each.
    // With places of many events each (layer.group: 8 or more an event on average), an
    // event at the very point of the last one worked out of its place takes that one's
    // cell, not worked out again (with few, the look-up costs more than it saves).
    // Math.floor(x + 0.5), not Math.round(x): the same integer here (x + 0.5 is exact
    // for any x but a hair under 0.5), several times faster in V8
    var group = layer.group, ng = layer.groupCount ? layer.groupCount.length : 0;
    var memo = !!group && group.length === n && ng > 0 && ng * 8 <= n;
    if (!memo) {
      group = new Int32Array(0);
      ng = 0;
    }
    var gx = new Float64Array(ng).fill(NaN), gy = new Float64Array(ng), gc = new Int32Array(ng);
    for (var i = 0; i < n; i++) {
      var fx = wx[i], fy = wy[i], g = memo ? group[i] : 0;
      if (memo && gx[g] === fx && gy[g] === fy) {
        cellOf[i] = gc[g];
        continue;
      }
      var X = fx * ws, Y = fy * ws, c = out;
      if (!(X + ox < -r || Y + oy < -r || X + ox > w + r || Y + oy > h + r)) {
        var py = Y / dy, pj = Math.floor(py + 0.5);
        var px = X / dx - (pj & 1) / 2, pi = Math.floor(px + 0.5), py1 = py - pj;
        if (Math.abs(py1) * 3 > 1) {
          var px1 = px - pi;
          var pi2 = pi + (px < pi ? -1 : 1) / 2, pj2 = pj + (py < pj ? -1 : 1);
          var px2 = px - pi2, py2 = py - pj2;
          if (px1 * px1 + py1 * py1 > px2 * px2 + py2 * py2) {
            pi = pi2 + ((pj & 1) ? 1 : -1) / 2;
            pj = pj2;
          }
        }
        var ci = pi - pi0, cj = pj - pj0;
        if (ci >= 0 && cj >= 0 && ci < cols && cj < rows) c = cj * cols + ci;
      }
      if (memo) {
        gx[g] = fx;
        gy[g] = fy;
        gc[g] = c;
      }
      cellOf[i] = c;
    }
    // each cell's canvas centre, worked out once a cell (not once an event in it)
    for (var j = 0; j < rows; j++) {
      for (var k = 0; k < cols; k++) {
        var pii = k + pi0, pjj = j + pj0;
        cx[j * cols + k] = (pii + (pjj & 1) / 2) * dx + ox;
        cy[j * cols + k] = pjj * dy + oy;
      }
    }
    layer._hexCells = {
      scale: scale, ox: ox, oy: oy, w: w, h: h, n: n, wx: wx, wy: wy,
      cellOf: cellOf, cx: cx, cy: cy, per: new Int32Array(out + 1), binOfCell: new Int32Array(out + 1),
      shown: kept && kept.shown.length === n ? kept.shown : new Uint8Array(n), binOf: null,
    };
    return layer._hexCells;
  }

  function classOf(count, step) {
    var k = 0;
    for (var top = step; count >= top && k < SCALE.length - 1; top *= step) k++;
    return k;
  }

  /* The pixel offsets (row-major in a canvas `width` px wide) of a pointy-top hexagon of
   * circumradius R device px: |x| <= R*sqrt(3)/2 and |y| <= R - |x|/sqrt(3). */
  var shapes = {};

  function hexShape(R, width) {
    var key = R + "," + width;
    if (shapes[key]) return shapes[key];
    var off = [], dxs = [], dys = [], half = Math.ceil(R);
    for (var dy = -half; dy <= half; dy++) {
      for (var dx = -half; dx <= half; dx++) {
        var ax = Math.abs(dx);
        if (ax <= (R * SQRT3) / 2 && Math.abs(dy) <= R - ax / SQRT3) {
          off.push(dy * width + dx);
          dxs.push(dx);
          dys.push(dy);
        }
      }
    }
    return (shapes[key] = { off: Int32Array.from(off), dx: dxs, dy: dys, half: half });
  }

  var LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  var PACKED = SCALE.map(function (hex) {
    var v = parseInt(hex.slice(1), 16), r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255, a = 225;
    return LITTLE ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
  });

  /* The bins as hexagons, coloured by class, written as pixels (a path of a thousand
   * hexagons costs several times more in the software canvas). */
  function paintHex(ctx, bins, dpr, cssW, cssH) {
    dpr = dpr || 1;
    var canvas = ctx.canvas;
    // the canvas at the view's size again (the heatmap makes it smaller)
    if (cssW && cssH) sizeCanvas(canvas, Math.round(dpr * cssW), Math.round(dpr * cssH), cssW, cssH);
    var w = canvas.width, h = canvas.height;
    if (!w || !h) return;
    // the canvas' pixels kept between draws (a fresh one is 4 bytes a pixel to allocate)
    var img = ctx._hexImage;
    if (!img || img.width !== w || img.height !== h) {
      img = ctx._hexImage = ctx.createImageData(w, h);
      ctx._hexWords = new Uint32Array(img.data.buffer);
    }
    var buf = ctx._hexWords;
    buf.fill(0);
    var shape = hexShape((bins.r - 0.8) * dpr, w), off = shape.off, half = shape.half;
    for (var b = 0; b < bins.count.length; b++) {
      var col = PACKED[classOf(bins.count[b], bins.step)];
      var cx = Math.round(bins.cx[b] * dpr), cy = Math.round(bins.cy[b] * dpr), k;
      if (cx > half && cy > half && cx < w - half - 1 && cy < h - half - 1) {
        var base = cy * w + cx;
        for (k = 0; k < off.length; k++) buf[base + off[k]] = col;
      } else {
        for (k = 0; k < off.length; k++) {
          var x = cx + shape.dx[k], y = cy + shape.dy[k];
          if (x >= 0 && y >= 0 && x < w && y < h) buf[y * w + x] = col;
        }
      }
    }
    ctx.putImageData(img, 0, 0);
  }

  /* The canvas' pixel size and its CSS size, set only when they change (a canvas given
   * its size again is cleared and its pixels made anew). */
  function sizeCanvas(canvas, pw, ph, cssW, cssH) {
    if (canvas.width !== pw) canvas.width = pw;
    if (canvas.height !== ph) canvas.height = ph;
    var sw = cssW + "px", sh = cssH + "px";
    if (canvas.style.width !== sw) canvas.style.width = sw;
    if (canvas.style.height !== sh) canvas.style.height = sh;
  }

  /* The bin under a canvas point (CSS px), or -1. */
  function binAt(bins, x, y) {
    if (!bins) return -1;
    var best = -1, bestD = bins.r * bins.r;
    for (var b = 0; b < bins.count.length; b++) {
      var dx = bins.cx[b] - x, dy = bins.cy[b] - y, d = dx * dx + dy * dy;
      if (d < bestD) {
        best = b;
        bestD = d;
      }
    }
    return best;
  }

  /* The legend's rows: [{color, from, to}] for the classes in use. */
  function legendRows(bins) {
    var rows = [];
    for (var k = 0, from = 1; k < Math.min(bins.classes, SCALE.length); k++, from *= bins.step) {
      var last = k === bins.classes - 1;
      rows.push({ color: SCALE[k], from: from, to: last ? bins.max : from * bins.step - 1 });
    }
    return rows;
  }

  /* A feature's polygons, each its rings' metres: the binary band's (map-base-binary.js,
   * no [lon, lat] arrays made) or worked out from the coordinates once. */
  function polysOf(g) {
    if (g.arazPolys) return g.arazPolys;
    if (!g.arazMaskPolys) {
      var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      Object.defineProperty(g, "arazMaskPolys", {
        value: polys.map(function (p) { return p.map(window.araz.ringMetres); }),
      });
    }
    return g.arazMaskPolys;
  }

  /* A polygon's rings (metres) as one Path2D in world px at scale s, each point rounded
   * as map.latLngToLayerPoint rounds it (layer px = world px - the pixel origin), made
   * once per polygon and zoom: every tile of a mask, the spread's windows and the
   * labels' coarse mask paint the same path, moved onto their pixels. */
  var paths = new WeakMap();
  function polygonPath(rings, s, t) {
    var kept = paths.get(rings);
    if (kept && kept.s === s) return kept.path;
    var path = new Path2D();
    for (var r = 0; r < rings.length; r++) {
      var xy = rings[r];
      for (var j = 0; j < xy.length; j += 2) {
        var x = Math.round(s * (t._a * xy[j] + t._b)), y = Math.round(s * (t._c * xy[j + 1] + t._d));
        if (j) path.lineTo(x, y);
        else path.moveTo(x, y);
      }
      path.closePath();
    }
    paths.set(rings, { s: s, path: path });
    return path;
  }

  /* A ring's box in metres [west, south, east, north], worked out once per ring. */
  var boxes = new WeakMap();
  function boxOf(xy) {
    var box = boxes.get(xy);
    if (!box) {
      var w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
      for (var j = 0; j < xy.length; j += 2) {
        if (xy[j] < w) w = xy[j];
        if (xy[j] > e) e = xy[j];
        if (xy[j + 1] < s) s = xy[j + 1];
        if (xy[j + 1] > n) n = xy[j + 1];
      }
      boxes.set(xy, (box = [w, s, e, n]));
    }
    return box;
  }

  /* The countries of a GeoJSON collection painted in id colours (1..255, 0 for none) on
   * an offscreen canvas; countryMask(fc, map, bounds, w, h) returns {at(x, y), home(x, y)}
   * over the box of w x h CSS px whose top-left is bounds.min (layer px): at() gives the
   * id under a point of that box (0 outside every country or on an anti-aliased edge
   * pixel: callers treat 0 as "not the same country"; -1 outside the box).
   *
   * One painting serves every box inside it: the basemap's labels (the view) and the
   * events' spread markers (the events canvas, the view and a tenth of it around) ask
   * for a mask at each view change, and both read one painting over the view and the
   * events' margin, in world pixels at the zoom (a pan that stays on it paints nothing).
   * It is painted and read a tile at a time, when first looked at (a spread group needs
   * a few, a label those under its text: the whole view painted and read back at once
   * was most of a view change's cost). */
  var TILE_PX = 128, painted = null;

  function countryMask(fc, map, bounds, w, h) {
    var o = map.getPixelOrigin(), zoom = map.getZoom();
    var rx = bounds.min.x + o.x, ry = bounds.min.y + o.y; // world px
    var W = Math.max(1, Math.ceil(w)), H = Math.max(1, Math.ceil(h));
    var p = painted, x0 = Math.round(rx), y0 = Math.round(ry);
    if (!(p && p.fc === fc && p.zoom === zoom && p.x0 <= x0 && p.y0 <= y0 && p.x1 >= x0 + W && p.y1 >= y0 + H)) {
      var view = map.getPixelBounds(), size = map.getSize(), mx = size.x * 0.15, my = size.y * 0.15;
      p = painted = paintCountries(fc, map, zoom,
        Math.floor(Math.min(x0, view.min.x - mx)), Math.floor(Math.min(y0, view.min.y - my)),
        Math.ceil(Math.max(x0 + W, view.max.x + mx)), Math.ceil(Math.max(y0 + H, view.max.y + my)));
    }
    var dx = x0 - p.x0, dy = y0 - p.y0;
    var mask = {
      /* The country a place belongs to: the id under it or, on a border's own pixels,
       * the commonest one within 2 px. */
      home: function (x, y) {
        var id = mask.at(x, y);
        if (id !== 0) return id;
        var votes = {}, best = 0, most = 0;
        for (var ky = -2; ky <= 2; ky++) {
          for (var kx = -2; kx <= 2; kx++) {
            var v = mask.at(x + kx, y + ky);
            if (v > 0 && (votes[v] = (votes[v] || 0) + 1) > most) {
              most = votes[v];
              best = v;
            }
          }
        }
        return best;
      },
      at: function (x, y) {
        x = Math.round(x);
        y = Math.round(y);
        if (x < 0 || y < 0 || x >= W || y >= H) return -1; // outside the box: unknown
        return p.at(x + dx, y + dy);
      },
    };
    return mask;
  }

  /* The countries painted over world px [x0, x1) x [y0, y1) at the zoom; at(x, y) reads
   * a pixel of it (x, y from its top-left), fetching its tile on first use. */
  function paintCountries(fc, map, zoom, x0, y0, x1, y1, k) {
    k = k || 1; // painted at k times the size (a coarse mask: k < 1); at() in its px
    var W = Math.max(1, Math.ceil((x1 - x0) * k)), H = Math.max(1, Math.ceil((y1 - y0) * k));
    // a coarse mask is small and read whole: painted in one go (each tile goes over the
    // vertices of every country it touches)
    var TILE = k < 1 ? Math.max(W, H) : TILE_PX;
    var feats = (fc && fc.features) || [];
    // map.latLngToLayerPoint's arithmetic, on the ring's metres (map-base-paths.js), in
    // world px rounded as the layer's (layer px = world px - the pixel origin)
    var crs = map.options.crs, t = crs.transformation, s = crs.scale(zoom);
    var ctx = null, ox = 0, oy = 0;
    /* Whether a polygon's outer ring may reach world px [xa, xb] x [ya, yb]. */
    function meets(xy, xa, ya, xb, yb) {
      var box = boxOf(xy);
      var pw = s * (t._a * box[0] + t._b), pe = s * (t._a * box[2] + t._b);
      var ps = s * (t._c * box[1] + t._d), pn = s * (t._c * box[3] + t._d);
      return Math.max(pw, pe) + 1 >= xa && Math.min(pw, pe) - 1 <= xb && Math.max(ps, pn) + 1 >= ya && Math.min(ps, pn) - 1 <= yb;
    }
    /* One tile's pixels: the countries painted on a tile-sized canvas shifted by whole
     * pixels (the same pixels as one canvas of the whole box would have there). */
    function paintTile(tx, ty, tw, th) {
      if (!ctx) {
        var canvas = document.createElement("canvas");
        canvas.width = canvas.height = TILE;
        ctx = canvas.getContext("2d", { willReadFrequently: true });
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, TILE, TILE);
      ox = tx * TILE;
      oy = ty * TILE;
      // the polygons' paths in world px, moved (and scaled by k) onto the tile: the same
      // pixels as their points worked out for the tile, (world px - x0) * k - ox, since
      // every one of those numbers is exact (whole pixels, quarters of them)
      ctx.setTransform(k, 0, 0, k, -x0 * k - ox, -y0 * k - oy);
      var xa = x0 + (ox - 2) / k, ya = y0 + (oy - 2) / k, xb = x0 + (ox + tw + 2) / k, yb = y0 + (oy + th + 2) / k;
      for (var f = 0; f < feats.length && f < 255; f++) {
        var g = feats[f].geometry;
        if (!g) continue;
        var polys = polysOf(g);
        ctx.fillStyle = "rgb(" + (f + 1) + ",0,0)";
        for (var q = 0; q < polys.length; q++) { // one at a time: a polygon's holes, not overlaps
          if (!polys[q].length || !meets(polys[q][0], xa, ya, xb, yb)) continue;
          ctx.fill(polygonPath(polys[q], s, t), "evenodd");
        }
      }
      return ctx.getImageData(0, 0, tw, th).data;
    }
    // painted a tile at a time when first read: a label or a spread group reads a few
    var cols = Math.ceil(W / TILE), tiles = new Array(cols * Math.ceil(H / TILE));
    return {
      fc: fc, zoom: zoom, x0: x0, y0: y0, x1: x0 + W / k, y1: y0 + H / k,
      at: function (x, y) { // 0 <= x < W, 0 <= y < H
        var tx = (x / TILE) | 0, ty = (y / TILE) | 0, at = ty * cols + tx, tile = tiles[at];
        if (!tile) {
          var tw = Math.min(TILE, W - tx * TILE), th = Math.min(TILE, H - ty * TILE);
          tile = tiles[at] = { w: tw, data: paintTile(tx, ty, tw, th) };
        }
        var data = tile.data, o = 4 * ((y - ty * TILE) * tile.w + (x - tx * TILE));
        // an edge pixel (blended, or not opaque) belongs to no country
        return data[o + 3] === 255 && data[o + 1] === 0 && data[o + 2] === 0 ? data[o] : 0;
      },
    };
  }

  /* The countries over the box of w x h CSS px whose top-left is bounds.min (layer px),
   * painted at a quarter of the size: at(x, y) (CSS px from that top-left) gives the id
   * of the 4 x 4 px block there, 0 on any block a border crosses (so a point it gives an
   * id is well inside that country).  Cheap to read whole (a sixteenth of the pixels):
   * the basemap's labels look for room in a country with it. */
  var COARSE = 0.25;

  function coarseMask(fc, map, bounds, w, h) {
    var o = map.getPixelOrigin(), x0 = Math.round(bounds.min.x + o.x), y0 = Math.round(bounds.min.y + o.y);
    var p = paintCountries(fc, map, map.getZoom(), x0, y0, x0 + Math.ceil(w), y0 + Math.ceil(h), COARSE);
    var W = Math.ceil(Math.ceil(w) * COARSE), H = Math.ceil(Math.ceil(h) * COARSE);
    return {
      at: function (x, y) {
        x = Math.floor(x * COARSE);
        y = Math.floor(y * COARSE);
        return x < 0 || y < 0 || x >= W || y >= H ? -1 : p.at(x, y);
      },
    };
  }

  window.araz = window.araz || {};
  window.araz.density = {
    coarseMask: coarseMask,
    HEX_R: HEX_R,
    SCALE: SCALE,
    hexbin: hexbin,
    binOf: binOf,
    paintHex: paintHex,
    sizeCanvas: sizeCanvas,
    classOf: classOf,
    LITTLE: LITTLE,
    binAt: binAt,
    legendRows: legendRows,
    niceStep: niceStep,
    countryMask: countryMask,
  };
})();
