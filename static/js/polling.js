/* Refreshes that wait while the user is busy.

   An element that polls (hx-trigger="every 60s") and carries data-poll-pause="<selector>" skips a refresh while
   something inside it matches the selector — an open form (the inbox's details[open]), a ticked row (the
   dashboard queue's checked boxes) — so a refresh never throws away what the user is typing or has chosen.
   htmx's own trigger filters ("every 60s [condition]") are evaluated with eval, which the site's
   Content-Security-Policy forbids: they failed, and the list refreshed regardless. */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail && evt.detail.elt;
    if (!elt || !elt.getAttribute) return;
    var busy = elt.getAttribute("data-poll-pause");
    if (busy && elt.querySelector(busy)) evt.preventDefault();
  });
})();
