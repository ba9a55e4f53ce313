/* Araz map: the page.  It renders what Python says and reports gestures; no app state.
 *
 * Python -> page: bridge.command(json) with {op, seq, ...}; ops: events, show, select,
 * highlight, fit, view (exactly these bounds), goto ({lat, lon, zoom}: fly there),
 * style ({density: "hex" | "heat" | "points",
 * outlines: bool}), sync (nothing; acknowledged a frame later); and the ops Python waits
 * for an answer to (query, caption, zoom_control, print_colors: map-answers.js), each
 * answered bridge.answered(seq, json) with {ok: value} or {error: "why"}.  An op that
 * fails or is unknown is answered {error} too: never silence.
 * "events" carries only a url (araz://app/data/events/<seq>): the page fetches the
 * binary payload there (see decodeEvents in map-events.js) and, until it is in, holds
 * the commands that follow; they run after it, in order.  Commands are applied as they
 * come, drawn together in the next frame, then each is acknowledged with
 * bridge.rendered(seq).
 * Page -> Python: bridge.ready(), bridge.clicked(id), bridge.hovered(id or ""),
 * bridge.rendered(seq), bridge.answered(seq, json).
 */
(function () {
  "use strict";

  var DEFAULT_BOUNDS = [[35.3, 44.5], [41.0, 51.8]];
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
  map.fitBounds(DEFAULT_BOUNDS);
  // Labels keep clear of the markers: placed again after every draw of the events.
  basemap.setObstacles(function (x0, y0, x1, y1, cap) {
    return events.countIn(x0, y0, x1, y1, cap);
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

  var bordersOver = L.canvas({ pane: "densityBorders", padding: 0.5 });
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

  // --- text (always textContent: event text is untrusted) ---

  function card(i) {
    var root = document.createElement("div");
    root.className = "araz-card";
    var title = document.createElement("div");
    title.className = "araz-title";
    title.textContent = events.titleOf(i) || events.idOf(i);
    var date = document.createElement("div");
    date.className = "araz-date";
    date.textContent = events.dateOf(i);
    var actors = document.createElement("div");
    actors.className = "araz-actors";
    actors.textContent = events.actorsOf(i);
    var swatch = document.createElement("span");
    swatch.className = "araz-swatch";
    swatch.setAttribute("aria-hidden", "true");
    swatch.style.backgroundColor = events.colorOf(i);
    date.insertBefore(swatch, date.firstChild);
    root.appendChild(title);
    root.appendChild(date);
    if (actors.textContent) root.appendChild(actors);
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", title.textContent);
    return root;
  }

  /* What a screen reader hears for an event or a cluster (plain text). */
  function spoken(i) {
    if (events.drawn[i] === 2) return events.clusterSize[i] + " events here; Enter lists them";
    return [events.titleOf(i) || events.idOf(i), events.dateOf(i), events.actorsOf(i)]
      .filter(function (s) { return s; }).map(String).join(", ");
  }

  function clusterCard(i) {
    var root = document.createElement("div");
    root.className = "araz-card araz-cluster";
    var head = document.createElement("div");
    head.className = "araz-title";
    head.textContent = events.clusterSize[i] + " events here";
    root.appendChild(head);
    var list = document.createElement("ul");
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", head.textContent);
    events.groupMembers(i, 15).forEach(function (j) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "araz-member";
      button.textContent = events.titleOf(j) || events.idOf(j);
      button.addEventListener("click", function () {
        if (bridge) bridge.clicked(events.idOf(j));
      });
      item.appendChild(button);
      list.appendChild(item);
    });
    root.appendChild(list);
    return root;
  }

  // --- tooltip (hover) and popup (select / click) ---

  var tooltip = document.createElement("div");
  tooltip.className = "araz-tooltip";
  tooltip.setAttribute("role", "tooltip");
  tooltip.hidden = true;
  map.getContainer().appendChild(tooltip);

  function showTooltip(i, containerPoint) {
    if (i < 0) {
      tooltip.hidden = true;
      return;
    }
    placeTooltip(events.drawn[i] === 2 ? clusterSummary(i) : card(i), containerPoint);
  }

  /* The tooltip with this content beside the pointer, kept inside the map. */
  function placeTooltip(content, containerPoint) {
    tooltip.replaceChildren(content);
    tooltip.hidden = false;
    var size = map.getSize();
    var x = Math.min(containerPoint.x + 14, size.x - tooltip.offsetWidth - 4);
    var y = containerPoint.y + 14;
    if (y + tooltip.offsetHeight > size.y - 4) y = containerPoint.y - tooltip.offsetHeight - 10;
    tooltip.style.left = Math.max(4, x) + "px";
    tooltip.style.top = Math.max(4, y) + "px";
  }

  function clusterSummary(i) {
    var el = document.createElement("div");
    el.className = "araz-card";
    el.textContent = events.clusterSize[i] + " events here (click to list)";
    return el;
  }

  var popup = L.popup({ autoPan: true, maxWidth: 320, className: "araz-popup" });
  popup.on("remove", function () {
    state.popupFor = -1;
  });

  function openPopup(i, autoPan) {
    if (i < 0 || i >= events.n) return;
    var off = events.drawOffset(i);
    var r = window.araz.RADIUS + (events.drawn[i] === 2 ? 8 : 3);
    popup.options.offset = L.point(off.x, off.y - r + 7);
    popup.options.autoPan = autoPan;
    popup.setLatLng([events.lat[i], events.lon[i]]);
    popup.setContent(events.drawn[i] === 2 ? clusterCard(i) : card(i));
    state.popupFor = i;
    popup.openOn(map);
    var el = popup.getElement();
    if (el) {
      el.setAttribute("role", "dialog");
      el.setAttribute("aria-label", events.drawn[i] === 2 ? "Events here" : "Event");
    }
    announce(spoken(i));
  }

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

  // --- commands from Python, drawn once per frame ---

  var pendingSeqs = [];
  var dirty = false;
  var frameToken = 0;
  var popupPending = -1;

  function frame(token) {
    if (token !== frameToken) return;
    frameToken++;
    if (dirty) {
      dirty = false;
      events.draw();
    }
    if (popupPending >= 0) {
      var i = popupPending;
      popupPending = -1;
      openPopup(i, false);
    }
    var seqs = pendingSeqs;
    pendingSeqs = [];
    if (bridge) seqs.forEach(function (s) { bridge.rendered(s); });
  }

  function scheduleFrame() {
    var token = frameToken;
    if (document.visibilityState === "hidden") {
      setTimeout(function () { frame(token); }, 0);
    } else {
      requestAnimationFrame(function () { frame(token); });
      setTimeout(function () { frame(token); }, 250); // rAF can stall while hidden
    }
  }

  function indexOk(i) {
    return typeof i === "number" && i >= 0 && i < events.n;
  }

  function flyTo(i) {
    var ll = L.latLng(events.lat[i], events.lon[i]);
    var inner = map.getBounds().pad(-0.15);
    var zoom = Math.max(map.getZoom(), 6);
    if (inner.contains(ll) && zoom === map.getZoom()) return;
    map.flyTo(ll, zoom, { duration: 0.5 });
  }

  var ops = {
    events: function (c, d) {
      map.closePopup();
      tooltip.hidden = true;
      events.setEvents(d);
      state.selected = state.hovered = state.pointer = -1;
      announce("");
      updateRiver();
    },
    show: function (c) {
      events.setMaskBase64(c.mask, c.n);
      updateRiver();
    },
    select: function (c) {
      var i = indexOk(c.i) ? c.i : -1;
      state.selected = events.selected = i;
      if (i < 0) {
        map.closePopup();
        popupPending = -1;
      } else {
        flyTo(i);
        popupPending = i;
      }
      updateRiver();
    },
    highlight: function (c) {
      state.hovered = events.hovered = indexOk(c.i) ? c.i : -1;
      updateRiver();
    },
    fit: function (c) {
      map.fitBounds(c.bounds || DEFAULT_BOUNDS, { padding: [24, 24], maxZoom: 10 });
    },
    view: function (c) {
      // Exactly these bounds, no animation: centred in Web Mercator, any fractional zoom
      // at which they just fit (they touch two opposite edges).
      map.invalidateSize(false);
      var b = L.latLngBounds(c.bounds);
      var snap = map.options.zoomSnap;
      map.options.zoomSnap = 0;
      var zoom = map.getBoundsZoom(b, false, L.point(0, 0));
      var sw = map.project(b.getSouthWest(), zoom), ne = map.project(b.getNorthEast(), zoom);
      map.setView(map.unproject(sw.add(ne).divideBy(2), zoom), zoom, { animate: false });
      map.options.zoomSnap = snap;
    },
    goto: function (c) {
      var lat = Number(c.lat), lon = Number(c.lon), zoom = Number(c.zoom);
      if (!isFinite(lat) || !isFinite(lon)) return;
      map.flyTo([lat, lon], isFinite(zoom) ? Math.max(map.getZoom(), zoom) : map.getZoom(), { duration: 0.6 });
    },
    style: function (c) {
      events.setStyle(c);
    },
    sync: function () {}, // drawn-acknowledgement only: one more frame has been painted
  };
  // The ops that answer (map-answers.js); a query waits until the map stops moving.
  var answering = window.araz.answeringOps({ map: map, events: events, markerPoint: markerPoint });
  Object.keys(answering).forEach(function (name) { ops[name] = answering[name]; });
  var moving = false;
  map.on("movestart", function () { moving = true; });
  map.on("moveend", function () { moving = false; });
  var SETTLE_MS = 5000;

  ops.colors = function (c) { // recolour and resize the events: see map-colour.js
    if (colourLegend.apply(c)) updateRiver();
  };

  // Commands in order; an "events" command stops the line until its payload is in.
  var queue = [];
  var loading = false;
  var DATA_URL = "araz://app/data/events/";

  function onCommand(text) {
    var c;
    try {
      c = JSON.parse(text);
    } catch (err) {
      console.error("araz: command failed: " + err);
      return;
    }
    queue.push(c);
    run();
  }

  function run() {
    while (queue.length && !loading) {
      var c = queue.shift();
      if (c && c.op === "events") {
        var later = queue.some(function (q) { return q && q.op === "events"; });
        if (later) {
          // replaced before it was fetched: its payload is gone, skip it, and the calls
          // made for it (show, select, fit: Python sends them again after each events;
          // a call waiting for an answer is answered that it was skipped)
          skip(c);
          while (queue.length && !(queue[0] && queue[0].op === "events")) skip(queue.shift());
        } else {
          loading = true;
          load(c);
        }
      } else if (c && c.op === "query" && moving) {
        loading = true;
        settle(c);
      } else {
        apply(c, null);
      }
    }
  }

  function skip(c) {
    if (c && typeof c.op === "string" && Object.prototype.hasOwnProperty.call(answering, c.op)) {
      answer(c, { error: "skipped: the events it came after were replaced by newer ones" });
    }
    done(c);
  }

  /* Hold the line until the map has stopped moving (a fit, a fly, a zoom animation), then
   * answer query c about where it arrived; an error if it is still moving after SETTLE_MS. */
  function settle(c) {
    var started = Date.now();
    function check() {
      if (moving && Date.now() - started < SETTLE_MS) {
        setTimeout(check, 20);
        return;
      }
      if (moving) {
        answer(c, { error: "the map was still moving after " + SETTLE_MS + " ms" });
        done(c);
      } else {
        apply(c, null);
      }
      loading = false;
      run();
    }
    check();
  }

  function load(c) {
    var url = String(c.url || "");
    var fetched = url.indexOf(DATA_URL) === 0
      ? fetch(url, { cache: "no-store", credentials: "omit" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.arrayBuffer();
      })
      : Promise.reject(new Error("not an events URL: " + url));
    fetched.then(window.araz.decodeEvents).then(function (d) {
      apply(c, d);
    }, function (err) {
      var message = "araz: events not loaded from " + url + ": " + err;
      if (queue.some(function (q) { return q && q.op === "events"; })) {
        console.warn(message); // a later events call replaced this one meanwhile
        done(c);
      } else {
        // no events rather than the last ones: their ids are not what Python holds
        console.error(message);
        apply(c, { n: 0, ids: [], lat: [], lon: [], color: [], palette: [] });
      }
    }).then(function () {
      loading = false;
      run();
    });
  }

  function apply(c, d) {
    try {
      if (!(c && typeof c.op === "string" && Object.prototype.hasOwnProperty.call(ops, c.op))) {
        throw new Error("unknown op " + JSON.stringify(c && c.op));
      }
      var answers = Object.prototype.hasOwnProperty.call(answering, c.op);
      if (answers && dirty) {
        dirty = false; // what the calls before it changed, drawn before it looks
        events.draw();
      }
      var value = ops[c.op](c, d);
      if (answers) answer(c, { ok: value === undefined ? null : value });
    } catch (err) {
      console.error("araz: command failed: " + err);
      answer(c, { error: String((err && err.message) || err) });
    }
    done(c);
  }

  function answer(c, value) {
    if (bridge && c && typeof c.seq === "number") bridge.answered(c.seq, JSON.stringify(value));
  }

  /* The command is applied (or given up): acknowledge it once the next frame is drawn. */
  function done(c) {
    dirty = true;
    if (c && typeof c.seq === "number") pendingSeqs.push(c.seq);
    scheduleFrame();
  }

  // --- gestures ---

  // --- density bins: hover says how many and of which main actors; click zooms in ---

  function binUnder(containerPoint) {
    if (!events.bins || map._animatingZoom) return -1;
    var p = events.canvasPoint(containerPoint);
    return window.araz.density.binAt(events.bins, p.x, p.y);
  }

  /* The events in bin b: their count and the main actors (first named) that hold most. */
  function binSummary(b) {
    var per = new Map(), total = 0;
    for (var i = 0; i < events.n; i++) {
      if (events.binOf[i] !== b) continue;
      total++;
      var main = events.actorsOf(i).split(", ")[0] || "No actor";
      per.set(main, (per.get(main) || 0) + 1);
    }
    var top = Array.from(per.entries()).sort(function (a, c) { return c[1] - a[1] || (a[0] < c[0] ? -1 : 1); });
    return { total: total, top: top };
  }

  function binCard(b) {
    var s = binSummary(b);
    var root = document.createElement("div");
    root.className = "araz-card araz-bin";
    var head = document.createElement("div");
    head.className = "araz-title";
    head.textContent = s.total.toLocaleString("en") + (s.total === 1 ? " event here" : " events here");
    root.appendChild(head);
    var list = document.createElement("div");
    list.className = "araz-actors";
    var shown = s.top.slice(0, 3).map(function (t) {
      return t[0] + " " + t[1].toLocaleString("en");
    });
    if (s.top.length > 3) shown.push((s.top.length - 3) + " more actors");
    list.textContent = "Main actors: " + shown.join("; ");
    root.appendChild(list);
    var hint = document.createElement("div");
    hint.className = "araz-date";
    hint.textContent = "Click to zoom in";
    root.appendChild(hint);
    return root;
  }

  // the bin whose card the tooltip holds (and the drawing it belongs to): a bin's card
  // scans every event, so it is built once per bin entered, not on every mouse move
  var binShown = { bins: null, b: -1 };

  function showBinTooltip(b, containerPoint) {
    if (binShown.bins === events.bins && binShown.b === b && !tooltip.hidden) {
      placeTooltip(tooltip.firstChild, containerPoint);
      return;
    }
    binShown = { bins: events.bins, b: b };
    placeTooltip(binCard(b), containerPoint);
    announce(tooltip.textContent);
  }

  map.on("mousemove", function (e) {
    var i = events.hitTest(e.containerPoint);
    var b = i < 0 ? binUnder(e.containerPoint) : -1;
    map.getContainer().style.cursor = i >= 0 || b >= 0 ? "pointer" : "";
    if (b >= 0) showBinTooltip(b, e.containerPoint);
    else showTooltip(i, e.containerPoint);
    if (b < 0) binShown = { bins: null, b: -1 };
    if (i !== state.pointer) {
      state.pointer = i;
      if (bridge) bridge.hovered(i >= 0 ? events.idOf(i) : "");
    }
  });

  map.on("mouseout movestart zoomstart", function () {
    tooltip.hidden = true;
    if (state.pointer !== -1) {
      state.pointer = -1;
      map.getContainer().style.cursor = "";
      if (bridge) bridge.hovered("");
    }
  });

  map.on("click", function (e) {
    if (ruler.click(e.latlng)) return; // measuring: a point of the ruler, no selection
    var i = events.hitTest(e.containerPoint);
    if (i < 0) {
      var b = binUnder(e.containerPoint);
      if (b < 0) return;
      tooltip.hidden = true;
      var at = map.layerPointToLatLng(L.point(events.bins.cx[b], events.bins.cy[b]).add(events._bounds.min));
      map.setView(at, Math.min(map.getMaxZoom(), map.getZoom() + 2));
      return;
    }
    tooltip.hidden = true;
    openPopup(i, true);
    if (bridge && events.drawn[i] !== 2) bridge.clicked(events.idOf(i));
  });

  // --- keyboard: Tab / Shift+Tab (or Alt+arrows) move a focus ring between the shown
  // markers, west to east; Enter selects (as a click would); Escape drops the ring.
  // Past the last marker Tab leaves the map as usual (no keyboard trap).

  function focusMarker(i) {
    events.focused = i;
    dirty = true;
    scheduleFrame();
    if (i >= 0) {
      announce(spoken(i));
      if (bridge) bridge.hovered(events.idOf(i));
    } else if (bridge) {
      bridge.hovered("");
    }
  }

  function stepFocus(step) {
    var order = events.keyboardOrder();
    var at = events.focused >= 0 ? order.indexOf(events.focused) : -1;
    var next = at < 0 ? (step > 0 ? 0 : order.length - 1) : at + step;
    if (at < 0 && events.focused >= 0) {
      // the focused marker left the view: resume from its place in the west-east order
      var x = events.sx[events.focused];
      next = 0;
      while (next < order.length && events.sx[order[next]] <= x) next++;
      if (step < 0) next--;
    }
    if (next < 0 || next >= order.length) return false;
    focusMarker(order[next]);
    return true;
  }

  container.addEventListener("keydown", function (e) {
    if (e.target !== container) return; // the zoom buttons, the popup's links: as usual
    var key = e.key, moved = null;
    if (key === "Tab" && !e.altKey && !e.ctrlKey && !e.metaKey) {
      moved = stepFocus(e.shiftKey ? -1 : 1);
      if (!moved && events.focused >= 0) focusMarker(-1); // leaving the map
    } else if ((key === "ArrowRight" || key === "ArrowLeft") && e.altKey) {
      moved = stepFocus(key === "ArrowRight" ? 1 : -1) || true;
    } else if (key === "Enter" || key === " ") {
      var i = events.focused;
      if (i >= 0 && events.drawn[i]) {
        openPopup(i, true);
        if (bridge && events.drawn[i] !== 2) bridge.clicked(events.idOf(i));
        moved = true;
      }
    } else if (key === "Escape" && events.focused >= 0) {
      map.closePopup();
      focusMarker(-1);
      moved = true;
    }
    if (moved) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);

  container.addEventListener("blur", function () {
    if (events.focused >= 0) focusMarker(-1);
  });

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

  // --- start: connect, wait one frame so the basemap is painted, report ready ---

  function start() {
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      bridge.command.connect(onCommand);
      var sent = false;
      var report = function () {
        if (sent) return;
        sent = true;
        bridge.ready();
      };
      requestAnimationFrame(function () { requestAnimationFrame(report); });
      setTimeout(report, 500);
    });
  }

  if (window.qt && qt.webChannelTransport) start();
  else console.error("araz: no Qt web channel transport");
})();
