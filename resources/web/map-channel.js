/* Araz map: the web channel to Python, opened first, before the big scripts (Leaflet,
 * the basemap) are parsed and run: its handshake with Python then overlaps their work
 * instead of following it.  map.js takes the channel with window.araz.onChannel(fn): fn
 * runs with it once both it and map.js are there, whichever comes first.
 */
(function () {
  "use strict";

  var channel = null, waiting = [];
  window.araz = window.araz || {};
  window.araz.onChannel = function (fn) {
    if (channel) fn(channel);
    else waiting.push(fn);
  };
  if (window.qt && qt.webChannelTransport && window.QWebChannel) {
    new QWebChannel(qt.webChannelTransport, function (c) {
      channel = c;
      waiting.splice(0).forEach(function (fn) { fn(c); });
    });
  }
})();
