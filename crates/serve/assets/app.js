// Waspada dashboard behaviour: the map (with its time slider) and the timeline. Loaded on
// every page; each part runs only when its element is present. Data come from the JSON API;
// text from it is put into the page with textContent only (article-derived names are
// hostile input).
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
            className: "event-marker",
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
      timeSlider(layer);
    });
  }

  // The map's time slider: shows the events under way in a window of days (first to last
  // report overlapping it), a week per step, by hiding markers of the GeoJSON already
  // loaded: no request per step. Without a choice of window, every event is shown.
  const DAY = 86400000;
  const DEFAULT_WINDOW = 30;

  function utcDay(s) {
    const t = Date.parse(String(s || "") + "T00:00:00Z");
    return isNaN(t) ? null : t;
  }

  function isoDay(t) {
    return new Date(t).toISOString().slice(0, 10);
  }

  function timeSlider(layer) {
    const box = document.getElementById("map-time");
    const slider = document.getElementById("map-slider");
    const length = document.getElementById("map-window");
    const play = document.getElementById("map-play");
    const label = document.getElementById("map-window-label");
    const count = document.getElementById("map-count");
    if (!box || !slider || !length || !play || !label) return;
    const markers = [];
    let lo = utcDay(box.dataset.since), hi = utcDay(box.dataset.until);
    const fromData = { lo: lo === null, hi: hi === null };
    layer.eachLayer(function (m) {
      const p = (m.feature && m.feature.properties) || {};
      const first = utcDay(p.first_date);
      const last = utcDay(p.last_date);
      const x = { m: m, first: first, last: last === null ? first : last };
      markers.push(x);
      if (x.first === null) return;
      if (fromData.lo && (lo === null || x.first < lo)) lo = x.first;
      if (fromData.hi && (hi === null || x.last > hi)) hi = x.last;
    });
    if (lo === null || hi === null || hi < lo) return;

    let fmt;
    try {
      fmt = new Intl.DateTimeFormat(document.documentElement.lang || "id",
        { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });
    } catch (e) {
      fmt = { format: isoDay };
    }
    // Window k (0..last) ends last - k weeks before the end of the range; the first one
    // reaches back to its start.
    function days() { return Number(length.value) || DEFAULT_WINDOW; }
    function positions(d) { return Math.max(0, Math.ceil((hi - lo - (d - 1) * DAY) / (7 * DAY))); }

    function show() {
      const all = length.value === "0";
      const d = days();
      const last = positions(d);
      let start = lo, end = hi;
      if (!all) {
        end = hi - (last - Number(slider.value)) * 7 * DAY;
        start = end - (d - 1) * DAY;
      }
      let n = 0;
      markers.forEach(function (x) {
        const inside = all || (x.first !== null && x.first <= end && x.last >= start);
        if (inside) {
          n += 1;
          if (!layer.hasLayer(x.m)) layer.addLayer(x.m);
        } else if (layer.hasLayer(x.m)) {
          layer.removeLayer(x.m);
        }
      });
      const name = all ? box.dataset.labelAll : box.dataset.labelDays.replace("{n}", String(d));
      const text = name + ": " + fmt.format(start) + " – " + fmt.format(end);
      label.textContent = text + " · " + n + " " + box.dataset.labelOf + " " + markers.length;
      label.dataset.start = isoDay(start);
      label.dataset.end = isoDay(end);
      label.dataset.all = all ? "1" : "0";
      slider.setAttribute("aria-valuetext", text);
      if (count) count.textContent = String(n);
    }

    // Changing the window length keeps the window's end date where it was.
    let previous = days();
    function resize() {
      const d = days();
      const back = positions(previous) - Number(slider.value);
      slider.max = String(positions(d));
      slider.value = String(Math.max(0, positions(d) - back));
      previous = d;
    }

    let timer = null;
    function stop() {
      if (timer === null) return;
      clearInterval(timer);
      timer = null;
      play.textContent = box.dataset.labelPlay;
      play.setAttribute("aria-pressed", "false");
    }
    // Moving the slider while every date is shown starts the default window.
    function windowed() {
      if (length.value !== "0") return;
      length.value = String(DEFAULT_WINDOW);
      slider.max = String(positions(DEFAULT_WINDOW));
      previous = DEFAULT_WINDOW;
    }

    slider.addEventListener("input", function () { stop(); windowed(); show(); });
    length.addEventListener("change", function () { stop(); resize(); show(); });
    play.addEventListener("click", function () {
      if (timer !== null) { stop(); return; }
      windowed();
      if (Number(slider.value) >= Number(slider.max)) slider.value = "0";
      show();
      play.textContent = box.dataset.labelPause;
      play.setAttribute("aria-pressed", "true");
      timer = setInterval(function () {
        if (Number(slider.value) >= Number(slider.max)) { stop(); return; }
        slider.value = String(Number(slider.value) + 1);
        show();
      }, 1000);
    });

    slider.max = String(positions(days()));
    slider.value = slider.max;
    box.hidden = false;
    show();
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
