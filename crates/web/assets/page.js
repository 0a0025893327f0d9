// Behaviour of the plain pages, declared by data attributes: the CSP allows no
// inline script. Everything works without it; this only saves clicks.
"use strict";
(function () {
  document.addEventListener("click", function (e) {
    var print = e.target.closest("[data-print]");
    if (print) { e.preventDefault(); window.print(); return; }
    var back = e.target.closest("[data-back]");
    if (back && history.length > 1) { e.preventDefault(); history.back(); }
  });
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.dataset.confirm && !window.confirm(f.dataset.confirm)) { e.preventDefault(); return; }
    // One press sends once: the form keeps its request id, and the button waits.
    if (f.hasAttribute("data-once")) {
      if (f.dataset.sent) { e.preventDefault(); return; }
      f.dataset.sent = "1";
      var b = f.querySelector("[type=submit]");
      if (b) setTimeout(function () { b.disabled = true; if (f.dataset.sending) b.textContent = f.dataset.sending; }, 0);
    }
  });
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { if (el.form) el.form.submit(); });
  });
  // "Nearest MPP": with the visitor's leave, the search is sent again with their position.
  var locate = document.querySelector("[data-locate]");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    var help = document.getElementById("locate-help");
    if (help && !locate.hasAttribute("data-located")) help.hidden = false;
    locate.addEventListener("click", function () {
      var f = locate.form, label = locate.textContent;
      locate.disabled = true; locate.textContent = locate.dataset.busy;
      navigator.geolocation.getCurrentPosition(function (pos) {
        ["lat", "lng", "dekat"].forEach(function (n) { var old = f.querySelector("input[name=" + n + "]"); if (old) old.remove(); });
        [["lat", pos.coords.latitude], ["lng", pos.coords.longitude]].forEach(function (kv) {
          var i = document.createElement("input");
          i.type = "hidden"; i.name = kv[0]; i.value = kv[1].toFixed(5); f.appendChild(i);
        });
        // Land on the sorted results, not the top of the form (on a phone they are below it).
        f.action = f.action.split("#")[0] + "#place-note";
        f.submit();
      }, function () {
        locate.disabled = false; locate.textContent = label;
        if (help) { help.textContent = locate.dataset.denied; help.setAttribute("role", "alert"); }
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
    });
  }
  // The admin menu is one sideways row on phones: show where this page is in it.
  var here = document.querySelector(".sidenav a[aria-current=page]");
  if (here && here.parentElement.scrollWidth > here.parentElement.clientWidth) {
    here.parentElement.scrollLeft = here.offsetLeft - here.parentElement.offsetLeft - 40;
  }
  if (document.querySelector("[data-print-on-load]") && !/[?&]noprint/.test(location.search)) {
    window.addEventListener("load", function () { window.print(); });
  }
})();
