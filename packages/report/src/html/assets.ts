// What the self-contained page inlines: the libraries (read from node_modules when the
// report is written), its style sheet and its own script.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { CATEGORY_COLOURS } from "./colour.js";

const require = createRequire(import.meta.url);

/** Chart.js (UMD build), to inline into a self-contained HTML page. */
export function chartJsSource(): string {
  // The UMD build sits beside the package's CommonJS entry.
  return readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.min.js"), "utf8");
}

/** tablesort and its number sort, minified builds. */
export function tablesortSource(): string {
  const dist = join(dirname(require.resolve("tablesort/package.json")), "dist");
  return `${readFileSync(join(dist, "tablesort.min.js"), "utf8")}\n${readFileSync(join(dist, "sorts", "tablesort.number.min.js"), "utf8")}`;
}

/** Safe inside a <script> element. */
export const scriptText = (js: string): string => js.replace(/<\/script/gi, "<\\/script");

export const REPORT_CSS = `
:root{--fail:#b30000;--pred:#6a51a3;--muted:#666}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;padding:1em 2em 4em;max-width:1240px;color:#111}
h1{margin:.2em 0 .1em}h2{margin:1.8em 0 .4em;padding-top:.4em;border-top:2px solid #ddd}h3{margin:1.2em 0 .3em}
p{max-width:75em}.muted{color:var(--muted)}small{font-size:11px}
nav{border-bottom:1px solid #ddd;padding:.35em 0;font-size:13px}
nav a{margin-right:1em;white-space:nowrap}
.summary{display:flex;flex-wrap:wrap;gap:.6em;margin:.8em 0}
.summary div{border:1px solid #ccc;border-radius:6px;padding:.4em .8em;min-width:9em}
.summary b{display:block;font-size:20px}
.summary .fail{border-color:var(--fail);color:var(--fail)}.summary .pred{border-color:var(--pred);color:var(--pred)}
.badge{display:inline-block;border-radius:9px;padding:0 .5em;font-size:12px;color:#fff;background:#888;vertical-align:middle}
.badge.fail{background:var(--fail)}.badge.pred{background:var(--pred)}.badge.ok{background:#2d7d32}
.failtext{color:var(--fail);font-weight:600}.predtext{color:var(--pred)}.passtext{color:#2d7d32}
table{border-collapse:collapse;font-size:12.5px}
td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.n{white-space:nowrap}
td.wrap{max-width:34em;min-width:16em;overflow-wrap:break-word}td.nw{white-space:nowrap}td.verdict{min-width:10em;max-width:17em}
.scroll{max-height:640px;overflow:auto;border:1px solid #ccc;max-width:100%}
.scroll thead th{position:sticky;top:0;z-index:1}
.noscroll{overflow-x:auto;max-width:100%}
th[role=columnheader]:not([data-sort-method=none]){cursor:pointer}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.filterbar{margin:.4em 0}.filterbar input{width:22em;padding:2px 4px}.count{color:var(--muted);font-size:12px}
.controls{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center;margin:.5em 0}
.controls select{max-width:16em}
.modes{margin:.5em 0 .8em}
.legend{display:flex;flex-wrap:wrap;gap:1em 2em;align-items:flex-start;margin:.5em 0 1em}
.scalebox{width:520px;padding:0 16px}.scalebar{height:14px;border:1px solid #999}
.ticks{position:relative;height:16px;font-size:11px}.tick{position:absolute;transform:translateX(-50%);white-space:nowrap}
.scalecap{font-size:12px;color:var(--muted)}
.keys{display:flex;flex-direction:column;gap:.25em;font-size:12px}
.catkeys{flex-direction:row;flex-wrap:wrap;gap:.3em 1em;margin:.3em 0}
i.sw{display:inline-block;min-width:2.2em;height:1.35em;line-height:1.35em;text-align:center;font-style:normal;margin-right:.4em;border:1px solid #bbb;vertical-align:middle;font-size:11px}
.catkeys i.sw{min-width:1em;width:1em;height:1em}
figure.hm{margin:0 0 1.6em}figure.hm figcaption{margin:.2em 0 .3em}
.hmwrap{overflow-x:auto}
table.heatmap{table-layout:fixed;font-size:11.5px}
table.heatmap td{width:46px;min-width:46px;height:21px;padding:0 2px;text-align:center;vertical-align:middle;white-space:nowrap;font-variant-numeric:tabular-nums;border:1px solid #fff}
table.heatmap th.rowhead{width:190px;min-width:190px;font-weight:500;white-space:nowrap;background:#fafafa;border:1px solid #eee}
table.heatmap th.corner{background:#fff;border:0;vertical-align:bottom}
table.heatmap th.grp{text-align:center;background:#eef;border:1px solid #fff}
table.heatmap th.vh{height:128px;vertical-align:bottom;padding:2px 0;background:#fafafa;border:1px solid #fff}
table.heatmap th.vh span{writing-mode:vertical-rl;transform:rotate(180deg);display:inline-block;font-weight:500;line-height:1.15;text-align:left;white-space:nowrap}
table.heatmap .sep{border-left:3px solid #888}
table.heatmap tr.meanrow td,table.heatmap tr.meanrow th{border-top:3px solid #888;font-weight:600}
td.pred,i.sw.pred{background:repeating-linear-gradient(135deg,#e6e0f3 0 5px,#fff 5px 9px);color:var(--pred);font-weight:600}
td.fail,i.sw.fail{background:#222;color:#fff;font-weight:700}
td.na,i.sw.na{background:#f4f4f4;color:#999}
table.heatmap.small td{width:58px;min-width:58px}
table.heatmap.small th{font-weight:500;font-size:11px;white-space:nowrap}
table.heatmap.small th.rowhead{width:auto;min-width:0}
.strategy{display:grid;grid-template-columns:minmax(0,1fr) auto;gap:1.5em;align-items:start;border-top:1px solid #eee;padding:.5em 0}
.strategy h3{margin:.2em 0}.strategy p{margin:.3em 0}
dl.memories dt{font-weight:600;margin-top:.4em}dl.memories dd{margin-left:1.5em}
.chart{position:relative;width:100%;margin:.5em 0 1em}
span.shares{display:flex;width:96px;height:11px;border:1px solid #bbb;background:#fff;margin-top:3px}
span.shares i{display:block;height:100%}
${CATEGORY_COLOURS.map((c, k) => `.c${k}{background:${c}}`).join("")}
`;

