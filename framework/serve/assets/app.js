// slotlab serve's page: views over the JSON the server computes with
// slotlab's own code (framework/results, framework/sweep). Every value
// from the store is put in the page as text (textContent), never as
// markup.
"use strict";

const main = document.getElementById("main");

// el makes an element with attributes (text: its text) and children.
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

async function getJSON(url) {
  const r = await fetch(url, { cache: "no-store" });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function route() {
  const h = location.hash.replace(/^#\/?/, "") || "runs";
  const [view, query] = h.split("?");
  return { view, params: new URLSearchParams(query || "") };
}

function go(view, params) {
  const q = params ? params.toString() : "";
  location.hash = "#/" + view + (q ? "?" + q : "");
}

function runLink(dir, text) {
  return el("a", { href: "#/run?" + new URLSearchParams({ dir }), text: text || dir });
}

function fmtDuration(s) {
  if (!s) return "";
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h ? `${h}h${String(m).padStart(2, "0")}m` : m ? `${m}m${String(sec).padStart(2, "0")}s` : `${sec}s`;
}

function showError(where, err) {
  where.replaceChildren(el("p", { class: "error", text: String(err.message || err) }));
}

// ---- runs ----

const runsState = { sort: "dir", desc: false, filter: "", status: "", selected: new Set() };

const runColumns = [
  ["", null],
  ["experiment", "name"], ["network", "network"], ["method", "method"], ["selector", "selector"],
  ["K", "k", "num"], ["seed", "seed", "num"], ["status", "status"], ["epoch", "epoch", "num"],
  ["best val", "val_acc", "num"], ["test @best", "test_acc", "num"], ["samples/s", "samples_per_second", "num"],
  ["ETA", "eta", "num"], ["resumed", "resumed"], ["run", "dir"],
];

function viewRuns(params) {
  const filter = el("input", { type: "search", placeholder: "filter (any column)", value: runsState.filter, id: "filter",
    oninput: (e) => { runsState.filter = e.target.value; draw(); } });
  const status = el("select", { id: "status-filter", onchange: (e) => { runsState.status = e.target.value; draw(); } },
    ...["", "done", "running", "failed", "interrupted"].map((s) => el("option", { value: s, text: s || "any status", selected: s === runsState.status })));
  const compare = el("button", { text: "curves of the selected runs", onclick: () => {
    const p = new URLSearchParams();
    for (const d of runsState.selected) p.append("run", d);
    go("curves", p);
  } });
  const count = el("span", { class: "muted" });
  const table = el("table", { id: "runs" });
  const problems = el("div");
  main.replaceChildren(el("div", { class: "controls" }, filter, status, compare, count), table, problems);
  let data = null;
  function draw() {
    if (!data) return;
    const f = runsState.filter.toLowerCase();
    let rows = data.runs.filter((r) => (!runsState.status || r.status === runsState.status) &&
      (!f || [r.name, r.network, r.method, r.selector, r.k, r.seed, r.status, r.dir, r.error].join(" ").toLowerCase().includes(f)));
    const key = runsState.sort, sign = runsState.desc ? -1 : 1;
    rows.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) * sign);
    count.textContent = `${rows.length} of ${data.runs.length} runs`;
    const head = el("tr", {}, ...runColumns.map(([label, k]) => el("th", {
      text: label, class: k ? "sortable" + (k === runsState.sort ? (runsState.desc ? " sorted-desc" : " sorted-asc") : "") : null,
      onclick: k ? () => { runsState.desc = runsState.sort === k ? !runsState.desc : false; runsState.sort = k; draw(); } : null,
    })));
    const body = rows.map((r) => {
      const box = el("input", { type: "checkbox", checked: runsState.selected.has(r.dir),
        onchange: (e) => { e.target.checked ? runsState.selected.add(r.dir) : runsState.selected.delete(r.dir); } });
      let state = r.status + (r.stalled ? " (no new epoch for a while)" : "");
      const statusCell = el("td", { class: "status-" + r.status }, el("span", { text: state }));
      if (r.error) statusCell.append(el("div", { class: "error", text: r.error }));
      return el("tr", { dataset: { dir: r.dir, status: r.status } },
        el("td", {}, box),
        el("td", { class: "name" }, runLink(r.dir, r.name)),
        el("td", { text: r.network }), el("td", { text: r.method }), el("td", { text: r.selector }),
        el("td", { class: "num", text: r.k }), el("td", { class: "num", text: r.seed }), statusCell,
        el("td", { class: "num epoch", text: r.epochs ? `${r.epoch} of ${r.epochs}` : String(r.epoch) }),
        el("td", { class: "num val", text: r.val_acc_text }),
        el("td", { class: "num test", text: r.test_acc_text }),
        el("td", { class: "num", text: r.samples_per_second ? r.samples_per_second.toFixed(0) : "" }),
        el("td", { class: "num eta", text: r.status === "running" ? fmtDuration(r.eta) : "" }),
        el("td", { text: r.resumed ? "resumed" : "" }),
        el("td", { class: "muted" }, runLink(r.dir)));
    });
    table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...body));
    problems.replaceChildren(...(data.problems || []).map((p) => el("p", { class: "warning", text: "not listed: " + p })));
  }
  return async function refresh() {
    try { data = await getJSON("/api/runs"); document.getElementById("store").textContent = data.store; draw(); }
    catch (e) { showError(problems, e); }
  };
}

