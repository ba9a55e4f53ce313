/* Araz map: printing (the PDF export; a browser's print of the standalone map).
 *
 * The map's canvases are larger than the map so that a pan shows drawn pixels at once:
 * the basemap's and the river highlight's by half the view on each side (four times the
 * map's area), the events' and the density's by a tenth.  A printed page embeds every
 * canvas whole, as an image, whatever part of it shows, and a blank canvas too (the
 * density layer while markers are drawn, the river highlight with no river pointed at):
 * a PDF export encoded eleven times the map's pixels, most of them unseen, each with an
 * alpha mask.  So, before the page is printed, the canvases under the labels (basemap,
 * river highlight, density, borders over it) are replaced by one opaque picture of the
 * map's area laid together from the parts that show (one image in the PDF, no mask: a
 * third less printing), and the events' canvas, over the labels, by a copy of its part
 * that shows (the same pixels at the same place), or hidden when that part is blank;
 * after printing the canvases are put back as they were.  A canvas that holds nothing
 * (window.araz.blankCanvases(), from map-commands.js) is neither read nor printed.
 */
(function () {
  "use strict";

  var swapped = [];

  function trim() {
    // a print that ended without its afterprint (an error, a cancel) left its copies in:
    // put the canvases back first, or this print would show the last one's map
    restore();
    var box = document.getElementById("map");
    if (!box) return;
    var m = box.getBoundingClientRect();
    var labels = box.querySelector(".leaflet-labels-pane");
    var over = labels ? Number(labels.style.zIndex) : Infinity;
    var shown = Array.prototype.filter.call(box.querySelectorAll(".leaflet-pane > canvas"), function (c) {
      if (c.style.display === "none" || !c.width || !c.height) return false;
      var r = c.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    });
    // the canvases that hold nothing now (no river highlighted, no density drawn:
    // map-commands.js knows) are left out unread, hidden while printing
    var blank = window.araz && window.araz.blankCanvases ? window.araz.blankCanvases() : [];
    shown = shown.filter(function (c) {
      if (blank.indexOf(c) < 0) return true;
      swapped.push({ canvas: c, copy: null, display: c.style.display });
      c.style.display = "none";
      return false;
    });
    var z = function (c) { return Number(c.parentNode.style.zIndex) || 0; };
    var under = shown.filter(function (c) { return z(c) < over; });
    under.sort(function (a, b) { return z(a) - z(b); });
    if (under.length) compose(under, m, getComputedStyle(box).backgroundColor);
    shown.filter(function (c) { return z(c) >= over; }).forEach(function (c) { copyShown(c, m); });
  }

  function visiblePart(c, m) {
    var r = c.getBoundingClientRect();
    var x0 = Math.max(m.left, r.left), y0 = Math.max(m.top, r.top);
    var x1 = Math.min(m.right, r.right), y1 = Math.min(m.bottom, r.bottom);
    var k = c.width / r.width; // canvas pixels per CSS px (the device pixel ratio)
    return { r: r, x0: x0, y0: y0, k: k, w: Math.round((x1 - x0) * k), h: Math.round((y1 - y0) * k) };
  }

  // What lies under the labels (basemap, river highlight, density, borders over it) as
  // one opaque picture of the map's area: one image in the PDF, without an alpha mask.
  function compose(canvases, m, background) {
    var first = visiblePart(canvases[0], m), k = first.k;
    var w = Math.round(m.width * k), h = Math.round(m.height * k);
    if (!(w > 0 && h > 0)) return;
    var work = document.createElement("canvas");
    work.width = w;
    work.height = h;
    var g = work.getContext("2d", { willReadFrequently: true });
    g.fillStyle = background;
    g.fillRect(0, 0, w, h);
    // each layer's pixels read back (as a cut copy's are) and laid over the others
    // through a scratch canvas: drawImage straight from a map canvas would change how
    // the engine draws that canvas afterwards (its lines after a PDF export differ)
    var scratch = document.createElement("canvas");
    var sg = scratch.getContext("2d", { willReadFrequently: true });
    canvases.forEach(function (c) {
      var p = visiblePart(c, m);
      if (!(p.w > 0 && p.h > 0)) return;
      scratch.width = p.w;
      scratch.height = p.h;
      sg.putImageData(c.getContext("2d").getImageData(Math.round((p.x0 - p.r.left) * p.k), Math.round((p.y0 - p.r.top) * p.k), p.w, p.h), 0, 0);
      g.drawImage(scratch, Math.round((p.x0 - m.left) * k), Math.round((p.y0 - m.top) * k));
    });
    // the pixels put into a fresh canvas (a canvas drawn with drawImage printed slower
    // than its pixels, measured)
    var copy = document.createElement("canvas");
    copy.width = w;
    copy.height = h;
    copy.getContext("2d", { willReadFrequently: true }).putImageData(g.getImageData(0, 0, w, h), 0, 0);
    var c0 = canvases[0];
    copy.className = c0.className;
    copy.style.width = m.width + "px";
    copy.style.height = m.height + "px";
    copy.style.transform = (c0.style.transform || "") + " translate(" + (m.left - first.r.left) + "px, " + (m.top - first.r.top) + "px)";
    c0.parentNode.insertBefore(copy, c0);
    canvases.forEach(function (c, i) {
      swapped.push({ canvas: c, copy: i === 0 ? copy : null, display: c.style.display });
      c.style.display = "none";
    });
  }

  function copyShown(c, m) {
    var p = visiblePart(c, m), k = p.k, w = p.w, h = p.h;
    var copy = null;
    if (w > 0 && h > 0) {
      // the pixels that show, read back and put into the copy (a copy made with
      // drawImage printed slower than the whole canvas, measured)
      var data = c.getContext("2d").getImageData(Math.round((p.x0 - p.r.left) * k), Math.round((p.y0 - p.r.top) * k), w, h);
      var px = new Uint32Array(data.data.buffer), blank = true;
      for (var i = 0; i < px.length && blank; i++) blank = px[i] === 0;
      if (!blank) {
        copy = document.createElement("canvas");
        copy.width = w;
        copy.height = h;
        copy.getContext("2d", { willReadFrequently: true }).putImageData(data, 0, 0);
        copy.className = c.className;
        copy.style.width = w / k + "px";
        copy.style.height = h / k + "px";
        // where the canvas is, moved on to the part that shows
        copy.style.transform = (c.style.transform || "") + " translate(" + (p.x0 - p.r.left) + "px, " + (p.y0 - p.r.top) + "px)";
        c.parentNode.insertBefore(copy, c);
      }
    }
    swapped.push({ canvas: c, copy: copy, display: c.style.display });
    c.style.display = "none";
  }

  function restore() {
    swapped.forEach(function (s) {
      if (s.copy) s.copy.remove();
      s.canvas.style.display = s.display;
    });
    swapped = [];
  }

  window.addEventListener("beforeprint", trim);
  window.addEventListener("afterprint", restore);
})();
