// The team page's filter applies as soon as it changes.
//
// htmx does the work, from the form's attributes (hx-get, hx-trigger="change"):
// it fetches the results alone, swaps them in and updates the address, and
// focus stays on the control just changed. This module hides the Show button,
// which only a browser without scripts needs, and falls back to loading the
// whole page when the request cannot be made, so a change is never lost.
(function () {
  "use strict";

  function attach() {
    var form = document.querySelector("form[data-team-filter]");
    if (!form || !window.htmx) return; // the Show button does the work
    var show = form.querySelector("[data-team-show]");
    if (show) show.hidden = true;

    function reload() {
      // A plain GET of the same form: the page as the Show button loads it.
      form.submit();
    }
    form.addEventListener("htmx:sendError", reload);
    form.addEventListener("htmx:responseError", reload);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", attach);
  } else {
    attach();
  }
})();
