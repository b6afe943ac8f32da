/* The dashboard's only script: the countdown of whistles in flight ticks every second, and "select all"
   ticks every case on the page. Everything else is htmx attributes and plain links. */
(function () {
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function fmt(seconds) {
    var s = Math.floor(Math.abs(seconds)), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
    return h ? h + ":" + pad(m) + ":" + pad(r) : m + ":" + pad(r);
  }
  function tick() {
    document.querySelectorAll("time.countdown[data-deadline]").forEach(function (el) {
      var left = (Date.parse(el.getAttribute("data-deadline")) - Date.now()) / 1000;
      var box = el.closest("[data-left]");
      var word = left >= 0 ? box.getAttribute("data-left") : box.getAttribute("data-late");
      el.textContent = word + " " + fmt(left);
      el.classList.toggle("is-overdue", left < 0);
    });
  }
  setInterval(tick, 1000);
  function countSelected() {
    var n = document.querySelectorAll("#queue input[name=ids]:checked").length;
    var out = document.getElementById("selected-count");
    if (out) { out.textContent = n; }
  }
  document.addEventListener("change", function (e) {
    if (e.target && e.target.id === "select-all") {
      document.querySelectorAll("#queue input[name=ids]").forEach(function (box) { box.checked = e.target.checked; });
    }
    if (e.target && (e.target.id === "select-all" || e.target.name === "ids")) { countSelected(); }
  });
})();
