/* Araz map: the events layer (map-events.js), drawing.
 *
 * The Leaflet renderer plumbing (the events canvas and the density canvas under it, kept
 * in place while panning and zooming) and draw(): which events are markers, where (spread
 * around their place, or one cluster disc), then the density, the markers (arcs, or
 * stamped pixels when there are many), the uncertainty discs and the focus rings.  The
 * spread slots, leader lines and arrows: map-events-spread.js; hit tests: map-events-hit.js.
 */
(function () {
  "use strict";

  var K = window.araz.eventConstants;
  var RADIUS = K.RADIUS, RING_GAP = K.RING_GAP, SPREAD_MAX = K.SPREAD_MAX;
  var SLOT_X = K.SLOT_X, SLOT_Y = K.SLOT_Y;
  var DENSITY_ABOVE = K.DENSITY_ABOVE, DENSITY_BELOW_ZOOM = K.DENSITY_BELOW_ZOOM;
  var STAMP_ABOVE = K.STAMP_ABOVE, OUTLINE = K.OUTLINE, FOCUS = K.FOCUS;

  window.araz.EventLayer.include({
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
      this._densityPainted = this._eventsPainted = false; // sized again: blank
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
      var ws = scale * this.wper; // world units to px (wper: a power of two, so exact)
      var x = this.wx[i] * ws - origin.x - this._bounds.min.x;
      var y = this.wy[i] * ws - origin.y - this._bounds.min.y;
      return L.point(this.sx[i] - x, this.sy[i] - y);
    },

    // --- drawing ---

    draw: function () {
      if (!this._map || !this._bounds) return;
      if (!this.n && !this._eventsPainted && !this._densityPainted) return this._drawNone();
      var size = this._bounds.getSize();
      var z = this._map.getZoom();
      var scale = 256 * Math.pow(2, z);
      var origin = this._map.getPixelOrigin();
      var ox = -origin.x - this._bounds.min.x;
      var oy = -origin.y - this._bounds.min.y;
      var n = this.n, vis = this.visible, group = this.group;
      var sx = this.sx, sy = this.sy, drawn = this.drawn, list = this.drawnList;
      var i, g, j;
      // the last draw's markers undrawn: the list of them, not a pass over every event
      for (j = 0; j < this.drawnCount; j++) drawn[list[j]] = 0;
      this.drawnCount = 0;
      // how many shown events are inside the view (the map's container, not the padding)
      // and at how many distinct places (markers, before spreading): the clutter
      var view = this._map.getSize(), corner = this._map.containerPointToLayerPoint([0, 0]);
      var ng = this.groupCount.length;
      if (!this._placeSeen || this._placeSeen.length !== ng) {
        this._placeSeen = new Uint16Array(ng); // 2 bytes a place: cleared every 65,535 draws
        this._seenStamp = 0;
      }
      this._seenStamp = (this._seenStamp + 1) & 0xffff;
      if (this._seenStamp === 0) { // wrapped: every place unseen again
        this._placeSeen.fill(0);
        this._seenStamp = 1;
      }
      var ws = scale * this.wper; // world units to px (wper: a power of two, so exact)
      var counted = countInView(vis, this.wx, this.wy, group, this._placeSeen, this._seenStamp, ws,
        ox - (corner.x - this._bounds.min.x), oy - (corner.y - this._bounds.min.y), view.x, view.y, n);
      var inView = counted[0], places = counted[1];
      this.inView = inView;
      this.placesInView = places;
      var dense = this.densityMode !== "points" && places > DENSITY_ABOVE && z < DENSITY_BELOW_ZOOM;
      this.bins = dense ? window.araz.density.hexbin(this, scale, ox, oy, size.x, size.y) : null;
      var count = 0, margin = 2 * RING_GAP + RADIUS, x, y;
      if (dense) {
        // density: only the selected, hovered and focused events are markers, at their place
        var few = [this.selected, this.hovered, this.focused].filter(function (k, at, all) {
          return k >= 0 && k < n && all.indexOf(k) === at;
        }).sort(function (a, b) { return a - b; });
        for (j = 0; j < few.length; j++) {
          i = few[j];
          if (!(vis[i] || i === this.selected)) continue;
          x = this.wx[i] * ws + ox;
          y = this.wy[i] * ws + oy;
          if (x < -margin || y < -margin || x > size.x + margin || y > size.y + margin) continue;
          drawn[i] = 1;
          sx[i] = x;
          sy[i] = y;
          if (count === list.length) list = this._growList();
          list[count++] = i;
        }
      } else {
        var gc = this.groupCount, gr = this.groupRank, gf = this.groupFirst;
        gc.fill(0);
        gr.fill(0);
        for (i = 0; i < n; i++) {
          if (vis[i] || i === this.selected) {
            g = group[i];
            if (gc[g]++ === 0) gf[g] = i;
          }
        }
        var slots = this._allowedSlots(scale, ox, oy, size);
        for (i = 0; i < n; i++) {
          if (!(vis[i] || i === this.selected)) continue;
          g = group[i];
          x = this.wx[i] * ws + ox;
          y = this.wy[i] * ws + oy;
          if (x < -margin || y < -margin || x > size.x + margin || y > size.y + margin) continue;
          var k = gr[g]++;
          if (slots && gc[g] > 1) {
            var spots = slots.get(g);
            if (!spots || gc[g] > spots.length) k = -1; // does not fit on its side: a cluster
            else k = spots[k];
          } else if (gc[g] > SPREAD_MAX) {
            k = -1;
          }
          if (k < 0) {
            if (gr[g] > 1) continue;
            drawn[i] = 2; // its count: clusterSizeOf(i), gc[g]
          } else {
            drawn[i] = 1;
            x += SLOT_X[k];
            y += SLOT_Y[k];
          }
          sx[i] = x;
          sy[i] = y;
          if (count === list.length) list = this._growList();
          list[count++] = i;
        }
      }
      this.drawnCount = count; // list[0 .. count): the drawn events, in index order
      var ctx = this._ctx, dpr = this._dpr;
      var dctx = this._densityCtx;
      // the density's canvas hidden while it holds nothing (points): one canvas of 1.2 x
      // the view's size less to composite each frame.  Hexagons and heat cells are written
      // as the whole canvas' pixels: nothing to clear under them
      this._densityCanvas.style.visibility = this.bins ? "" : "hidden";
      // (a canvas never painted since it was sized is blank: not cleared, nor its context
      // used at all (its first use makes the canvas's pixels), so that the first view,
      // points only, never makes them)
      if (!this.bins && this._densityPainted) {
        dctx.setTransform(1, 0, 0, 1, 0, 0);
        dctx.clearRect(0, 0, this._densityCanvas.width, this._densityCanvas.height);
      }
      this._densityPainted = !!this.bins;
      if (this.bins) {
        dctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        if (this.densityMode === "heat") window.araz.density.paintHeat(dctx, this.bins, size.x, size.y, dpr);
        else window.araz.density.paintHex(dctx, this.bins, dpr, size.x, size.y);
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
      this._eventsPainted = true;
      this._buildGrid(size);
      this.fire("drawn");
    },

    /* The drawn events' list with twice the room (at most one per event), what it held
     * kept. */
    _growList: function () {
      var list = this.drawnList, grown = new Int32Array(Math.min(this.n, 2 * list.length + 1));
      grown.set(list);
      this.drawnList = grown;
      return grown;
    },

    /* No events, and both canvases blank since they were sized (the layer added before
     * its first events: map.js): nothing to clear or draw; the state a draw leaves. */
    _drawNone: function () {
      for (var j = 0; j < this.drawnCount; j++) this.drawn[this.drawnList[j]] = 0;
      this.drawnCount = this.inView = this.placesInView = 0;
      this.bins = null;
      this._densityCanvas.style.visibility = "hidden";
      this._buildGrid(this._bounds.getSize());
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
        ctx.arc(self.wx[i] * (scale * self.wper) + ox, self.wy[i] * (scale * self.wper) + oy, px, 0, 2 * Math.PI);
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
        for (var j = 0; j < this.drawnCount; j++) {
          if (focus.indexOf(this.drawnList[j]) < 0) disc(this.drawnList[j], false);
        }
      }
      focus.forEach(function (j) {
        if (j >= 0 && j < self.n) disc(j, true);
      });
    },

    _drawCircles: function (ctx) {
      ctx.lineWidth = 1;
      ctx.strokeStyle = OUTLINE;
      // by size: big ones first (a pass over the order); else the drawn ones, in order
      var order = this._bySize, size = this.size, list = this.drawnList;
      for (var k = 0, end = order ? this.n : this.drawnCount; k < end; k++) {
        var i = order ? order[k] : list[k];
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
      for (var j = 0; j < this.drawnCount; j++) {
        var i = this.drawnList[j];
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
        var label = String(this.clusterSizeOf(i));
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
      var list = this.drawnList;
      for (var j = 0, end = order ? this.n : this.drawnCount; j < end; j++) {
        var i = order ? order[j] : list[j];
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
  });

  /* [shown events inside the view, distinct places of them]: the view is the container's
   * w x h CSS px, whose top-left is (-dx, -dy) in world pixels at `scale`.  One pass over
   * the events, in a function of its own (typed arrays only); a place counts once: its
   * slot in seen set to this draw's stamp (no clearing of a table per draw). */
  var COUNTED = new Float64Array(2);
  function countInView(vis, wx, wy, group, seen, stamp, scale, dx, dy, w, h, n) {
    var inView = 0, places = 0;
    for (var i = 0; i < n; i++) {
      if (!vis[i]) continue;
      var qx = wx[i] * scale + dx, qy = wy[i] * scale + dy;
      if (qx >= 0 && qy >= 0 && qx <= w && qy <= h) {
        inView++;
        var g = group[i];
        if (seen[g] !== stamp) {
          seen[g] = stamp;
          places++;
        }
      }
    }
    COUNTED[0] = inView;
    COUNTED[1] = places;
    return COUNTED;
  }

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
})();
