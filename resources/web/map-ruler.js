/* Araz map: a distance ruler, as Google Earth's.
 *
 * The ruler button (top left, under the zoom buttons) starts measuring: each click on
 * the map adds a point, the path is drawn along great circles and its length is shown
 * in kilometres (the haversine on a sphere of 6,371 km, Leaflet's CRS.Earth, within
 * 0.5 % of the ellipsoid).  Escape, or the button again, ends it.  While measuring, a
 * click adds a point and selects no event.
 */
(function () {
  "use strict";

  var COLOR = "#c2185b";

  /* Points along the great circle from a to b (L.LatLng), n segments. */
  function greatCircle(a, b, n) {
    var rad = Math.PI / 180;
    var p1 = a.lat * rad, l1 = a.lng * rad, p2 = b.lat * rad, l2 = b.lng * rad;
    var v1 = [Math.cos(p1) * Math.cos(l1), Math.cos(p1) * Math.sin(l1), Math.sin(p1)];
    var v2 = [Math.cos(p2) * Math.cos(l2), Math.cos(p2) * Math.sin(l2), Math.sin(p2)];
    var dot = Math.max(-1, Math.min(1, v1[0] * v2[0] + v1[1] * v2[1] + v1[2] * v2[2]));
    var omega = Math.acos(dot), out = [];
    if (omega < 1e-9) return [a, b];
    for (var k = 0; k <= n; k++) {
      var t = k / n, s1 = Math.sin((1 - t) * omega) / Math.sin(omega), s2 = Math.sin(t * omega) / Math.sin(omega);
      var x = s1 * v1[0] + s2 * v2[0], y = s1 * v1[1] + s2 * v2[1], z = s1 * v1[2] + s2 * v2[2];
      var lat = Math.atan2(z, Math.sqrt(x * x + y * y)) / rad;
      var lng = Math.atan2(y, x) / rad;
      // keep longitudes continuous with the start (no jump across the antimeridian)
      if (out.length) {
        var prev = out[out.length - 1].lng;
        while (lng - prev > 180) lng -= 360;
        while (lng - prev < -180) lng += 360;
      } else {
        while (lng - a.lng > 180) lng -= 360;
        while (lng - a.lng < -180) lng += 360;
      }
      out.push(L.latLng(lat, lng));
    }
    return out;
  }

  function Ruler(map) {
    this.map = map;
    this.points = [];
    this.active = false;
    this.layer = L.layerGroup();
    var self = this;
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var bar = L.DomUtil.create("div", "leaflet-bar araz-ruler-control");
      var button = L.DomUtil.create("a", "araz-ruler-button", bar);
      button.href = "#";
      button.setAttribute("role", "button");
      button.setAttribute("aria-pressed", "false");
      button.title = "Measure a distance (click points on the map; Escape ends)";
      button.setAttribute("aria-label", "Measure a distance");
      button.textContent = "km";
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(button, "click", function (e) {
        L.DomEvent.preventDefault(e);
        self.toggle();
      });
      self.button = button;
      return bar;
    };
    control.addTo(map);
    this.readout = L.DomUtil.create("div", "araz-ruler-readout", map.getContainer());
    this.readout.setAttribute("role", "status");
    this.readout.hidden = true;
    map.getContainer().addEventListener("keydown", function (e) {
      if (e.key === "Escape" && self.active) {
        self.toggle(false);
        e.stopPropagation();
      }
    }, true);
  }

  Ruler.prototype.toggle = function (on) {
    this.active = on === undefined ? !this.active : !!on;
    this.button.setAttribute("aria-pressed", String(this.active));
    this.button.classList.toggle("active", this.active);
    this.map.getContainer().classList.toggle("araz-measuring", this.active);
    if (this.active) {
      this.points = [];
      this.layer.clearLayers();
      this.layer.addTo(this.map);
      this.readout.textContent = "Click points on the map to measure";
      this.readout.hidden = false;
    } else {
      this.map.removeLayer(this.layer);
      this.readout.hidden = true;
    }
  };

  /* A click while measuring: one more point.  Returns true when it was taken. */
  Ruler.prototype.click = function (latlng) {
    if (!this.active) return false;
    this.points.push(latlng);
    this.redraw();
    return true;
  };

  /* Length of the path in km (great circles). */
  Ruler.prototype.km = function () {
    var total = 0;
    for (var k = 1; k < this.points.length; k++) total += this.map.distance(this.points[k - 1], this.points[k]);
    return total / 1000;
  };

  Ruler.prototype.redraw = function () {
    this.layer.clearLayers();
    var pts = this.points, path = [];
    for (var k = 1; k < pts.length; k++) {
      var seg = greatCircle(pts[k - 1], pts[k], 32);
      path = path.concat(k > 1 ? seg.slice(1) : seg);
    }
    if (path.length) {
      L.polyline(path, { color: "#ffffff", weight: 5, opacity: 0.9, interactive: false }).addTo(this.layer);
      L.polyline(path, { color: COLOR, weight: 2.5, opacity: 1, interactive: false }).addTo(this.layer);
    }
    pts.forEach(function (p) {
      L.circleMarker(p, {
        radius: 4, color: "#ffffff", weight: 2, fillColor: COLOR, fillOpacity: 1, interactive: false,
      }).addTo(this.layer);
    }, this);
    var km = this.km();
    this.readout.textContent = pts.length < 2 ? "Click a second point"
      : (km < 10 ? km.toFixed(2) : km < 100 ? km.toFixed(1) : Math.round(km).toLocaleString("en")) +
        " km along the great circle (" + (pts.length - 1) + (pts.length > 2 ? " legs)" : " leg)");
  };

  window.araz = window.araz || {};
  window.araz.Ruler = Ruler;
  window.araz.greatCircle = greatCircle;
})();
