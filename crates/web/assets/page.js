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
  if (document.querySelector("[data-print-on-load]") && !/[?&]noprint/.test(location.search)) {
    window.addEventListener("load", function () { window.print(); });
  }
})();
