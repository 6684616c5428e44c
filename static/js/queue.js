// Review queue keyboard: j / k move through the rows, Enter opens the current claim,
// x ticks its checkbox, / focuses the customer search. The keys act only when focus is on no
// form control or button (a link, a row or the page), and only while the reviewer has them on
// (the queue page says so in data-queue-shortcuts; accounts.views.keyboard_shortcuts saves it).
(function () {
  "use strict";

  var current = -1;

  function enabled() {
    var legend = document.querySelector("[data-queue-shortcuts]");
    return !!legend && legend.getAttribute("data-queue-shortcuts") === "on";
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue-table tbody tr[data-href]"));
  }

  // A text field: Escape leaves it.
  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea" || target.isContentEditable) return true;
    if (tag !== "input") return false;
    var type = (target.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset", "file", "range", "color"].indexOf(type) === -1;
  }

  // Any form control or button (a checkbox, a select, the bulk button, a <summary>): its keys are its own.
  function onControl(target) {
    return !!(target && target.closest && target.closest("input, select, textarea, button, summary, [contenteditable], [role=button]"));
  }

  function select(index) {
    var all = rows();
    if (!all.length) return;
    index = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) {
      var on = i === index;
      row.classList.toggle("is-current", on);
      row.setAttribute("aria-selected", on ? "true" : "false");
    });
    current = index;
    var row = all[index];
    row.scrollIntoView({ block: "nearest" });
    var link = row.querySelector("a.row-link");
    if (link) link.focus({ preventScroll: true });
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || !enabled()) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    if (onControl(event.target)) return;
    var all = rows();
    if (event.key === "/") {
      var search = document.querySelector("#queue-filters [name=q]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    } else if (event.key === "j") {
      event.preventDefault();
      select(current < 0 ? 0 : current + 1);
    } else if (event.key === "k") {
      event.preventDefault();
      select(current < 0 ? 0 : current - 1);
    } else if (event.key === "Enter" && current >= 0 && all[current]) {
      // A focused link or button handles Enter itself.
      if (event.target.closest && event.target.closest("a, button")) return;
      event.preventDefault();
      window.location.assign(all[current].getAttribute("data-href"));
    } else if (event.key === "x" && current >= 0 && all[current]) {
      var box = all[current].querySelector("input[type=checkbox]");
      if (box) {
        event.preventDefault();
        box.checked = !box.checked;
      }
    }
  });

  // Clicking a row (outside its links and checkbox) makes it current.
  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("#queue-table tbody tr[data-href]");
    if (!row || event.target.closest("a, input, button, label")) return;
    select(rows().indexOf(row));
  });

  // New results (filters, next page, bulk action): start again from the top.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "queue-results") current = -1;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!document.getElementById("queue-results")) return;
    if (current >= 0 && !rows()[current]) current = -1;
  });
})();
