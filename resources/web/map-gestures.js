/* Araz map: gestures.  The mouse: hover (a tooltip, bridge.hovered), click (a popup,
 * bridge.clicked; a density bin's events picked, bridge.picked, or with Ctrl/Cmd or a
 * double-click the map zooms in on the bin; a point of the ruler while measuring).  The
 * keyboard: a focus ring moved between the shown markers, Enter selects, Escape leaves.
 *
 * map.js calls pageGestures(page) once, after pagePopups and pageCommands.
 */
(function () {
  "use strict";

  function pageGestures(page) {
    var map = page.map, events = page.events, state = page.state, announce = page.announce;
    var ruler = page.ruler, container = page.container, spoken = page.spoken;
    var tooltip = page.tooltip, showTooltip = page.showTooltip, placeTooltip = page.placeTooltip;
    var openPopup = page.openPopup, redraw = page.redraw;

    // --- gestures ---

    // --- density bins: hover says how many and of which main actors; click selects them
    // (the same events the tooltip counts, in the heatmap too: the hexagon under the
    // pointer), Ctrl/Cmd+click or a double-click zooms in on the bin ---

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
      hint.textContent = "Click to select these events; double-click or Ctrl+click to zoom in";
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
        if (page.bridge) page.bridge.hovered(i >= 0 ? events.idOf(i) : "");
      }
    });

    map.on("mouseout movestart zoomstart", function () {
      tooltip.hidden = true;
      if (state.pointer !== -1) {
        state.pointer = -1;
        map.getContainer().style.cursor = "";
        if (page.bridge) page.bridge.hovered("");
      }
    });

    function zoomToBin(b) {
      tooltip.hidden = true;
      var at = map.layerPointToLatLng(L.point(events.bins.cx[b], events.bins.cy[b]).add(events._bounds.min));
      map.setView(at, Math.min(map.getMaxZoom(), map.getZoom() + 2));
    }

    /* The ids of the events in bin b (those the tooltip counts). */
    function binIds(b) {
      var ids = [];
      for (var k = 0; k < events.n; k++) if (events.binOf[k] === b) ids.push(events.idOf(k));
      return ids;
    }

    map.on("click", function (e) {
      if (ruler.click(e.latlng)) return; // measuring: a point of the ruler, no selection
      var i = events.hitTest(e.containerPoint);
      if (i < 0) {
        var b = binUnder(e.containerPoint), o = e.originalEvent || {};
        if (b < 0) return;
        if (o.ctrlKey || o.metaKey || !page.bridge) {
          zoomToBin(b); // no bridge (no app to select in): zoom, as before
        } else {
          var ids = binIds(b);
          announce(ids.length.toLocaleString("en") + (ids.length === 1 ? " event selected" : " events selected"));
          page.bridge.picked(JSON.stringify(ids));
        }
        return;
      }
      tooltip.hidden = true;
      openPopup(i, true);
      if (page.bridge && events.drawn[i] !== 2) page.bridge.clicked(events.idOf(i));
    });

    // a double-click on a bin zooms in on it; elsewhere as Leaflet's own (Shift: out)
    map.doubleClickZoom.disable();
    map.on("dblclick", function (e) {
      if (ruler.active) return;
      var b = events.hitTest(e.containerPoint) < 0 ? binUnder(e.containerPoint) : -1;
      if (b >= 0) {
        zoomToBin(b);
        return;
      }
      var delta = map.options.zoomDelta, o = e.originalEvent || {};
      map.setZoomAround(e.containerPoint, map.getZoom() + (o.shiftKey ? -delta : delta));
    });

    // --- keyboard: Tab / Shift+Tab (or Alt+arrows) move a focus ring between the shown
    // markers, west to east; Enter selects (as a click would); Escape drops the ring.
    // Past the last marker Tab leaves the map as usual (no keyboard trap).

    function focusMarker(i) {
      events.focused = i;
      redraw();
      if (i >= 0) {
        announce(spoken(i));
        if (page.bridge) page.bridge.hovered(events.idOf(i));
      } else if (page.bridge) {
        page.bridge.hovered("");
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
          if (page.bridge && events.drawn[i] !== 2) page.bridge.clicked(events.idOf(i));
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
  }

  window.araz = window.araz || {};
  window.araz.pageGestures = pageGestures;
})();
