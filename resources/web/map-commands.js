/* Araz map: the bridge protocol, Python's commands applied in order.
 *
 * Python -> page: bridge.command(json) with {op, seq, ...}; ops: events, show, select,
 * highlight, fit, view (exactly these bounds), goto ({lat, lon, zoom}: fly there),
 * style ({density: "hex" | "heat" | "points",
 * outlines: bool}), sync (nothing; acknowledged a frame later); and the ops Python waits
 * for an answer to (query, caption, zoom_control, print_colors: map-answers.js;
 * pan_margin: below), each
 * answered bridge.answered(seq, json) with {ok: value} or {error: "why"}.  An op that
 * fails or is unknown is answered {error} too: never silence.
 * "events" carries only a url (araz://app/data/events/<seq>): the page fetches the
 * binary payload there (see decodeEvents in map-events.js) and, until it is in, holds
 * the commands that follow; they run after it, in order.  Commands are applied as they
 * come, drawn together in the next frame, then each is acknowledged with
 * bridge.rendered(seq) (once the map has stopped moving: a fit's animation ends with
 * the events drawn for the view it arrived at).
 * Page -> Python: bridge.ready(), bridge.clicked(id), bridge.hovered(id or ""),
 * bridge.picked(json list of ids: a density bin's events), bridge.rendered(seq),
 * bridge.answered(seq, json).
 *
 * map.js calls pageCommands(page) once and connects the onCommand it returns to
 * bridge.command (start()).
 */
