// Guidance team pages: print buttons. No inline scripts (the CSP forbids them).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) window.print();
  });
  // The help-session log: a "reached today" chip belongs to the resident row it sits in;
  // picking another resident clears the chips of the others.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches("input[name=resident]")) return;
    var mine = el.closest(".pick-wrap");
    document.querySelectorAll(".pick-step input").forEach(function (box) {
      if (box.closest(".pick-wrap") !== mine) box.checked = false;
    });
  });
  // A freshly taken ticket opens the print dialog by itself.
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-autoprint]") && !/[?&]noprint=1/.test(location.search)) {
      window.print();
    }
  });
})();
