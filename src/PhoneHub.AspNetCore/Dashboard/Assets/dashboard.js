// PhoneHub dashboard: the few live parts. Every page works without this file; it only refreshes what is already there.
(function () {
  "use strict";

  // Send form: segments, encoding and price estimate while typing (the server counts, as it will when sending).
  document.querySelectorAll("form[data-preview-url]").forEach(function (form) {
    var body = form.querySelector("textarea[name=body]");
    var output = form.querySelector("output[data-preview]");
    if (!body || !output) { return; }
    var timer = 0, seq = 0;
    function update() {
      var mine = ++seq;
      var url = form.getAttribute("data-preview-url") + "?body=" + encodeURIComponent(body.value);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) { if (p && mine === seq) { output.textContent = p.summary; output.setAttribute("data-segments", p.segments); } })
        .catch(function () { /* the server-side preview button still works */ });
    }
    body.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 150); });
  });

  // Batch page: counts and progress until every message has been dispatched.
  document.querySelectorAll("[data-progress-url]").forEach(function (panel) {
    var url = panel.getAttribute("data-progress-url");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) {
          if (!p) { return; }
          var bar = panel.querySelector("progress");
          if (bar) { bar.value = p.dispatched; bar.max = Math.max(p.enqueued, 1); }
          panel.querySelectorAll("[data-count]").forEach(function (cell) {
            var value = p.counts[cell.getAttribute("data-count")];
            cell.textContent = value === undefined ? "0" : String(value);
          });
          var summary = panel.querySelector("[data-summary]");
          if (summary) { summary.textContent = p.summary; }
          if (p.dispatched < p.enqueued) { setTimeout(poll, 2000); }
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 1000);
  });

  // Config form: show the settings of the chosen provider only (without script every provider's fieldset shows).
  document.querySelectorAll("select[data-provider-select]").forEach(function (select) {
    var form = select.form;
    function show() {
      form.querySelectorAll("fieldset[data-provider]").forEach(function (set) {
        var on = set.getAttribute("data-provider") === select.value;
        set.hidden = !on;
        set.disabled = !on;
      });
    }
    select.addEventListener("change", show);
    show();
  });
})();