(function () {
  "use strict";

  function pageCommands(page) {
    var map = page.map, events = page.events, state = page.state, announce = page.announce;
    var tooltip = page.tooltip, openPopup = page.openPopup;
    var updateRiver = page.updateRiver, indexOk = page.indexOk, markerPoint = page.markerPoint;
    var colourLegend = page.colourLegend, DEFAULT_BOUNDS = page.defaultBounds;
    var FIT = page.fitOptions;

    // --- commands from Python, drawn once per frame ---

    var pendingSeqs = [];
    var dirty = false;
    var frameToken = 0;
    var popupPending = -1;
    // a draw for any reason (the map moved: a view, a fit) draws what the calls so far
    // changed: the frame need not draw them again
    var draws = 0;
    events.on("drawn", function () {
      dirty = false;
      draws++;
    });

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
      // the basemap's detail (map-base-detail.js) or world layer (map-base.js) on its way
      // for the view shown: the view is not drawn yet (a snapshot would miss its regions,
      // or the land beyond the regional box); acknowledge once it is in.
      // The map moving (a fit's zoom animation, a fly): the events are drawn for the view
      // it left (density bins, hit grid, markers) until it stops and draws them again;
      // acknowledge once it has (a caller then reads and clicks what the view shows)
      var base = window.araz.basemap;
      var loading = base && (base.detailState === 1 || base.worldPending() || base.reliefPending());
      if (pendingSeqs.length && (loading || held())) {
        setTimeout(scheduleFrame, 20);
        return;
      }
      holding = 0;
      var seqs = pendingSeqs;
      pendingSeqs = [];
      if (page.bridge) seqs.forEach(function (s) { page.bridge.rendered(s); });
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
        var ends = moveEnds;
        map.fitBounds(c.bounds || DEFAULT_BOUNDS, FIT);
        // neither moving nor arrived: Leaflet starts its zoom animation in the next
        // animation frame (a reset, a pan, no move at all each fire movestart or moveend
        // now); the map counts as moving from here
        if (!moving && moveEnds === ends) moveDue = Date.now();
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
        if (typeof c.relief === "boolean") window.araz.basemap.setRelief(c.relief); // map-base-relief.js
      },
      sync: function () {}, // drawn-acknowledgement only: one more frame has been painted
    };
    // The ops that answer (map-answers.js); a query waits until the map stops moving.
    var answering = window.araz.answeringOps({ map: map, events: events, markerPoint: markerPoint });
    // pan_margin {shown}: whether the Leaflet canvases (the basemap's, the river
    // highlight's, the density borders') draw beyond the view, by half of it on each
    // side, so that a pan shows drawn pixels at once.  On for a person's map; off for an
    // export's offscreen map, which never pans: each such canvas is then the view's size,
    // a quarter of the pixels to draw and to hand to the compositor.  Answers the setting.
    // A canvas made without its margin (options.padding 0, _panPadding its margin: the
    // basemap's, map-base.js) gets it when the map is first used (growMargins, map.js)
    // or pan_margin asks for it: the first frame draws the view's size only.
    var margins = true, grown = false;
    function fitCanvas(layer) {
      if (!(layer instanceof L.Canvas)) return;
      if (layer._panPadding === undefined) layer._panPadding = layer.options.padding;
      var padding = margins ? layer._panPadding : 0;
      if (layer.options.padding === padding) return;
      layer.options.padding = padding;
      if (layer._map) layer._update(); // sized and drawn again
    }
    map.on("layeradd", function (e) { if (!margins || grown) fitCanvas(e.layer); });
    function growMargins() {
      if (grown) return;
      grown = true;
      if (margins) map.eachLayer(fitCanvas);
    }

    /* The canvases that hold nothing now, for printing (map-print.js leaves them out): a
     * Leaflet canvas renderer without a layer (the river highlight while no river is
     * pointed at) and the density's canvas while no density is drawn (map-events-draw.js
     * clears it each draw and paints it only with bins). */
    window.araz.blankCanvases = function () {
      var out = [];
      map.eachLayer(function (layer) {
        if (layer instanceof L.Canvas && layer._container && !Object.keys(layer._layers || {}).length) {
          out.push(layer._container);
        }
      });
      if (!events.bins && events._densityCanvas) out.push(events._densityCanvas);
      return out;
    };
    answering.pan_margin = function (c) {
      margins = !!c.shown;
      grown = true;
      map.eachLayer(fitCanvas);
      return margins;
    };
    Object.keys(answering).forEach(function (name) { ops[name] = answering[name]; });
    // moving: between a movestart and its moveend (the events layer draws on moveend
    // before this hears it); moveDue: when a fit's zoom animation was asked for, until
    // it ends (0: none; given up after DUE_MS if it never starts: a page that paints no
    // frame)
    var moving = false, moveDue = 0, moveEnds = 0;
    map.on("movestart", function () { moving = true; });
    map.on("moveend", function () {
      moving = false;
      moveDue = 0;
      moveEnds++;
    });
    var SETTLE_MS = 5000, DUE_MS = 1000;

    function stillMoving() {
      return moving || (moveDue > 0 && Date.now() - moveDue < DUE_MS);
    }

    /* Whether the frame holds its acknowledgements for a moving map (at most SETTLE_MS
     * in a row: a person dragging the map for long does not stall the calls). */
    var holding = 0;
    function held() {
      if (!stillMoving()) return false;
      if (!holding) holding = Date.now();
      return Date.now() - holding < SETTLE_MS;
    }

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
            load(c);
          }
        } else if (c && (c.op === "query" || c.op === "fit") && stillMoving()) {
          // a fit asked during a zoom animation would be dropped (Leaflet ignores a zoom
          // while one runs: the time window's events never framed): it waits its end too
          loading = true;
          settle(c);
        } else {
          apply(c, null);
        }
      }
    }

    function skip(c) {
      if (c && c.op === "events") window.araz.eventsPayload(String(c.url || ""), true);
      if (c && typeof c.op === "string" && Object.prototype.hasOwnProperty.call(answering, c.op)) {
        answer(c, { error: "skipped: the events it came after were replaced by newer ones" });
      }
      done(c);
    }

    /* Hold the line until the map has stopped moving (a fit, a fly, a zoom animation), then
     * answer query c about where it arrived (an error if it is still moving after
     * SETTLE_MS), or apply fit c (after SETTLE_MS, whatever moves). */
    function settle(c) {
      var started = Date.now();
      function check() {
        if (stillMoving() && Date.now() - started < SETTLE_MS) {
          setTimeout(check, 20);
          return;
        }
        if (stillMoving() && c.op === "query") {
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

    /* Apply events call c once its payload is in: at once when it is already (fetched
     * while the map was built: map-channel.js), else the line waits for it. */
    function load(c) {
      var url = String(c.url || "");
      var got = url.indexOf(DATA_URL) === 0 ? window.araz.eventsPayload(url)
        : { promise: Promise.reject(new Error("not an events URL: " + url)) };
      if (got.buffer) {
        var d = null;
        try {
          d = window.araz.decodeEvents(got.buffer);
        } catch (err) {
          notLoaded(c, url, err);
          return;
        }
        apply(c, d);
        return;
      }
      loading = eventsLoading = true;
      got.promise.then(window.araz.decodeEvents).then(function (d) {
        apply(c, d);
      }, function (err) {
        notLoaded(c, url, err);
      }).then(function () {
        loading = eventsLoading = false;
        run();
      });
    }

    function notLoaded(c, url, err) {
      var message = "araz: events not loaded from " + url + ": " + err;
      if (queue.some(function (q) { return q && q.op === "events"; })) {
        console.warn(message); // a later events call replaced this one meanwhile
        done(c);
      } else {
        // no events rather than the last ones: their ids are not what Python holds
        console.error(message);
        apply(c, { n: 0, ids: [], lat: [], lon: [], color: [], palette: [] });
      }
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
        var before = draws;
        var value = ops[c.op](c, d);
        if (answers) answer(c, { ok: value === undefined ? null : value });
      } catch (err) {
        console.error("araz: command failed: " + err);
        answer(c, { error: String((err && err.message) || err) });
      }
      done(c, before !== undefined && draws !== before);
    }

    function answer(c, value) {
      if (page.bridge && c && typeof c.seq === "number") page.bridge.answered(c.seq, JSON.stringify(value));
    }

    /* The command is applied (or given up): acknowledge it once the next frame is drawn.
     * `drawn`: the events were drawn while it was applied (it moved the map), after it. */
    function done(c, drawn) {
      // a sync or a question changes nothing drawn: its frame need not draw the events
      var still = c && (c.op === "sync" || Object.prototype.hasOwnProperty.call(answering, c.op));
      if (!still && !drawn) dirty = true;
      if (c && typeof c.seq === "number") pendingSeqs.push(c.seq);
      scheduleFrame();
    }

    /* Draw what the calls applied so far changed now, in this task, not in the next
     * frame (map.js, once it has applied the calls Python sent while it was built: the
     * labels are then placed once, around the markers); the acknowledgements still
     * come with the frame. */
    /* Whether the events will be drawn soon (their payload on its way, or a draw due in
     * the next frame): the basemap's labels then wait for that draw, which places them
     * clear of the markers, instead of being placed without them and again after
     * (map-base-labels.js: _placeSoon). */
    var eventsLoading = false;
    window.araz.eventsDrawDue = function () {
      return eventsLoading || dirty;
    };

    function drawNow() {
      if (!dirty) return;
      dirty = false;
      events.draw();
    }

    /* Draw again in the next frame (the keyboard's focus ring moved: map-gestures.js). */
    function redraw() {
      dirty = true;
      scheduleFrame();
    }

    return {
      onCommand: onCommand,
      drawNow: drawNow,
      redraw: redraw,
      answering: answering,
      growMargins: growMargins,
    };
  }

  window.araz = window.araz || {};
  window.araz.pageCommands = pageCommands;
})();
