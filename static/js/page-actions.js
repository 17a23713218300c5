// Small page behaviours that would otherwise be inline handlers, which the Content-Security-Policy
// forbids: [data-select-on-click] selects its text when clicked (a new API token), and
// [data-print] prints the page (shown only when JavaScript runs; the browser's menu prints too).
(function () {
  "use strict";
  document.querySelectorAll("[data-select-on-click]").forEach(function (field) {
    field.addEventListener("click", function () { field.select(); });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
