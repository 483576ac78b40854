// Focus where the person's attention should go.
//
// A form that comes back with errors focuses its first invalid field, so a
// keyboard or screen-reader user lands on what needs fixing instead of the top
// of the page. The admin loads this file too (templates/admin/base_site.html).
//
// After an htmx swap:
// - the swapped content's first invalid field takes focus, if it has one;
// - otherwise, if the element that had focus went away with the old content
//   (htmx itself puts focus back on an element of the same id), focus goes to
//   the new content's element marked data-focus-after-swap, or else to the
//   swapped region itself, made focusable with tabindex="-1"; an element that
//   is still there (it was only disabled during the request) gets it back;
// - a status the new content carries (role="status" or "alert") is read out
//   through a live region that is on the page from the start: a live region
//   that arrives already filled is not announced by most screen readers.
(function () {
  "use strict";

  var INVALID = ".is-invalid, [aria-invalid=true]";
  var FOCUSABLE =
    "input:not([type=hidden]), select, textarea, button, a[href], [tabindex]";
  var STATUS = "[role=status], [role=alert]";

  function shown(element) {
    return element.getClientRects().length > 0;
  }

  // What to focus for an element marked invalid: itself when it takes focus,
  // else its first control (a group of radios marked as a whole); for a select
  // that an autocomplete box stands in for (the admin's select2), the box.
  function control(element) {
    if (element.classList.contains("select2-hidden-accessible")) {
      var box = element.nextElementSibling;
      var selection = box && box.querySelector(".select2-selection");
      if (selection) return selection;
    }
    var candidates = element.matches(FOCUSABLE)
      ? [element]
      : Array.prototype.slice.call(element.querySelectorAll(FOCUSABLE));
    for (var i = 0; i < candidates.length; i++) {
      if (!candidates[i].disabled && shown(candidates[i])) return candidates[i];
    }
    return null;
  }

  // The first invalid field in ``root``'s descendants, and ``root`` itself
  // when ``withRoot``: an innerHTML swap's target is not new content.
  function firstInvalid(root, withRoot) {
    var marked = Array.prototype.slice.call(root.querySelectorAll(INVALID));
    if (withRoot && root.matches(INVALID)) marked.unshift(root);
    for (var i = 0; i < marked.length; i++) {
      var field = control(marked[i]);
      if (field) return field;
    }
    return null;
  }

  function focusRegion(element) {
    if (!element.matches(FOCUSABLE)) element.setAttribute("tabindex", "-1");
    element.focus();
  }

  var announcer = null;

  function announce(text) {
    if (!announcer || !text) return;
    // Emptied first, filled a moment later: the same words twice in a row
    // are still read out.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 100);
  }

  function statusOf(root, withRoot) {
    var found = withRoot && root.matches(STATUS) ? root : root.querySelector(STATUS);
    return found ? found.textContent.replace(/\s+/g, " ").trim() : "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The page's own, if it has one; else one made now, before anything
    // needs saying.
    announcer = document.querySelector("[data-a11y-announcer]");
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "visually-hidden";
      announcer.setAttribute("aria-live", "polite");
      announcer.setAttribute("aria-atomic", "true");
      announcer.setAttribute("data-a11y-announcer", "");
      document.body.appendChild(announcer);
    }

    var field = firstInvalid(document.body, false);
    if (field) field.focus();
  });

  // Taken when the request starts: hx-disabled-elt disables the button
  // pressed while the request runs, and a disabled element loses focus.
  var focusedBeforeRequest = null;

  document.addEventListener("htmx:beforeRequest", function () {
    focusedBeforeRequest = document.activeElement;
  });

  // What a response swaps in beside its answer (hx-swap-oob: an unread count
  // in the navigation, say) is not where the person's attention goes.
  var outOfBand = new WeakSet();

  document.addEventListener("htmx:oobAfterSwap", function (event) {
    outOfBand.add(event.target);
  });

  // Fired on each element the swap put in: the new element(s) of an outerHTML
  // swap, the target of an innerHTML one, and those swapped out of band.
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.target;
    if (!(root instanceof Element) || !root.isConnected) return;
    if (outOfBand.has(root)) return;
    var isNew = root !== event.detail.target;

    var field = firstInvalid(root, isNew);
    var active = document.activeElement;
    var before = focusedBeforeRequest;
    if (field) {
      field.focus();
    } else if (
      before &&
      before !== document.body &&
      (!active || active === document.body)
    ) {
      if (before.isConnected && !before.disabled && shown(before)) {
        before.focus(); // it is still there: it only lost focus while disabled
      } else {
        var marked = root.matches("[data-focus-after-swap]")
          ? root
          : root.querySelector("[data-focus-after-swap]");
        focusRegion(marked || root);
      }
    }
    announce(statusOf(root, isNew));
  });
})();
