// CPOR Portal, partner claim form and claim page: small enhancements. Everything works without
// this file (the server re-renders the form; HTMX adds the live checks).
(function () {
  "use strict";

  // Bring the error summary into view and focus, so keyboard and screen-reader users hear it.
  // On the claim page, an action form that came back with errors is opened: the same order as
  // after an HTMX swap (portal.js): its error summary or form error ([role=alert], a form of
  // several fields), else its field in error (a refused file comes after the answer's text),
  // else its first field.
  function focusErrors() {
    var summary = document.getElementById("form-errors");
    if (summary) {
      summary.focus();
      return;
    }
    var failed = document.querySelector("details[open] .field-error, .action-card .field-error, .action-card .form-error");
    if (failed) {
      var box = failed.closest("form") || failed;
      box.scrollIntoView({block: "center"});
      var target = box.querySelector("[role=alert]") || box.querySelector("[aria-invalid=true]") ||
        box.querySelector("textarea, input:not([type=hidden])");
      if (target) {
        if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) target.setAttribute("tabindex", "-1");
        target.focus({preventScroll: true});
      }
    }
  }

  // One submission per form: a double click on "Submit claim" must not file two drafts.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-claim-form]")) {
      return;
    }
    if (form.getAttribute("data-submitting") === "1") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "1");
    // Let the browser go back to the page (bfcache) with the form usable again.
    window.setTimeout(function () { form.removeAttribute("data-submitting"); }, 15000);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
    });
  });

  // After HTMX swaps the dependent fields, clear the subscription check that no longer applies.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "dependent-fields") {
      var mpnCheck = document.getElementById("mpn-check");
      if (mpnCheck) {
        mpnCheck.textContent = "";
      }
    }
  });

  // A saved draft submitted from its page that came back refused renders the form at the
  // submit address, posting to the draft's edit address. Show that address, so that reloading
  // the page opens the draft instead of posting again.
  function showDraftAddress() {
    var form = document.querySelector("form[data-claim-form][action]");
    if (!form || !window.history || !window.history.replaceState) return;
    var action = new URL(form.getAttribute("action"), window.location.href);
    if (action.origin === window.location.origin && action.pathname !== window.location.pathname &&
        /\/edit\/$/.test(action.pathname)) {
      window.history.replaceState(null, "", action.pathname);
      // The language switcher returns to the draft too.
      document.querySelectorAll(".lang-form input[name=next]").forEach(function (input) {
        input.value = action.pathname;
      });
    }
  }

  showDraftAddress();

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrors);
  } else {
    focusErrors();
  }
})();
