/* The report form: autosave per question, follow-ups that appear with their parent's answer,
   table rows added and removed in place, files uploaded as soon as they are chosen.
   Without this script the form still works: Save posts the whole section. */
(function () {
  "use strict";
  var form = document.querySelector("form.report-form");
  if (!form) return;
  var autosaveUrl = form.dataset.autosaveUrl;
  var uploadUrlTemplate = form.dataset.uploadUrlTemplate;
  var statusBox = form.querySelector("[data-save-status]");
  // The words this script shows, in the interface's language: a JSON block the page carries
  // (reports/views/focal.py script_strings); English if it is missing.
  var words = {
    saving: "Saving…", saved: "Saved", allSaved: "All changes saved.",
    notSavedYet: "Not saved yet…", notSaved: "Not saved",
    notSavedQuestions: "Not saved: question %(codes)s. See the message at the question.",
    signedOutShort: "Not saved: you are signed out",
    signedOut: "You are signed out, so nothing can be saved. Sign in again in another tab; " +
      "this page keeps your changes and saves them once you are back.",
    retrying: "Connection lost; trying again…",
    offline: "Offline: your changes are kept on this page and will be saved when the connection returns.",
    conflict: "A colleague saved a different answer while you were editing.",
    theirAnswer: "Their answer:", yoursKept: "Your answer is still in the form.",
    keepMine: "Keep mine", useTheirs: "Use theirs", chooseAnswer: "Not saved: choose an answer",
    theirsKept: "Their answer is kept", uploading: "Uploading %(name)s…", attached: "File attached",
    uploadFailed: "The upload did not get through; check the connection and try again."
  };
  var catalogue = document.getElementById("report-form-strings");
  if (catalogue) {
    try {
      var given = JSON.parse(catalogue.textContent);
      Object.keys(given).forEach(function (key) { words[key] = given[key]; });
    } catch (ignored) { /* keep the English words */ }
  }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }
  var pageCsrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  // Signing in again (in another tab, after the session ended) renews the CSRF cookie: read it
  // at each request so the kept changes can then be saved; the page's token is the fallback.
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : pageCsrf;
  }
  var DELAY = 800, RETRY = 5000;
  var timers = {}, inFlight = {}, again = {}, failing = {}, retrying = {};

  function setStatus(text, kind) {
    if (!statusBox) return;
    statusBox.textContent = text;
    statusBox.className = "save-status " + (kind || "");
  }
  function qStatus(block, text, kind) {
    var box = block.querySelector("[data-q-status]");
    if (box) { box.textContent = text; box.className = "q-status " + (kind || ""); }
  }
  function pendingCount() {
    return Object.keys(timers).length + Object.keys(inFlight).length +
      Object.keys(retrying).length + Object.keys(failing).length;
  }
  function refreshGlobal() {
    var failures = Object.keys(failing);
    if (failures.length) {
      setStatus(fill(words.notSavedQuestions, { codes: failures.join(", ") }), "error");
    } else if (pendingCount()) {
      setStatus(words.saving, "saving");
    } else {
      setStatus(words.allSaved, "saved");
    }
  }

  function blockOf(element) { return element.closest("fieldset.question"); }

  function fieldsOf(block) {
    var code = block.dataset.code, data = new FormData();
    data.append("question", code);
    var prefix = "q-" + code;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) return;
      if (el.name === "v-" + code) { data.append(el.name, el.value); return; }
      if (el.name !== prefix && el.name.indexOf(prefix + "-") !== 0) return;
      if (el.type === "file") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data.append(el.name, el.value);
    });
    return data;
  }

  function schedule(block) {
    var code = block.dataset.code;
    if (block.dataset.type === "file") return;
    clearTimeout(timers[code]);
    timers[code] = setTimeout(function () { delete timers[code]; save(block); }, DELAY);
    qStatus(block, words.notSavedYet, "saving");
    refreshGlobal();
  }

  function save(block) {
    var code = block.dataset.code;
    if (inFlight[code]) { again[code] = true; return; }
    inFlight[code] = true;
    refreshGlobal();
    var body = fieldsOf(block);
    fetch(autosaveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("application/json") !== 0) {
        // The sign-in page or an error page instead of an answer: the session has ended.
        throw { signedOut: true };
      }
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    }).then(function (result) {
      delete inFlight[code];
      delete retrying[code];
      var json = result.json;
      clearError(block);
      if (json.status === "saved") {
        delete failing[code];
        block.querySelector("[data-version]").value = json.version;
        block.querySelector("[data-original]").value = json.original;
        var mark = block.querySelector("[data-prefilled]");
        if (mark) mark.remove();
        qStatus(block, words.saved, "saved");
        showProgress(json);
      } else if (json.status === "conflict") {
        failing[code] = code;
        showConflict(block, json);
      } else {
        failing[code] = code;
        showError(block, json.message || words.notSaved);
      }
      if (again[code]) { delete again[code]; save(block); }
      refreshGlobal();
    }).catch(function (problem) {
      // Slow or broken connection, or signed out: keep the change on the page and try again.
      delete inFlight[code];
      retrying[code] = true;
      if (problem && problem.signedOut) {
        qStatus(block, words.signedOutShort, "error");
        setStatus(words.signedOut, "error");
      } else {
        qStatus(block, words.retrying, "error");
        setStatus(words.offline, "error");
      }
      setTimeout(function () { save(block); }, RETRY);
    });
  }

  function showProgress(json) {
    if (!json.progress) return;
    Object.keys(json.progress).forEach(function (code) {
      var counts = json.progress[code];
      var badge = document.querySelector("[data-section-progress='" + code + "']");
      if (!badge) return;
      badge.textContent = counts[0] + "/" + counts[1];
      badge.closest("li").classList.toggle("complete", counts[0] === counts[1]);
    });
    var head = document.querySelector("[data-head-progress]");
    if (head) head.textContent = json.answered_required;
  }

  function clearError(block) {
    block.classList.remove("has-error");
    var error = block.querySelector(".field-error");
    if (error) error.remove();
  }
  function showError(block, message) {
    block.classList.add("has-error");
    var p = document.createElement("p");
    p.className = "field-error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    block.querySelector(".answer").before(p);
    qStatus(block, words.notSaved, "error");
  }
  function showConflict(block, json) {
    var old = block.querySelector(".conflict");
    if (old) old.remove();
    var box = document.createElement("div");
    box.className = "conflict";
    box.setAttribute("role", "alert");
    box.innerHTML = "<p><strong data-headline></strong></p>" +
      "<p><span data-their-label></span> <span data-theirs></span></p><p data-yours></p>" +
      "<p class='inline-actions'><button type='button' data-keep-mine></button> " +
      "<button type='button' data-use-theirs></button></p>";
    // Words and the colleague's answer go in as text, never as markup.
    box.querySelector("[data-headline]").textContent = words.conflict;
    box.querySelector("[data-their-label]").textContent = words.theirAnswer;
    box.querySelector("[data-theirs]").textContent = json.theirs;
    box.querySelector("[data-yours]").textContent = words.yoursKept;
    box.querySelector("[data-keep-mine]").textContent = words.keepMine;
    box.querySelector("[data-use-theirs]").textContent = words.useTheirs;
    block.classList.add("has-conflict");
    block.querySelector(".answer").before(box);
    qStatus(block, words.chooseAnswer, "error");
    box.querySelector("[data-keep-mine]").addEventListener("click", function () {
      block.querySelector("[data-version]").value = json.version;
      block.querySelector("[data-original]").value = json.original;
      box.remove();
      block.classList.remove("has-conflict");
      save(block);
    });
    box.querySelector("[data-use-theirs]").addEventListener("click", function () {
      var holder = document.createElement("div");
      holder.innerHTML = json.current_html;
      var fresh = holder.querySelector("fieldset.question");
      fresh.hidden = block.hidden;
      block.replaceWith(fresh);
      delete failing[block.dataset.code];
      qStatus(fresh, words.theirsKept, "saved");
      refreshGlobal();
      updateFollowUps();
    });
  }

  /* Follow-ups: shown when the parent's answer is one of data-show-values. */
  function answerOf(code) {
    var chosen = [];
    Array.prototype.forEach.call(form.querySelectorAll("[name='q-" + code + "']"), function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && el.checked && el.value) chosen.push(el.value);
    });
    return chosen;
  }
  function updateFollowUps() {
    form.querySelectorAll("fieldset.question[data-show-if]").forEach(function (block) {
      var parent = form.querySelector("fieldset.question[data-code='" + block.dataset.showIf + "']");
      if (!parent) return;  // the parent is in another section: the server decided
      var wanted = block.dataset.showValues.split(" ");
      var shown = !parent.hidden && answerOf(block.dataset.showIf).some(function (v) { return wanted.indexOf(v) >= 0; });
      block.hidden = !shown;
    });
  }

  /* Tables */
  function addRow(block) {
    var body = block.querySelector("[data-rows]"), count = block.querySelector("[data-row-count]");
    var index = parseInt(count.value, 10) || 0;
    var html = block.querySelector("template[data-row-template]").innerHTML.split("__row__").join(String(index));
    body.insertAdjacentHTML("beforeend", html);
    count.value = index + 1;
    var first = body.lastElementChild.querySelector("input, select");
    if (first) first.focus();
  }

  function upload(block, input) {
    if (!input.files.length) return;
    var data = new FormData();
    data.append("file", input.files[0]);
    qStatus(block, fill(words.uploading, { name: input.files[0].name }), "saving");
    fetch(uploadUrlTemplate.replace("__code__", encodeURIComponent(block.dataset.code)), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) { return response.json(); }).then(function (json) {
      clearError(block);
      if (json.status === "saved") {
        var holder = document.createElement("div");
        holder.innerHTML = json.html;
        var fresh = holder.querySelector("fieldset.question");
        block.replaceWith(fresh);
        qStatus(fresh, words.attached, "saved");
      } else {
        showError(block, json.message);
        input.value = "";
      }
    }).catch(function () {
      showError(block, words.uploadFailed);
    });
  }

  form.addEventListener("input", function (event) {
    if (event.target.form !== form) return;  // e.g. a reply to a comment: its own form
    var block = blockOf(event.target);
    if (block && event.target.type !== "file") schedule(block);
  });
  form.addEventListener("change", function (event) {
    if (event.target.form !== form) return;
    var block = blockOf(event.target);
    if (!block) return;
    if (event.target.type === "file") { upload(block, event.target); return; }
    if (event.target.name && event.target.name.slice(-7) === "-DELETE") {
      var row = event.target.closest("tr");
      if (row) row.classList.toggle("removed", event.target.checked);
    }
    updateFollowUps();
    schedule(block);
  });
  form.addEventListener("click", function (event) {
    var block = blockOf(event.target);
    if (!block) return;
    if (event.target.matches("[data-add-row]")) { event.preventDefault(); addRow(block); }
    if (event.target.matches("[data-remove-row]")) {
      event.preventDefault();
      var row = event.target.closest("tr");
      row.querySelectorAll("input, select").forEach(function (el) { el.value = ""; });
      row.hidden = true;
      schedule(block);
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (pendingCount()) { event.preventDefault(); event.returnValue = ""; }
  });
  updateFollowUps();
})();
