/* Araz map: shaded relief under the basemap's river highlight, labels and events
 * (resources/basemap/relief-*.webp, built by packaging/build_relief.py from the shaded
 * relief of Tom Patterson, shadedrelief.com, public domain).
 *
 * Two images of black whose alpha is the relief's darkness, drawn on one canvas of their
 * own pane ("relief", over the basemap's canvas, under the river highlight): over the
 * country tints they darken the shaded slopes, a little the flat land, never the water,
 * so the tints, borders and rivers keep their colours; labels and events are above.  The
 * world image (Leaflet's zoom-3 grid, 2048 px) is clear inside the detail's box, where
 * the Caucasus image (five times sharper) draws, the two fading into each other.  A
 * canvas, like the basemap's: it pans and zooms with it (an L.Renderer), has the same
 * margin beyond the view, and a printed page lays it into the one picture of what lies
 * under the labels (map-print.js).
 *
 * Off until the app asks (the style op's `relief`, map-commands.js: setRelief; View →
 * Shaded relief, on by default, and the snapshots send it).  The images are fetched and
 * decoded (createImageBitmap: off the page's thread, and once: an <img> drawn on a
 * canvas is decoded again in the frame that draws it) as soon as this script runs,
 * while the page waits for Python's first calls; map.js calls reliefAfterFirstPaint()
 * once the first view's calls are applied and drawn: the relief is drawn in that first
 * frame when the images are in by then (most often: a snapshot's first frame is then
 * its whole picture), else after it, once they are (the acknowledgements after the
 * first paint wait for them, map-commands.js: a snapshot never misses them).  Turned
 * off before they are used, they are dropped.  Only the app serves the images (its araz: scheme): the
 * standalone HTML export, which does not embed them (0.45 MB), draws without.
 */