// ---- curves ----

const metricTitles = {
  train_acc: "training accuracy (%)", val_acc: "validation accuracy (%)", test_acc: "test accuracy (%)",
  train_loss: "training loss", val_loss: "validation loss", test_loss: "test loss", lr: "learning rate",
};
const palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];

function viewCurves(params) {
  const runs = params.getAll("run");
  const x = params.get("x") || "epoch", band = params.get("band") || "minmax";
  const series = params.has("series") ? params.get("series") : "name,method,k";
  const set = (k, v) => { const p = new URLSearchParams(params); v ? p.set(k, v) : p.delete(k); go("curves", p); };
  const controls = el("div", { class: "controls" },
    el("label", {}, "x axis ", el("select", { id: "x", onchange: (e) => set("x", e.target.value) },
      el("option", { value: "epoch", text: "epoch", selected: x === "epoch" }),
      el("option", { value: "flops", text: "cumulative training FLOPs (log)", selected: x === "flops" }))),
    el("label", {}, "band over seeds ", el("select", { onchange: (e) => set("band", e.target.value) },
      el("option", { value: "minmax", text: "min..max", selected: band === "minmax" }),
      el("option", { value: "std", text: "±1 std", selected: band === "std" }))),
    el("label", {}, "lines by ", el("input", { value: series, placeholder: "method,k (slotlab plot's default)", onchange: (e) => set("series", e.target.value) })),
    el("span", { class: "muted", text: "drag to zoom, double-click to reset; runs with the same line keys are one line, their mean over seeds with a band" }));
  const runList = el("p", { class: "muted" }, "runs: ", ...runs.flatMap((d, i) => [i ? ", " : "", runLink(d)]));
  const warnings = el("div");
  const charts = el("div", { class: "charts" });
  main.replaceChildren(controls, runList, warnings, charts);
  if (!runs.length) {
    charts.replaceChildren(el("p", { text: "Choose runs in the run list (the boxes) and press “curves of the selected runs”." }));
    return null;
  }
  const plots = {};
  return async function refresh() {
    const q = new URLSearchParams({ x, band, series });
    for (const d of runs) q.append("run", d);
    let data;
    try { data = await getJSON("/api/curves?" + q); } catch (e) { showError(warnings, e); return; }
    warnings.replaceChildren(...(data.warnings || []).map((w) => el("p", { class: "warning", text: "warning: " + w })));
    for (const p of data.panels) drawPanel(charts, plots, p, data.x, band);
  };
}

function drawPanel(charts, plots, p, x, band) {
  const tables = p.curves.map((c) => c.runs > 1 ? [c.x, c.y, c.lo, c.hi] : [c.x, c.y]);
  const joined = tables.length ? uPlot.join(tables) : [[]];
  const shape = p.curves.map((c) => c.label + "/" + (c.runs > 1)).join("|") + "|" + x;
  let box = charts.querySelector(`[data-metric="${p.metric}"]`);
  if (!box) {
    box = el("div", { class: "chart", dataset: { metric: p.metric } }, el("h3", { text: metricTitles[p.metric] || p.metric }));
    charts.append(box);
  }
  box.dataset.points = p.points;
  const old = plots[p.metric];
  if (old && old.shape === shape) {
    old.u.setData(joined, !old.zoomed);
    return;
  }
  if (old) old.u.destroy();
  const series = [{ label: x === "flops" ? "FLOPs" : "epoch", value: (u, v) => v == null ? "" : x === "flops" ? v.toExponential(3) : String(v) }];
  const bands = [];
  p.curves.forEach((c, i) => {
    const col = palette[i % palette.length];
    const mean = series.length;
    series.push({ label: c.label + (c.runs > 1 ? ` (mean of ${c.runs})` : ""), stroke: col, width: 2, spanGaps: true,
      points: { size: 5, fill: col }, value: (u, v) => v == null ? "" : v.toPrecision(5) });
    if (c.runs > 1) {
      const edge = { stroke: col + "66", width: 1, spanGaps: true, points: { show: false }, value: (u, v) => v == null ? "" : v.toPrecision(5) };
      series.push({ ...edge, label: band === "std" ? "−1 std" : "min" }, { ...edge, label: band === "std" ? "+1 std" : "max" });
      bands.push({ series: [mean + 2, mean + 1], fill: col + "38" });
    }
  });
  const width = Math.max(300, box.clientWidth - 12);
  const state = { shape, zoomed: false };
  const opts = {
    width, height: 260, series, bands,
    scales: { x: { time: false, distr: x === "flops" ? 3 : 1 } },
    axes: [x === "flops" ? { label: "training FLOPs", values: (u, vs) => vs.map((v) => v.toExponential(0)) }
                         : { label: "epoch", incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000] }, { size: 60 }],
    cursor: { drag: { x: true, y: true } },
    hooks: { setSelect: [(u) => { if (u.select.width > 0) state.zoomed = true; }] },
  };
  state.u = new uPlot(opts, joined, box);
  box.addEventListener("dblclick", () => { state.zoomed = false; });
  plots[p.metric] = state;
}

