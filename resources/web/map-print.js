/* Araz map: printing (the PDF export; a browser's print of the standalone map).
 *
 * The map's canvases are larger than the map so that a pan shows drawn pixels at once:
 * the basemap's and the river highlight's by half the view on each side (four times the
 * map's area), the events' and the density's by a tenth.  A printed page embeds every
 * canvas whole, as an image, whatever part of it shows, and a blank canvas too (the
 * density layer while markers are drawn, the river highlight with no river pointed at):
 * a PDF export encoded eleven times the map's pixels, most of them unseen, each with an
 * alpha mask.  So, before the page is printed, the canvases are replaced by one opaque
 * picture of the map's area laid together from the parts that show (one image in the
 * PDF, no mask), the events' canvas included: the events show over the labels, so
 * around each label (a box grown until no marker crosses its edge: no seam where a
 * marker's two parts meet) they are left out of the picture and printed over the label
 * as a copy of their drawn pixels there (a few small images with their masks, where
 * the events' whole drawn box was a third of the map's area to encode, and its mask).
 * After printing the canvases are put back as they were (the copies are kept, out of
 * the page, for the next print).  A canvas that holds nothing
 * (window.araz.blankCanvases(), from map-commands.js) is neither drawn nor printed.
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
    var byZ = function (a, b) { return z(a) - z(b); };
    var under = shown.filter(function (c) { return z(c) < over; }).sort(byZ);
    var above = shown.filter(function (c) { return z(c) >= over; }).sort(byZ);
    if (!under.length) {
      above.forEach(function (c) { copyShown(c, parts.get(c)); });
      return;
    }
    // the canvases over the labels (the events') are laid into the picture too, but
    // around the labels, where they are printed over them as they show
    var k = parts.get(under[0]).k, W = Math.round(m.width * k), H = Math.round(m.height * k);
    var laid = above.length === 1 && Math.abs(parts.get(above[0]).k - k) < 1e-6 ? above : [];
    var zones = [], seen = null;
    if (laid.length && labels) {
      seen = lookAt(laid[0], parts.get(laid[0]), m, k, W, H);
      zones = labelZones(labels, m, k, W, H, seen);
    }
    compose(under, laid, zones, parts, m, background);
    if (laid.length) copyZones(laid[0], parts.get(laid[0]), zones, seen, m, k, W);
    else above.forEach(function (c) { copyShown(c, parts.get(c)); });
  }

  /* The pixels canvas c (part p) shows over the map's W x H device pixels, a pixel a
   * word (0: nothing drawn), read from a copy drawn like the picture (reading a map
   * canvas back, or drawing it into a canvas made to be read, changed how the engine
   * drew that canvas afterwards: a PNG after a PDF differed in 11 % of its pixels). */
  function lookAt(c, p, m, k, W, H) {
    var o = offsetOf(p, m, k), look = offscreen("look", W, H, true);
    look.clearRect(0, 0, W, H);
    look.drawImage(c, o[0], o[1], W, H, 0, 0, W, H);
    return new Uint32Array(look.getImageData(0, 0, W, H).data.buffer);
  }

  /* The boxes around the labels (their elements' boxes, a few px wider for their
   * shadows), in the map's device pixels [x0, y0, x1, y1), within the map, grown until
   * no drawn pixel of `seen` lies on their edges (a marker cut by a box's edge would
   * show a seam where its two parts meet) and merged until none overlaps another. */
  var PAD = 4; // CSS px: the labels' text shadows (1 px), the capitals' dot rings (2.5 px)

  function labelZones(labels, m, k, W, H, seen) {
    var zones = [];
    Array.prototype.forEach.call(labels.querySelectorAll("*"), function (e) {
      var r = e.getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0)) return;
      var q = [
        Math.max(0, Math.floor((r.left - m.left - PAD) * k)), Math.max(0, Math.floor((r.top - m.top - PAD) * k)),
        Math.min(W, Math.ceil((r.right - m.left + PAD) * k)), Math.min(H, Math.ceil((r.bottom - m.top + PAD) * k)),
      ];
      if (q[2] > q[0] && q[3] > q[1]) zones.push(q);
    });
    var merged = true;
    while (merged) {
      merged = false;
      zones.forEach(function (q) { clearEdges(q, seen, W, H); });
      for (var i = 0; i < zones.length; i++) {
        for (var j = i + 1; j < zones.length; j++) {
          var a = zones[i], b = zones[j];
          if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) {
            zones[i] = [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
            zones.splice(j, 1);
            j = i; // the grown box may overlap those already passed
            merged = true;
          }
        }
      }
    }
    return zones;
  }

  /* Box q grown, side by side (STEP px at a time: a dense map grows a box far), while
   * a drawn pixel of px (W x H) lies on that side. */
  var STEP = 4;

  function clearEdges(q, px, W, H) {
    var grown = true;
    while (grown) {
      grown = false;
      if (q[1] > 0 && drawnIn(px, W, q[0], q[1], q[2], q[1] + 1)) { q[1] = Math.max(0, q[1] - STEP); grown = true; }
      if (q[3] < H && drawnIn(px, W, q[0], q[3] - 1, q[2], q[3])) { q[3] = Math.min(H, q[3] + STEP); grown = true; }
      if (q[0] > 0 && drawnIn(px, W, q[0], q[1], q[0] + 1, q[3])) { q[0] = Math.max(0, q[0] - STEP); grown = true; }
      if (q[2] < W && drawnIn(px, W, q[2] - 1, q[1], q[2], q[3])) { q[2] = Math.min(W, q[2] + STEP); grown = true; }
    }
  }

  function drawnIn(px, W, x0, y0, x1, y1) {
    for (var y = y0; y < y1; y++) {
      for (var i = y * W + x0, end = y * W + x1; i < end; i++) if (px[i] !== 0) return true;
    }
    return false;
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
  // canvas put in the page.  No map canvas is read back: reading the layers' pixels
  // back and blending them in script took 25-75 ms a print against ~3 ms, and the
  // engine then drew the read canvases differently (a PNG of the same view after a PDF
  // export differed in 11 % of its pixels, by up to 67; now in none, by more than 1).
  // A canvas drawn during the print would be printed as its drawing calls (each layer
  // an image again); a bitmaprenderer canvas prints as its one picture.
  var kept = {}; // per slot: its offscreen canvas and the page's canvas showing it

  /* A drawing context of w x h pixels kept for `slot` (opaque when not `alpha`, read
   * back when `read`), to be shown by shownCanvas(slot) once drawn. */
  function offscreen(slot, w, h, alpha, read) {
    var off = kept[slot + "Off"];
    if (!off) {
      off = kept[slot + "Off"] = new OffscreenCanvas(w, h);
      off._ctx = off.getContext("2d", { alpha: alpha, willReadFrequently: !!read });
    }
    if (off.width !== w) off.width = w;
    if (off.height !== h) off.height = h;
    return off._ctx;
  }

  /* The page's canvas for `slot` showing what its offscreen context holds (handed over
   * whole: the offscreen canvas is blank after). */
  function shownCanvas(slot) {
    var off = kept[slot + "Off"], copy = kept[slot];
    if (!copy) {
      copy = kept[slot] = document.createElement("canvas");
      copy._ctx = copy.getContext("bitmaprenderer");
    }
    if (copy.width !== off.width) copy.width = off.width;
    if (copy.height !== off.height) copy.height = off.height;
    copy._ctx.transferFromImageBitmap(off.transferToImageBitmap());
    return copy;
  }

  /* Where canvas c (part p) has its pixels for the map's device pixels: the offset
   * from the picture's pixels to the canvas's (rounded as laid). */
  function offsetOf(p, m, k) {
    return [
      Math.round((p.x0 - p.r.left) * p.k) - Math.round((p.x0 - m.left) * k),
      Math.round((p.y0 - p.r.top) * p.k) - Math.round((p.y0 - m.top) * k),
    ];
  }

  function compose(canvases, laid, zones, parts, m, background) {
    var first = parts.get(canvases[0]), k = first.k;
    var w = Math.round(m.width * k), h = Math.round(m.height * k);
    if (!(w > 0 && h > 0)) return;
    var g = offscreen("compose", w, h, false);
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
    if (laid.length) {
      // the canvases over the labels, everywhere but in the labels' boxes (the zones do
      // not overlap: each is a hole in the clip)
      g.save();
      if (zones.length) {
        g.beginPath();
        g.rect(0, 0, w, h);
        zones.forEach(function (q) { g.rect(q[0], q[1], q[2] - q[0], q[3] - q[1]); });
        g.clip("evenodd");
      }
      laid.forEach(function (c) {
        var p = parts.get(c), o = offsetOf(p, m, k);
        if (p.w > 0 && p.h > 0) g.drawImage(c, o[0], o[1], w, h, 0, 0, w, h);
      });
      g.restore();
    }
    var copy = shownCanvas("compose");
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
      // the pixels that show, read back for the box of the drawn ones, which is
      // copied (drawImage, unscaled: the same pixels) and shown as one picture
      var sx = Math.round((p.x0 - p.r.left) * k), sy = Math.round((p.y0 - p.r.top) * k);
      var data = c.getContext("2d").getImageData(sx, sy, w, h);
      var box = drawnBox(new Uint32Array(data.data.buffer), w, [0, 0, w, h]);
      if (box) {
        var bw = box[2] - box[0], bh = box[3] - box[1];
        var g = offscreen("events", bw, bh, true);
        g.clearRect(0, 0, bw, bh);
        g.drawImage(c, sx + box[0], sy + box[1], bw, bh, 0, 0, bw, bh);
        copy = shownCanvas("events");
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

  /* Canvas c (over the labels, laid into the picture around them) hidden, and in each
   * label's zone where it has drawn pixels (`seen`, W wide) a copy of their box,
   * printed over the label as the canvas shows over it. */
  function copyZones(c, p, zones, seen, m, k, W) {
    swapped.push({ canvas: c, copy: null, display: c.style.display });
    c.style.display = "none";
    var look = kept.lookOff, n = 0;
    zones.forEach(function (q) {
      var box = drawnBox(seen, W, q);
      if (!box) return;
      var bw = box[2] - box[0], bh = box[3] - box[1], slot = "zone" + n++;
      offscreen(slot, bw, bh, true).drawImage(look, box[0], box[1], bw, bh, 0, 0, bw, bh);
      var copy = shownCanvas(slot);
      copy.className = c.className;
      copy.style.width = bw / k + "px";
      copy.style.height = bh / k + "px";
      // at the map's pixels of the box, as the picture under it
      var left = m.left - p.r.left + box[0] / k, top = m.top - p.r.top + box[1] / k;
      copy.style.transform = (c.style.transform || "") + " translate(" + left + "px, " + top + "px)";
      c.parentNode.insertBefore(copy, c);
      swapped.push({ canvas: c, copy: copy, display: "none" });
    });
  }

  /* The box [x0, y0, x1, y1) of the pixels that are not fully transparent, or null. */
  function drawnBox(px, w, q) {
    var x0 = q[2], y0 = -1, x1 = 0, y1 = 0, x;
    for (var y = q[1]; y < q[3]; y++) {
      var row = y * w, start = row + q[0], end = row + q[2];
      for (x = start; x < end && px[x] === 0; x++);
      if (x === end) continue;
      if (y0 < 0) y0 = y;
      y1 = y + 1;
      if (x - row < x0) x0 = x - row;
      for (x = end - 1; x >= start && px[x] === 0; x--);
      if (x - row + 1 > x1) x1 = x - row + 1;
    }
    return y0 < 0 ? null : [x0, y0, x1, y1];
  }

  function restore() {
    // last first: a canvas with several copies is put back to its first display
    swapped.reverse().forEach(function (s) {
      if (s.copy) s.copy.remove(); // kept for the next print, out of the page
      s.canvas.style.display = s.display;
    });
    swapped = [];
  }

  window.addEventListener("beforeprint", trim);
  window.addEventListener("afterprint", restore);
})();
