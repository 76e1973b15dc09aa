/* smartwork pages: maps (Leaflet) as an enhancement of lists that work alone. */
(function () {
  "use strict";

  function readMarkers(el) {
    var id = el.getAttribute("data-markers");
    var node = id && document.getElementById(id);
    if (!node) return [];
    try { return JSON.parse(node.textContent); } catch (e) { return []; }
  }

  function failed(el) {
    var note = el.parentNode.querySelector("[data-map-failed]");
    if (note) note.hidden = false;
  }

  // A light base layer shipped with the package (static/web/geo/belgium.geojson: Belgian
  // borders, provinces and municipalities as simplified lines; source and licence in
  // geo/README.md), drawn under the tiles, so a map without tiles is still a map.
  var script = document.currentScript;
  var BASE_LAYER = script && script.src ?
    script.src.replace(/app(\.[0-9a-f]+)?\.js(\?.*)?$/, "geo/belgium.geojson") : "";
  var BASE_STYLE = {
    border: { color: "#4a5560", weight: 2 },
    province: { color: "#6b7785", weight: 1.2 },
    municipality: { color: "#a9b3bd", weight: 0.5 }
  };
  var baseData = null;

  function addBaseLayer(map) {
    if (!BASE_LAYER || !window.fetch) return;
    var pane = map.createPane("base");
    pane.style.zIndex = 150;  // under the tiles (200)
    var draw = function (data) {
      window.L.geoJSON(data, {
        pane: "base", interactive: false,
        style: function (f) { return BASE_STYLE[f.properties.kind] || BASE_STYLE.municipality; }
      }).addTo(map);
    };
    if (!baseData) {
      baseData = window.fetch(BASE_LAYER, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
    }
    baseData.then(draw).catch(function () {});
  }

  function addTiles(el, map) {
    addBaseLayer(map);
    var url = el.getAttribute("data-tile-url");
    if (!url) { failed(el); return; }
    var errors = 0;
    var layer = window.L.tileLayer(url, {
      maxZoom: 19, attribution: el.getAttribute("data-tile-attribution") || ""
    });
    layer.on("tileerror", function () { errors += 1; if (errors === 1) failed(el); });
    layer.addTo(map);
  }

  function drawMarkers(el, map, layer) {
    layer.clearLayers();
    var points = [];
    // Centres first, home on top (a small dot, visible inside a centre's marker).
    readMarkers(el).forEach(function (m) {
      // Proposed sites (placement page) in orange, centres of today in green.
      var marker = window.L.circleMarker([m.lat, m.lon], m.kind === "new"
        ? { radius: 11, color: "#8a3b00", weight: 3, fillColor: "#f08c00", fillOpacity: 0.9 }
        : { radius: 9, color: "#0b5c3b", weight: 2, fillColor: "#22a06b", fillOpacity: 0.85 });
      var label = document.createElement("span");
      if (m.url) {
        var a = document.createElement("a");
        a.href = m.url; a.textContent = m.name; label.appendChild(a);
      } else { label.textContent = m.name; }
      if (m.city) label.appendChild(document.createTextNode(" — " + m.city));
      marker.bindPopup(label);
      marker.bindTooltip(m.name);
      marker.addTo(layer);
      points.push([m.lat, m.lon]);
    });
    var hlat = parseFloat(el.getAttribute("data-home-lat"));
    var hlon = parseFloat(el.getAttribute("data-home-lon"));
    if (!isNaN(hlat) && !isNaN(hlon)) {
      window.L.circleMarker([hlat, hlon], { radius: 5, color: "#5b2a86", fillColor: "#8a2be2", fillOpacity: 0.9 })
        .bindTooltip(document.documentElement.lang === "fr" ? "Domicile" :
                     document.documentElement.lang === "nl" ? "Thuis" :
                     document.documentElement.lang === "de" ? "Wohnort" : "Home")
        .addTo(layer);
      points.push([hlat, hlon]);
    }
    if (points.length === 1) map.setView(points[0], parseInt(el.getAttribute("data-zoom") || "12", 10));
    else if (points.length > 1) map.fitBounds(points, { padding: [24, 24], maxZoom: 13 });
    else map.setView([50.5, 4.7], 8);
  }

  function centresMap(el) {
    var map = window.L.map(el, { scrollWheelZoom: false });
    addTiles(el, map);
    var layer = window.L.layerGroup().addTo(map);
    drawMarkers(el, map, layer);
    // The list is replaced by htmx when filters change: redraw from its markers.
    document.body.addEventListener("htmx:afterSettle", function () { drawMarkers(el, map, layer); });
  }

  function pickerMap(el) {
    var lat = document.getElementById(el.getAttribute("data-pick-lat"));
    var lon = document.getElementById(el.getAttribute("data-pick-lon"));
    var map = window.L.map(el, { scrollWheelZoom: false });
    addTiles(el, map);
    var marker = null;
    function place(latlng, zoom) {
      if (marker) marker.setLatLng(latlng);
      else marker = window.L.marker(latlng, { keyboard: true }).addTo(map);
      if (zoom) map.setView(latlng, zoom);
    }
    var start = [parseFloat(lat.value), parseFloat(lon.value)];
    if (!isNaN(start[0]) && !isNaN(start[1])) place(start, 12);
    else map.setView([50.5, 4.7], 8);
    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      place(e.latlng);
    });
    function typed() {
      var p = [parseFloat(lat.value), parseFloat(lon.value)];
      if (!isNaN(p[0]) && !isNaN(p[1])) place(p, map.getZoom() || 12);
    }
    lat.addEventListener("change", typed);
    lon.addEventListener("change", typed);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var maps = document.querySelectorAll(".map");
    if (!maps.length) return;
    if (!window.L) { maps.forEach(failed); return; }
    window.L.Icon.Default.imagePath = (document.querySelector("link[href*='leaflet.css']") || {}).href
      ? document.querySelector("link[href*='leaflet.css']").href.replace(/leaflet\.css.*$/, "images/") : "";
    maps.forEach(function (el) {
      try {
        if (el.hasAttribute("data-pick-lat")) pickerMap(el); else centresMap(el);
      } catch (e) { failed(el); }
    });
  });
})();

