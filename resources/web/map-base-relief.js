/* Araz map: shaded relief under the basemap's rivers, borders' highlight and labels
 * (resources/basemap/relief-*.webp, built by packaging/build_relief.py from the shaded
 * relief of Tom Patterson, shadedrelief.com, public domain).
 *
 * Two images of black whose alpha is the relief's darkness, drawn over the basemap's
 * canvas (its own pane, "relief", between the basemap and the river highlight): drawn
 * over the country tints they darken the shaded slopes, a little the flat land, never
 * the water, so the tints, borders and rivers keep their colours; the labels and events
 * are above.  The world image (Leaflet's zoom-3 grid, 2048 px) is clear inside the
 * detail's box, where the Caucasus image (five times sharper) draws instead.
 *
 * Nothing of it is fetched for the first view: map.js calls reliefAfterFirstPaint() once
 * the first frame's calls are applied; the images load when the page is next idle, or
 * at the first acknowledgement after the first paint (map-commands.js holds it while
 * the relief loads: a snapshot never misses it).  View → Shaded relief turns it off or
 * on (the style op's `relief`, map-commands.js: setRelief).
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

  /* The relief's pane, made now (empty); the images come later (see above). */
  Basemap.prototype.reliefAfterFirstPaint = function () {
    var map = this.map, self = this;
    if (!map.getPane("relief")) {
      var pane = map.createPane("relief");
      pane.style.zIndex = "250"; // over the basemap (200), under the river highlight (300)
      pane.style.pointerEvents = "none";
      pane.setAttribute("aria-hidden", "true");
    }
    this.reliefWanted = this.reliefWanted !== false;
    this.reliefState = this.reliefState || STATE.none;
    this.reliefLayers = this.reliefLayers || null;
    map.on("zoomend", this._reliefOpacity, this);
    requestAnimationFrame(function () {
      self.reliefPainted = true; // this frame painted the first view
      var idle = window.requestIdleCallback || function (f) { setTimeout(f, 50); };
      idle(function () { self._reliefLoad(); }, { timeout: 1500 });
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
    return this.reliefState === STATE.loading;
  };

  /* View → Shaded relief: on (loaded first if it is not) or off. */
  Basemap.prototype.setRelief = function (on) {
    this.reliefWanted = !!on;
    if (!this.reliefLayers) {
      if (on && this.reliefPainted) this._reliefLoad();
      return;
    }
    var map = this.map;
    this.reliefLayers.forEach(function (layer) {
      if (on && !map.hasLayer(layer)) layer.addTo(map);
      else if (!on && map.hasLayer(layer)) map.removeLayer(layer);
    });
  };

  Basemap.prototype._reliefLoad = function () {
    if (this.reliefState !== STATE.none || !this.reliefWanted) return;
    if (location.protocol !== "araz:") { // the standalone HTML export: not embedded
      this.reliefState = STATE.failed;
      return;
    }
    var self = this, waiting = IMAGES.length;
    this.reliefState = STATE.loading;
    this._reliefSince = Date.now();
    function settled(ok) {
      if (self.reliefState !== STATE.loading) return;
      if (!ok) {
        self.reliefState = STATE.failed;
        console.warn("araz: no shaded relief (resources/basemap/relief-*.webp)");
        return;
      }
      if (--waiting === 0) self.reliefState = STATE.loaded;
    }
    this.reliefLayers = IMAGES.map(function (image) {
      var layer = L.imageOverlay(image.url, image.bounds, {
        pane: "relief", interactive: false, className: "araz-relief", attribution: CREDIT,
      });
      layer.on("load", function () {
        // the image decoded before it counts as in: the acknowledgement then means drawn
        var img = layer.getElement();
        var done = function () { settled(true); };
        if (img && img.decode) img.decode().then(done, done);
        else done();
      });
      layer.on("error", function () { settled(false); });
      return layer;
    });
    this._reliefOpacity();
    this.setRelief(this.reliefWanted);
  };

  Basemap.prototype._reliefOpacity = function () {
    if (!this.reliefLayers) return;
    var pane = this.map.getPane("relief");
    if (pane) pane.style.opacity = String(opacityAt(this.map.getZoom()));
  };
})();
