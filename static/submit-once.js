// A form sends once: after the first submit its buttons wait for the answer.
//
// The server already makes a repeated POST harmless (each form carries a
// one-time submission key); this spares the person a second request and shows
// that the first is on its way. Buttons are marked, not disabled, during the
// submit event: a disabled button would drop its own name and value from the
// request. A page restored from the back-forward cache gets its buttons back.
(function () {
  "use strict";

  var BUTTONS = "button:not([type=button]):not([type=reset]), input[type=submit]";

  function hold(form) {
    form.querySelectorAll(BUTTONS).forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("disabled");
    });
  }

  function release(form) {
    delete form.dataset.sending;
    form.querySelectorAll(BUTTONS).forEach(function (button) {
      button.removeAttribute("aria-disabled");
      button.classList.remove("disabled");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    hold(form);
  });

  // htmx sends a form itself: hold it from the request until its answer.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form");
    if (form) release(form);
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) document.querySelectorAll("form").forEach(release);
  });
})();
