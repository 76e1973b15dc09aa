/* The centre manager places desks and rooms on a floor plan (issue #20): pick a place in
   the list and click on the plan, drag a place, or focus it and use the arrow keys. The
   form's x/y inputs are the truth; without JavaScript they are typed. */
(function () {
  "use strict";
  var canvas = document.querySelector("[data-plan-edit]");
  if (!canvas) return;
  var form = document.getElementById("places-form");

  function input(rid, axis) { return document.getElementById(axis + "_" + rid); }
  function marker(rid) { return canvas.querySelector('button.place[data-rid="' + rid + '"]'); }
  function picked() {
    var radio = form.querySelector('input[name="pick"]:checked');
    return radio ? radio.value : null;
  }
  function round(v) { return Math.round(Math.min(100, Math.max(0, v)) * 10) / 10; }

  function place(rid, x, y) {
    x = round(x); y = round(y);
    input(rid, "x").value = String(x);
    input(rid, "y").value = String(y);
    var m = marker(rid);
    if (m) { m.hidden = false; m.style.left = x + "%"; m.style.top = y + "%"; }
  }

  function fromEvent(event) {
    var box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) / box.width * 100,
            (event.clientY - box.top) / box.height * 100];
  }

  var dragging = null;
  canvas.addEventListener("pointerdown", function (event) {
    var m = event.target.closest("button.place");
    if (m) {
      dragging = m.getAttribute("data-rid");
      m.setPointerCapture(event.pointerId);
      var radio = form.querySelector('input[name="pick"][value="' + dragging + '"]');
      if (radio) radio.checked = true;
      event.preventDefault();
    }
  });
  canvas.addEventListener("pointermove", function (event) {
    if (dragging) { var p = fromEvent(event); place(dragging, p[0], p[1]); }
  });
  canvas.addEventListener("pointerup", function () { dragging = null; });
  canvas.addEventListener("click", function (event) {
    if (event.target.closest("button.place")) return;
    var rid = picked();
    if (!rid) return;
    var p = fromEvent(event);
    place(rid, p[0], p[1]);
    // next unplaced place in the list, to place a whole floor quickly
    var radios = Array.prototype.slice.call(form.querySelectorAll('input[name="pick"]'));
    var i = radios.findIndex(function (r) { return r.value === rid; });
    for (var j = i + 1; j < radios.length; j++) {
      if (!input(radios[j].value, "x").value) { radios[j].checked = true; break; }
    }
  });
  canvas.addEventListener("keydown", function (event) {
    var m = event.target.closest("button.place");
    if (!m) return;
    var step = event.shiftKey ? 5 : 1;
    var d = {ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step]}[event.key];
    if (!d) return;
    var rid = m.getAttribute("data-rid");
    var x = parseFloat(input(rid, "x").value.replace(",", ".")) || 0;
    var y = parseFloat(input(rid, "y").value.replace(",", ".")) || 0;
    place(rid, x + d[0], y + d[1]);
    event.preventDefault();
  });
  // Typed positions move the markers too.
  form.addEventListener("change", function (event) {
    var match = /^([xy])_(\d+)$/.exec(event.target.name || "");
    if (!match) return;
    var rid = match[2];
    var x = parseFloat(input(rid, "x").value.replace(",", "."));
    var y = parseFloat(input(rid, "y").value.replace(",", "."));
    var m = marker(rid);
    if (m && !isNaN(x) && !isNaN(y)) { m.hidden = false; m.style.left = round(x) + "%"; m.style.top = round(y) + "%"; }
  });
})();
