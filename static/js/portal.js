// CPOR Portal: small progressive enhancements. Pages work without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Submit a form when a select marked data-autosubmit changes (language switcher).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });

  // Buttons with data-confirm ask first (no inline JS: CSP forbids it). A form with an empty
  // field the server requires (data-required) is sent without asking: its error comes back
  // first, and the question is asked once the form can really be applied.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm]");
    if (!button) return;
    var form = button.form;
    var missing = form && Array.prototype.some.call(form.querySelectorAll("[data-required]"), function (field) {
      return !field.value.trim();
    });
    if (!missing && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
