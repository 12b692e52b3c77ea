"""The site's stylesheet and its one script, written into DIR/assets (nothing is fetched).

The script only improves the index: without it the table is still there, split into static
pages of 500 rows.  With it, one table pages through every profile and can be filtered and
sorted.  It builds every cell with `textContent`, never with HTML, so no value from a profile
can become markup; its data comes from `data.js` beside it (a script file, because a browser
will not let a page opened from disk fetch a JSON file).
"""

STYLE = """\
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #111827; background: #ffffff; }
header.site, main, footer { max-width: 76rem; margin: 0 auto; padding: 0 1rem; }
header.site { border-bottom: 1px solid #d1d5db; padding-top: .5rem; padding-bottom: .5rem; }
header.site nav a { margin-right: 1rem; }
a { color: #1d4ed8; text-decoration: underline; }
a:visited { color: #6d28d9; }
a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f59e0b; outline-offset: 2px; }
h1 { font-size: 1.7rem; margin: 1rem 0 .5rem; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin: 1.8rem 0 .5rem; border-bottom: 1px solid #e5e7eb; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #d1d5db; padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f3f4f6; }
th[scope=row] { background: #f9fafb; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td { overflow-wrap: break-word; }
td.code, td.num { white-space: nowrap; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem 2.5rem; align-items: flex-start; }
.figures > section { min-width: 0; max-width: 100%; }
figure { margin: .5rem 0 1rem; }
figcaption { font-weight: 600; }
svg.chart, svg.graph { max-width: 100%; height: auto; }
.graph-box { overflow: auto; border: 1px solid #d1d5db; max-height: 80vh; background: #ffffff; }
svg.graph a:focus rect { stroke: #f59e0b; stroke-width: 4; }
.legend { font-size: .9rem; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: .3rem; border: 1px solid #6b7280;
  font-size: .85rem; white-space: nowrap; }
.error .badge.sev, .badge.error { background: #fee2e2; border-color: #b91c1c; color: #7f1d1d; }
.warning .badge.sev, .badge.warning { background: #fef3c7; border-color: #b45309; color: #78350f; }
.info .badge.sev, .badge.info { background: #dbeafe; border-color: #1d4ed8; color: #1e3a8a; }
.badge.dangling { background: #fee2e2; border-color: #b91c1c; color: #7f1d1d; }
.badge.fixable { background: #dcfce7; border-color: #15803d; color: #14532d; }
ol.source { font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  margin: .5rem 0; padding: .25rem 0 .25rem 4.2em; background: #f9fafb; border: 1px solid #d1d5db;
  overflow-x: auto; }
ol.source > li { white-space: pre-wrap; overflow-wrap: anywhere; padding-left: .6em;
  border-left: 1px solid #d1d5db; }
ol.source > li::marker { color: #4b5563; }
ol.source > li:target { background: #fef9c3; }
ol.source > li.flagged { background: #fff7ed; }
.finding { font-family: system-ui, sans-serif; font-size: .9rem; white-space: normal;
  margin: .2rem 0 .35rem; padding: .3rem .5rem; border: 1px solid #d1d5db; border-left-width: 5px;
  background: #ffffff; }
.finding.error { border-left-color: #b91c1c; }
.finding.warning { border-left-color: #b45309; }
.finding.info { border-left-color: #1d4ed8; }
.finding .help { display: block; color: #374151; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: .5rem 0; }
.controls label { display: flex; flex-direction: column; font-size: .9rem; font-weight: 600; }
.controls input, .controls select, .pager button { font: inherit; padding: .25rem .4rem;
  border: 1px solid #6b7280; border-radius: .25rem; background: #ffffff; color: #111827; }
th button { font: inherit; font-weight: 700; border: 0; background: none; padding: 0; color: #111827;
  cursor: pointer; text-decoration: underline dotted; }
.pager { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
.muted { color: #4b5563; }
footer { margin-top: 2rem; padding-top: .5rem; padding-bottom: 2rem; border-top: 1px solid #d1d5db;
  font-size: .9rem; color: #374151; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  h1 { font-size: 1.35rem; }
  ol.source { padding-left: 3.2em; font-size: 12px; }
  th, td { padding: .25rem .35rem; }
}
"""

