// Behaviour of the page frame, kept out of the HTML so that the Content-Security-Policy forbids inline script
// and event-handler attributes (docs/security.md).
(function () {
  // A <select data-submit-on-change> submits its form when changed (the language switch).
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("select[data-submit-on-change]") && el.form) { el.form.submit(); }
  });
})();
