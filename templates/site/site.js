// casplan site: filter the activity list by text, unit, goal and status. The list is plain
// HTML (it works with scripts off); this only hides rows. No network: the index is the global
// that search-index.js sets.
(function () {
  "use strict";
  var index = window.casplanSearchIndex;
  var box = document.getElementById("search");
  var table = document.getElementById("activities");
  if (!index || !box || !table) {
    return;
  }
  var byId = {};
  index.activities.forEach(function (entry) {
    byId[entry.id] = entry;
  });
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-activity]"));
  var fields = {
    q: document.getElementById("q"),
    unit: document.getElementById("unit"),
    goal: document.getElementById("goal"),
    status: document.getElementById("status")
  };
  var shown = document.getElementById("shown");
  var params = new URLSearchParams(window.location.search);
  Object.keys(fields).forEach(function (name) {
    var value = params.get(name);
    if (value !== null) {
      fields[name].value = value;
    }
  });

  function matches(entry) {
    var words = fields.q.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (var i = 0; i < words.length; i += 1) {
      if (entry.text.indexOf(words[i]) === -1) {
        return false;
      }
    }
    if (fields.unit.value && entry.units.indexOf(fields.unit.value) === -1) {
      return false;
    }
    if (fields.goal.value && entry.goal !== fields.goal.value) {
      return false;
    }
    return !(fields.status.value && entry.status !== fields.status.value);
  }

  function apply() {
    var count = 0;
    rows.forEach(function (row) {
      var entry = byId[row.getAttribute("data-activity")];
      var visible = !entry || matches(entry);
      row.hidden = !visible;
      if (visible) {
        count += 1;
      }
    });
    shown.textContent = shown.getAttribute("data-template")
      .replace("{shown}", String(count))
      .replace("{total}", String(rows.length));
    table.setAttribute("data-shown", String(count));
  }

  Object.keys(fields).forEach(function (name) {
    fields[name].addEventListener("input", apply);
    fields[name].addEventListener("change", apply);
  });
  box.hidden = false;
  apply();
})();
