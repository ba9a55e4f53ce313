/* Araz map: the basemap's detail layer (resources/basemap/detail.json, built by
 * packaging/basemap_detail.py from Natural Earth): first-level administrative regions
 * (their inner boundaries, dashed, and their names), urban areas and more towns (Natural
 * Earth's and GeoNames', credited in the attribution while shown), drawn from the
 * detail's minZoom (8) in its box, inside the close band.
 *
 * Nothing of it is loaded at start: the JSON is fetched the first time the close band is
 * shown, then the close band is built again with it (urban areas over the countries'
 * fills, region boundaries over the lakes, under the rivers and borders) and its labels
 * join the basemap's.  The standalone HTML export carries the JSON in the page and
 * serves this fetch from it (map-static.js); where the file cannot be fetched, the map
 * simply stays without it.
 */
(function () {
  "use strict";

  var Basemap = window.araz.Basemap;
  var URL = "../basemap/detail.json";
  var REGION = "#8a7a66"; // region boundaries: darker than the land, lighter than borders
  var URBAN = "#b5a08c"; // urban areas: a neutral tint over any country's fill
  var STATE = { none: 0, loading: 1, loaded: 2, failed: 3 };
  // the towns' source (= detail.json's "attribution"; a constant here, as the attribution
  // control takes HTML)
  var CREDIT = "towns: GeoNames (CC BY 4.0)";

  /* Fetch the detail once, the first time a band at or past its zoom is shown. */
  Basemap.prototype._detailIfNeeded = function (band) {
    if (this.detailState || !band || band.minZoom < 8) return;
    this.detailState = STATE.loading;
    var self = this;
    fetch(URL)
      .then(function (r) {
        if (!r.ok) throw new Error("detail.json: " + r.status);
        return r.json();
      })
      .then(function (detail) { self._setDetail(detail); })
      .catch(function (e) {
        self.detailState = STATE.failed;
        console.warn("araz: no basemap detail (" + e + ")");
      });
  };

  Basemap.prototype._setDetail = function (detail) {
    this.detail = detail;
    this.detailState = STATE.loaded;
    this._buildLabels(detail.labels);
    // the bands it belongs to are built again with it, the shown one swapped at once
    var shown = this.current;
    for (var name in this.layers) {
      var band = this._bandNamed(name);
      if (!band || band.minZoom < detail.minZoom) continue;
      if (shown === band) this.map.removeLayer(this.layers[name]);
      var lit = this.highlight[name]; // rebuilt with the band: the old one goes
      if (lit && this.map.hasLayer(lit)) this.map.removeLayer(lit);
      delete this.layers[name];
      if (this.countryLayers) delete this.countryLayers[name];
    }
    if (shown && !this.layers[shown.name]) {
      this.layers[shown.name] = this._build(shown);
      this.layers[shown.name].addTo(this.map);
      this.setRiverHighlight(this.highlightStyle);
    }
    this._placeLabels();
    this.map.on("moveend", this._detailCredit, this);
    this._detailCredit();
  };

  /* The detail's own credit (GeoNames for the towns) in the attribution while it shows:
   * at its zoom and with its box ([west, south, east, north]) in view. */
  Basemap.prototype._detailCredit = function () {
    var d = this.detail, control = this.map.attributionControl, box = d && d.box;
    var on = !!(d && this.current && this.current.minZoom >= d.minZoom);
    if (on && box) {
      on = this.map.getBounds().intersects(L.latLngBounds([box[1], box[0]], [box[3], box[2]]));
    }
    if (!control || on === !!this._detailCredited) return;
    this._detailCredited = on;
    if (on) control.addAttribution(CREDIT);
    else control.removeAttribution(CREDIT);
  };

  Basemap.prototype._bandNamed = function (name) {
    var bands = (this.data && this.data.bands) || [];
    for (var i = 0; i < bands.length; i++) if (bands[i].name === name) return bands[i];
    return null;
  };

  /* The detail's layers for a band being built: {urban, regions} (L.GeoJSON each), or
   * null when the band is below the detail's zoom or the detail is not loaded. */
  Basemap.prototype._detailLayers = function (band) {
    var d = this.detail;
    if (!d || band.minZoom < d.minZoom) return null;
    var plain = { renderer: this.renderer, interactive: false }, layer = window.araz.bandLayer;
    return {
      urban: layer(d.urban, L.extend({}, plain, {
        style: { fillColor: URBAN, fillOpacity: 0.5, stroke: false },
      })),
      regions: layer(d.regions, L.extend({}, plain, {
        style: { color: REGION, weight: 1.2, opacity: 0.9, dashArray: "5 3", fill: false },
      })),
    };
  };
})();
