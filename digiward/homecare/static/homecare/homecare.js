// Home support: a "Print" button (pages print fine from the browser menu without it), and
// "use this phone's location" at the house. Both are extras: every page works without them.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) window.print();
  });

  // The browser asks the person's permission; a refusal or a timeout says so in words and
  // leaves the typed numbers (Edit the request) as the way. High accuracy: a house in an
  // alley is a few metres from the next one.
  var forms = document.querySelectorAll("[data-geolocate-form]");
  if (!forms.length || !("geolocation" in navigator)) return;
  Array.prototype.forEach.call(forms, function (form) {
    var button = form.querySelector("[data-geolocate]");
    var status = form.querySelector("[data-geolocate-status]");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      if (status) status.textContent = status.getAttribute("data-waiting") || "";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.querySelector("[data-geolocate-latitude]").value = position.coords.latitude.toFixed(6);
          form.querySelector("[data-geolocate-longitude]").value = position.coords.longitude.toFixed(6);
          form.querySelector("[data-geolocate-accuracy]").value = Math.round(position.coords.accuracy || 0);
          form.submit();
        },
        function () {
          button.disabled = false;
          if (status) status.textContent = status.getAttribute("data-refused") || "";
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 }
      );
    });
  });
})();
