// Claim review screen: small enhancements on top of HTMX. The page works without this file.
(function () {
  "use strict";

  function focusTitle() {
    var heading = document.getElementById("claim-title");
    if (!heading) return;
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: false });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var preview = document.getElementById("poe-preview");
    // A preview just loaded: bring it into view.
    if (preview && detail.target && detail.target.id === "poe-preview" && preview.children.length) {
      preview.scrollIntoView({ block: "start", behavior: "smooth" });
      return;
    }
    // After an action the claim's status changed: move focus to its heading so keyboard and
    // screen-reader users continue from the result (the flash is announced by role=status).
    var trigger = detail.xhr && detail.xhr.getResponseHeader("HX-Trigger");
    if (trigger && trigger.indexOf("claimUpdated") !== -1) focusTitle();
  });
})();
