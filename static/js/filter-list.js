// Narrow a list as the visitor types (the same search also works without JavaScript,
// by submitting the form). An input with data-filter-list="ID" filters the <li data-name>
// items of the list with that id; the element #dept-count says how many are left.
(function () {
  "use strict";
  document.querySelectorAll("input[data-filter-list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-filter-list"));
    var count = document.getElementById("dept-count");
    if (!list) { return; }
    var template = count ? count.getAttribute("data-template") : null;
    input.addEventListener("input", function () {
      var needle = input.value.trim();
      var shown = 0;
      list.querySelectorAll("li[data-name]").forEach(function (item) {
        var match = !needle || item.getAttribute("data-name").indexOf(needle) !== -1;
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      if (count && template) { count.textContent = template.replace("%d", String(shown)); }
    });
  });
}());
