// Every page: after a refused submit, gather the form's errors at its top, with a link to
// each field, and move focus there so keyboard and screen-reader users start from the list.
// Without JavaScript the errors still stand beside each field (aria-invalid, aria-describedby).
(function () {
  "use strict";

  function labelFor(control) {
    if (control.id) {
      var label = document.querySelector("label[for='" + control.id + "']");
      if (label) { return label.textContent.replace(/（[^）]*）/g, "").trim(); }
    }
    var legend = control.closest("fieldset") && control.closest("fieldset").querySelector("legend");
    return legend ? legend.textContent.trim() : "";
  }

  function summarise(form) {
    var invalid = form.querySelectorAll("[aria-invalid='true']");
    if (!invalid.length || form.querySelector(".error-summary")) { return null; }
    var box = document.createElement("div");
    box.className = "error-summary";
    box.setAttribute("role", "alert");
    box.setAttribute("tabindex", "-1");
    var heading = document.createElement("h2");
    heading.textContent = document.documentElement.lang === "en" ? "Please correct the following:" : "请修改以下问题：";
    box.appendChild(heading);
    var list = document.createElement("ul");
    invalid.forEach(function (control) {
      var errorId = (control.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return /-error$/.test(id);
      })[0];
      var error = errorId && document.getElementById(errorId);
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + control.id;
      var label = labelFor(control);
      var message = error ? error.textContent.replace(/^(错误：|Error: ?)/, "").trim() : "";
      link.textContent = label && message ? label + "：" + message : (message || label);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        control.focus();
      });
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(list);
    form.insertBefore(box, form.firstChild);
    return box;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector("[data-autofocus]");
    document.querySelectorAll("form").forEach(function (form) {
      var box = summarise(form);
      if (box && !first) { first = box; }
    });
    if (first) { first.focus(); }
  });
}());
