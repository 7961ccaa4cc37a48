// "Read aloud" for guides: the browser's own speech synthesis, where the phone has it.
// The button stays hidden when speech is not available; nothing else depends on it.
(function () {
  "use strict";
  if (!("speechSynthesis" in window)) return;
  document.querySelectorAll("[data-read-aloud]").forEach(function (button) {
    var target = document.querySelector(button.getAttribute("data-target"));
    if (!target) return;
    var startLabel = button.textContent;
    var stopLabel = button.getAttribute("data-stop-label") || startLabel;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (window.speechSynthesis.speaking) {
        window.speechSynthesis.cancel();
        button.textContent = startLabel;
        return;
      }
      var parts = [];
      target.querySelectorAll("h1, p, li, h2").forEach(function (el) {
        if (!el.closest(".actions")) parts.push(el.textContent.trim());
      });
      var utterance = new SpeechSynthesisUtterance(parts.join(". "));
      utterance.lang = button.getAttribute("data-lang") || "vi-VN";
      utterance.rate = 0.9;  // a little slower for older listeners
      utterance.onend = function () { button.textContent = startLabel; };
      button.textContent = stopLabel;
      window.speechSynthesis.speak(utterance);
    });
  });
})();
