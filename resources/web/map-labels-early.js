/* Araz map: the basemap's labels made and measured early, while the rest of the page
 * loads (Leaflet and the map scripts come in the second bundle, some 40 ms later: the
 * page has nothing else to do meanwhile).
 *
 * window.araz.labelNodes(features, container) -> one entry per feature (null for one
 * that is not a Point): {kind, cls, root, el, text, marked, w, h}, the label's DOM (a
 * zero-size root at the place holding its mark and its text, .araz-label-inner, whose
 * place _placeLabels sets) and its text's size in px, measured in one layout inside
 * container (the map's element, whose font the labels inherit).  map-base-labels.js
 * makes its labels with it and hands the nodes to their markers' icons.
 * The app's page loads its labels in the first bundle (basemap/labels.js:
 * window.ARAZ_BASEMAP_LABELS); they are made here at once, as window.araz.earlyLabels
 * ({features, nodes}), which map-base-labels.js takes instead of making them again.
 * Basemap text is escaped like any other (textContent only).
 */
(function () {
  "use strict";

  window.araz = window.araz || {};

  window.araz.labelNodes = function (feats, container) {
    var measure = document.createElement("div");
    measure.className = "araz-measure";
    measure.setAttribute("aria-hidden", "true");
    var nodes = new Array(feats.length);
    for (var i = 0; i < feats.length; i++) {
      var f = feats[i], p = f.properties || {};
      nodes[i] = null;
      if (!f.geometry || f.geometry.type !== "Point") continue;
      var kind = String(p.kind || "city");
      var cls = "araz-label kind-" + kind.replace(/[^a-z]/g, "");
      // One zero-size box at the place: the mark (dot, peak) sits on the place, the text
      // is moved around it by _placeLabels (left/top/transform of .araz-label-inner).
      var root = document.createElement("div");
      root.className = "araz-label-root";
      var mark = null;
      if (kind === "capital" || kind === "city") {
        mark = document.createElement("span");
        mark.className = "dot";
      } else if (kind === "peak") {
        mark = document.createElement("span");
        mark.className = "peak";
        mark.textContent = "\u25B2";
      }
      if (mark) root.appendChild(mark);
      var el = document.createElement("div");
      el.className = "araz-label-inner";
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = String(p.name || "");
      el.appendChild(text);
      root.appendChild(el);
      var probe = document.createElement("div");
      probe.className = cls;
      probe.appendChild(root);
      measure.appendChild(probe);
      nodes[i] = { kind: kind, cls: cls, root: root, el: el, text: text, marked: !!mark, w: 0, h: 0 };
    }
    // Measure every label's text once (one layout); the nodes then go to their icons.
    container.appendChild(measure);
    for (var k = 0; k < nodes.length; k++) {
      var n = nodes[k];
      if (!n) continue;
      var name = String(feats[k].properties && feats[k].properties.name || "");
      n.w = Math.ceil(n.el.offsetWidth) || name.length * 7;
      n.h = Math.ceil(n.el.offsetHeight) || 15;
    }
    measure.remove();
    return nodes;
  };

  var labels = window.ARAZ_BASEMAP_LABELS, container = document.getElementById("map");
  if (labels && labels.features && container) {
    window.araz.earlyLabels = { features: labels, nodes: window.araz.labelNodes(labels.features, container) };
  }
})();
