// The filter box: hides the field rows that do not contain every word typed (case-insensitive), the parts and
// operations left without a row, and (through the "filtering" class) everything but headings and field tables.
// "?filter=words" in the page's address fills the box when the page opens; "/" moves the focus to the box.
(function () {
  "use strict";
  var input = document.getElementById("filter");
  var status = document.getElementById("filter-status");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.field"));
  var parts = Array.prototype.slice.call(document.querySelectorAll("section.part"));
  var operations = Array.prototype.slice.call(document.querySelectorAll("section.operation"));
  var texts = rows.map(function (row) {
    var part = row.closest("section.part");
    var operation = row.closest("section.operation");
    return (operation.id + " " + part.getAttribute("data-part") + " " + row.textContent).toLowerCase();
  });
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, index) {
      var hit = words.every(function (word) { return texts[index].indexOf(word) !== -1; });
      row.hidden = !hit;
      if (hit) { shown += 1; }
    });
    parts.forEach(function (part) {
      part.hidden = words.length > 0 && !part.querySelector("tr.field:not([hidden])");
    });
    operations.forEach(function (operation) {
      operation.hidden = words.length > 0 && !operation.querySelector("tr.field:not([hidden])");
    });
    document.body.classList.toggle("filtering", words.length > 0);
    status.textContent = words.length ? shown + " of " + rows.length + " fields match" : rows.length + " fields";
  }
  input.addEventListener("input", apply);
  // A link to something the filter hides clears the filter, so that the link always leads somewhere.
  window.addEventListener("hashchange", function () {
    var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target && input.value && target.getClientRects().length === 0) {  // not displayed while filtering
      input.value = "";
      apply();
      target.scrollIntoView();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && document.activeElement !== input) {
      event.preventDefault();
      input.focus();
    }
  });
  var match = /[?&]filter=([^&#]*)/.exec(window.location.search);
  if (match) {
    try {
      input.value = decodeURIComponent(match[1].replace(/\+/g, " "));
    } catch (error) {
      input.value = match[1];  // not valid percent-encoding: taken as written
    }
  }
  apply();
}());
