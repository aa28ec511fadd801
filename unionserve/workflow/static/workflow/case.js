// Moved out of the page so that the Content-Security-Policy can forbid inline scripts (docs/security.md).
// After a refused action, put the keyboard and the screen reader on the first thing to fix.
(function () {
  var form = document.querySelector("form[data-failed-action]");
  if (!form) { return; }
  var target = form.querySelector("[aria-invalid='true'], .is-invalid, .alert-danger");
  if (!target) { return; }
  if (!target.matches("input, select, textarea, button")) { target.setAttribute("tabindex", "-1"); }
  target.focus();
  target.scrollIntoView({block: "center"});
})();
