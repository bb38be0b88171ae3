// degsea report: sortable, filterable, paginated DE table and sortable GSEA table with
// expandable leading edges. Data come from the JSON blocks of this page; no network access.
(function () {
  "use strict";
  var PAGE = 50;
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function fmt(v, kind) {
    if (v === null || v === undefined) return "NA";
    if (kind === "p") return v === 0 ? "0" : (v < 1e-3 ? v.toExponential(2) : v.toPrecision(3));
    if (kind === "int") return String(v);
    if (kind === "fc") return v.toFixed(3);
    if (kind === "cpm") return v.toFixed(2);
    return v.toPrecision(3);
  }
  // Compare two values for sorting: missing values always last.
  function cmp(a, b, dir) {
    if (a === null) return b === null ? 0 : 1;
    if (b === null) return -1;
    if (typeof a === "string") return dir * a.localeCompare(b);
    return dir * (a - b);
  }
  function sortable(table, state, onSort) {
    var ths = table.querySelectorAll("th[data-col]");
    Array.prototype.forEach.call(ths, function (th) {
      th.setAttribute("tabindex", "0");
      th.title = "Sort by " + th.textContent;
      function go() {
        var col = +th.getAttribute("data-col");
        state.dir = state.col === col ? -state.dir : (th.getAttribute("data-first") === "desc" ? -1 : 1);
        state.col = col;
        Array.prototype.forEach.call(ths, function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
        onSort();
      }
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); } });
    });
  }

  // ---- DE table ----
  var deNode = document.getElementById("de-data");
  if (deNode) {
    var de = data("de-data");
    var cols = de.columns, kinds = de.kinds, n = de.columns_data[0].length;
    var colData = de.columns_data, fdrCol = cols.indexOf("FDR"), fcCol = cols.indexOf("logFC");
    var state = { col: -1, dir: 1 }, page = 0, order = [], all = new Array(n);
    for (var i = 0; i < n; i++) all[i] = i;
    var table = document.getElementById("de-table"), body = table.querySelector("tbody");
    var geneIn = document.getElementById("de-gene"), fdrIn = document.getElementById("de-fdr");
    var info = document.getElementById("de-info"), prev = document.getElementById("de-prev"), next = document.getElementById("de-next");
    var cut = de.fdr;
    function apply() {
      var q = geneIn.value.trim().toLowerCase(), f = parseFloat(fdrIn.value);
      var genes = colData[0], fdr = colData[fdrCol];
      order = all.filter(function (i) {
        if (q && genes[i].toLowerCase().indexOf(q) < 0) return false;
        if (!isNaN(f) && !(fdr[i] !== null && fdr[i] <= f)) return false;
        return true;
      });
      if (state.col >= 0) {
        var c = colData[state.col], d = state.dir;
        // Ties keep de.tsv order (edgeR topTags order).
        order.sort(function (a, b) { return cmp(c[a], c[b], d) || a - b; });
      }
      page = 0; draw();
    }
    function draw() {
      var pages = Math.max(1, Math.ceil(order.length / PAGE));
      if (page >= pages) page = pages - 1;
      var html = [], end = Math.min(order.length, (page + 1) * PAGE);
      for (var k = page * PAGE; k < end; k++) {
        var i = order[k], fdr = colData[fdrCol][i], fc = colData[fcCol][i];
        var sig = fdr !== null && fdr < cut;
        html.push("<tr" + (sig ? " class=\"sig\"" : "") + ">");
        for (var j = 0; j < cols.length; j++) {
          var v = colData[j][i], cls = "";
          if (j === fcCol && sig) cls = fc > 0 ? " class=\"up\"" : " class=\"down\"";
          html.push("<td" + cls + ">" + (j === 0 ? esc(v) : fmt(v, kinds[j])) + "</td>");
        }
        html.push("</tr>");
      }
      body.innerHTML = html.join("");
      info.textContent = order.length === 0 ? "No gene matches." :
        "Genes " + (page * PAGE + 1).toLocaleString("en-US") + "\u2013" + end.toLocaleString("en-US") + " of " +
        order.length.toLocaleString("en-US") + (order.length < n ? " matching (" + n.toLocaleString("en-US") + " tested)" : "") +
        "; page " + (page + 1) + " of " + pages;
      prev.disabled = page === 0; next.disabled = page >= pages - 1;
    }
    var timer = null;
    geneIn.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
    fdrIn.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
    prev.addEventListener("click", function () { page--; draw(); });
    next.addEventListener("click", function () { page++; draw(); });
    sortable(table, state, apply);
    apply();
  }

  // ---- GSEA table ----
  var gNode = document.getElementById("gsea-data");
  if (gNode) {
    var g = data("gsea-data");
    var gcols = g.columns, gkinds = g.kinds, gstate = { col: -1, dir: 1 };
    var gtable = document.getElementById("gsea-table"), gbody = gtable.querySelector("tbody");
    var open = {};
    function gdraw() {
      var idx = g.rows.map(function (_, i) { return i; });
      if (gstate.col >= 0) {
        var c = gstate.col, d = gstate.dir;
        idx.sort(function (a, b) { return cmp(g.rows[a][c], g.rows[b][c], d) || a - b; });
      }
      var html = [];
      idx.forEach(function (i) {
        var r = g.rows[i], le = g.leading_edge[i], sig = r[gcols.indexOf("padj")] !== null && r[gcols.indexOf("padj")] < g.fdr;
        html.push("<tr" + (sig ? " class=\"sig\"" : "") + " data-pathway=\"" + esc(r[0]) + "\">");
        for (var j = 0; j < gcols.length; j++) {
          var v = r[j], cls = "";
          if (gcols[j] === "NES" && sig) cls = v > 0 ? " class=\"up\"" : " class=\"down\"";
          html.push("<td" + cls + ">" + (j === 0 ? esc(v) : fmt(v, gkinds[j])) + "</td>");
        }
        html.push("<td><button class=\"le-toggle\" data-i=\"" + i + "\" aria-expanded=\"" + (open[i] ? "true" : "false") + "\">" +
          (open[i] ? "Hide" : "Show") + " " + le.length + "</button></td></tr>");
        html.push("<tr class=\"le\" data-i=\"" + i + "\"" + (open[i] ? "" : " hidden") + "><td colspan=\"" + (gcols.length + 1) +
          "\"><b>Leading edge (" + le.length + "):</b> <span class=\"mono le-genes\">" + le.map(esc).join(", ") + "</span></td></tr>");
      });
      gbody.innerHTML = html.join("");
    }
    gbody.addEventListener("click", function (e) {
      var b = e.target.closest("button.le-toggle");
      if (!b) return;
      var i = +b.getAttribute("data-i");
      open[i] = !open[i];
      var row = gbody.querySelector("tr.le[data-i=\"" + i + "\"]");
      row.hidden = !open[i];
      b.setAttribute("aria-expanded", open[i] ? "true" : "false");
      b.textContent = (open[i] ? "Hide" : "Show") + " " + g.leading_edge[i].length;
    });
    sortable(gtable, gstate, gdraw);
    gdraw();
  }
  document.documentElement.setAttribute("data-ready", "1");
  window.degseaReady = performance.now();
})();