/** The page's own script: sorting, filtering, the slowdown mode and the cycles chart. */
export const REPORT_SCRIPT = `
(function () {
  var each = function (sel, f) { Array.prototype.forEach.call(document.querySelectorAll(sel), f); };
  each("table.sortable", function (t) { new Tablesort(t); });

  // The run table's fields the selects match: its cells, the configuration label's parts, the verdict.
  function fieldOf(tr, key) {
    var label = tr.cells[1].textContent.split("/");
    switch (key) {
      case "scenario": return tr.cells[0].textContent;
      case "profile": return label[0];
      case "cpu": return label[1];
      case "memory": return label[2].split("@")[0];
      case "machine": return tr.cells[2].textContent;
      default: return tr.getAttribute("data-" + key);
    }
  }
  function refilter(table) {
    var box = document.querySelector('input.filter[data-for="' + table.id + '"]');
    var words = box ? box.value.toLowerCase().split(/\\s+/).filter(Boolean) : [];
    var selects = table.id === "all-runs" ? Array.prototype.slice.call(document.querySelectorAll("select.runfilter")).filter(function (s) { return s.value; }) : [];
    var shown = 0, rows = table.tBodies[0].rows;
    Array.prototype.forEach.call(rows, function (tr) {
      var t = tr.textContent.toLowerCase();
      var ok = words.every(function (w) { return t.indexOf(w) >= 0; }) &&
        selects.every(function (s) { return fieldOf(tr, s.getAttribute("data-key")) === s.value; });
      tr.hidden = !ok;
      if (ok) shown++;
    });
    var count = document.querySelector('[data-count-for="' + table.id + '"]');
    if (count) count.textContent = shown === rows.length ? rows.length + " rows" : shown + " of " + rows.length + " rows";
  }
  each("input.filter", function (box) { box.addEventListener("input", function () { refilter(document.getElementById(box.getAttribute("data-for"))); }); });
  each("select.runfilter", function (s) { s.addEventListener("change", function () { refilter(document.getElementById("all-runs")); }); });

  each('input[name="slowmode"]', function (r) {
    r.addEventListener("change", function () { each("#slowdown .mode", function (m) { m.hidden = m.getAttribute("data-mode") !== r.value; }); });
  });

  var source = document.getElementById("breakdown-data");
  if (!source || typeof Chart === "undefined") return;
  var bd = JSON.parse(source.textContent);
  var chart = null;
  function draw() {
    var s = +document.getElementById("bd-scenario").value;
    var m = +document.getElementById("bd-machine").value;
    var part = document.querySelector('input[name="bd-part"]:checked').value;
    var rows = bd.rows.filter(function (r) { return r[0] === s && (m < 0 || r[2] === m) && (part === "run" || r[5]); });
    rows.sort(function (a, b) { return a[3] - b[3] || a[2] - b[2]; });
    var cycles = rows.map(function (r) { return part === "run" ? r[4] : r[5]; });
    var totals = cycles.map(function (c) { return c.reduce(function (a, b) { return a + b; }, 0); });
    var datasets = bd.categories.map(function (c, k) {
      return { label: c, backgroundColor: bd.colours[k], cycles: cycles.map(function (cs) { return cs[k]; }),
        data: cycles.map(function (cs, i) { return totals[i] ? 100 * cs[k] / totals[i] : 0; }) };
    }).filter(function (d) { return d.cycles.some(function (x) { return x > 0; }); });
    var box = document.getElementById("bd-box");
    document.getElementById("bd-leftout").textContent =
      (bd.leftOut[s] ? "Left out: " + bd.leftOut[s] + ". " : "") + (rows.length ? "" : "No run of this scenario has a measured region.");
    if (chart) chart.destroy();
    chart = null;
    box.hidden = rows.length === 0;
    if (!rows.length) return;
    box.style.height = (rows.length * 19 + 120) + "px";
    chart = new Chart(document.getElementById("breakdown"), {
      type: "bar",
      data: { labels: rows.map(function (r) { return r[1] + " @ " + bd.machines[r[2]]; }), datasets: datasets },
      options: {
        indexAxis: "y", maintainAspectRatio: false, animation: false,
        datasets: { bar: { barPercentage: 0.85, categoryPercentage: 0.9 } },
        scales: {
          x: { stacked: true, min: 0, max: 100, title: { display: true, text: "share of the " + (part === "run" ? "run's" : "measured region's") + " modeled cycles" },
               ticks: { callback: function (v) { return v + "%"; } } },
          y: { stacked: true, ticks: { autoSkip: false, font: { size: 11 } } }
        },
        plugins: {
          legend: { position: "top", labels: { boxWidth: 14, font: { size: 12 } } },
          tooltip: { callbacks: { label: function (ctx) {
            return ctx.dataset.label + ": " + ctx.parsed.x.toFixed(1) + "% (" + ctx.dataset.cycles[ctx.dataIndex].toLocaleString("en-US") + " cycles)";
          } } }
        }
      }
    });
    window.vmlabCharts = { breakdown: chart };
  }
  each("#bd-scenario, #bd-machine, input[name=bd-part]", function (el) { el.addEventListener("change", draw); });
  draw();
})();
`;
