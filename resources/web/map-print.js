/* Araz map: printing (the PDF export; a browser's print of the standalone map).
 *
 * The map's canvases are larger than the map so that a pan shows drawn pixels at once:
 * the basemap's and the river highlight's by half the view on each side (four times the
 * map's area), the events' and the density's by a tenth.  A printed page embeds every
 * canvas whole, as an image, whatever part of it shows, and a blank canvas too (the
 * density layer while markers are drawn, the river highlight with no river pointed at):
 * a PDF export encoded eleven times the map's pixels, most of them unseen.  So, before
 * the page is printed, each canvas of the map is replaced by a copy of the part that
 * shows (the same pixels at the same place, in the same pane), or hidden when that part
 * is blank; after printing the canvases are put back as they were.
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
    Array.prototype.forEach.call(box.querySelectorAll(".leaflet-pane > canvas"), function (c) {
      if (c.style.display === "none" || !c.width || !c.height) return;
      var r = c.getBoundingClientRect();
      var x0 = Math.max(m.left, r.left), y0 = Math.max(m.top, r.top);
      var x1 = Math.min(m.right, r.right), y1 = Math.min(m.bottom, r.bottom);
      if (!(r.width > 0 && r.height > 0)) return;
      var k = c.width / r.width; // canvas pixels per CSS px (the device pixel ratio)
      var w = Math.round((x1 - x0) * k), h = Math.round((y1 - y0) * k);
      var copy = null;
      if (w > 0 && h > 0) {
        // the pixels that show, read back and put into the copy (a copy made with
        // drawImage printed slower than the whole canvas, measured)
        var data = c.getContext("2d").getImageData(Math.round((x0 - r.left) * k), Math.round((y0 - r.top) * k), w, h);
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
          copy.style.transform = (c.style.transform || "") + " translate(" + (x0 - r.left) + "px, " + (y0 - r.top) + "px)";
          c.parentNode.insertBefore(copy, c);
        }
      }
      swapped.push({ canvas: c, copy: copy, display: c.style.display });
      c.style.display = "none";
    });
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
