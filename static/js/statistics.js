// The statistics dashboard: switch cycles from the drop-down, and while a compile runs, show its
// progress and reload the page once it is done. Without JavaScript the page still works (the
// status shows on each load; "All cycles" lists every cycle).
(function () {
  "use strict";
  var select = document.querySelector("[data-cycle-select]");
  if (select) {
    select.addEventListener("change", function () { window.location.href = select.value; });
  }
  var box = document.querySelector(".compile-status");
  if (!box || box.dataset.active !== "1") { return; }
  var bar = box.querySelector(".progress-bar");
  var step = box.querySelector("[data-step]");
  var progress = box.querySelector("[data-progress]");
  var label = box.querySelector("[data-run-label]");
  var failures = 0;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (run) {
        failures = 0;
        progress.hidden = !run.active;
        bar.style.width = run.progress + "%";
        bar.setAttribute("aria-valuenow", run.progress);
        step.textContent = run.step || "";
        if (run.active) {
          label.textContent = run.label + (run.status === "running" ? " " + run.progress + "%" : "");
          window.setTimeout(poll, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        failures += 1;  // a slow or dropped connection: try again, more slowly
        window.setTimeout(poll, Math.min(30000, 2000 * Math.pow(2, failures)));
      });
  }
  window.setTimeout(poll, 2000);
})();
