// Arbitration case screen: small enhancements on top of HTMX. The page works without this file.
(function () {
  "use strict";

  // "Ask only this partner": open the request form with only that claim ticked (without
  // JavaScript the link reloads the page with ?ask=<claim> and the same result).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-ask]");
    if (!link) return;
    var details = document.getElementById("request-info");
    if (!details) return;
    event.preventDefault();
    var pk = link.getAttribute("data-ask");
    details.querySelectorAll("input[data-ask-box]").forEach(function (box) {
      box.checked = box.value === pk;
    });
    details.open = true;
    details.scrollIntoView({ block: "start", behavior: "smooth" });
    var message = document.getElementById("id_info-message");
    if (message) message.focus({ preventScroll: true });
  });

  // A preview just loaded in a column: bring it into view.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.elt;
    if (target && target.id && target.id.indexOf("preview-") === 0 && target.children.length) {
      target.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  });

  // After an action the updated case heading carries data-focus: portal.js moves focus there.
})();
