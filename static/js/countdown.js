/* The one countdown wording of every page (core/durations.py): "剩 1 天 3 小时" before a deadline, "超时 2 小时"
   after it — the two largest units, to the minute. The patterns come translated on the script tag's data-*
   attributes (no inline script: see the CSP). Each [data-due] ticks; window.gcCountdown serves other scripts. */
(function () {
  var W = document.currentScript.dataset;
  function fill(t, v) { return t.replace(/%\((\w+)\)s/g, function (_m, k) { return v[k]; }); }
  function text(seconds) {
    var minutes = Math.floor(Math.abs(seconds) / 60), d = Math.floor(minutes / 1440), rest = minutes % 1440;
    var h = Math.floor(rest / 60), m = rest % 60, span;
    if (d) span = h ? fill(W.dh, {d: d, h: h}) : fill(W.d, {d: d});
    else if (h) span = m ? fill(W.hm, {h: h, m: m}) : fill(W.h, {h: h});
    else span = fill(W.m, {n: Math.max(m, 1)});
    return fill(seconds >= 0 ? W.left : W.over, {span: span});
  }
  window.gcCountdown = text;
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (!isNaN(due)) el.textContent = text(Math.round((due - now) / 1000));
    });
  }
  setInterval(tick, 30000);
})();
