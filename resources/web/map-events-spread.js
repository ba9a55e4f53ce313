/* Araz map: the events layer (map-events.js), lines from a place.
 *
 * Several events at one place are spread on rings around it (the slots: map-events.js);
 * a slot across a border from the place is not used (the basemap's country mask), and each
 * spread marker has a leader line to the place.  An event with a second place ("to") has a
 * curved arrow there.
 */
(function () {
  "use strict";

  var K = window.araz.eventConstants;
  var RADIUS = K.RADIUS, SPREAD_MAX = K.SPREAD_MAX, SLOT_X = K.SLOT_X, SLOT_Y = K.SLOT_Y;
  // the country mask: a window this far (px) around each place asked about covers its
  // slots (the outer ring: 2 * RING_GAP = 24 px) and the 2 px its home() looks at, when
  // there are at most MASK_WINDOWS_UP_TO places; more, and the whole view is painted once
  var MASK_R = 32, MASK_WINDOWS_UP_TO = 48;
  var ALL_SLOTS = [];
  for (var s = 0; s < SPREAD_MAX; s++) ALL_SLOTS.push(s);

  /* A country mask of the window whose top-left is (x0, y0) in a W x H view, read in
   * the view's canvas px. */
  function windowed(mask, x0, y0, W, H) {
    return {
      at: function (x, y) {
        var rx = Math.round(x), ry = Math.round(y);
        if (rx < 0 || ry < 0 || rx >= W || ry >= H) return -1; // outside the view: unknown
        return mask.at(x - x0, y - y0);
      },
      home: function (x, y) {
        return mask.home(x - x0, y - y0);
      },
    };
  }

  window.araz.EventLayer.include({
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
          x0 = self.wx[i] * (scale * self.wper) + ox;
          y0 = self.wy[i] * (scale * self.wper) + oy;
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

    /* The country mask of the view, made again only when the view or the band changed
     * (not on a filter change: a playback step costs no polygon painting).  With few
     * places to ask about (`few`), only a window of MASK_R px around the place at (x, y)
     * is painted, not the whole view (the bundled data's first view: eight windows of
     * 65 px instead of ~1300 x 900 px painted and read back); its answers are the same
     * (the slots and the pixels that decide their country are well inside the window,
     * painted with the same integer offsets, and outside the view is -1 in both). */
    _countryMask: function (band, size, x, y, few) {
      var o = this._map.getPixelOrigin(), b = this._bounds.min;
      var key = [band.name, this._map.getZoom(), o.x, o.y, b.x, b.y, size.x, size.y].join(",");
      if (this._maskKey !== key) {
        this._maskKey = key;
        this._mask = null;
        this._windows = new Map();
      }
      var countryMask = window.araz.density.countryMask;
      if (!few) {
        if (!this._mask) this._mask = countryMask(band.countries, this._map, this._bounds, size.x, size.y);
        return this._mask;
      }
      var W = Math.max(1, Math.ceil(size.x)), H = Math.max(1, Math.ceil(size.y));
      var cx = Math.round(x), cy = Math.round(y);
      var x0 = Math.max(0, cx - MASK_R), y0 = Math.max(0, cy - MASK_R);
      var x1 = Math.min(W, cx + MASK_R + 1), y1 = Math.min(H, cy + MASK_R + 1);
      var k = x0 + "," + y0 + "," + x1 + "," + y1, part = this._windows.get(k);
      if (!part) {
        var min = b.add([x0, y0]), box = L.bounds(min, min.add([x1 - x0, y1 - y0]));
        part = windowed(countryMask(band.countries, this._map, box, x1 - x0, y1 - y0), x0, y0, W, H);
        this._windows.set(k, part);
      }
      return part;
    },

    /* Per group of two or more events at one place inside the view, the ring slots (in
     * order) whose marker stays in the place's country on the basemap drawn now; null
     * when there is no basemap to ask. */
    _allowedSlots: function (scale, ox, oy, size) {
      var basemap = window.araz.basemap, band = basemap && basemap.current;
      if (!band || !band.countries) return null;
      var gc = this.groupCount, gf = this.groupFirst, out = new Map(), places = [];
      for (var g = 0; g < gc.length; g++) {
        if (gc[g] < 2) continue;
        var i = gf[g];
        var x = this.wx[i] * (scale * this.wper) + ox, y = this.wy[i] * (scale * this.wper) + oy;
        if (x < 0 || y < 0 || x > size.x || y > size.y) continue;
        places.push(g, x, y);
      }
      var few = places.length / 3 <= MASK_WINDOWS_UP_TO, b = this._bounds.min;
      for (var p = 0; p < places.length; p += 3) {
        var px = places[p + 1], py = places[p + 2];
        // no country's edge within MASK_R px (the slots, 24 px out, and the 2 px home()
        // reads, with room for an edge's blended pixels): every slot is on the place's
        // side (the mask would say so, all its pixels there one country's or none's),
        // and no mask is painted for it (map-base-land.js)
        if (!basemap._edgesNear(b.x + px - MASK_R, b.y + py - MASK_R, b.x + px + MASK_R, b.y + py + MASK_R)) {
          out.set(places[p], ALL_SLOTS);
          continue;
        }
        var mask = this._countryMask(band, size, px, py, few);
        var home = mask.home(px, py), list = [0];
        for (var k = 1; k < SPREAD_MAX; k++) {
          var at = mask.at(px + SLOT_X[k], py + SLOT_Y[k]);
          if (at === home || at < 0) list.push(k);
        }
        out.set(places[p], list);
      }
      return out;
    },

    _drawLegs: function (ctx, scale, ox, oy) {
      ctx.strokeStyle = "rgba(60, 60, 60, 0.55)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (var j = 0; j < this.drawnCount; j++) {
        var i = this.drawnList[j];
        if (this.drawn[i] !== 1 || this.groupCount[this.group[i]] < 2) continue;
        var x = this.wx[i] * (scale * this.wper) + ox, y = this.wy[i] * (scale * this.wper) + oy;
        if (x === this.sx[i] && y === this.sy[i]) continue;
        ctx.moveTo(x, y);
        ctx.lineTo(this.sx[i], this.sy[i]);
      }
      ctx.stroke();
    },
  });
})();
