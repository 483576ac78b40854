// Character counters for text with a limit: "123 / 5,000" under the control.
//
// Controls carry data-maxlength, not maxlength: at maxlength a browser stops
// typing and cuts pasted text without a word, and Cultivate never cuts what a
// person wrote. The server writes each counter (the element <id>_counter,
// named by the control's aria-describedby) and refuses text over the limit
// with a field error; this script keeps the counter current while one types.
// Screen readers hear it only when the text comes near the limit, passes it
// or comes back under it, not at every key.
(function () {
  "use strict";

  var NEAR = 0.9; // announce when this much of the limit is used
  var numbers = new Intl.NumberFormat("en-GB");

  function length(text) {
    // As the server counts: code points (an emoji is one), a line break one.
    var count = 0;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code < 0xdc00 || code > 0xdfff) count++; // skip low surrogates
    }
    return count;
  }

  function characters(n) {
    return numbers.format(n) + (n === 1 ? " character" : " characters");
  }

  function counterOf(field) {
    var counter = document.getElementById(field.id + "_counter");
    if (counter) return counter;
    // A control written without one: add it, as the server writes it.
    counter = document.createElement("div");
    counter.id = field.id + "_counter";
    counter.className = "form-text char-counter";
    counter.setAttribute("data-counter", "");
    var text = document.createElement("span");
    text.setAttribute("data-counter-text", "");
    var unit = document.createElement("span");
    unit.className = "visually-hidden";
    unit.textContent = " characters";
    counter.append(text, unit);
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute(
      "aria-describedby",
      (described ? described + " " : "") + counter.id
    );
    return counter;
  }

  function liveRegionOf(counter) {
    var live = counter.nextElementSibling;
    if (live && live.hasAttribute("data-counter-live")) return live;
    live = document.createElement("div");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    live.setAttribute("data-counter-live", "");
    counter.insertAdjacentElement("afterend", live);
    return live;
  }

  function stateOf(count, limit) {
    if (count > limit) return "over";
    return count >= NEAR * limit ? "near" : "within";
  }

  function update(field, announce) {
    var limit = parseInt(field.getAttribute("data-maxlength"), 10);
    if (!field.id || !(limit > 0)) return;
    var count = length(field.value);
    var counter = counterOf(field);
    var text = numbers.format(count) + " / " + numbers.format(limit);
    if (count > limit) text += " · " + numbers.format(count - limit) + " too many";
    counter.querySelector("[data-counter-text]").textContent = text;
    counter.classList.toggle("is-over", count > limit);

    // The live region is there, empty, before anything is said in it: some
    // screen readers ignore a region added and filled at once.
    var live = liveRegionOf(counter);
    var state = stateOf(count, limit);
    var before = field.getAttribute("data-counter-state");
    field.setAttribute("data-counter-state", state);
    if (!announce || state === before) return;
    var message = "";
    if (state === "over") {
      message =
        characters(count - limit) +
        " over the limit of " +
        numbers.format(limit) +
        ".";
    } else if (state === "near") {
      message = characters(limit - count) + " left.";
    } else if (before === "over" || before === "near") {
      message = "Within the limit.";
    }
    live.textContent = message;
  }

  function attach(root) {
    // Counters in new content (the page, or what htmx swapped in): the
    // browser may have restored a control's text since the server counted.
    var fields = root.querySelectorAll
      ? root.querySelectorAll("[data-maxlength]")
      : [];
    for (var i = 0; i < fields.length; i++) update(fields[i], false);
    if (root.matches && root.matches("[data-maxlength]")) update(root, false);
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-maxlength]")) update(field, true);
  });
  document.addEventListener("htmx:load", function (event) {
    attach(event.detail.elt);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      attach(document);
    });
  } else {
    attach(document);
  }
})();
