// The people picker of "Ask for feedback": a search box over the checkboxes,
// a count that names who is chosen, and a limit of ten.
//
// The server writes every checkbox, so without this script the picker is a
// plain list that posts as well. With it, the list scrolls in a box of its
// own (set here, not in the markup: the Content-Security-Policy allows no
// inline style), typing narrows it while everyone chosen stays in sight, and
// at the limit the other boxes wait until someone is let go. The count is a
// live region: a screen reader hears each change of who is chosen.
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function nameOf(box) {
    var label = box.closest("label");
    var name = label && label.querySelector("span");
    return name ? name.firstChild.textContent.trim() : box.value;
  }

  function attach(picker) {
    var max = parseInt(picker.getAttribute("data-max"), 10) || 10;
    var list = picker.querySelector("[data-picker-list]");
    var search = picker.querySelector("[data-picker-search]");
    var input = search && search.querySelector("input");
    var count = picker.querySelector("[data-picker-count]");
    var none = picker.querySelector("[data-picker-none]");
    if (!list || !count) return;
    var rows = Array.prototype.slice.call(list.querySelectorAll("label"));
    var boxes = rows.map(function (row) {
      return row.querySelector("input[type=checkbox]");
    });

    if (rows.length > 8) {
      list.style.maxHeight = "22rem";
      list.style.overflowY = "auto";
    }

    function update() {
      var chosen = boxes.filter(function (box) {
        return box.checked;
      });
      var full = chosen.length >= max;
      boxes.forEach(function (box) {
        box.disabled = full && !box.checked;
      });
      var text = chosen.length + " of " + max + " chosen";
      if (chosen.length) text += ": " + chosen.map(nameOf).join(", ");
      if (full) text += ". That is the most at once; untick someone to choose another.";
      count.textContent = text;
    }

    function filter() {
      var wanted = words(input.value);
      var shown = 0;
      rows.forEach(function (row, n) {
        var haystack = row.getAttribute("data-search") || "";
        var match =
          boxes[n].checked ||
          wanted.every(function (word) {
            return haystack.indexOf(word) !== -1;
          });
        row.hidden = !match;
        if (match) shown++;
      });
      if (none) none.hidden = shown > 0;
    }

    list.addEventListener("change", update);
    if (input) {
      search.hidden = false;
      input.addEventListener("input", filter);
      // Enter in the search box searches; it does not send the form.
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }
    update();
    // Live from now on: what changes is heard, the page's first count is not.
    count.setAttribute("aria-live", "polite");
  }

  function start() {
    document.querySelectorAll("[data-request-picker]").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
