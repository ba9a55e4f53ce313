/* Araz map: the page.  It renders what Python says and reports gestures; no app state.
 *
 * This file makes the map (panes, basemap, events layer, ruler, density legend), its
 * accessible container and the test helpers, and plugs in the parts loaded before it:
 * map-popups.js (texts, tooltip, popup), map-commands.js (the bridge protocol: Python's
 * commands in order, drawn once per frame) and map-gestures.js (mouse and keyboard).
 * start() connects the web channel.
 * What needs no size (the map object, the basemap's labels and first band read and
 * built, the events layer) is made when the page loads (the band once its binary file is
 * in: map-base-binary.js); the rest once it is shown
 * (map-channel.js, window.araz.whenShown): the app loads its page in a view not shown
 * yet, and the map is framed and drawn once, at the size it is shown at.
 */
(function () {
  "use strict";

  var DEFAULT_BOUNDS = [[35.3, 44.5], [41.0, 51.8]];
  // how a "fit" frames its bounds (map-commands.js)
  var FIT = { padding: [24, 24], maxZoom: 10 };
  var ATTRIBUTION = "Made with Natural Earth";

  var map = L.map("map", {
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    minZoom: 1,
    maxZoom: 13,
    worldCopyJump: false,
    attributionControl: true,
    zoomControl: true,
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(ATTRIBUTION);
  L.control.scale({ imperial: false, maxWidth: 140, position: "bottomleft" }).addTo(map);

  // density (hexagons, heatmap) under the labels, borders again over the density
  [["basemap", 200], ["riverHighlight", 300], ["density", 400], ["densityBorders", 410],
    ["labels", 420], ["events", 450]].forEach(function (p) {
    var pane = map.createPane(p[0]);
    pane.style.zIndex = String(p[1]);
    if (p[0] !== "events") pane.style.pointerEvents = "none";
  });

  var data = window.ARAZ_BASEMAP || null;
  if (!data) console.warn("araz: no basemap (resources/basemap/basemap.js missing)");
  var basemap = new window.araz.Basemap(map, data);
  var events = new window.araz.EventLayer();
  // the regional band read from its binary file once that is in (map-base-binary.js)
  window.araz.afterBasemapBand(function () {
    basemap.prepare();
    window.araz.whenShown(shown);
  });

  function shown() {
    // the first view where Python's fit, held until now, frames it (map-channel.js)
    var held = window.araz.heldFit();
    if (held) map.fitBounds(held.bounds || DEFAULT_BOUNDS, FIT);
    else map.fitBounds(DEFAULT_BOUNDS);
    // Labels keep clear of the markers: placed again after a draw of the events that
    // moved them (or the view)
    basemap.setObstacles(function (x0, y0, x1, y1, cap) {
      return events.countIn(x0, y0, x1, y1, cap);
    }, function () {
      return events.obstacleKey();
    });
    basemap.update();
    events.addTo(map);
    events.on("drawn", basemap._placeLabels, basemap);

    var ruler = new window.araz.Ruler(map);

    // Past the data's scale (Natural Earth 1:10m is good to about zoom 9), say so.
    var COARSE = "borders at 1:10m, approximate";
    function updateAttribution() {
      var coarse = map.getZoom() >= 10;
      if (coarse === !!map._arazCoarse) return;
      map._arazCoarse = coarse;
      if (coarse) map.attributionControl.addAttribution(COARSE);
      else map.attributionControl.removeAttribution(COARSE);
    }
    map.on("zoomend", updateAttribution);
    updateAttribution();

    // --- density: borders drawn again over the bins, and the legend ---

    var bordersOver = L.canvas({ pane: "densityBorders", padding: 0 });
    bordersOver._panPadding = 0.5; // as the basemap's: its margin once the map is used
    var bordersLayer = null, bordersBand = null;

    function updateBordersOver() {
      var band = events.bins ? basemap.current : null;
      if (band !== bordersBand) {
        if (bordersLayer) map.removeLayer(bordersLayer);
        bordersLayer = null;
        bordersBand = band;
        if (band && band.borders) {
          bordersLayer = L.geoJSON(band.borders, {
            renderer: bordersOver, interactive: false,
            style: { color: "#4a4237", weight: band.minZoom >= 8 ? 1.8 : 1.4, opacity: 1 },
          }).addTo(map);
        }
      }
    }

    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var el = L.DomUtil.create("div", "araz-legend");
      el.setAttribute("role", "img");
      el.hidden = true;
      return el;
    };
    legend.addTo(map);

    function updateLegend() {
      var el = legend.getContainer(), bins = events.bins;
      if (!bins) {
        el.hidden = true;
        el.removeAttribute("aria-label");
        return;
      }
      var heat = events.densityMode === "heat";
      var head = document.createElement("div");
      head.className = "araz-legend-title";
      head.textContent = (heat ? "Events nearby (heatmap)" : "Events per hexagon") +
        ": each colour step \u00d7" + bins.step;
      var rows = document.createElement("div");
      rows.className = "araz-legend-rows";
      window.araz.density.legendRows(bins).forEach(function (r) {
        var row = document.createElement("span");
        row.className = "araz-legend-row";
        var sw = document.createElement("span");
        sw.className = "araz-legend-swatch";
        sw.style.backgroundColor = r.color;
        var label = document.createElement("span");
        label.textContent = r.from === r.to ? String(r.from) : r.from + "\u2013" + r.to;
        row.appendChild(sw);
        row.appendChild(label);
        rows.appendChild(row);
      });
      var note = document.createElement("div");
      note.className = "araz-legend-note";
      note.textContent = events.inView.toLocaleString("en") + " events in view; zoom in for points";
      el.replaceChildren(head, rows, note);
      el.setAttribute("aria-label", head.textContent);
      el.hidden = false;
    }

    events.on("drawn", function () {
      updateBordersOver();
      updateLegend();
    });

    // --- colour by a column, size by a number: the legend (map-colour.js) ---

    var colourLegend = new window.araz.ColourLegend(map, events);

    // --- accessibility: a labelled map, hidden decoration, a live region for events ---

    var container = map.getContainer();
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", "Map of events");
    container.setAttribute("aria-roledescription", "map");
    var help = document.createElement("div");
    help.id = "araz-map-help";
    help.className = "araz-sr-only";
    help.textContent = "Tab and Shift+Tab, or the left and right arrow keys with Alt, move " +
      "between the events shown, west to east; Enter selects the event; Escape leaves.";
    container.appendChild(help);
    container.setAttribute("aria-describedby", help.id);
    ["basemap", "riverHighlight", "labels", "events"].forEach(function (name) {
      map.getPane(name).setAttribute("aria-hidden", "true");
    });
    var live = document.createElement("div");
    live.className = "araz-sr-only araz-live";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    container.appendChild(live);

    function announce(text) {
      live.textContent = text;
    }

    var bridge = null;
    var state = { selected: -1, hovered: -1, pointer: -1, popupFor: -1 };

    // --- river highlight for events placed on the Araz ---

    function updateRiver() {
      var focus = state.selected >= 0 && events.line[state.selected] ? state.selected
        : state.hovered >= 0 && events.line[state.hovered] ? state.hovered : -1;
      if (focus >= 0) {
        basemap.setRiverHighlight({ color: events.colorOf(focus), weight: 11, opacity: 0.55 });
        return;
      }
      for (var i = 0; i < events.n; i++) {
        if (events.line[i] && events.visible[i]) {
          basemap.setRiverHighlight({ color: events.colorOf(i), weight: 7, opacity: 0.3 });
          return;
        }
      }
      basemap.setRiverHighlight(null);
    }

    function indexOk(i) {
      return typeof i === "number" && i >= 0 && i < events.n;
    }

    // --- the parts in their own files: each reads what it needs from page, and what
    // it returns is added for the next; the bridge is read when used (start() sets it)

    var page = {
      map: map, events: events, ruler: ruler, container: container, state: state,
      announce: announce, updateRiver: updateRiver, indexOk: indexOk, markerPoint: markerPoint,
      colourLegend: colourLegend, defaultBounds: DEFAULT_BOUNDS, fitOptions: FIT,
      get bridge() { return bridge; },
    };
    Object.assign(page, window.araz.pagePopups(page)); // map-popups.js
    Object.assign(page, window.araz.pageCommands(page)); // map-commands.js
    window.araz.pageGestures(page); // map-gestures.js
    var onCommand = page.onCommand, drawNow = page.drawNow, answering = page.answering;

    // The first frame draws the basemap's canvases at the view's size (a quarter of the
    // pixels to make, draw and composite); they draw beyond it, so that a pan shows
    // drawn pixels at once, from when the page is first idle after that frame, or the
    // first press or move of the map if sooner (a wheel's zoom starts a move: it is not
    // held up while its steps add up).
    var USE = ["pointerdown", "touchstart"];
    function used() {
      USE.forEach(function (type) { container.removeEventListener(type, used, true); });
      map.off("movestart zoomstart", used);
      page.growMargins();
    }
    USE.forEach(function (type) { container.addEventListener(type, used, true); });
    map.on("movestart zoomstart", used);
    function whenIdle() {
      function idle() {
        used();
        basemap.fetchWorld(); // the world layer's text, in before a view needs it
      }
      if (window.requestIdleCallback) window.requestIdleCallback(idle, { timeout: 2000 });
      else idle();
    }

    // --- test helpers (read-only): tests only, the application asks through the bridge ---

    window.araz.map = map;
    window.araz.ruler = ruler;
    window.araz.events = events;
    window.araz.basemap = basemap;
    window.araz.containerPoint = function (lat, lon) {
      var p = map.latLngToContainerPoint([lat, lon]);
      return [p.x, p.y];
    };
    /* What the map draws now, for tests and tools: {mode: "points" | "hex" | "heat",
     * inView, bins, maxBin, step, legend (its text, "" when hidden)}. */
    window.araz.drawing = function () {
      var b = events.bins, el = legend.getContainer();
      return {
        mode: b ? events.densityMode : "points", inView: events.inView, places: events.placesInView,
        bins: b ? b.count.length : 0, maxBin: b ? b.max : 0, step: b ? b.step : 0,
        legend: el.hidden ? "" : el.textContent, zoom: map.getZoom(),
      };
    };
    /* The container point of bin b's centre (null when no density is drawn). */
    window.araz.binPoint = function (b) {
      if (!events.bins || !(b >= 0 && b < events.bins.count.length)) return null;
      var p = map.layerPointToContainerPoint(L.point(events.bins.cx[b], events.bins.cy[b]).add(events._bounds.min));
      return [p.x, p.y];
    };
    window.araz.markerPoint = markerPoint;
    window.araz.metresPerPixel = function () {
      return answering.query({ what: "metres_per_pixel" });
    };

    function markerPoint(i) {
      if (!indexOk(i) || !events.drawn[i]) return null;
      var p = map.layerPointToContainerPoint(L.point(events.sx[i], events.sy[i]).add(events._bounds.min));
      return [p.x, p.y];
    }

    // --- start: take the channel (map-channel.js opened it early), report ready ---
    // Ready at once: the map is built.  The calls Python sent meanwhile are applied and
    // drawn now, with their events when these are in already (map-channel.js fetched them
    // early), so that the first frame paints the basemap and the events together (and
    // acknowledges them).  Ready goes first: Python hears it before any answer to those calls.

    function start() {
      window.araz.onChannel(function (channel) {
        bridge = channel.objects.bridge;
        bridge.ready();
        window.araz.takeCommands(onCommand);
        drawNow();
        setTimeout(whenIdle, 300);
        basemap.reliefAfterFirstPaint(); // map-base-relief.js
      });
    }

    if (window.qt && qt.webChannelTransport) start();
    else console.error("araz: no Qt web channel transport");
  }
})();
