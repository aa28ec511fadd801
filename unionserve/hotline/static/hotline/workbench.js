// Moved out of the page so that the Content-Security-Policy can forbid inline scripts (docs/security.md).
(function () {
  // The knowledge suggestions ask with the description as `q` (an htmx `js:` value would need eval, which
  // the Content-Security-Policy forbids).
  document.addEventListener("htmx:configRequest", function (e) {
    var from = e.target.getAttribute && e.target.getAttribute("data-query-from");
    var source = from ? document.getElementById(from) : null;
    if (source) { e.detail.parameters.q = source.value; }
  });
  // Undo of a suggested answer taken into the answer box; the messages come translated on the element.
  var undoValue = null;
  var undoBox = document.getElementById("answer-undo");
  var undoBtn = document.getElementById("answer-undo-btn");
  if (undoBtn) undoBtn.addEventListener("click", function () {
    var answer = document.getElementById("id_answer");
    if (answer && undoValue !== null) { answer.value = undoValue; answer.focus(); }
    undoValue = null;
    if (undoBox) undoBox.hidden = true;
  });
  // Copy a suggested answer into the answer box ([data-copy-to] buttons of the knowledge fragment).
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-copy-to]");
    if (!btn) return;
    e.preventDefault();
    var target = document.getElementById(btn.getAttribute("data-copy-to"));
    var source = btn.getAttribute("data-copy-text");
    if (source === null) source = btn.getAttribute("data-answer");
    if (source === null && btn.getAttribute("data-copy-from")) {
      var from = document.getElementById(btn.getAttribute("data-copy-from"));
      source = from ? from.textContent.trim() : "";
    }
    if (target && source !== null) {
      // An answer already typed is kept: the suggestion is appended, and one click undoes it.
      var before = target.value;
      target.value = before.trim() ? before.replace(/\s+$/, "") + "\n\n" + source : source;
      target.focus();
      if (undoBox && target.id === "id_answer") {
        undoValue = before;
        document.getElementById("answer-undo-text").textContent =
          before.trim() ? undoBox.getAttribute("data-appended") : undoBox.getAttribute("data-copied");
        undoBox.hidden = false;
      }
    }
    var answer = document.getElementById("id_action_0");
    if (answer && target && target.id === "id_answer") { answer.checked = true; showStep(); }
  });
  // Choosing a member from the look-up fills the hidden member field and the name.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-member-id]");
    if (!btn) return;
    e.preventDefault();
    var field = document.getElementById("id_member");
    field.value = btn.getAttribute("data-member-id");
    var name = document.getElementById("id_caller_name");
    if (name && !name.value) name.value = btn.getAttribute("data-member-name");
    var chosen = document.getElementById("chosen-member");
    chosen.textContent = btn.getAttribute("data-member-label");
    chosen.classList.remove("d-none");
    field.dispatchEvent(new Event("change", {bubbles: true}));
    document.getElementById("id_kind_0").focus();
  });
  // Show only the inputs of the chosen next step.
  function showStep() {
    var checked = document.querySelector("input[name=action]:checked");
    var value = checked ? checked.value : "answer";
    document.querySelectorAll("[data-step]").forEach(function (el) {
      el.hidden = el.getAttribute("data-step") !== value;
    });
  }
  document.querySelectorAll("input[name=action]").forEach(function (r) { r.addEventListener("change", showStep); });
  // Choosing "affair" moves the next step to dispatch; "consultation" back to answer.
  document.querySelectorAll("input[name=kind]").forEach(function (r) {
    r.addEventListener("change", function () {
      var target = document.querySelector("input[name=action][value=" + (r.value === "affair" ? "dispatch" : "answer") + "]");
      if (target) { target.checked = true; showStep(); }
    });
  });
  showStep();
})();