// ---- tables ----

function viewTable(params) {
  const rows = params.has("rows") ? params.get("rows") : "network,method";
  const cols = params.has("cols") ? params.get("cols") : "k_or_learned";
  const metric = params.get("metric") || "test_acc";
  const format = params.get("format") || "md";
  const keys = ["network", "method", "k_or_learned", "k", "seed", "selector", "sharing", "name", "dataset", "code",
    "train.epochs", "train.optimizer.learning_rate", "train.schedule.type", "data.train_limit"];
  const metrics = ["test_acc", "val_acc", "final_test_acc", "final_val_acc", "final_train_loss", "train_flops", "train_seconds", "samples_per_second"];
  const rowsIn = el("input", { id: "rows", value: rows, list: "keys" });
  const colsIn = el("input", { id: "cols", value: cols, list: "keys" });
  const metricIn = el("input", { id: "metric", value: metric, list: "metrics" });
  const apply = () => { const p = new URLSearchParams({ rows: rowsIn.value, cols: colsIn.value, metric: metricIn.value, format }); go("table", p); };
  for (const i of [rowsIn, colsIn, metricIn]) i.addEventListener("change", apply);
  const controls = el("div", { class: "controls" },
    el("datalist", { id: "keys" }, ...keys.map((k) => el("option", { value: k }))),
    el("datalist", { id: "metrics" }, ...metrics.map((k) => el("option", { value: k }))),
    el("label", {}, "rows ", rowsIn), el("label", {}, "columns ", colsIn), el("label", {}, "metric ", metricIn),
    el("span", { class: "muted", text: "keys as in slotlab table --rows/--cols: result fields, dotted config paths, network, method, k_or_learned, code" }));
  const out = el("div");
  main.replaceChildren(controls, out);
  return async function refresh() {
    let t;
    const q = new URLSearchParams({ rows, cols, metric });
    try { t = await getJSON("/api/table?" + q); } catch (e) { showError(out, e); return; }
    const head = el("tr", {}, ...t.header.map((h) => el("th", { text: h })));
    const body = t.rows.map((r, i) => el("tr", {}, ...r.map((c, j) => {
      const cell = j - t.row_keys;
      return el("td", { class: cell >= 0 ? "num" + (t.best[i][cell] ? " best" : "") : null, text: c });
    })));
    const fmtSel = el("div", { class: "controls" }, "text to copy: ", ...["md", "latex", "csv", "ascii"].map((f) =>
      el("button", { text: f === "md" ? "Markdown" : f === "latex" ? "LaTeX" : f.toUpperCase(), disabled: f === format,
        onclick: () => { const p = new URLSearchParams(params); p.set("format", f); go("table", p); } })));
    const pre = el("pre", { id: "table-text", dataset: { format }, text: t.text[format] });
    const copy = el("button", { text: "copy", onclick: async () => {
      try { await navigator.clipboard.writeText(pre.textContent); copy.textContent = "copied"; }
      catch { const r = document.createRange(); r.selectNodeContents(pre); getSelection().removeAllRanges(); getSelection().addRange(r); }
    } });
    out.replaceChildren(
      el("table", { id: "grid" }, el("thead", {}, head), el("tbody", {}, ...body)),
      ...t.notes.map((n) => el("p", { class: "muted", text: n })),
      ...(t.warnings || []).map((w) => el("p", { class: "warning", text: "warning: " + w })),
      fmtSel, copy, pre);
  };
}

// ---- sweeps ----

