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
  // Each layer's pixels are read back (drawImage straight from a map canvas would change
  // how the engine draws that canvas afterwards: its lines after a PDF export differ)
  // and laid over the others here, pixel by pixel (composed with drawImage, the picture
  // had to be read back once more and put into a fresh canvas, which prints faster than
  // a drawn one), into a canvas kept from the last print (a new canvas each print cost
  // its allocation too).
  var kept = { compose: null, events: null, pixels: null };

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
    var copy = printCanvas("compose", w, h), g = copy._ctx;
    // the background (the map's, under every layer) as one pixel, filled over all
    g.fillStyle = background;
    g.fillRect(0, 0, 1, 1);
    var bg = new Uint32Array(g.getImageData(0, 0, 1, 1).data.buffer)[0];
    var out = kept.pixels;
    if (!out || out.width !== w || out.height !== h) out = kept.pixels = g.createImageData(w, h);
    var o = out.data;
    new Uint32Array(o.buffer, o.byteOffset, w * h).fill(bg);
    canvases.forEach(function (c) {
      var p = parts.get(c);
      if (!(p.w > 0 && p.h > 0)) return;
      var sx = Math.round((p.x0 - p.r.left) * p.k), sy = Math.round((p.y0 - p.r.top) * p.k);
      var px = c.getContext("2d").getImageData(sx, sy, p.w, p.h);
      if (Math.abs(p.k - k) > 1e-6) px = rescaled(px, k / p.k); // a canvas shown scaled (the heatmap's)
      var dx = Math.round((p.x0 - m.left) * k), dy = Math.round((p.y0 - m.top) * k);
      layOver(o, w, h, px.data, px.width, px.height, dx, dy);
    });
    g.putImageData(out, 0, 0);
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

  /* Pixels `s` (sw x sh, unpremultiplied RGBA as read back) laid "source over" the opaque
   * pixels `o` (w x h) at (dx, dy), a pixel a word; each channel rounded to the nearest
   * as the canvas would store it ((t + (t >> 8)) >> 8 with t = x + 128 is x / 255
   * rounded, for x up to 255 x 255). */
  var LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  var SA = LITTLE ? 24 : 0, S1 = LITTLE ? 0 : 24, S2 = LITTLE ? 8 : 16, S3 = LITTLE ? 16 : 8;
  var OPAQUE = (255 << SA) >>> 0, COLOUR = ~OPAQUE;

  function layOver(o, w, h, s, sw, sh, dx, dy) {
    var o32 = new Uint32Array(o.buffer, o.byteOffset, w * h);
    var s32 = new Uint32Array(s.buffer, s.byteOffset, sw * sh);
    var x0 = Math.max(0, -dx), y0 = Math.max(0, -dy);
    var x1 = Math.min(sw, w - dx), y1 = Math.min(sh, h - dy);
    for (var y = y0; y < y1; y++) {
      var si = y * sw + x0, oi = (y + dy) * w + x0 + dx;
      for (var x = x0; x < x1; x++, si++, oi++) {
        var sv = s32[si], a = (sv >>> SA) & 255;
        if (a === 0) continue;
        if (a === 255) {
          o32[oi] = sv;
          continue;
        }
        var dv = o32[oi], b = 255 - a, t1, t2, t3;
        if ((sv & COLOUR) === 0) { // black (the relief's shading): what is under, darkened
          t1 = ((dv >>> S1) & 255) * b + 128;
          t2 = ((dv >>> S2) & 255) * b + 128;
          t3 = ((dv >>> S3) & 255) * b + 128;
        } else {
          t1 = ((sv >>> S1) & 255) * a + ((dv >>> S1) & 255) * b + 128;
          t2 = ((sv >>> S2) & 255) * a + ((dv >>> S2) & 255) * b + 128;
          t3 = ((sv >>> S3) & 255) * a + ((dv >>> S3) & 255) * b + 128;
        }
        o32[oi] = OPAQUE | (((t1 + (t1 >> 8)) >> 8) << S1) | (((t2 + (t2 >> 8)) >> 8) << S2) | (((t3 + (t3 >> 8)) >> 8) << S3);
      }
    }
  }

  /* Pixels scaled by `f`, smoothed, as the compositor shows a canvas whose CSS size is
   * f times its own. */
  function rescaled(px, f) {
    var src = document.createElement("canvas");
    src.width = px.width;
    src.height = px.height;
    src.getContext("2d").putImageData(px, 0, 0);
    var w = Math.round(px.width * f), h = Math.round(px.height * f);
    var dst = document.createElement("canvas");
    dst.width = w;
    dst.height = h;
    var g = dst.getContext("2d", { willReadFrequently: true });
    g.imageSmoothingEnabled = true;
    g.drawImage(src, 0, 0, w, h);
    return g.getImageData(0, 0, w, h);
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
