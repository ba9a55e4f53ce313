/* Araz map: the basemap's labels (window.ARAZ_BASEMAP.labels), on the Basemap of
 * map-base.js.
 *
 * Labels are small DOM markers shown from their minZoom, the lower rank winning a clash.
 * A country's name goes only where its whole text box lies on that country's visible
 * land (near its label point first, else anywhere in view), shortened ("ARM.") if the
 * full name fits nowhere, left out if neither does: never written over a neighbour.
 * Basemap text is escaped like any other (textContent only).
 */
(function () {
  "use strict";

  var Basemap = window.araz.Basemap;
  var KIND_ORDER = { capital: 1, city: 2, river: 3, lake: 4, country: 5, peak: 6, region: 7 };
  // a country's name where the full one does not fit (ISO 3166 alpha-3 where the first
  // three letters would be ambiguous: Turkmenistan is not TUR.)
  var SHORT = {
    Turkmenistan: "TKM.", Kyrgyzstan: "KGZ.", Tajikistan: "TJK.", "Saudi Arabia": "KSA",
    "United Arab Emirates": "UAE", Palestine: "PSE.", Lithuania: "LTU.", Latvia: "LVA.",
  };

  function num(value, fallback) {
    var n = Number(value);
    return value === null || value === undefined || isNaN(n) ? fallback : n;
  }

  /* The labels of a feature collection of points (their DOM made and measured by
   * map-labels-early.js, before Leaflet loaded for the basemap's own), sorted. */
  Basemap.prototype._buildLabels = function (fc) {
    var feats = (fc && fc.features) || [], early = window.araz.earlyLabels;
    var nodes = early && early.features === fc ? early.nodes : null;
    if (nodes) window.araz.earlyLabels = null; // given once
    else nodes = window.araz.labelNodes(feats, this.map.getContainer());
    for (var i = 0; i < feats.length; i++) {
      var f = feats[i], p = f.properties || {}, n = nodes[i];
      if (!n) continue;
      var c = f.geometry.coordinates;
      this.labels.push({
        name: String(p.name || ""), kind: n.kind, el: n.el, text: n.text, marked: n.marked,
        w: n.w, h: n.h, place: "", cls: n.cls, root: n.root, mark: null, inPane: false, // Marks
        minZoom: num(p.minZoom, 0), rank: num(p.rank, 9), latlng: L.latLng(c[1], c[0]),
      });
    }
    // Lower rank first; on a tie, places before rivers and lakes before country names.
    this.labels.sort(function (a, b) {
      return a.rank - b.rank || (KIND_ORDER[a.kind] || 9) - (KIND_ORDER[b.kind] || 9);
    });
  };

  /* The labels' marks in the labels pane, each placed as L.Marker places a divIcon: a
   * div "leaflet-marker-icon <its classes> leaflet-zoom-animated" holding the label's
   * root, translated to the label's layer point (rounded), its z-index that point's y;
   * the div made once, and every mark moved by one listener on zoom, viewreset and
   * zoomanim.  (An L.Marker a label gave the map three listeners of its own, each added
   * and taken off one by one, Leaflet going through its list every time: a fifth of the
   * first placement.) */
  function Marks(map) {
    this.map = map;
    this.pane = map.getPane("labels");
    this.shown = []; // the labels shown, in the order their divs went in
    var animated = map._zoomAnimated && map.options.markerZoomAnimation;
    this.zoomClass = animated ? "leaflet-zoom-animated" : "leaflet-zoom-hide";
    map.on({ zoom: this.update, viewreset: this.update }, this);
    if (animated) map.on("zoomanim", this._animate, this);
  }

  Marks.prototype.show = function (l, on) {
    if (on) {
      if (!l.mark) {
        l.mark = document.createElement("div");
        l.mark.className = "leaflet-marker-icon " + l.cls + " " + this.zoomClass;
        l.mark.appendChild(l.root);
      }
      this.pane.appendChild(l.mark);
      this.shown.push(l);
      this._put(l, this.map.latLngToLayerPoint(l.latlng).round());
    } else {
      L.DomUtil.remove(l.mark);
      this.shown.splice(this.shown.indexOf(l), 1);
    }
    l.inPane = on;
  };

  Marks.prototype._put = function (l, pos) {
    L.DomUtil.setPosition(l.mark, pos);
    l.mark.style.zIndex = pos.y;
  };

  Marks.prototype.update = function () {
    for (var i = 0; i < this.shown.length; i++) {
      this._put(this.shown[i], this.map.latLngToLayerPoint(this.shown[i].latlng).round());
    }
  };

  Marks.prototype._animate = function (e) {
    for (var i = 0; i < this.shown.length; i++) {
      this._put(this.shown[i], this.map._latLngToNewLayerPoint(this.shown[i].latlng, e.zoom, e.center).round());
    }
  };

  Basemap.prototype._marks = function () {
    return this._labelMarks || (this._labelMarks = new Marks(this.map));
  };

  /* Where a label's text may go, best first: [dx, dy] of the text box's centre from
   * the place, in px.  A place's text goes beside its mark, then further out in steps
   * (past rings of spread markers); other labels are centred, then nudged. */
  function candidates(l) {
    var out = [], w = l.w, h = l.h, i;
    if (!l.marked) {
      out.push([0, 0]);
      for (i = 1; i <= 3; i++) out.push([0, -i * h], [0, i * h]);
      return out;
    }
    var gap = 7, steps = [0, 9, 22, 35, 48, 61];
    for (i = 0; i < steps.length; i++) {
      var d = gap + steps[i];
      out.push([d + w / 2, 0], [-(d + w / 2), 0], [0, -(d + h / 2 - 3)], [0, d + h / 2 - 3]);
      if (i > 0) {
        var diag = d * 0.75;
        out.push(
          [diag + w / 2, -diag], [diag + w / 2, diag],
          [-(diag + w / 2), -diag], [-(diag + w / 2), diag]
        );
      }
    }
    return out;
  }

  function overlaps(a, b) {
    return a[0] < b[2] && a[2] > b[0] && a[1] < b[3] && a[3] > b[1];
  }

  /* Obstacles: fn(x0, y0, x1, y1, cap) -> how many drawn markers touch that box (layer
   * px), at most cap.  Labels then keep clear of the markers when they can.  key() -> a
   * string that changes whenever fn's answers may: the labels are placed again only
   * when it, the view or the labels changed. */
  Basemap.prototype.setObstacles = function (fn, key) {
    this.obstacles = fn;
    this.obstacleKey = key || null;
  };

  /* The labels placed again once this task is done, unless a placement has seen this
   * view by then: the events layer has them placed whenever it draws, after a move too,
   * and a start (fit, band, update) moves the view more than once in one go. */
  Basemap.prototype._placeSoon = function () {
    if (this._soon) return;
    this._soon = true;
    var self = this;
    Promise.resolve().then(function () {
      self._soon = false;
      // the events drawn soon place them ("drawn", map.js): once, around their markers
      if (window.araz.eventsDrawDue && window.araz.eventsDrawDue()) return;
      if (self._placedAt !== self._viewKey()) self._placeLabels();
    });
  };

  Basemap.prototype._viewKey = function () {
    var map = this.map, b = map.getPixelBounds(), o = map.getPixelOrigin();
    return [this.current && this.current.name, map.getZoom(), b.min.x, b.min.y, b.max.x, b.max.y, o.x, o.y].join(",");
  };

  /* Labels from their minZoom, each at its first place that covers no marker and no
   * better-ranked label (else the place covering fewest markers); a label that only
   * fits over a better-ranked one is not shown. */
  Basemap.prototype._placeLabels = function () {
    this._placedAt = this._viewKey();
    // the same view, labels and markers as the last placement (the reset and the moveend
    // of one move both draw the events): the labels stand as placed
    var same = this.obstacleKey && [this._placedAt, this.labels.length, this.obstacleKey()].join("|");
    if (same && same === this._placedFor) return;
    this._placedFor = null; // until this placement is done
    var map = this.map, zoom = map.getZoom(), boxes = [];
    var obstacles = this.obstacles;
    var view = map.getPixelBounds(), origin = map.getPixelOrigin();
    var vx0 = view.min.x - origin.x, vy0 = view.min.y - origin.y;
    var vx1 = view.max.x - origin.x, vy1 = view.max.y - origin.y;
    for (var i = 0; i < this.labels.length; i++) {
      var l = this.labels[i], show = zoom >= l.minZoom, place = null;
      if (show) {
        var p = map.latLngToLayerPoint(l.latlng);
        var far = p.x < vx0 - 300 || p.x > vx1 + 300 || p.y < vy0 - 100 || p.y > vy1 + 100;
        var along = l.kind === "river" && zoom >= 5 && this._riverLine(l);
        if (along) {
          // close up, the label's point is often off screen: name the river where it
          // runs through the view (nearest the view's centre) instead
          var out = p.x < vx0 + 40 || p.x > vx1 - 40 || p.y < vy0 + 20 || p.y > vy1 - 20;
          var ref = out ? L.point((vx0 + vx1) / 2, (vy0 + vy1) / 2) : p;
          place = this._placeAlongRiver(l, ref, boxes, out ? [vx0 + 20, vy0 + 20, vx1 - 20, vy1 - 20] : null);
          if (place && out) {
            place.dx += ref.x - p.x;
            place.dy += ref.y - p.y;
            place.css = place.dx + "," + place.dy + "," + place.angle;
          }
        } else if (l.kind === "country" && this._countryIndex(l.name) >= 0) {
          place = this._placeCountry(l, p, boxes, [vx0, vy0, vx1, vy1]);
        } else if (far) {
          show = false;
        } else {
          place = this._placeAround(l, p, boxes);
        }
        if (!place) show = false;
      }
      if (show) {
        boxes.push(place.box);
        if (l.marked) boxes.push([p.x - 4, p.y - 4, p.x + 4, p.y + 4]);
        var css = place.css + (place.text ? "," + place.text : "");
        var text = place.text || l.name;
        if (l.text.textContent !== text) l.text.textContent = text;
        if (css !== l.place) {
          l.place = css;
          l.el.style.left = place.dx + "px";
          l.el.style.top = place.dy + "px";
          l.el.style.transform = "translate(-50%, -50%)" + (place.angle ? " rotate(" + place.angle + "deg)" : "");
          l.el.classList.toggle("along", !!place.angle);
        }
        l.shown = place;
      } else {
        l.shown = null;
      }
      if (show !== l.inPane) this._marks().show(l, show);
    }
    this._placedFor = same;
  };

  /* The index of the current band's country of that name, or -1. */
  Basemap.prototype._countryIndex = function (name) {
    var band = this.current;
    if (!band || !band.countries) return -1;
    if (!band.countryIndex) {
      band.countryIndex = {};
      (band.countries.features || []).forEach(function (f, k) {
        if (f.properties && f.properties.name) band.countryIndex[f.properties.name] = k;
      });
    }
    var k = band.countryIndex[name];
    return k === undefined || k >= 255 ? -1 : k;
  };

  /* A country's name where its whole text box is on that country's land in view: near
   * its label point first, else the nearest such spot; the short form ("ARM.") when
   * the name fits nowhere; null when neither does. */
  Basemap.prototype._placeCountry = function (l, p, boxes, view) {
    // every spot tried is in view and on the country: none when it is off the view
    var id = this._countryIndex(l.name) + 1, own = this._landBox(id); // map-base-land.js
    if (!own || own[0] > view[2] || own[2] < view[0] || own[1] > view[3] || own[3] < view[1]) return null;
    var land = this._land(id);
    var short = SHORT[l.name] || (l.name.length > 5 ? l.name.slice(0, 3) + "." : null);
    var forms = [{ text: null, w: l.w }];
    if (short) forms.push({ text: short, w: Math.ceil((l.w * (short.length + 0.6)) / (l.name.length + 0.6)) });
    // candidate centres: around the label point, then a grid over the view, nearest first
    // (made only when none of the first three will do)
    var cx = Math.max(view[0], Math.min(view[2], p.x)), cy = Math.max(view[1], Math.min(view[3], p.y));
    // the grid's points on the country, nearest first, as far as the search goes
    var grid = null;
    var h = l.h, obstacles = this.obstacles;
    for (var f = 0; f < forms.length; f++) {
      var w = forms[f].w, best = null, bestHits = Infinity, tried = 0;
      var cands = [[p.x, p.y], [p.x, p.y - h], [p.x, p.y + h]], near = cands.length;
      for (var c = 0; tried < 40; c++) {
        var x, y;
        if (c < near) {
          x = cands[c][0];
          y = cands[c][1];
        } else { // none of the first did
          if (!grid) grid = nearestFirst(land.grid(view), cx, cy);
          var g = grid.at(c - near);
          if (g < 0) break;
          x = grid.points[2 * g];
          y = grid.points[2 * g + 1];
        }
        var box = [x - w / 2, y - h / 2, x + w / 2, y + h / 2];
        // inside the view, clear of the attribution and scale along its bottom
        if (box[0] < view[0] + 4 || box[1] < view[1] + 4 || box[2] > view[2] - 4 || box[3] > view[3] - 24) continue;
        if (overlaps(box, [view[0], view[1], view[0] + 50, view[1] + 80])) continue; // zoom buttons
        var clash = false;
        for (var j = 0; j < boxes.length && !clash; j++) clash = overlaps(box, boxes[j]);
        if (clash) continue;
        // the whole box, 2 px out, on the country's land: no edge of it crosses the box,
        // whose centre is inside it (a grid point is)
        if (land.crosses(box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2)) continue;
        if (c < near && !land.inside(x, y)) continue;
        // on its land: the nearest spot clear of markers among the first 40 that fit
        tried++;
        var hits = obstacles ? obstacles(box[0], box[1], box[2], box[3], Math.min(bestHits, 99)) : 0;
        if (hits < bestHits) {
          var dx = Math.round(x - p.x), dy = Math.round(y - p.y);
          best = { box: box, dx: dx, dy: dy, angle: 0, css: dx + "," + dy, text: forms[f].text };
          bestHits = hits;
          if (!hits) break;
        }
      }
      if (best) return best;
    }
    return null;
  };

  /* Points [x, y, ...] in order of their distance to (cx, cy), nearer first, ties in
   * their own order (as a stable sort by distance): {points, at(i)}, at(i) the index of
   * the i-th or -1; taken from a heap as asked (a name is mostly placed within the
   * first few of a big country's thousands of points in view: sorting them all was most
   * of its placement). */
  function nearestFirst(points, cx, cy) {
    var n = points.length / 2, d = new Float64Array(n), heap = new Int32Array(n), order = [];
    for (var i = 0; i < n; i++) {
      var dx = points[2 * i] - cx, dy = points[2 * i + 1] - cy;
      d[i] = dx * dx + dy * dy;
      heap[i] = i;
    }
    function before(a, b) {
      return d[a] < d[b] || (d[a] === d[b] && a < b);
    }
    function down(k, size) {
      for (;;) {
        var l = 2 * k + 1, r = l + 1, m = k;
        if (l < size && before(heap[l], heap[m])) m = l;
        if (r < size && before(heap[r], heap[m])) m = r;
        if (m === k) return;
        var tmp = heap[k];
        heap[k] = heap[m];
        heap[m] = tmp;
        k = m;
      }
    }
    for (var k = (n >> 1) - 1; k >= 0; k--) down(k, n);
    var size = n;
    return {
      points: points,
      at: function (i) {
        while (order.length <= i && size > 0) {
          order.push(heap[0]);
          heap[0] = heap[--size];
          down(0, size);
        }
        return i < order.length ? order[i] : -1;
      },
    };
  }

  Basemap.prototype._placeAround = function (l, p, boxes) {
    var cands = candidates(l), obstacles = this.obstacles;
    var best = null, bestHits = Infinity;
    if (l.marked && l.rank >= 9) {
      // a small town's mark under a better-ranked label's text would be hidden or
      // misread (the many towns of the detail layer, map-base-detail.js): left out
      var dot = [p.x - 3, p.y - 3, p.x + 3, p.y + 3];
      for (var k = 0; k < boxes.length; k++) if (overlaps(dot, boxes[k])) return null;
    }
    for (var c = 0; c < cands.length; c++) {
      var cx = p.x + cands[c][0], cy = p.y + cands[c][1];
      var box = [cx - l.w / 2, cy - l.h / 2, cx + l.w / 2, cy + l.h / 2];
      var clash = false;
      for (var j = 0; j < boxes.length && !clash; j++) clash = overlaps(box, boxes[j]);
      if (clash) continue;
      var hits = obstacles ? obstacles(box[0] - 1, box[1], box[2] + 1, box[3], Math.min(bestHits, 99)) : 0;
      if (hits < bestHits) {
        bestHits = hits;
        best = { box: box, dx: cands[c][0], dy: cands[c][1], angle: 0 };
        if (!hits) break;
      }
    }
    if (best) best.css = best.dx + "," + best.dy;
    return best;
  };

  /* The river line a river label belongs to (in the current band): the line of that
   * name, the Araz being the band's major river. */
  Basemap.prototype._riverLine = function (l) {
    var band = this.current;
    if (!band || !band.rivers) return null;
    band.riverLines = band.riverLines || {};
    if (l.name in band.riverLines) return band.riverLines[l.name];
    var found = null, feats = band.rivers.features || [];
    for (var i = 0; i < feats.length && !found; i++) {
      var fp = feats[i].properties || {}, g = feats[i].geometry;
      if (!g) continue;
      var match = fp.name === l.name || (l.name === "Araz" && fp.major);
      if (!match) continue;
      var parts = g.type === "LineString" ? [g.coordinates] : g.type === "MultiLineString" ? g.coordinates : [];
      found = parts.map(function (part) {
        return part.map(function (c) { return [c[0] / 360 + 0.5, mercY(c[1])]; });
      });
    }
    band.riverLines[l.name] = found;
    return found;
  };

  /* A river label written along its line: the text box centred on a stretch of the line
   * near the label's point, rotated by that stretch's direction, just beside the line.
   * Candidates along the line and on either side; the straightest clear one wins. */
  Basemap.prototype._placeAlongRiver = function (l, p, boxes, within) {
    var map = this.map, scale = 256 * Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
    var parts = this._riverLine(l), best = null, bestScore = Infinity, obstacles = this.obstacles;
    var near = null, nearD = Infinity;
    var lines = parts.map(function (part) {
      var pts = new Array(part.length), s = 0, acc = new Float64Array(part.length);
      for (var k = 0; k < part.length; k++) {
        pts[k] = [part[k][0] * scale - origin.x, part[k][1] * scale - origin.y];
        if (k) s += Math.hypot(pts[k][0] - pts[k - 1][0], pts[k][1] - pts[k - 1][1]);
        acc[k] = s;
      }
      return { pts: pts, acc: acc };
    });
    lines.forEach(function (line, li) {
      var pts = line.pts;
      for (var k = 1; k < pts.length; k++) {
        var ax = pts[k - 1][0], ay = pts[k - 1][1], bx = pts[k][0], by = pts[k][1];
        var vx = bx - ax, vy = by - ay, len2 = vx * vx + vy * vy || 1;
        var t = Math.max(0, Math.min(1, ((p.x - ax) * vx + (p.y - ay) * vy) / len2));
        var d = Math.hypot(ax + t * vx - p.x, ay + t * vy - p.y);
        if (d < nearD) {
          nearD = d;
          near = { line: li, s: line.acc[k - 1] + t * Math.sqrt(len2) };
        }
      }
    });
    if (!within && (!near || nearD > 60)) return this._placeAround(l, p, boxes);
    if (!near) return null;
    var line = lines[near.line], total = line.acc[line.acc.length - 1];
    var half = l.w / 2 + 2;
    if (total < 2 * half) return within ? null : this._placeAround(l, p, boxes);
    var offsets = [0, -0.5, 0.5, -1, 1, -1.5, 1.5, -2, 2, -3, 3];
    for (var o = 0; o < offsets.length; o++) {
      var s = near.s + offsets[o] * l.w;
      s = Math.max(half, Math.min(total - half, s));
      var a = at(line, s - half), b = at(line, s + half);
      var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.hypot(dx, dy) || 1;
      // how far the line strays from the straight text (curvature), sampled
      var stray = 0;
      for (var q = 1; q < 6; q++) {
        var c = at(line, s - half + (q * 2 * half) / 6);
        stray = Math.max(stray, Math.abs(((c[0] - a[0]) * dy - (c[1] - a[1]) * dx) / len));
      }
      var angle = (Math.atan2(dy, dx) * 180) / Math.PI;
      if (angle > 90) angle -= 180;
      else if (angle <= -90) angle += 180;
      var rad = (angle * Math.PI) / 180, nx = Math.sin(rad), ny = -Math.cos(rad); // "up" normal
      var mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2;
      for (var side = 1; side >= -1; side -= 2) {
        var off = l.h / 2 + 3 + stray;
        var cx = mx + side * nx * off, cy = my + side * ny * off;
        var hw = (Math.abs(Math.cos(rad)) * l.w + Math.abs(Math.sin(rad)) * l.h) / 2;
        var hh = (Math.abs(Math.sin(rad)) * l.w + Math.abs(Math.cos(rad)) * l.h) / 2;
        var box = [cx - hw, cy - hh, cx + hw, cy + hh];
        if (within && !overlaps(box, within)) continue;
        var clash = false;
        for (var j = 0; j < boxes.length && !clash; j++) clash = overlaps(box, boxes[j]);
        if (clash) continue;
        var hits = obstacles ? obstacles(box[0], box[1], box[2], box[3], 9) : 0;
        var score = hits * 1000 + stray * 4 + Math.abs(offsets[o]) * 6 + (side === 1 ? 0 : 3);
        if (score < bestScore) {
          bestScore = score;
          best = {
            box: box, dx: Math.round((cx - p.x) * 10) / 10, dy: Math.round((cy - p.y) * 10) / 10,
            angle: Math.round(angle * 10) / 10 || 0.01,
          };
        }
      }
    }
    if (!best) return null;
    best.css = best.dx + "," + best.dy + "," + best.angle;
    return best;
  };

  /* The point at arc length s along a projected line. */
  function at(line, s) {
    var acc = line.acc, pts = line.pts, lo = 0, hi = acc.length - 1;
    if (s <= 0) return pts[0];
    if (s >= acc[hi]) return pts[hi];
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (acc[mid] <= s) lo = mid;
      else hi = mid;
    }
    var t = (s - acc[lo]) / (acc[hi] - acc[lo] || 1);
    return [pts[lo][0] + t * (pts[hi][0] - pts[lo][0]), pts[lo][1] + t * (pts[hi][1] - pts[lo][1])];
  }

  function mercY(lat) {
    var max = 85.0511287798;
    var phi = (Math.max(Math.min(lat, max), -max) * Math.PI) / 180;
    return 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI);
  }

})();
