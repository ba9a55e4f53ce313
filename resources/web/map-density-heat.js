/* Araz map: the density's heatmap (View → Map density → heatmap).
 *
 * paintHeat(): the hexagon bins of map-density.js spread with a smooth kernel on a grid
 * of cells and coloured on the bins' classes (the legend reads the same), written as the
 * density canvas' own pixels, one a cell, the canvas shown scaled up to the view.
 */
(function () {
  "use strict";

  var D = window.araz.density;
  var HEX_R = D.HEX_R, SCALE = D.SCALE, classOf = D.classOf, sizeCanvas = D.sizeCanvas;

  /* A heatmap: the hexagon counts spread with a smooth kernel over cells of CELL px;
   * a cell's value is a weighted count of the events within about HEX_R px, on the same
   * classes as the hexagons (so the legend reads the same).  The cells are the density
   * canvas' own pixels, one a cell: the canvas is made CELL times smaller than the view
   * and shown CELL times larger (CSS size), so the compositor scales it up, smoothed, as
   * drawing it scaled onto a canvas of the view's size did (the same pixels), without
   * rastering and compositing nine times the pixels each frame (that scaled drawImage
   * onto a full-size canvas was most of a heatmap filter's round trip, measured).  The
   * grids and the pixels are kept on the context between draws (a filter change draws
   * again at once: no allocation, no garbage). */
  var CELL = 3;

  function paintHeat(ctx, bins, w, h) {
    var rad = Math.round(HEX_R / CELL);
    var gw = Math.ceil(w / CELL) + 1, gh = Math.ceil(h / CELL) + 1, size = gw * gh;
    sizeCanvas(ctx.canvas, gw, gh, gw * CELL, gh * CELL);
    var keep = ctx._heat;
    if (!keep || keep.gw !== gw || keep.gh !== gh) {
      var img = ctx.createImageData(gw, gh);
      keep = ctx._heat = {
        gw: gw, gh: gh, grid: new Float64Array(size), tmp: new Float64Array(size),
        acc: new Float64Array(gw), from: new Float64Array(SCALE.length), img: img,
        words: new Uint32Array(img.data.buffer),
      };
    }
    var grid = keep.grid, tmp = keep.tmp, words = keep.words, i;
    grid.fill(0);
    for (var b = 0; b < bins.count.length; b++) {
      var gx = Math.round(bins.cx[b] / CELL), gy = Math.round(bins.cy[b] / CELL);
      if (gx >= 0 && gy >= 0 && gx < gw && gy < gh) grid[gy * gw + gx] += bins.count[b];
    }
    // two separable box passes (a tent kernel); their constant factor (the boxes'
    // widths) is left out: the normalisation below takes the densest cell as the densest
    // bin whatever the scale
    for (var pass = 0; pass < 2; pass++) {
      boxRows(grid, tmp, gw, gh, rad);
      boxColumns(tmp, grid, gw, gh, rad, keep.acc);
    }
    var max = 0;
    for (i = 0; i < size; i++) if (grid[i] > max) max = grid[i];
    // a cell's value v (its weighted count on the bins' scale) is drawn in the class of
    // its rounded count (at least 1; none below a half) at an opacity growing with it;
    // the classes' lower bounds set as values (round(v) >= step^k: v >= step^k - 1/2),
    // so a cell costs a few comparisons
    var norm = max > 0 ? bins.max / max : 1, perTop = 255 / bins.max, step = bins.step;
    var packed = HEAT_PACKED, last = SCALE.length - 1, from = keep.from;
    for (var c = 1, lo = step; c <= last; c++, lo *= step) from[c] = lo - 0.5;
    for (i = 0; i < size; i++) {
      var v = grid[i] * norm;
      if (v < 0.5) {
        words[i] = 0;
        continue;
      }
      var k = 0;
      while (k < last && v >= from[k + 1]) k++;
      var alpha = 89.25 + v * perTop; // 255 x (0.35 + v / the densest bin), at most 0.85
      words[i] = packed[k] | (((alpha < 216.75 ? alpha : 216.75) + 0.5) << ALPHA_SHIFT);
    }
    // every pixel written: nothing to clear first
    ctx.putImageData(keep.img, 0, 0);
  }

  // the heatmap's colours as pixel words without their alpha (set per cell)
  var LITTLE = D.LITTLE, ALPHA_SHIFT = LITTLE ? 24 : 0;
  var HEAT_PACKED = SCALE.map(function (hex) {
    var v = parseInt(hex.slice(1), 16), r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
    return LITTLE ? ((b << 16) | (g << 8) | r) : ((r << 24) | (g << 16) | (b << 8)) >>> 0;
  });

  /* A running box sum of 2 rad + 1 cells along each row (cells outside count 0); the
   * row's ends apart, so the loop over its middle has no test. */
  function boxRows(src, dst, gw, gh, rad) {
    var mid0 = Math.min(rad + 1, gw), mid1 = Math.max(mid0, gw - rad);
    for (var y = 0; y < gh; y++) {
      var row = y * gw, end = row + gw, acc = 0, x;
      for (x = row; x < row + rad && x < end; x++) acc += src[x];
      for (x = row; x < row + mid0; x++) {
        if (x + rad < end) acc += src[x + rad];
        if (x - rad - 1 >= row) acc -= src[x - rad - 1];
        dst[x] = acc;
      }
      for (x = row + mid0; x < row + mid1; x++) {
        acc += src[x + rad] - src[x - rad - 1];
        dst[x] = acc;
      }
      for (x = row + mid1; x < end; x++) {
        if (x + rad < end) acc += src[x + rad];
        if (x - rad - 1 >= row) acc -= src[x - rad - 1];
        dst[x] = acc;
      }
    }
  }

  /* The same down each column, walked row by row (memory in order): one running sum per
   * column in `acc`. */
  function boxColumns(src, dst, gw, gh, rad, acc) {
    var x, y;
    acc.fill(0);
    for (y = 0; y < rad && y < gh; y++) for (x = 0; x < gw; x++) acc[x] += src[y * gw + x];
    for (y = 0; y < gh; y++) {
      var add = (y + rad) * gw, sub = (y - rad - 1) * gw, row = y * gw;
      if (y + rad < gh && y - rad - 1 >= 0) {
        for (x = 0; x < gw; x++) dst[row + x] = acc[x] += src[add + x] - src[sub + x];
        continue;
      }
      if (y + rad < gh) for (x = 0; x < gw; x++) acc[x] += src[add + x];
      if (y - rad - 1 >= 0) for (x = 0; x < gw; x++) acc[x] -= src[sub + x];
      for (x = 0; x < gw; x++) dst[row + x] = acc[x];
    }
  }

  D.paintHeat = paintHeat;
})();
