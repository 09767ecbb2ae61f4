// Waspada dashboard behaviour: the map and the timeline. Loaded on every page; each part
// runs only when its element is present. Data come from the JSON API; text from it is put
// into the page with textContent only (article-derived names are hostile input).
(function () {
  "use strict";

  function el(tag, text) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  const COLOURS = { high: "#c0392b", medium: "#e67e22", low: "#7f8c8d" };

  function drawMap(node) {
    if (typeof L === "undefined") return;
    const map = L.map(node, { zoomSnap: 0.5, attributionControl: false });
    map.setView([-2.5, 118], 5); // Indonesia
    // Faint dots for every regency and city: the islands, without tiles.
    fetch("/api/places.geojson").then(function (r) { return r.json(); }).then(function (fc) {
      L.geoJSON(fc, {
        interactive: false,
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 1.5, stroke: false, fillColor: "#8aa1ad", fillOpacity: 0.6, interactive: false });
        }
      }).addTo(map).bringToBack();
    });
    const url = "/api/events.geojson" + (node.dataset.query || "");
    fetch(url).then(function (r) { return r.json(); }).then(function (fc) {
      const layer = L.geoJSON(fc, {
        pointToLayer: function (f, latlng) {
          const p = f.properties || {};
          const n = Math.max(1, p.n_stories || 1);
          return L.circleMarker(latlng, {
            radius: Math.min(22, 5 + 3 * Math.sqrt(n)),
            color: COLOURS[p.severity] || COLOURS.low,
            fillOpacity: 0.55, weight: 1.5
          });
        },
        onEachFeature: function (f, layer) {
          const p = f.properties || {};
          const box = el("div");
          const a = el("a", p.disease_name + " — " + p.place_name);
          a.href = "/events/" + encodeURIComponent(p.id);
          box.appendChild(a);
          box.appendChild(el("div", p.first_date + " → " + p.last_date));
          box.appendChild(el("div", (p.n_stories || 0) + " stories" + (p.klb_declared ? " · KLB" : "")));
          layer.bindPopup(box);
        }
      }).addTo(map);
      if (fc.features && fc.features.length) {
        map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 9 });
      }
      const info = document.getElementById("map-count");
      if (info) info.textContent = String(fc.features.length);
    });
  }

  function drawTimeline(node) {
    if (typeof uPlot === "undefined") return;
    const url = "/api/series" + (node.dataset.query || "");
    fetch(url).then(function (r) { return r.json(); }).then(function (s) {
      if (!s.points) { node.textContent = s.error || "no data"; return; }
      const xs = [], ys = [], bounds = [], alarms = [];
      const bySig = {};
      (s.signals || []).forEach(function (g) { bySig[g.period_start] = g; });
      s.points.forEach(function (p) {
        xs.push(Date.parse(p.period_start + "T00:00:00Z") / 1000);
        ys.push(p.reports);
        const g = bySig[p.period_start];
        bounds.push(g && g.upperbound != null ? g.upperbound : null);
        alarms.push(g ? p.reports : null);
      });
      const title = document.getElementById("chart-title");
      if (title) title.textContent = s.disease_name + " — " + s.place_name;
      const opts = {
        width: Math.max(320, node.clientWidth - 20), height: 340,
        scales: { x: { time: true } },
        series: [
          {},
          { label: node.dataset.labelObserved || "observed", stroke: "#12343b", width: 2 },
          { label: node.dataset.labelThreshold || "threshold", stroke: "#e67e22", dash: [6, 4], spanGaps: false,
            points: { show: true, size: 6 } },
          { label: node.dataset.labelSignal || "signal", stroke: "transparent", width: 0,
            points: { show: true, size: 10, fill: "#c0392b", stroke: "#c0392b" } }
        ]
      };
      node.textContent = "";
      new uPlot(opts, [xs, ys, bounds, alarms], node);
    });
  }

  function init() {
    const m = document.getElementById("map");
    if (m) drawMap(m);
    const c = document.getElementById("chart");
    if (c) drawTimeline(c);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
