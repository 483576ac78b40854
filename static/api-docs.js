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
})();