(function () {
  "use strict";

  var Basemap = window.araz.Basemap;
  var MAX_LAT = 85.0511287798066; // Web Mercator's
  // packaging/build_relief.py's IMAGES (tests/core/test_relief.py checks)
  var IMAGES = [
    { url: "../basemap/relief-world.webp", bounds: [[-MAX_LAT, -180], [MAX_LAT, 180]] },
    { url: "../basemap/relief-caucasus.webp", bounds: [[24.046464, 31.992188], [47.989922, 64.160156]] },
  ];
  var STATE = { none: 0, loading: 1, loaded: 2, failed: 3 };
  var CREDIT = "relief: Tom Patterson"; // in the attribution while shown (the control counts it once)
  var GIVE_UP_MS = 4000; // a load that hangs holds no acknowledgement longer
  // the relief's strength by zoom: past the source's resolution (about zoom 5.5) it is
  // only smoothed shading, kept lighter so that it reads as a hint, not as blur
  function opacityAt(zoom) {
    return zoom <= 6 ? 1 : zoom >= 10 ? 0.45 : 1 - (zoom - 6) * 0.1375;
  }

  /* The canvas: redrawn at each moveend and zoom, at the basemap canvas's margin. */
  var ReliefCanvas = L.Renderer.extend({
    initialize: function (basemap, options) {
      L.Renderer.prototype.initialize.call(this, options);
      this.basemap = basemap;
      this.images = [];
    },
    _initContainer: function () {
      this._container = document.createElement("canvas");
      this._container.className = "araz-relief";
      this._ctx = this._container.getContext("2d");
    },
    _destroyContainer: function () {
      L.DomUtil.remove(this._container);
      delete this._ctx;
      delete this._container;
    },
    _update: function () {
      if (this._map._animatingZoom && this._bounds) return;
      var basemap = this.basemap.renderer.options.padding;
      this.options.padding = typeof basemap === "number" ? basemap : 0;
      L.Renderer.prototype._update.call(this);
      var b = this._bounds, size = b.getSize(), k = window.devicePixelRatio || 1;
      var canvas = this._container, ctx = this._ctx, map = this._map;
      L.DomUtil.setPosition(canvas, b.min);
      canvas.width = Math.round(k * size.x);
      canvas.height = Math.round(k * size.y);
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
      ctx.setTransform(k, 0, 0, k, -k * b.min.x, -k * b.min.y);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = "high";
      ctx.globalAlpha = opacityAt(map.getZoom()); // in the pixels: a print lays them as drawn
      var view = L.bounds(b.min, b.max);
      this.images.forEach(function (image) {
        var p0 = map.latLngToLayerPoint(image.bounds.getNorthWest());
        var p1 = map.latLngToLayerPoint(image.bounds.getSouthEast());
        if (!view.intersects(L.bounds(p0, p1))) return;
        ctx.drawImage(image.img, p0.x, p0.y, p1.x - p0.x, p1.y - p0.y);
      });
      this.fire("update");
    },
  });

  /* The images, fetched and decoded: a promise of the layer's list, in IMAGES's order. */
  function loadImages() {
    return Promise.all(IMAGES.map(function (image) {
      return fetch(image.url, { credentials: "omit" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + " for " + image.url);
        return r.blob();
      }).then(function (blob) {
        return createImageBitmap(blob);
      }).then(function (bitmap) {
        return { img: bitmap, bounds: L.latLngBounds(image.bounds) };
      });
    }));
  }

  function drop(images) {
    images.forEach(function (image) { image.img.close(); });
  }

  // started now, while the page waits for Python's first calls (see above); `ready`
  // holds them once in while they are still the early ones, not taken nor dropped (a
  // promise's result is only ever given later, in a microtask)
  var early = location.protocol === "araz:" ? loadImages() : null;
  var ready = null;
  if (early) {
    var first = early;
    first.then(function (list) {
      if (early === first) ready = list;
    }, function () {}); // reported by _reliefLoad
  }

  function dropEarly() {
    if (early) early.then(drop, function () {});
    early = ready = null;
  }

  /* Made once the first view's calls are applied and drawn (map.js), before the frame
   * that paints them: the relief is drawn in that same frame when its images are in by
   * then (they most often are: see above), else after it, once they are. */
  Basemap.prototype.reliefAfterFirstPaint = function () {
    var self = this;
    this.reliefWanted = !!this.reliefWanted;
    this.reliefState = this.reliefState || STATE.none;
    if (ready && this.reliefWanted) this._reliefLoad(); // in already: drawn now
    requestAnimationFrame(function () {
      self.reliefPainted = true; // this frame paints the first view
      setTimeout(function () { // once it is painted
        if (self.reliefWanted) self._reliefLoad();
      }, 0);
    });
  };

  /* Whether an acknowledgement waits for the relief (map-commands.js's frame): after the
   * first paint, while it is wanted and not in yet (its load started now if it was not). */
  Basemap.prototype.reliefPending = function () {
    if (!this.reliefPainted || !this.reliefWanted) return false;
    if (this.reliefState === STATE.none) this._reliefLoad();
    if (this.reliefState === STATE.loading && Date.now() - this._reliefSince > GIVE_UP_MS) {
      this.reliefState = STATE.failed;
      console.warn("araz: shaded relief not loaded in " + GIVE_UP_MS + " ms");
    }
    return this.reliefState === STATE.loading || !!this._reliefRaster;
  };

  /* Acknowledgements wait a frame more once the relief is drawn: until the animation
   * frame after the one that commits its drawing (the engine most often begins that one
   * once the one before is rastered), so that the picture Qt shows next has it.
   * Acknowledged in the frame that commits it, a call was answered while the relief was
   * still being rastered, and a grab at Qt's next render (the screenshot's) could get
   * the frame before it, without it (seen: a software raster lags more than a frame). */
  Basemap.prototype._reliefDrawn = function () {
    var self = this, token = {};
    this._reliefRaster = token;
    function rastered() {
      if (self._reliefRaster === token) self._reliefRaster = null;
    }
    requestAnimationFrame(function () { requestAnimationFrame(rastered); }); // the next but one
    setTimeout(rastered, 250); // no frames while hidden: none to wait for
  };

  /* View → Shaded relief: on (loaded first if it is not) or off. */
  Basemap.prototype.setRelief = function (on) {
    this.reliefWanted = !!on;
    if (this.reliefState !== STATE.loaded) {
      if (on && this.reliefPainted) this._reliefLoad();
      else if (!on && this.reliefState === STATE.none) dropEarly(); // off: not kept
      return;
    }
    var map = this.map, layer = this.reliefLayer;
    if (on && !map.hasLayer(layer)) {
      layer.addTo(map); // drawn now (an L.Renderer draws as it is added)
      this._reliefDrawn();
    } else if (!on && map.hasLayer(layer)) {
      map.removeLayer(layer);
    }
  };

  Basemap.prototype._reliefLoad = function () {
    if (this.reliefState !== STATE.none || !this.reliefWanted) return;
    if (location.protocol !== "araz:") { // the standalone HTML export: not embedded
      this.reliefState = STATE.failed;
      return;
    }
    var self = this, map = this.map;
    this.reliefState = STATE.loading;
    this._reliefSince = Date.now();
    if (!map.getPane("relief")) {
      var pane = map.createPane("relief");
      pane.style.zIndex = "250"; // over the basemap (200), under the river highlight (300)
      pane.style.pointerEvents = "none";
      pane.setAttribute("aria-hidden", "true");
    }
    var layer = new ReliefCanvas(this, { pane: "relief", attribution: CREDIT });
    var images = early || loadImages();
    early = null;
    function add(list) {
      if (self.reliefState !== STATE.loading) return drop(list); // given up meanwhile
      layer.images = list;
      self.reliefState = STATE.loaded;
      self.reliefLayer = layer;
      self.setRelief(self.reliefWanted);
    }
    if (ready) { // in already: drawn now
      add(ready);
      ready = null;
      return;
    }
    // each image decoded before it counts as in: the acknowledgement then means drawn
    images.then(add, function (err) {
      if (self.reliefState !== STATE.loading) return;
      self.reliefState = STATE.failed;
      console.warn("araz: no shaded relief (" + err + ")");
    });
  };
})();
