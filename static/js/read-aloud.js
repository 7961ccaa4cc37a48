// "Read aloud" for guides: the browser's own speech synthesis, where the phone has it.
// The button sits in a <template>: without JavaScript, or without speech synthesis, it
// never appears. A phone without a voice for the page's language (many cheap Android
// phones have no Vietnamese voice) would "speak" in silence while the button says "Stop
// reading" (issue 12): we look for a matching voice first and, when there is none or
// nothing is heard, say so plainly and what to do instead.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return;
  // Voices load late on Chrome (voiceschanged) and never fire that event on some
  // browsers: after this long we decide with what we have.
  var VOICES_WAIT_MS = 1500;
  // If speaking has not started by then, nothing is being heard.
  var START_WAIT_MS = 4000;

  function matchingVoice(lang) {
    var wanted = lang.toLowerCase().replace("_", "-");
    var base = wanted.split("-")[0];
    var voices = synth.getVoices() || [];
    var exact = null;
    var sameLanguage = null;
    voices.forEach(function (voice) {
      var have = (voice.lang || "").toLowerCase().replace("_", "-");
      if (have === wanted && !exact) exact = voice;
      if (have.split("-")[0] === base && !sameLanguage) sameLanguage = voice;
    });
    return { voice: exact || sameLanguage, known: voices.length > 0 };
  }

  function whenVoicesKnown(callback) {
    if ((synth.getVoices() || []).length) { callback(); return; }
    var done = false;
    function finish() {
      if (done) return;
      done = true;
      callback();
    }
    if (typeof synth.addEventListener === "function") {
      synth.addEventListener("voiceschanged", finish);
    }
    window.setTimeout(finish, VOICES_WAIT_MS);
  }

  document.querySelectorAll("template[data-read-aloud-template]").forEach(function (template) {
    var button = template.content.querySelector("[data-read-aloud]");
    if (!button) return;
    button = button.cloneNode(true);
    var target = document.querySelector(button.getAttribute("data-target"));
    if (!target) return;
    var lang = button.getAttribute("data-lang") || "vi-VN";
    var startLabel = button.textContent;
    var stopLabel = button.getAttribute("data-stop-label") || startLabel;
    var note = document.createElement("p");
    note.className = "hint";
    note.setAttribute("role", "status");
    note.hidden = true;
    var container = template.parentNode;
    container.insertBefore(button, template);
    container.parentNode.insertBefore(note, container.nextSibling);

    function say(message) {
      note.textContent = message;
      note.hidden = false;
    }
    function reset() {
      button.textContent = startLabel;
    }

    whenVoicesKnown(function () {
      var found = matchingVoice(lang);
      // No voice at all in a known list: tell before anyone presses the button.
      if (found.known && !found.voice) say(button.getAttribute("data-no-voice"));
    });

    button.addEventListener("click", function () {
      if (synth.speaking || synth.pending) {
        synth.cancel();
        reset();
        return;
      }
      var found = matchingVoice(lang);
      if (found.known && !found.voice) {
        say(button.getAttribute("data-no-voice"));
        return;
      }
      var parts = [];
      target.querySelectorAll("h1, p, li, h2").forEach(function (el) {
        if (!el.closest(".actions")) parts.push(el.textContent.trim());
      });
      var utterance = new window.SpeechSynthesisUtterance(parts.join(". "));
      utterance.lang = lang;
      if (found.voice) utterance.voice = found.voice;
      utterance.rate = 0.9;  // a little slower for older listeners
      var started = false;
      utterance.onstart = function () { started = true; note.hidden = true; };
      utterance.onend = reset;
      utterance.onerror = function () {
        reset();
        say(button.getAttribute("data-not-heard"));
      };
      button.textContent = stopLabel;
      synth.speak(utterance);
      window.setTimeout(function () {
        if (!started && !synth.speaking) {
          synth.cancel();
          reset();
          say(button.getAttribute("data-not-heard"));
        }
      }, START_WAIT_MS);
    });
  });
})();
