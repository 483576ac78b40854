// Focus where the person's attention should go.
//
// A form that comes back with errors focuses its first invalid field, so a
// keyboard or screen-reader user lands on what needs fixing instead of the top
// of the page.
(function () {
  "use strict";

  function firstInvalid(root) {
    return root.querySelector(".is-invalid, [aria-invalid=true]");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var field = firstInvalid(document);
    if (field) field.focus();
  });
})();