/* Behaviour that used to sit in on* attributes, which the Content-Security-Policy
   (script-src 'self') forbids: delegated listeners on the document, so htmx-swapped
   content is covered too.
   - <select data-autosubmit>: submits its form when changed;
   - <form data-confirm="question">: asks before submitting;
   - <input data-select-on-click>: selects its text when clicked. */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
    }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form && form.matches && form.matches("form[data-confirm]")
        && !window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault();
    }
  }, true);
  document.addEventListener("click", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("input[data-select-on-click]")) el.select();
  });
})();

/* Phones: each table cell carries its column's name (shown before the cell when the
   table is stacked, see app.css), and the menu folds behind a button. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // A head's words on one line: a <br> (a day and its "anchor day" badge) becomes " · ",
  // where textContent glued them ("Tue 1/12Anchor day").
  function headName(th) {
    var copy = th.cloneNode(true);
    copy.querySelectorAll("br").forEach(function (br) { br.replaceWith(" · "); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function labelTables(root) {
    (root || document).querySelectorAll("main table").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) return;
      var names = Array.prototype.map.call(heads, headName);
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.children, function (cell) {
          if (!cell.hasAttribute("data-label") && names[col]) cell.setAttribute("data-label", names[col]);
          col += cell.colSpan || 1;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelTables(document);
    document.body.addEventListener("htmx:afterSettle", function (e) { labelTables(e.target.parentNode || document); });
    var toggle = document.querySelector("[data-menu-toggle]");
    if (!toggle) return;
    toggle.addEventListener("click", function () {
      var open = toggle.closest("nav").classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
})();
