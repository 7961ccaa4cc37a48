// Keep lessons readable offline: register the learning pages' service worker (sw.js).
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  var script = document.querySelector("script[data-service-worker]");
  if (!script) return;
  navigator.serviceWorker.register(script.getAttribute("data-service-worker"), { scope: script.getAttribute("data-scope") })
    .catch(function () { /* the page still works online */ });
})();
