// The summary report editor: as staff type a paragraph, show it as it will print (generated
// wording filled from the statistics), without saving. Without JavaScript, Save shows the result.
(function () {
  "use strict";
  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  document.querySelectorAll("form[data-preview-url]").forEach(function (form) {
    var area = form.querySelector("[data-live-preview]");
    var box = form.parentElement.querySelector("[data-preview]");
    var problems = form.parentElement.querySelector("[data-problems]");
    var timer = null;
    if (!area || !box) { return; }
    area.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var body = new URLSearchParams();
        body.set("text", area.value);
        fetch(form.dataset.previewUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrf(form), "Content-Type": "application/x-www-form-urlencoded" },
          body: body.toString()
        }).then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        }).then(function (result) {
          box.innerHTML = result.html;  // built by the server from escaped text
          problems.textContent = "";
          result.problems.forEach(function (problem) {
            var item = document.createElement("li");
            item.textContent = problem;
            problems.appendChild(item);
          });
        }).catch(function () { /* offline: the saved version stays shown */ });
      }, 400);
    });
  });
})();
