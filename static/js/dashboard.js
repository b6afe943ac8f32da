/* The dashboard's only script: the countdown of whistles in flight ticks (to the minute, in the one wording of
   static/js/countdown.js), and "select all" ticks every case on the page. Everything else is htmx and links. */
(function () {
  function tick() {
    if (!window.gcCountdown) return;
    document.querySelectorAll("time.countdown[data-deadline]").forEach(function (el) {
      var left = (Date.parse(el.getAttribute("data-deadline")) - Date.now()) / 1000;
      el.textContent = window.gcCountdown(left);
      el.classList.toggle("is-overdue", left < 0);
    });
  }
  setInterval(tick, 15000);
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
