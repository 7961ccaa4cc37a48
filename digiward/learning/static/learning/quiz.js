// A quiz answered with no network: the answers wait in this phone's storage and are sent
// when it is back online. Each attempt carries the key the page was given, so sending it
// again (the online try got through but its answer was lost) is still one attempt on the
// server. Without this script the form posts as a plain form.
(function () {
  "use strict";
  var STORE = "digiward.quiz.queue";
  var status = document.querySelector("[data-quiz-status]");

  function say(text, kind) {
    if (!status) return;
    status.hidden = false;
    status.className = "notice" + (kind ? " notice--" + kind : "");
    status.textContent = text;
  }

  function queue() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }

  function save(items) {
    try { localStorage.setItem(STORE, JSON.stringify(items)); } catch (e) { /* full */ }
  }

  function send(item) {
    return fetch(item.action, {
      method: "POST",
      body: new URLSearchParams(item.body),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      // 502–504: the server is unreachable behind the proxy, the same as no network.
      if (response.status >= 502 && response.status <= 504) throw new Error("unreachable");
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    });
  }

  function flush() {
    var items = queue();
    if (!items.length || navigator.onLine === false) return;
    var left = [];
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        return send(item).then(function (result) {
          if (result.data && result.data.ok) {
            if (status && item.key === currentKey()) window.location.assign(result.data.url);
          } else if (status && item.key === currentKey()) {
            say((status.getAttribute("data-refused") || "") + " " + ((result.data && result.data.error) || ""), "error");
          }
        }, function () { left.push(item); });
      });
    });
    chain.then(function () { save(left); });
  }

  function currentKey() {
    var field = document.querySelector("[data-quiz-form] input[name=key]");
    return field ? field.value : "";
  }

  function orderingProblem(form) {
    var groups = {};
    Array.prototype.forEach.call(form.querySelectorAll("select[data-ordering]"), function (select) {
      if (!select.value) return;
      var seen = groups[select.getAttribute("data-ordering")] = groups[select.getAttribute("data-ordering")] || {};
      if (seen[select.value]) seen.__repeated = select;
      seen[select.value] = true;
    });
    for (var name in groups) if (groups[name].__repeated) return groups[name].__repeated;
    return null;
  }

  var form = document.querySelector("[data-quiz-form]");
  if (form && window.fetch && window.URLSearchParams && window.localStorage) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var repeated = orderingProblem(form);
      if (repeated) {
        say(form.getAttribute("data-repeated") || "", "error");
        repeated.focus();
        return;
      }
      var body = Array.from(new FormData(form).entries());
      var item = { action: form.action, key: currentKey(), body: body };
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      function keep() {
        item.body = item.body.map(function (pair) { return pair[0] === "offline" ? ["offline", "1"] : pair; });
        var items = queue().filter(function (other) { return other.key !== item.key; });
        items.push(item);
        save(items);
        say(status ? status.getAttribute("data-queued") : "", "warning");
      }
      if (navigator.onLine === false) { keep(); return; }
      say(status ? status.getAttribute("data-sending") : "");
      send(item).then(function (result) {
        if (result.data && result.data.ok) { window.location.assign(result.data.url); return; }
        if (button) button.disabled = false;
        say((status.getAttribute("data-refused") || "") + " " + ((result.data && result.data.error) || ""), "error");
      }, keep);
    });
  }
  window.addEventListener("online", flush);
  flush();
})();
