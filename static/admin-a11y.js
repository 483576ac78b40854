// The admin's own widgets, named for assistive technology.
//
// Django's admin draws some widgets in the browser, after the page loads, and
// draws them without names a screen reader can read:
// - an autocomplete box (select2) is a combobox named only by its current
//   value, so an empty one has no name at all: it gets its field's label;
// - a multiple one lists its choices in a <ul> that also holds the "clear"
//   cross, a <span>: the list is said to be a list, so the cross is allowed;
// - the filter boxes of a two-column picker (groups, permissions) carry an
//   icon with an aria-label but no role, which the label is not allowed on.
// They are drawn on load and again for each inline row added, so every
// element added to the page is looked at.
(function () {
  "use strict";

  // The id of an element whose text names ``select``: its <label>, or, in a
  // tabular inline where the column header is the only label, a hidden
  // element holding the select's aria-label.
  function labelId(select) {
    if (!select.id) return null;
    var label = document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    if (label) {
      if (!label.id) label.id = select.id + "-label";
      return label.id;
    }
    var name = select.getAttribute("aria-label");
    if (!name) return null;
    var id = select.id + "-name";
    if (!document.getElementById(id)) {
      var hidden = document.createElement("span");
      hidden.id = id;
      hidden.hidden = true;
      hidden.textContent = name;
      select.parentNode.insertBefore(hidden, select);
    }
    return id;
  }

  function nameAutocomplete(container) {
    var select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    var id = labelId(select);
    if (!id) return;
    var combobox = container.querySelector(".select2-selection[role=combobox]");
    var rendered = container.querySelector(".select2-selection__rendered");
    if (!combobox || !rendered) return;
    // Focus put on the select (autofocus, or the first field in error) goes
    // to the box that stands in for it.
    if (document.activeElement === select) combobox.focus();
    if (combobox.classList.contains("select2-selection--single")) {
      // Its name: the label, then the value shown.
      combobox.setAttribute("aria-labelledby", id + " " + rendered.id);
      rendered.setAttribute("aria-labelledby", id);
    } else {
      combobox.setAttribute("aria-labelledby", id);
      rendered.setAttribute("role", "list");
      var search = container.querySelector(".select2-search__field");
      if (search) search.setAttribute("aria-labelledby", id);
    }
  }

  function fix(root) {
    if (!(root instanceof Element)) return;
    var containers = root.matches(".select2-container")
      ? [root]
      : root.querySelectorAll(".select2-container");
    Array.prototype.forEach.call(containers, nameAutocomplete);
    var icons = root.querySelectorAll("span.help-tooltip[aria-label]:not([role])");
    Array.prototype.forEach.call(icons, function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      Array.prototype.forEach.call(mutation.addedNodes, fix);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  document.addEventListener("DOMContentLoaded", function () {
    fix(document.body);
  });
})();
