// The learning pages' service worker (scope /app/learning/). A lesson opened once stays
// readable with no network: lesson pages are fetched from the network first and kept;
// when the network is gone the kept copy is shown. Styles and scripts are kept the same
// way. Nothing else is cached: quiz results and people's progress are personal and are
// never written to the phone's storage.
var CACHE = "digiward-lessons-v1";
var LESSONS = /\/app\/learning\/lessons\//;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var keep = LESSONS.test(url.pathname) || url.pathname.indexOf("/static/") === 0;
  if (!keep) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (kept) { return kept || Response.error(); });
    })
  );
});
