/* Araz map, standalone: the app's page without the app (the HTML export, export/html.py).
 *
 * Loaded before map.js in place of qwebchannel.js.  It plays Python's part from a static
 * payload embedded in the file (the JSON script element "araz-data"):
 * {commands: [the bridge calls Python would make, in order], events: base64 of the
 * events payload (views/map_payload.py)}.  The "events" command's payload is served from
 * that base64 by a fetch that never leaves the page (the page's CSP forbids every
 * request anyway), and so is the basemap's detail layer (map-base-detail.js fetches
 * basemap/detail.json the first time the map reaches its zoom): its JSON text is in the
 * element "araz-basemap-detail", parsed only then, so the page opens as fast without it.
 * A click selects the event (its popup), a hover highlights it (its
 * uncertainty disc), as the app's Python would answer.  The page scripts are the app's
 * own, unchanged.
 */
(function () {
  "use strict";

  var D = JSON.parse(document.getElementById("araz-data").textContent);
  var DATA_URL = "araz://app/data/events/";

  function bytesOf(b64) {
    var text = atob(b64 || "");
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out.buffer;
  }

  var body = bytesOf(D.events);
  var DETAIL = /(^|\/)basemap\/detail\.json$/;
  var pageFetch = window.fetch;
  window.fetch = function (url, options) {
    if (String(url).indexOf(DATA_URL) === 0) {
      return Promise.resolve({
        ok: true, status: 200,
        arrayBuffer: function () { return Promise.resolve(body.slice(0)); },
      });
    }
    var detail = DETAIL.test(String(url)) && document.getElementById("araz-basemap-detail");
    if (detail) {
      return Promise.resolve({
        ok: true, status: 200,
        json: function () { return Promise.resolve(JSON.parse(detail.textContent)); },
      });
    }
    return pageFetch ? pageFetch.call(window, url, options) : Promise.reject(new Error("offline"));
  };

  var send = null, seq = 0;

  function call(op, fields) {
    if (!send) return;
    var c = { op: op, seq: ++seq };
    Object.keys(fields || {}).forEach(function (k) { c[k] = fields[k]; });
    send(JSON.stringify(c));
  }

  function indexOf(id) {
    var events = window.araz && window.araz.events;
    if (!events) return -1;
    for (var i = 0; i < events.n; i++) if (events.idOf(i) === id) return i;
    return -1;
  }

  var bridge = {
    command: {
      connect: function (fn) {
        send = fn;
        (D.commands || []).forEach(function (c) { call(c.op, c); });
      },
    },
    ready: function () { document.body.setAttribute("data-araz-ready", "1"); },
    clicked: function (id) { call("select", { i: indexOf(id) }); },
    hovered: function (id) { call("highlight", { i: id ? indexOf(id) : -1 }); },
    picked: function (text) { // a density bin's events: no table here, frame them instead
      var events = window.araz.events, ids = {}, b = null;
      JSON.parse(text).forEach(function (id) { ids[id] = true; });
      for (var i = 0; i < events.n; i++) {
        if (!ids[events.idOf(i)]) continue;
        var ll = L.latLng(events.lat[i], events.lon[i]);
        b = b ? b.extend(ll) : L.latLngBounds(ll, ll);
      }
      if (b) call("fit", { bounds: [[b.getSouth(), b.getWest()], [b.getNorth(), b.getEast()]] });
    },
    rendered: function (s) {
      if (s === D.commands.length) document.body.setAttribute("data-araz-drawn", "1");
    },
    answered: function () {},
  };

  window.qt = { webChannelTransport: {} };
  window.QWebChannel = function (transport, ready) {
    ready({ objects: { bridge: bridge } });
  };
})();
