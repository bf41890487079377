// kzuz site: sorting and filtering on top of pages that are complete without it.
// Every page lists all its rows in HTML; this file only hides, shows and reorders them.
// It never writes HTML from data (only textContent and attributes), and loads nothing.
"use strict";

(function () {
  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  // After a form's reset event the fields still hold their old values: act on the next tick.
  function onReset(form, apply) {
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }

  // Tables: a search box, a choice per categorical column, sorting by any column.
  function tableFilters(form) {
    var table = document.getElementById(form.getAttribute("data-rows"));
    if (!table) { return; }
    var body = table.tBodies[0];
    var rows = all("tr", body);
    var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
    var selects = all("select", form);
    var output = form.querySelector("output");

    function apply() {
      var words = form.elements.search.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, index) {
        var visible = words.every(function (word) { return texts[index].indexOf(word) !== -1; }) &&
          selects.every(function (select) {
            var cell = row.cells[Number(select.getAttribute("data-column"))];
            return !select.value || (cell && cell.textContent === select.value);
          });
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      output.value = shown + " of " + plural(rows.length, "row") + " shown";
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    onReset(form, apply);
    form.hidden = false;
    apply();
    sorting(table, rows);
    revealTarget(form, rows, apply);
  }

  // A link to a row that a filter hides clears the filters, so the row is there to see.
  function revealTarget(form, rows, apply) {
    function reveal() {
      var id = decodeURIComponent(window.location.hash.slice(1));
      var target = id && document.getElementById(id);
      if (target && rows.indexOf(target) !== -1 && target.hidden) {
        form.reset();
        window.setTimeout(function () { apply(); target.scrollIntoView(); }, 0);
      }
    }
    window.addEventListener("hashchange", reveal);
    reveal();
  }

  function sorting(table, rows) {
    var heads = all("thead th", table);
    heads.forEach(function (head, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = head.textContent;
      head.textContent = "";
      head.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = head.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = ["integer", "number", "year"].indexOf(head.getAttribute("data-type")) !== -1;
        sortRows(table.tBodies[0], rows, column, numeric, ascending);
      });
    });
  }

  function sortRows(body, rows, column, numeric, ascending) {
    var keyed = rows.map(function (row, index) {
      var text = row.cells[column] ? row.cells[column].textContent : "";
      return { row: row, index: index, empty: text === "", key: numeric ? Number(text) : text };
    });
    keyed.sort(function (a, b) {
      if (a.empty !== b.empty) { return a.empty ? 1 : -1; }  // empty cells last, either way
      var order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      return (ascending ? order : -order) || a.index - b.index;
    });
    keyed.forEach(function (item) { body.appendChild(item.row); });
  }

  // The timeline: by table, kind and topic, in the list and in the chart alike.
  function timelineFilters(form) {
    var items = all("#timeline-list li[data-table]");
    var marks = all("#timeline-chart a");
    var years = all("#timeline-list section.year");
    var output = form.querySelector("output");

    function link(mark) {
      return mark.getAttribute("href") || mark.getAttributeNS("http://www.w3.org/1999/xlink", "href");
    }

    function apply() {
      var tables = all("input[name=table]", form).filter(function (box) { return box.checked; })
        .map(function (box) { return box.value; });
      var kind = form.elements.kind.value;
      var topic = form.elements.topic.value;
      var shown = {};
      var count = 0;
      items.forEach(function (item) {
        var visible = tables.indexOf(item.getAttribute("data-table")) !== -1 &&
          (!kind || item.getAttribute("data-kind") === kind) &&
          (!topic || item.getAttribute("data-topics").split(";").indexOf(topic) !== -1);
        item.hidden = !visible;
        if (visible) { shown[item.getAttribute("data-href")] = true; count += 1; }
      });
      marks.forEach(function (mark) { mark.classList.toggle("off", !shown[link(mark)]); });
      years.forEach(function (year) { year.hidden = !year.querySelector("li:not([hidden])"); });
      output.value = count + " of " + plural(items.length, "item") + " shown";
    }

    form.addEventListener("change", apply);
    onReset(form, apply);
    form.hidden = false;
    apply();
  }

  function start() {
    all("form.filters[data-rows]").forEach(tableFilters);
    all("form.timeline-filters").forEach(timelineFilters);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
