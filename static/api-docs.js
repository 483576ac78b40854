// Starts Swagger UI on the API documentation page (growth/api/docs.html).
//
// A file of ours rather than the inline script drf-spectacular writes, so the
// page keeps the Content-Security-Policy of every other page. Signed in, the
// page tries the API with the session; a write carries the CSRF token, as a
// form does.
(function () {
  "use strict";

  var element = document.getElementById("swagger-ui");
  if (!element || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  var csrfToken = element.dataset.csrfToken;
  SwaggerUIBundle({
    url: element.dataset.schemaUrl,
    domNode: element,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // Deep links put a link inside each operation's button, which screen
    // readers cannot reach (axe: nested-interactive).
    deepLinking: false,
    requestInterceptor: function (request) {
      if (request.method && request.method !== "GET") {
        request.headers["X-CSRFToken"] = csrfToken;
      }
      return request;
    },
  });

  // What Swagger UI draws when an operation is opened lacks what a keyboard
  // and a screen reader need: a choice of values (a filter's select) and a
  // write's body have no name, and an example or an answer that scrolls
  // cannot be reached to scroll it. Each is mended as it appears.
  function mend(root) {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])")
      .forEach(function (select) {
        var row = select.closest("tr[data-param-name]");
        select.setAttribute("aria-label", row.getAttribute("data-param-name"));
      });
    root.querySelectorAll("textarea.body-param__text:not([aria-label])")
      .forEach(function (body) {
        body.setAttribute("aria-label", "Request body (JSON)");
      });
    root.querySelectorAll("pre:not([tabindex])").forEach(function (block) {
      block.setAttribute("tabindex", "0");
    });
  }
  new MutationObserver(function () {
    mend(element);
  }).observe(element, { childList: true, subtree: true });
})();
