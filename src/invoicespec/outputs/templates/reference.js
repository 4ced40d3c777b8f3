// The page's behaviour, all of it (the page loads nothing else):
// - tabs: request parts, response statuses and variants (anyOf/oneOf/if) show one panel at a time;
// - anchors: following a link to a field opens the tabs and folded fields around it, then scrolls to it;
// - the filter box: keeps the fields whose own text holds every word typed (case-insensitive), with the fields
//   around them, and opens what holds them; "?filter=words" in the address fills it; "/" focuses it;
// - print: every tab panel and folded field is shown (see the print styles) and opened while printing.
// Without script, every panel shows and the fields fold as plain <details>.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var input = document.getElementById("filter");
  var status = document.getElementById("filter-status");
  var nodes = Array.prototype.slice.call(document.querySelectorAll("details.node"));
  var fields = nodes.filter(function (node) { return node.id && node.classList.contains("field"); });

  function panelsOf(tabset) {
    return Array.prototype.filter.call(tabset.children, function (child) { return child.classList.contains("tabpanel"); });
  }
  function tabsOf(tabset) {
    return Array.prototype.slice.call(tabset.querySelector(".tabs").children);
  }
  function select(tabset, index) {
    tabsOf(tabset).forEach(function (tab, i) {
      tab.classList.toggle("active", i === index);
      tab.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    panelsOf(tabset).forEach(function (panel, i) { panel.classList.toggle("active", i === index); });
  }
  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[role=tab]");
    if (tab) {
      var tabset = tab.closest(".tabset");
      select(tabset, tabsOf(tabset).indexOf(tab));
      return;
    }
    var button = event.target.closest(".expand-all, .collapse-all");
    if (button) {
      var open = button.classList.contains("expand-all");
      button.closest(".tree").querySelectorAll("details.node").forEach(function (node) { node.open = open; });
    }
  });

  // Everything that holds the element is opened: folded fields, and tab panels (their tab selected).
  function reveal(element) {
    for (var at = element; at; at = at.parentElement) {
      if (at.tagName === "DETAILS" && at !== element) { at.open = true; }
      if (at.classList && at.classList.contains("tabpanel")) {
        var tabset = at.parentElement;
        select(tabset, panelsOf(tabset).indexOf(at));
      }
    }
  }
  function land() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    if (input.value && target.closest("[hidden]")) {  // a link to something the filter hides clears the filter
      input.value = "";
      apply();
    }
    reveal(target);
    if (target.tagName === "DETAILS") { target.open = true; }
    target.scrollIntoView({block: "start"});
  }
  window.addEventListener("hashchange", land);
  document.addEventListener("click", function (event) {  // the same link twice: no hashchange, land again
    var link = event.target.closest("a[href^='#']");
    if (link && link.getAttribute("href") === window.location.hash) { window.setTimeout(land, 0); }
  });

  var texts = nodes.map(function (node) {
    var part = node.closest("section.part");
    var operation = node.closest("section.operation");
    var own = node.querySelector(":scope > summary").textContent + " " + node.getAttribute("data-path") + " " +
      Array.prototype.map.call(node.querySelectorAll(":scope > .node-body > :not(.choice):not(.children)"),
        function (element) { return element.textContent; }).join(" ");
    return (operation.id + " " + part.getAttribute("data-part") + " " + own).toLowerCase();
  });
  var openedByFilter = [];
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    openedByFilter.forEach(function (node) { node.open = false; });
    openedByFilter = [];
    var matching = nodes.map(function (node, index) {
      return words.length > 0 && words.every(function (word) { return texts[index].indexOf(word) !== -1; });
    });
    var shown = 0;
    nodes.forEach(function (node, index) {
      if (matching[index] && node.id) { shown += 1; }
      node.hidden = false;
      node.classList.toggle("match", matching[index]);
    });
    if (words.length > 0) {
      // A field stays when it matches or holds a match; what holds a match opens.
      nodes.forEach(function (node) {
        var holds = node.querySelector("details.node.match");
        node.hidden = !node.classList.contains("match") && !holds;
        if (holds && !node.open) { node.open = true; openedByFilter.push(node); }
      });
    }
    document.querySelectorAll("section.part, section.operation").forEach(function (section) {
      section.hidden = words.length > 0 && !section.querySelector("details.node.match");
    });
    document.querySelectorAll(".tabset").forEach(function (tabset) {
      panelsOf(tabset).forEach(function (panel, i) {
        var empty = words.length > 0 && !panel.querySelector("details.node.match");
        tabsOf(tabset)[i].hidden = empty;
        panel.classList.toggle("filtered-out", empty);
      });
    });
    document.body.classList.toggle("filtering", words.length > 0);
    status.textContent = words.length ? shown + " of " + fields.length + " fields match" : fields.length + " fields";
  }
  input.addEventListener("input", apply);
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && document.activeElement !== input) {
      event.preventDefault();
      input.focus();
    }
  });

  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    openedForPrint = nodes.filter(function (node) { return !node.open; });
    openedForPrint.forEach(function (node) { node.open = true; });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (node) { node.open = false; });
    openedForPrint = [];
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
  land();
}());
