/* Countdowns tick between page refreshes: each [data-due] shows the time left (or overdue), to the minute.
   The words come translated on the script tag's data-* attributes (no inline script: see the CSP). */
(function () {
  var W = document.currentScript.dataset;
  function text(seconds) {
    var s = Math.abs(seconds), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    var parts = [];
    if (d) parts.push(d + W.day);
    if (h) parts.push(h + W.hour);
    if (m) parts.push(m + W.minute);
    var t = parts.slice(0, 2).join("") || W.under;
    return (seconds > 0 ? W.left : W.over).replace("%(t)s", t);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (!isNaN(due)) el.textContent = text(Math.round((due - now) / 1000));
    });
  }
  setInterval(tick, 30000);
})();
