// One click copies a suggested answer into the answer box: <button data-copy-to="id_answer" data-answer="...">.
// The hotline workbench has its own delegated handler; this one serves the knowledge-base pages and stays out
// of the way where another handler is installed (window.unionserveCopyTo).
(function () {
  if (window.unionserveCopyTo) { return; }
  window.unionserveCopyTo = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-to]");
    if (!button) { return; }
    var target = document.getElementById(button.getAttribute("data-copy-to"));
    if (!target) { return; }
    target.value = button.getAttribute("data-answer") || "";
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.focus();
    var status = document.getElementById("copy-status");
    if (status) { status.textContent = status.getAttribute("data-done") || ""; }
  });
})();