TABLE_SCRIPT = r"""// profilelint report: filter, sort and page through every profile of the index.
(function () {
  "use strict";
  var data = window.profilelintData;
  var table = document.getElementById("profiles");
  if (!data || !table || !table.tBodies.length) { return; }
  var PAGE = 500;
  var columns = data.columns, rows = data.rows;
  // A static page N of the table opens on page N of the scripted one too.
  var state = { sort: 0, descending: false, text: "", status: "", provenance: "",
                page: (parseInt(table.getAttribute("data-page"), 10) || 1) - 1 };
  var body = table.tBodies[0];
  var summary = document.getElementById("table-status");

  function element(name, text, attributes) {
    var node = document.createElement(name);
    if (text !== undefined && text !== null) { node.textContent = text; }
    for (var key in attributes || {}) { node.setAttribute(key, attributes[key]); }
    return node;
  }
  function distinct(index) {
    var seen = {};
    rows.forEach(function (row) { seen[row[index]] = true; });
    return Object.keys(seen).sort();
  }
  function choice(label, index, key) {
    var wrapper = element("label", label);
    var select = element("select");
    select.appendChild(element("option", "any", { value: "" }));
    distinct(index).forEach(function (value) { select.appendChild(element("option", value, { value: value })); });
    select.addEventListener("change", function () { state[key] = select.value; state.page = 0; render(); });
    wrapper.appendChild(select);
    return wrapper;
  }

  var form = element("form", null, { "class": "controls", role: "search", "aria-label": "Filter profiles" });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  var search = element("label", "Filter (title, slug, reviewer)");
  var input = element("input", null, { type: "search", id: "filter" });
  input.addEventListener("input", function () { state.text = input.value.toLowerCase(); state.page = 0; render(); });
  search.appendChild(input);
  form.appendChild(search);
  form.appendChild(choice("Status", data.statusColumn, "status"));
  form.appendChild(choice("Provenance", data.provenanceColumn, "provenance"));
  table.parentNode.parentNode.insertBefore(form, table.parentNode);

  var pager = element("div", null, { "class": "pager" });
  var previous = element("button", "Previous 500", { type: "button" });
  var next = element("button", "Next 500", { type: "button" });
  previous.addEventListener("click", function () { state.page -= 1; render(); });
  next.addEventListener("click", function () { state.page += 1; render(); });
  pager.appendChild(previous); pager.appendChild(next);
  table.parentNode.parentNode.insertBefore(pager, table.parentNode.nextSibling);
  var fallback = document.getElementById("static-pages");
  if (fallback) { fallback.hidden = true; }

  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers, function (cell, index) {
    var button = element("button", cell.textContent, { type: "button" });
    button.addEventListener("click", function () {
      state.descending = state.sort === index ? !state.descending : columns[index].numeric;
      state.sort = index; render();
    });
    cell.textContent = "";
    cell.appendChild(button);
  });

  function matches(row) {
    if (state.status && row[data.statusColumn] !== state.status) { return false; }
    if (state.provenance && row[data.provenanceColumn] !== state.provenance) { return false; }
    return !state.text || row[data.searchColumn].indexOf(state.text) !== -1;
  }
  function compare(a, b) {
    var x = a[state.sort], y = b[state.sort], order;
    if (columns[state.sort].numeric) { order = x - y; }
    else { order = String(x).localeCompare(String(y)); }
    if (order === 0) { order = a[data.orderColumn] - b[data.orderColumn]; return order; }
    return state.descending ? -order : order;
  }
  function render() {
    var shown = rows.filter(matches).sort(compare);
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    state.page = Math.min(Math.max(state.page, 0), pages - 1);
    var start = state.page * PAGE, slice = shown.slice(start, start + PAGE);
    var fragment = document.createDocumentFragment();
    slice.forEach(function (row) {
      var tr = element("tr");
      columns.forEach(function (column, index) {
        var cell = element(index === 0 ? "th" : "td", null, index === 0 ? { scope: "row" } : {});
        if (index === 0) { cell.appendChild(element("a", row[0], { href: row[data.hrefColumn] })); }
        else { cell.textContent = row[index]; }
        if (column.numeric) { cell.className = "num"; }
        tr.appendChild(cell);
      });
      fragment.appendChild(tr);
    });
    body.textContent = "";
    body.appendChild(fragment);
    Array.prototype.forEach.call(headers, function (cell, index) {
      cell.setAttribute("aria-sort", index === state.sort ? (state.descending ? "descending" : "ascending") : "none");
    });
    previous.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    summary.textContent = shown.length
      ? "Showing " + (start + 1) + "–" + (start + slice.length) + " of " + shown.length +
        (shown.length === rows.length ? " profiles" : " matching profiles (" + rows.length + " in all)")
      : "No profile matches the filter.";
  }
  render();
})();
"""
