/* Araz map: the web channel to Python, opened first, before the big scripts (Leaflet,
 * the basemap) are parsed and run: its handshake with Python then overlaps their work
 * instead of following it.  Once open, it tells Python (bridge.connected()) and Python
 * sends its calls at once; they are held here until map.js takes them
 * (window.araz.takeCommands(fn), when the map is built), and an events payload named in
 * them is fetched right away (window.araz.eventsPayload(url)): in by then, it is applied
 * and drawn as the map is built, so that its first frame draws the basemap and the events
 * together, and the labels are placed once, around the markers.  map.js takes the channel with
 * window.araz.onChannel(fn): fn runs with it once both it and map.js are there,
 * whichever comes first.  map.js builds the map with window.araz.whenShown(fn).
 * A "prefetch" call (a re-open's payload, named while Python reads the file) is not
 * the map's: its payload is fetched and decoded at once and held for the events call
 * that names its URL (dropped by any other one, or by the next prefetch).  A "ping"
 * (Python's watchdog, araz/qt/map/watchdog.py) is answered at once, map built or not:
 * it asks whether this page's thread still runs.
 */
(function () {
  "use strict";

  var DATA_URL = "araz://app/data/events/";
  var channel = null, waiting = [];
  var held = [], take = null, fetched = {}, arrived = {}, ahead = {};
  window.araz = window.araz || {};

  /* fn() once the page is shown: at once if it is (at a real size), else at its first
   * frame in view at a real size.  The app loads its page while Python starts, in a view not shown yet (the
   * page hidden, at no size): the map is built, framed and drawn once, at the size it is
   * shown at.  A view just shown can report its old size (Qt's default 100 x 30) for a
   * frame or two before its own: a size under MIN_SHOWN waits for the next frame (for a
   * second at most: a map really that small is built as it is). */
  var MIN_SHOWN = [200, 150], SHOWN_WAIT_MS = 1000;
  window.araz.whenShown = function (fn) {
    var since = null, done = false;
    function small() {
      return window.innerWidth < MIN_SHOWN[0] || window.innerHeight < MIN_SHOWN[1];
    }
    function go() {
      if (done) return;
      done = true;
      fn();
    }
    function frame(now) {
      if (done) return;
      if (since === null) since = now;
      if (small() && now - since < SHOWN_WAIT_MS) requestAnimationFrame(frame);
      else go();
    }
    if (document.visibilityState !== "hidden") {
      // shown already, maybe just now: at its old size still, the same wait (a timer too,
      // should no frame come)
      if (!small()) {
        go();
        return;
      }
      requestAnimationFrame(frame);
      setTimeout(go, SHOWN_WAIT_MS);
      return;
    }
    function shown() {
      if (document.visibilityState === "hidden") return;
      document.removeEventListener("visibilitychange", shown);
      requestAnimationFrame(frame);
    }
    document.addEventListener("visibilitychange", shown);
  };

  window.araz.onChannel = function (fn) {
    if (channel) fn(channel);
    else waiting.push(fn);
  };

  function fetchEvents(url) {
    return fetch(url, { cache: "no-store", credentials: "omit" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.arrayBuffer();
    });
  }

  function own(o, key) {
    return Object.prototype.hasOwnProperty.call(o, key);
  }

  /* The payload at url: {buffer} when fetched early and in already, else {promise} of
   * it (the early fetch, or one started now); each early fetch is given once.  drop:
   * forget an early fetch without using it (null). */
  window.araz.eventsPayload = function (url, drop) {
    var early = own(fetched, url) ? fetched[url] : null;
    var buffer = own(arrived, url) ? arrived[url] : null;
    forget(url);
    if (!drop) dropAhead(); // fetched ahead for events that are not these: not used
    if (drop) return null;
    return buffer ? { buffer: buffer } : { promise: early || fetchEvents(url) };
  };

  /* Where the last held call that moves the view frames it, when that call is a "fit":
   * {bounds: [[s, w], [n, e]] or null (the default view)}; else null.  map.js frames its
   * first view there, so that the fit Python sent finds the map where it asks (no zoom
   * animation from the default view, no second drawing of the basemap, labels, events). */
  window.araz.heldFit = function () {
    for (var i = held.length - 1; i >= 0; i--) {
      var c = null;
      try {
        c = JSON.parse(held[i]);
      } catch (err) {
        continue;
      }
      if (!c || (c.op !== "fit" && c.op !== "view" && c.op !== "goto")) continue;
      if (c.op !== "fit") return null;
      var b = c.bounds, ok = Array.isArray(b) && b.length === 2 && b.every(function (p) {
        return Array.isArray(p) && p.length === 2 && p.every(function (v) {
          return typeof v === "number" && isFinite(v);
        });
      });
      return { bounds: ok ? b : null };
    }
    return null;
  };

  /* Python's calls (JSON texts) go to fn from now on; those that came before, first. */
  window.araz.takeCommands = function (fn) {
    take = fn;
    held.splice(0).forEach(fn);
  };

  function forget(url) {
    delete fetched[url];
    delete arrived[url];
    delete ahead[url];
  }

  function dropAhead() {
    Object.keys(ahead).forEach(forget);
  }

  function fetchEarly(url) {
    var early = fetchEvents(url);
    fetched[url] = early;
    early.then(function (buffer) {
      if (fetched[url] === early) arrived[url] = buffer;
    }, function () {}); // a failure is reported when map-commands.js uses it
  }

  /* {"op": "prefetch", "url": …}: a payload Python may name in its next events call
   * (a re-open's, fetched while Python reads the file), fetched now and held (only the
   * latest: an earlier one is dropped), never acknowledged (not a call of the map's). */
  var PREFETCH = '{"op":"prefetch",';
  var PING = '{"op": "ping", "seq": 0}'; // watchdog.py's PING, as sent
  var pingBridge = null;

  function prefetch(text) {
    var c = null;
    try {
      c = JSON.parse(text);
    } catch (err) {
      return;
    }
    if (!c || typeof c.url !== "string" || c.url.indexOf(DATA_URL) !== 0) return;
    dropAhead();
    var url = c.url;
    ahead[url] = true;
    fetchEarly(url);
    var early = fetched[url];
    early.then(function (buffer) {
      // decoded while the page waits for the events call (once it is in: not if the
      // events call came first, or dropped it)
      if (arrived[url] === buffer && window.araz.decodeAhead) window.araz.decodeAhead(buffer);
    }, function () {
      // failed (the file could not be served): forgotten, so that the events call
      // that names it fetches it again rather than reuse the failure
      if (ahead[url] && fetched[url] === early) forget(url);
    });
  }

  function onCommand(text) {
    if (text === PING) { // Python's watchdog (araz/qt/map/watchdog.py): this page's thread
      if (pingBridge) pingBridge.answered(0, '{"ok": true}'); // answers, map built or not
      return;
    }
    if (text.indexOf(PREFETCH) === 0) {
      prefetch(text);
      return;
    }
    if (take) {
      take(text);
      return;
    }
    held.push(text);
    var c = null;
    try {
      c = JSON.parse(text);
    } catch (err) {
      return; // reported when map.js takes it
    }
    if (c && c.op === "events" && typeof c.url === "string" && c.url.indexOf(DATA_URL) === 0) {
      if (!own(fetched, c.url)) fetchEarly(c.url); // (fetched ahead already: that fetch)
      delete ahead[c.url];
    }
  }

  if (window.qt && qt.webChannelTransport && window.QWebChannel) {
    new QWebChannel(qt.webChannelTransport, function (c) {
      channel = c;
      var bridge = c.objects.bridge;
      pingBridge = bridge;
      bridge.command.connect(onCommand);
      if (typeof bridge.connected === "function") bridge.connected();
      waiting.splice(0).forEach(function (fn) { fn(c); });
    });
  }
})();
