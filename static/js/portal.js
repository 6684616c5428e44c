// CPOR Portal: small progressive enhancements. Pages work without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

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

  // The PoE template link of the claim form carries what the form says now (the partner,
  // customer and products typed so far), so the template comes prefilled; without this the
  // link gives the saved claim's template, or one with blanks (partner_portal/poe_template.py).
  var TEMPLATE_FIELDS = ["mpn", "customer_tenant_id", "customer_domain", "solution_area", "activity", "products"];
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-poe-template]");
    var form = link && link.closest("form");
    if (!form) return;
    var data = new FormData(form);
    var query = new URLSearchParams();
    TEMPLATE_FIELDS.forEach(function (name) {
      data.getAll(name).forEach(function (value) {
        if (typeof value === "string" && value) query.append(name, value);
      });
    });
    link.href = link.getAttribute("data-poe-template") + "?" + query.toString();
  });

  // --- Focus and live messages after HTMX (docs/architecture.md) ---------------------------
  // One place for every page: the swapped markup says where focus goes and what to announce.
  //   focus, only when the swap took it away (the focused element was replaced): the first
  //     [role=alert] (a refused form's error summary, or its error that belongs to no field),
  //     else the first [aria-invalid=true] field, else the first [data-focus], else the new
  //     region's first heading, else the region itself;
  //   announce: the HX-Trigger header's "announce" text, else the first [data-announce] of the
  //     swapped markup, said by the one polite live region of base.html (#live-message).

  var live = null;
  var announceTimer = null;

  function say(text) {
    live = live || document.getElementById("live-message");
    if (!live || !text) return;
    // Empty first, then the text: the same message twice in a row is announced twice.
    live.textContent = "";
    window.clearTimeout(announceTimer);
    announceTimer = window.setTimeout(function () { live.textContent = text; }, 100);
  }

  function focusable(el) {
    return el.matches("a[href], button, input, select, textarea, summary, [tabindex]") && !el.disabled;
  }

  function focusOn(el) {
    if (!focusable(el)) el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest" });
  }

  function visible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  // The first element matching ``selector`` in the swapped regions, in document order.
  function first(regions, selector, onlyVisible) {
    var found = null;
    regions.forEach(function (region) {
      var candidates = region.matches(selector) ? [region] : [];
      candidates = candidates.concat(Array.prototype.slice.call(region.querySelectorAll(selector)));
      candidates.forEach(function (el) {
        if (onlyVisible && !visible(el)) return;
        if (!found || (found.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING)) found = el;
      });
    });
    return found;
  }

  function headerAnnouncement(xhr) {
    var header = xhr && xhr.getResponseHeader("HX-Trigger");
    if (!header || header.charAt(0) !== "{") return "";
    try {
      var value = JSON.parse(header).announce;
      return typeof value === "string" ? value : "";
    } catch (error) {
      return "";
    }
  }

  // The responses being swapped (by request): what had focus before, the regions they settled.
  var swaps = new Map();

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.shouldSwap === false) return;
    swaps.set(detail.xhr, { active: document.activeElement, xhr: detail.xhr, target: detail.target, regions: [] });
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var done = event.detail && swaps.get(event.detail.xhr);
    if (!done) return;
    if (event.target && event.target.isConnected) done.regions.push(event.target);
    // htmx settles the target and each out-of-band region in one loop: act once, after it.
    if (done.scheduled) return;
    done.scheduled = true;
    window.setTimeout(function () {
      swaps.delete(done.xhr);
      afterSwap(done);
    }, 0);
  });

  function afterSwap(done) {
    var regions = done.regions;
    if (!regions.length) return;
    var before = done.active;
    var now = document.activeElement;
    var lost = before && before !== document.body && !before.isConnected && (!now || now === document.body);
    if (lost) {
      var target = first(regions, "[role=alert]", true) || first(regions, "[aria-invalid=true]", true) ||
        first(regions, "[data-focus]", true);
      if (!target) {
        var region = regions.filter(function (r) { return r === done.target || (r.id && r.id === done.target.id); })[0];
        region = region || regions[0];
        target = region.querySelector("h1, h2, h3") || region;
      }
      focusOn(target);
    }
    var announced = first(regions, "[data-announce]", false);
    say(headerAnnouncement(done.xhr) || (announced && announced.getAttribute("data-announce")));
  }

  // A page drawn after a form's redirect: its flash message (base.html, data-focus-on-load)
  // takes the focus, unless a page script already put it somewhere (an error summary).
  // Runs after the page's own deferred scripts (DOMContentLoaded follows them).
  function focusOnLoad() {
    var el = document.querySelector("[data-focus-on-load]");
    var free = !document.activeElement || document.activeElement === document.body;
    if (el && free && !document.querySelector("[autofocus]")) focusOn(el);
  }

  if (document.readyState === "complete") {
    focusOnLoad();
  } else {
    document.addEventListener("DOMContentLoaded", focusOnLoad);
  }
})();
