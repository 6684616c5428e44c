// Claim review screen: small enhancements on top of HTMX. The page works without this file.
// Focus and announcements after an action are portal.js's (the swapped markup says where).
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var preview = document.getElementById("poe-preview");
    // A preview just loaded: bring it into view.
    if (preview && detail.target && detail.target.id === "poe-preview" && preview.children.length) {
      preview.scrollIntoView({ block: "start", behavior: "smooth" });
    }
  });
})();
