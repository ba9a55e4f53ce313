/* Araz map: the events layer (map-events.js), hit testing.
 *
 * After each draw a spatial grid of the drawn markers answers hover and click hit tests,
 * the labels' "is a marker there" (countIn) and the keyboard's west-to-east order.
 */
(function () {
  "use strict";

  var K = window.araz.eventConstants;
  var RADIUS = K.RADIUS, STAMP_ABOVE = K.STAMP_ABOVE;
  var CELL = 32;           // hit-test grid cell, px

  window.araz.EventLayer.include({
    // --- hit testing ---

    _buildGrid: function (size) {
      var cols = Math.max(1, Math.ceil(size.x / CELL)), rows = Math.max(1, Math.ceil(size.y / CELL));
      var start = new Int32Array(cols * rows + 1);
      var cellOf = new Int32Array(this.drawnCount);
      var which = new Int32Array(this.drawnCount);
      var m = 0, i, c, h = 0, sum = 0;
      var few = this.drawnCount <= STAMP_ABOVE; // else countIn answers 0: nothing to sign
      for (var d = 0; d < this.drawnCount; d++) {
        i = this.drawnList[d];
        var cx = Math.floor(this.sx[i] / CELL), cy = Math.floor(this.sy[i] / CELL);
        if (cx < 0 || cy < 0 || cx >= cols || cy >= rows) continue;
        if (few) {
          var r = this.drawn[i] === 2 ? -1 : this.radiusOf(i);
          h = (Math.imul(h, 31) + i) | 0;
          h = (Math.imul(h, 31) + Math.round(this.sx[i] * 16)) | 0;
          h = (Math.imul(h, 31) + Math.round(this.sy[i] * 16)) | 0;
          h = (Math.imul(h, 31) + Math.round(r * 16)) | 0;
          sum += this.sx[i] * (i + 1) + this.sy[i] + r;
        }
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
      // what countIn answers from, in short: the labels are not placed again for the same
      this._gridKey = [few ? h + ":" + sum : "carpet", this.drawnCount, this.selected,
        this._bounds && this._bounds.min.x, this._bounds && this._bounds.min.y].join(",");
    },

    /* A key of the markers countIn() sees (equal keys: equal answers). */
    obstacleKey: function () {
      return this._grid ? this._gridKey : "";
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
      for (var j = 0; j < this.drawnCount; j++) {
        var i = this.drawnList[j];
        var x = this.sx[i] - off.x, y = this.sy[i] - off.y;
        if (x >= 0 && y >= 0 && x <= size.x && y <= size.y) out.push(i);
      }
      var sx = this.sx, sy = this.sy;
      out.sort(function (a, b) {
        return sx[a] - sx[b] || sy[a] - sy[b] || a - b;
      });
      return out;
    },
  });
})();