function viewSweeps() {
  const out = el("div");
  main.replaceChildren(el("p", { class: "muted", text: "slotlab status of each sweep of the store (with Slurm's view for submitted runs)" }), out);
  return async function refresh() {
    let sweeps;
    try { sweeps = await getJSON("/api/sweeps"); } catch (e) { showError(out, e); return; }
    if (!sweeps.length) { out.replaceChildren(el("p", { text: "No sweep in this store (no sweep.json)." })); return; }
    out.replaceChildren(...sweeps.map((s) => el("section", {},
      el("h2", { text: s.summary }),
      s.rejected ? el("p", { class: "error", text: "the latest submission was rejected: " + s.rejected }) : null,
      ...(s.notes || []).map((n) => el("p", { class: "warning", text: "note: " + n })),
      s.hint ? el("p", { class: "muted", text: s.hint }) : null,
      el("table", {}, el("tr", {}, ...["run", "overrides", "state", "Slurm task", "detail"].map((h) => el("th", { text: h }))),
        ...s.runs.map((r) => el("tr", {},
          el("td", {}, r.dir ? runLink(r.dir, r.id) : r.id), el("td", { text: r.label }),
          el("td", { class: "status-" + r.state, text: r.state }), el("td", { text: r.job || "" }),
          el("td", { text: r.detail })))))));
  };
}

// ---- one run ----

function viewRun(params) {
  const dir = params.get("dir") || "";
  const out = el("div");
  main.replaceChildren(out);
  return async function refresh() {
    let p;
    try { p = await getJSON("/api/run?" + new URLSearchParams({ dir })); } catch (e) { showError(out, e); return; }
    const r = p.row;
    const kv = (obj) => el("table", { class: "kv" }, ...Object.entries(obj).map(([k, v]) =>
      el("tr", {}, el("td", { text: k }), el("td", { text: typeof v === "object" ? JSON.stringify(v) : String(v) }))));
    const curves = new URLSearchParams({ run: dir });
    const res = p.result || {};
    out.replaceChildren(
      el("h2", { id: "run-title", text: `${r.name} / ${dir}` }),
      el("p", {}, el("span", { class: "status-" + r.status, text: r.status }),
        ` epoch ${r.epoch}${r.epochs ? " of " + r.epochs : ""}`,
        r.status === "running" && r.eta ? `, about ${fmtDuration(r.eta)} left` : "",
        r.resumed ? ", resumed from a checkpoint" : "", " · ",
        el("a", { href: "#/curves?" + curves, text: "curves" })),
      r.error ? el("pre", { class: "error", text: r.error }) : null,
      el("section", {}, el("h2", { text: "result" }),
        p.result ? kv(Object.fromEntries(Object.entries(res).filter(([k]) => k !== "host" && k !== "start" && k !== "code")))
          : el("p", { class: "muted", text: "no result.json yet: the run is in progress (values below come from its metrics so far)" }),
        p.result ? null : kv({ best_epoch: r.best_epoch, val_acc: r.val_acc_text, test_acc: r.test_acc_text, samples_per_second: r.samples_per_second.toFixed(0) })),
      el("section", {}, el("h2", { text: "host and code" }), kv({ ...(res.host || {}), ...(res.code ? { code: res.code } : {}) })),
      el("section", {}, el("h2", { text: "start record" }), kv(res.start || { resumed: r.resumed })),
      el("section", {}, el("h2", { text: "resolved config (config.yaml)" }), el("pre", { text: p.config })),
      el("section", {}, el("h2", { text: p.log_file ? `end of its log (${p.log_file})` : "log" }),
        p.log_file ? el("pre", { id: "log", text: p.log }) : el("p", { class: "muted", text: "no run.log in the run directory (runs started with slotlab run print to their terminal; Slurm logs are in the sweep's directory)" })),
      el("section", {}, el("h2", { text: "files" }), el("p", {}, ...p.files.flatMap((f, i) =>
        [i ? " · " : "", el("a", { href: "/files/" + dir.split("/").map(encodeURIComponent).join("/") + "/" + encodeURIComponent(f), text: f })]))));
  };
}

// ---- wiring ----

const views = { runs: viewRuns, curves: viewCurves, table: viewTable, sweeps: viewSweeps, run: viewRun };
let refresh = null;

function show() {
  const { view, params } = route();
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.view === view);
  const v = views[view] || viewRuns;
  refresh = v(params);
  if (refresh) refresh();
}

window.addEventListener("hashchange", show);
show();

// Server-sent events say when the store changed; each refreshes the view
// in place (no reload). If they stop, poll.
let lastGen = null;
function listen() {
  const live = document.getElementById("live");
  const es = new EventSource("/api/events");
  es.addEventListener("change", (e) => {
    live.classList.add("on");
    if (lastGen !== null && e.data !== lastGen && refresh) refresh();
    lastGen = e.data;
  });
  es.onerror = () => { live.classList.remove("on"); };
}
listen();
setInterval(() => { const live = document.getElementById("live"); if (!live.classList.contains("on") && refresh) refresh(); }, 5000);
