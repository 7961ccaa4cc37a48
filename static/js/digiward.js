// DigiWard's small script. Pages work without it; it only adds conveniences.
// No inline scripts anywhere: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  // Close the menu when focus or a click leaves it.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });
  // Elements with data-confirm ask before submitting (destructive actions).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
  // Boxes that scroll sideways (tab bars, wide tables) get data-scroll="start end" for
  // the sides that have more, so the CSS can fade that edge: a cut tab must look cut.
  // The current tab is scrolled into sight first.
  function sideways(el) {
    var style = window.getComputedStyle(el).overflowX;
    return (style === "auto" || style === "scroll") && el.scrollWidth > el.clientWidth + 1;
  }
  function markScroll(el) {
    var more = [];
    if (sideways(el)) {
      var max = el.scrollWidth - el.clientWidth;
      if (el.scrollLeft > 1) more.push("start");
      if (el.scrollLeft < max - 1) more.push("end");
    }
    if (more.length) el.setAttribute("data-scroll", more.join(" "));
    else el.removeAttribute("data-scroll");
  }
  function markAll(root) {
    var boxes = (root || document).querySelectorAll("main *, .subnav");
    for (var i = 0; i < boxes.length; i++) {
      var el = boxes[i];
      if (!sideways(el)) { if (el.hasAttribute("data-scroll")) el.removeAttribute("data-scroll"); continue; }
      if (!el.hasAttribute("data-scroll-watched")) {
        el.setAttribute("data-scroll-watched", "");
        el.addEventListener("scroll", function (event) { markScroll(event.currentTarget); }, { passive: true });
        var current = el.querySelector("[aria-current]");
        if (current) {
          var right = current.offsetLeft + current.offsetWidth - el.clientWidth;
          if (right > el.scrollLeft) el.scrollLeft = right + 24;
        }
      }
      markScroll(el);
    }
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () { markAll(); }, 150);
  });
  document.addEventListener("htmx:afterSettle", function () { markAll(); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { markAll(); });
  else markAll();
  window.addEventListener("load", function () { markAll(); });
  // Auto-submit filter selects marked data-autosubmit.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.requestSubmit();
  });
  // A button with data-copy="<id>" copies that field's text and says so in its
  // data-copied words (a secret shown once must not be half-selected on a phone).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    var said = function () { button.textContent = button.getAttribute("data-copied"); };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(said, function () { document.execCommand("copy"); said(); });
    } else {
      document.execCommand("copy");
      said();
    }
  });
})();
