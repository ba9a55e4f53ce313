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
 * third less printing), and the events' canvas, over the labels, by a copy of the box
 * of its drawn pixels within the part that shows (the same pixels at the same place: the
 * events of a region are a fraction of the map's area to encode, and of its mask), or
 * hidden when that part is blank; after printing the canvases are put back as they were
 * (the copies are kept, out of the page, for the next print).  A canvas that holds
 * nothing (window.araz.blankCanvases(), from map-commands.js) is neither read nor printed.
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
    var background = getComputedStyle(box).backgroundColor;
    // where each canvas shows, measured before anything below changes the page (a
    // canvas hidden or a copy put in, then measured, had the page laid out again)
    var parts = new Map();
    var shown = Array.prototype.filter.call(box.querySelectorAll(".leaflet-pane > canvas"), function (c) {
      if (c.style.display === "none" || !c.width || !c.height) return false;
      var r = c.getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0)) return false;
      parts.set(c, visiblePart(c, r, m));
      return true;
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
    if (under.length) compose(under, parts, m, background);
    shown.filter(function (c) { return z(c) >= over; }).forEach(function (c) { copyShown(c, parts.get(c)); });
  }

  /* The part of canvas c (at r on the page) inside the map's box m. */
  function visiblePart(c, r, m) {
    var x0 = Math.max(m.left, r.left), y0 = Math.max(m.top, r.top);
    var x1 = Math.min(m.right, r.right), y1 = Math.min(m.bottom, r.bottom);
    var k = c.width / r.width; // canvas pixels per CSS px (the device pixel ratio)
    return { r: r, x0: x0, y0: y0, k: k, w: Math.round((x1 - x0) * k), h: Math.round((y1 - y0) * k) };
  }

  // What lies under the labels (basemap, river highlight, density, borders over it) as
  // one opaque picture of the map's area: one image in the PDF, without an alpha mask.
  // The layers are drawn over each other (drawImage, the engine's own blending) on an
  // offscreen canvas without alpha, whose picture is handed whole to a "bitmaprenderer"
  // canvas put in the page.  Nothing is read back: reading the layers' pixels back and
  // blending them in script took 25-75 ms a print against ~3 ms, and the engine then
  // drew the read canvases differently (a PNG of the same view after a PDF export
  // differed in 11 % of its pixels, by up to 67; now in none, by more than 1).  A
  // canvas drawn during the print would be printed as its drawing calls (each layer an
  // image again); a bitmaprenderer canvas prints as its one picture.
  var kept = { compose: null, events: null, off: null };

  function printCanvas(slot, w, h) {
    var c = kept[slot];
    if (!c) {
      c = kept[slot] = document.createElement("canvas");
      c._ctx = c.getContext("2d", { willReadFrequently: true });
    }
    if (c.width !== w) c.width = w;
    if (c.height !== h) c.height = h;
    return c;
  }

  function compose(canvases, parts, m, background) {
    var first = parts.get(canvases[0]), k = first.k;
    var w = Math.round(m.width * k), h = Math.round(m.height * k);
    if (!(w > 0 && h > 0)) return;
    var off = kept.off;
    if (!off || off.width !== w || off.height !== h) {
      off = kept.off = new OffscreenCanvas(w, h);
      off._ctx = off.getContext("2d", { alpha: false });
    }
    var g = off._ctx;
    g.imageSmoothingEnabled = true;
    g.fillStyle = background;
    g.fillRect(0, 0, w, h);
    canvases.forEach(function (c) {
      var p = parts.get(c);
      if (!(p.w > 0 && p.h > 0)) return;
      var sx = Math.round((p.x0 - p.r.left) * p.k), sy = Math.round((p.y0 - p.r.top) * p.k);
      var dx = Math.round((p.x0 - m.left) * k), dy = Math.round((p.y0 - m.top) * k);
      var f = k / p.k; // a canvas shown scaled (the heatmap's) at the size it shows
      g.drawImage(c, sx, sy, p.w, p.h, dx, dy, Math.round(p.w * f), Math.round(p.h * f));
    });
    var copy = kept.compose;
    if (!copy) {
      copy = kept.compose = document.createElement("canvas");
      copy._ctx = copy.getContext("bitmaprenderer");
    }
    if (copy.width !== w) copy.width = w;
    if (copy.height !== h) copy.height = h;
    copy._ctx.transferFromImageBitmap(off.transferToImageBitmap());
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

  /* The events' canvas (over the labels) as a copy of the part of it that shows, cut
   * to the box of its drawn pixels (a smaller image and mask in the PDF), or hidden
   * when that part is blank. */
  function copyShown(c, p) {
    var k = p.k, w = p.w, h = p.h;
    var copy = null;
    if (w > 0 && h > 0) {
      // the pixels that show, read back and put into the copy (a copy made with
      // drawImage printed slower than the whole canvas, measured)
      var data = c.getContext("2d").getImageData(Math.round((p.x0 - p.r.left) * k), Math.round((p.y0 - p.r.top) * k), w, h);
      var box = drawnBox(new Uint32Array(data.data.buffer), w, h);
      if (box) {
        var bw = box[2] - box[0], bh = box[3] - box[1];
        copy = printCanvas("events", bw, bh);
        copy._ctx.putImageData(data, -box[0], -box[1], box[0], box[1], bw, bh);
        copy.className = c.className;
        copy.style.width = bw / k + "px";
        copy.style.height = bh / k + "px";
        // where the canvas is, moved on to the part that shows and its drawn box
        copy.style.transform = (c.style.transform || "") + " translate(" + (p.x0 - p.r.left + box[0] / k) + "px, " + (p.y0 - p.r.top + box[1] / k) + "px)";
        c.parentNode.insertBefore(copy, c);
      }
    }
    swapped.push({ canvas: c, copy: copy, display: c.style.display });
    c.style.display = "none";
  }

  /* The box [x0, y0, x1, y1) of the pixels that are not fully transparent, or null. */
  function drawnBox(px, w, h) {
    var x0 = w, y0 = -1, x1 = 0, y1 = 0, x;
    for (var y = 0; y < h; y++) {
      var row = y * w, end = row + w;
      for (x = row; x < end && px[x] === 0; x++);
      if (x === end) continue;
      if (y0 < 0) y0 = y;
      y1 = y + 1;
      if (x - row < x0) x0 = x - row;
      for (x = end - 1; x >= row && px[x] === 0; x--);
      if (x - row + 1 > x1) x1 = x - row + 1;
    }
    return y0 < 0 ? null : [x0, y0, x1, y1];
  }

  function restore() {
    swapped.forEach(function (s) {
      if (s.copy) s.copy.remove(); // kept for the next print, out of the page
      s.canvas.style.display = s.display;
    });
    swapped = [];
  }

  window.addEventListener("beforeprint", trim);
  window.addEventListener("afterprint", restore);
})();
