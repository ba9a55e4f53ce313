/* Araz map: colour by a column, size by a number.
 *
 * Python's "colors" call ({n, palette, color, size, legend}) recolours and resizes the
 * events already on the map (EventLayer.setColors) and fills the colour legend: one row
 * per value with its swatch and count, and a line on sizes with a circle per round value
 * (as large as a marker of it).  No legend when colouring by the main actor at one size
 * (the Filters panel's actors are that legend), none while density is drawn (bins are
 * coloured by count; their own legend says so), none after
 * new events (they come in their main actors' colours).  Text only through textContent.
 */
(function () {
  "use strict";

  var COLOUR = /^#[0-9a-fA-F]{6}$/;

  /* A typed array of this type over base64 text of n elements (null: none or wrong). */
  function typedFrom64(b64, Type, n) {
    if (typeof b64 !== "string") return null;
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
    if (bytes.length !== n * Type.BYTES_PER_ELEMENT) return null;
    return new Type(bytes.buffer);
  }

  function ColourLegend(map, events) {
    this.events = events;
    this.spec = null; // {title, rows: [[label, "#rrggbb", count]], size: text, sizes: [[label, r]]}
    var control = (this.control = L.control({ position: "bottomright" }));
    control.onAdd = function () {
      var el = L.DomUtil.create("div", "araz-colour-legend");
      el.setAttribute("role", "img");
      el.hidden = true;
      L.DomEvent.disableClickPropagation(el);
      L.DomEvent.disableScrollPropagation(el);
      return el;
    };
    control.addTo(map);
    events.on("drawn", this.update, this);
    events.on("events", function () {
      this.spec = null;
    }, this);
  }

  /* Apply a "colors" call; false when it is for other events than those shown (n). */
  ColourLegend.prototype.apply = function (c) {
    var events = this.events;
    if (!c || c.n !== events.n) return false;
    var color = typedFrom64(c.color, Uint16Array, events.n);
    if (!color) return false;
    events.setColors(c.palette, color, typedFrom64(c.size, Uint8Array, events.n));
    this.spec = c.legend || null;
    this.update();
    return true;
  };

  /* Per palette index, the markers shown (drawn or hidden by the filter alike). */
  ColourLegend.prototype.shownCounts = function () {
    var ev = this.events, n = ev.n, vis = ev.visible, ci = ev.colorIndex;
    var counts = new Uint32Array(ev.palette.length);
    for (var i = 0; i < n; i++) if (vis[i]) counts[ci[i]]++;
    return counts;
  };

  ColourLegend.prototype.update = function () {
    var el = this.control.getContainer(), spec = this.spec;
    if (!spec || this.events.bins) {
      el.hidden = true;
      return;
    }
    // a row that says its palette index counts the markers the map shows in it (the
    // filter's, as the sheet's legend); a row with none shown is left out
    var counts = this.shownCounts();
    var rows = (spec.rows || []).map(function (r) {
      var k = r[3];
      return typeof k === "number" && k >= 0 && k < counts.length ? [r[0], r[1], counts[k]] : r;
    }).filter(function (r) { return Number(r[2] || 0) > 0; });
    var parts = [];
    if (spec.title) {
      var head = document.createElement("div");
      head.className = "araz-legend-title";
      head.textContent = spec.title;
      parts.push(head);
      var list = document.createElement("div");
      list.className = "araz-legend-list";
      rows.forEach(function (r) {
        var row = document.createElement("div");
        row.className = "araz-legend-item";
        var sw = document.createElement("span");
        sw.className = "araz-legend-swatch araz-legend-dot";
        sw.style.backgroundColor = COLOUR.test(r[1]) ? r[1] : "#808080";
        var label = document.createElement("span");
        label.textContent = String(r[0]);
        var count = document.createElement("span");
        count.className = "araz-legend-count";
        count.textContent = Number(r[2] || 0).toLocaleString("en");
        row.appendChild(sw);
        row.appendChild(label);
        row.appendChild(count);
        list.appendChild(row);
      });
      parts.push(list);
    }
    if (spec.size) {
      var note = document.createElement("div");
      note.className = "araz-legend-note araz-legend-size";
      note.textContent = spec.size;
      parts.push(note);
    }
    var marks = sizeMarks(spec.sizes);
    if (marks) parts.push(marks);
    el.replaceChildren.apply(el, parts);
    el.setAttribute("aria-label", el.textContent);
    el.hidden = !parts.length;
  };

  // The size legend's circles ([[label, radius in CSS px]], largest first), each the
  // size of a marker of that value, side by side on one baseline with its value under it.
  function sizeMarks(marks) {
    if (!Array.isArray(marks) || !marks.length) return null;
    var box = document.createElement("div");
    box.className = "araz-legend-sizes";
    marks.forEach(function (m) {
      var r = Math.max(1, Math.min(30, Number(m && m[1]) || 0));
      var mark = document.createElement("div");
      mark.className = "araz-legend-mark";
      var circle = document.createElement("span");
      circle.className = "araz-legend-circle";
      circle.style.width = circle.style.height = 2 * r + "px";
      var label = document.createElement("span");
      label.textContent = String(m && m[0]);
      mark.appendChild(circle);
      mark.appendChild(label);
      box.appendChild(mark);
    });
    return box;
  }

  window.araz = window.araz || {};
  window.araz.ColourLegend = ColourLegend;
})();
