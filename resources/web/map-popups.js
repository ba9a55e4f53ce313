/* Araz map: the texts of events (always textContent: event text is untrusted), the
 * tooltip on hover and the popup on select or click.
 *
 * map.js calls pagePopups(page) once, with the map, the events layer and the shared
 * state, and adds what it returns to page for map-commands.js and map-gestures.js.
 */
(function () {
  "use strict";

  function pagePopups(page) {
    var map = page.map, events = page.events, state = page.state, announce = page.announce;

    // --- text (always textContent: event text is untrusted) ---

    function card(i) {
      var root = document.createElement("div");
      root.className = "araz-card";
      var title = document.createElement("div");
      title.className = "araz-title";
      title.textContent = events.titleOf(i) || events.idOf(i);
      var date = document.createElement("div");
      date.className = "araz-date";
      date.textContent = events.dateOf(i);
      var actors = document.createElement("div");
      actors.className = "araz-actors";
      actors.textContent = events.actorsOf(i);
      var swatch = document.createElement("span");
      swatch.className = "araz-swatch";
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.backgroundColor = events.colorOf(i);
      date.insertBefore(swatch, date.firstChild);
      root.appendChild(title);
      root.appendChild(date);
      if (actors.textContent) root.appendChild(actors);
      root.setAttribute("role", "group");
      root.setAttribute("aria-label", title.textContent);
      return root;
    }

    /* What a screen reader hears for an event or a cluster (plain text). */
    function spoken(i) {
      if (events.drawn[i] === 2) return events.clusterSizeOf(i) + " events here; Enter lists them";
      return [events.titleOf(i) || events.idOf(i), events.dateOf(i), events.actorsOf(i)]
        .filter(function (s) { return s; }).map(String).join(", ");
    }

    function clusterCard(i) {
      var root = document.createElement("div");
      root.className = "araz-card araz-cluster";
      var head = document.createElement("div");
      head.className = "araz-title";
      head.textContent = events.clusterSizeOf(i) + " events here";
      root.appendChild(head);
      var list = document.createElement("ul");
      root.setAttribute("role", "group");
      root.setAttribute("aria-label", head.textContent);
      events.groupMembers(i, 15).forEach(function (j) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "araz-member";
        button.textContent = events.titleOf(j) || events.idOf(j);
        button.addEventListener("click", function () {
          if (page.bridge) page.bridge.clicked(events.idOf(j));
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      root.appendChild(list);
      return root;
    }

    // --- tooltip (hover) and popup (select / click) ---

    var tooltip = document.createElement("div");
    tooltip.className = "araz-tooltip";
    tooltip.setAttribute("role", "tooltip");
    tooltip.hidden = true;
    map.getContainer().appendChild(tooltip);

    function showTooltip(i, containerPoint) {
      if (i < 0) {
        tooltip.hidden = true;
        return;
      }
      placeTooltip(events.drawn[i] === 2 ? clusterSummary(i) : card(i), containerPoint);
    }

    /* The tooltip with this content beside the pointer, kept inside the map. */
    function placeTooltip(content, containerPoint) {
      tooltip.replaceChildren(content);
      tooltip.hidden = false;
      var size = map.getSize();
      var x = Math.min(containerPoint.x + 14, size.x - tooltip.offsetWidth - 4);
      var y = containerPoint.y + 14;
      if (y + tooltip.offsetHeight > size.y - 4) y = containerPoint.y - tooltip.offsetHeight - 10;
      tooltip.style.left = Math.max(4, x) + "px";
      tooltip.style.top = Math.max(4, y) + "px";
    }

    function clusterSummary(i) {
      var el = document.createElement("div");
      el.className = "araz-card";
      el.textContent = events.clusterSizeOf(i) + " events here (click to list)";
      return el;
    }

    var popup = L.popup({ autoPan: true, maxWidth: 320, className: "araz-popup" });
    popup.on("remove", function () {
      state.popupFor = -1;
    });

    function openPopup(i, autoPan) {
      if (i < 0 || i >= events.n) return;
      var off = events.drawOffset(i);
      var r = window.araz.RADIUS + (events.drawn[i] === 2 ? 8 : 3);
      popup.options.offset = L.point(off.x, off.y - r + 7);
      popup.options.autoPan = autoPan;
      popup.setLatLng([events.lat[i], events.lon[i]]);
      popup.setContent(events.drawn[i] === 2 ? clusterCard(i) : card(i));
      state.popupFor = i;
      popup.openOn(map);
      var el = popup.getElement();
      if (el) {
        el.setAttribute("role", "dialog");
        el.setAttribute("aria-label", events.drawn[i] === 2 ? "Events here" : "Event");
      }
      announce(spoken(i));
    }

    return {
      spoken: spoken,
      tooltip: tooltip,
      showTooltip: showTooltip,
      placeTooltip: placeTooltip,
      openPopup: openPopup,
    };
  }

  window.araz = window.araz || {};
  window.araz.pagePopups = pagePopups;
})();
