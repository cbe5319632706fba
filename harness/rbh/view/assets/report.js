/* rbh view: renders the inlined run data (tables, Chart.js plots, the sample browser). */
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("rbh-data").textContent);
  const S = DATA.strings;
  const str = (i) => (i === -1 || i === null || i === undefined ? "" : S[i]);
  const runs = DATA.runs;
  const metrics = DATA.metrics;
  const COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
  const TITLE_CLASS = ["hit", "wrong", "unresolved"];
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  };
  const fmt = (v) => (v === null || v === undefined ? "—" : Number(v).toFixed(4));
  window.rbhCharts = {};

  function runHeaders() {
    const box = document.getElementById("run-headers");
    for (const run of runs) {
      const h = run.header;
      const dl = el("dl", {});
      const add = (k, v) => { dl.append(el("dt", { text: k }), el("dd", { text: v })); };
      add("model", `${h.model.spec} (backend ${h.model.backend}${h.model.name ? ", " + h.model.name : ""})`);
      add("model args", JSON.stringify(h.model.args));
      add("generation", JSON.stringify(h.model.gen_kwargs));
      add("dataset", h.datasets.join("; "));
      add("scoring", h.scoring);
      add("k / history", `${h.k.join(", ")} / ${h.history.join(", ")}`);
      add("versions", `rbh ${h.rbh_version}; ${h.model.plugin} ${h.model.version}; ` + Object.entries(h.plugins).map(([p, v]) => `${p} ${v}`).join(", "));
      add("command", h.command || "—");
      add("created", `${h.created} (${h.wall_time_s.toFixed(1)} s)`);
      add("samples logged", h.log_samples);
      if (h.failed) add("failed samples", String(h.failed));
      box.append(el("div", { class: "run-header", "data-run": h.label }, el("h3", { text: h.label }), dl));
    }
  }

  function rowEntries(run) {
    const out = Object.entries(run.tasks).map(([name, t]) => ["task", name, t.metrics]);
    for (const [name, g] of Object.entries(run.groups)) out.push(["group", name, g.metrics, g.aggregation]);
    if (run.overall) out.push(["overall", "overall", run.overall.metrics, run.overall.aggregation]);
    return out;
  }

  function metricCell(metric, v) {
    const shown = v && v[0] !== null ? fmt(v[0]) : "";
    const td = el("td", { "data-metric": metric, "data-value": shown }, shown || "—");
    if (shown && v[1] !== null) td.append(" ", el("span", { class: "se", text: "± " + fmt(v[1]) }));
    return td;
  }

  function metricTables() {
    const box = document.getElementById("metric-tables");
    runs.forEach((run, r) => {
      const table = el("table", { class: "metric-table", "data-run": run.header.label });
      const head = el("tr", {}, el("th", { text: "task" }), el("th", { text: "n" }));
      for (const m of metrics) head.append(el("th", { text: m }));
      table.append(el("thead", {}, head));
      const body = el("tbody", {});
      for (const [kind, name, values, agg] of rowEntries(run)) {
        const how = agg ? ` (${[...new Set(Object.values(agg))].join("/")})` : "";
        const tr = el("tr", { class: kind, "data-task": name }, el("td", { text: name + how }));
        const n = Math.max(0, ...Object.values(values).filter(Boolean).map((v) => v[2]));
        tr.append(el("td", { text: String(n) }));
        for (const m of metrics) tr.append(metricCell(m, values[m]));
        body.append(tr);
      }
      table.append(body);
      box.append(el("h3", { text: run.header.label }), table);
      if (r < runs.length - 1) box.append(el("hr", {}));
    });
  }

  // Paired drops: robustness (explicit → implicit → misinformed) and position probes (given →
  // reversed / shuffled), one table per run, drawn by the same code.
  const DROPS = [
    { key: "robustness", section: "robustness", tables: "robustness-tables", change: "drop" },
    { key: "position_bias", section: "position-bias", tables: "position-bias-tables", change: "change" },
  ];

  function robustnessTables() {
    for (const kind of DROPS) {
      const box = document.getElementById(kind.tables);
      const withDrops = runs.filter((run) => (run[kind.key] || []).length);
      if (!withDrops.length) continue;
      document.getElementById(kind.section).hidden = false;
      for (const run of withDrops) {
        const table = el("table", { class: `metric-table ${kind.section}-table`, "data-run": run.header.label });
        const head = el("tr", {});
        for (const c of ["scope", "metric", "step", kind.change, "95% interval", "pairs"]) head.append(el("th", { text: c }));
        table.append(el("thead", {}, head));
        const body = el("tbody", {});
        for (const d of run[kind.key]) {
          const interval = d.low === null ? "—" : `[${fmt(d.low)}, ${fmt(d.high)}]`;
          body.append(el("tr", {}, ...[d.scope, d.metric, `${d.source} → ${d.target}`, fmt(d.drop), interval, String(d.pairs)].map((t) => el("td", { text: t }))));
        }
        table.append(body);
        box.append(el("h3", { text: run.header.label }), table);
      }
    }
  }

  // Curves: history-length curves (history_sweep) and success by turn (interactive tasks), one
  // section each, drawn by the same code.
  const CURVES = [
    { key: "curves", section: "curves", tables: "curve-tables", plot: "plot-curves", select: "curve-metric", axis: "history size (items)", column: "history", title: "by history size", metric: "recall" },
    { key: "effort_curves", section: "effort-curves", tables: "effort-curve-tables", plot: "plot-effort-curves", select: "effort-curve-metric", axis: "reasoning effort", column: "effort", title: "by reasoning effort", metric: "recall", labels: ["none", "low", "medium", "high", "max"] },
    { key: "turn_curves", section: "turn-curves", tables: "turn-curve-tables", plot: "plot-turn-curves", select: "turn-curve-metric", axis: "turn", column: "turn", title: "by turn", metric: "success" },
  ];

  function curveEntries(kind) {
    const out = [];
    runs.forEach((run, r) => {
      for (const [task, points] of Object.entries(run[kind.key] || {})) out.push({ run, r, task, points });
    });
    return out;
  }

  function curveTables(kind, entries) {
    const box = document.getElementById(kind.tables);
    for (const { run, task, points } of entries) {
      const shown = [...new Set(points.flatMap((p) => Object.keys(p[1])))];
      const table = el("table", { class: "metric-table curve-table", "data-run": run.header.label, "data-task": task });
      const head = el("tr", {}, el("th", { text: kind.column }));
      for (const m of shown) head.append(el("th", { text: m }));
      table.append(el("thead", {}, head));
      const body = el("tbody", {});
      for (const [x, values] of points) {
        const label = kind.labels ? kind.labels[x] : String(x);
        const tr = el("tr", { ["data-" + kind.column]: label }, el("td", { text: label }));
        for (const m of shown) tr.append(metricCell(m, values[m]));
        body.append(tr);
      }
      table.append(body);
      box.append(el("h3", { text: runs.length > 1 ? `${task} (${run.header.label})` : task }), table);
    }
  }

  function curvePlot(kind) {
    const metric = document.getElementById(kind.select).value;
    const entries = curveEntries(kind);
    const xs = [...new Set(entries.flatMap((e) => e.points.map((p) => p[0])))].sort((a, b) => a - b);
    const datasets = entries.map((e, i) => {
      const byX = Object.fromEntries(e.points.map((p) => [p[0], p[1][metric]]));
      const colour = COLOURS[(runs.length > 1 ? e.r : i) % COLOURS.length];
      return {
        label: runs.length > 1 ? `${e.task} (${e.run.header.label})` : e.task,
        borderColor: colour, backgroundColor: colour, spanGaps: true,
        data: errorBarData(xs.map((x) => byX[x])).map((point, i) => ({ x: xs[i], ...point })),
      };
    });
    if (window.rbhCharts[kind.plot]) window.rbhCharts[kind.plot].destroy();
    window.rbhCharts[kind.plot] = new Chart(document.getElementById(kind.plot), {
      type: window.ChartErrorBars ? "lineWithErrorBars" : "line",
      data: { datasets },
      options: {
        animation: false, maintainAspectRatio: false, responsive: true,
        plugins: { title: { display: true, text: `${metric} ${kind.title} (± stderr)` }, legend: { display: true } },
        scales: {
          x: { type: "linear", min: 0, ticks: { precision: 0, stepSize: 1, callback: (v) => (kind.labels ? kind.labels[v] ?? "" : v) }, title: { display: true, text: kind.axis } },
          y: { beginAtZero: true },
        },
      },
    });
  }

  function curves() {
    for (const kind of CURVES) {
      const entries = curveEntries(kind);
      if (!entries.length) continue;
      document.getElementById(kind.section).hidden = false;
      const shown = [...new Set(entries.flatMap((e) => e.points.flatMap((p) => Object.keys(p[1]))))];
      const select = document.getElementById(kind.select);
      fillSelect(select, shown, kind.metric);
      select.addEventListener("change", () => curvePlot(kind));
      curveTables(kind, entries);
      curvePlot(kind);
    }
  }

  function transcriptView(t) {
    const box = el("div", { class: "transcript" });
    const plan = t[0].map((c) => `${str(c[0])} = ${str(c[1])} (${str(c[2])})`).join("; ");
    box.append(el("p", { class: "plan" }, el("b", { text: "the user's conditions: " }), plan));
    for (const [role, text, revealed, accepted, tools] of t[1]) {
      const msg = el("div", { class: `turn ${role}` + (accepted ? " accepted" : "") }, el("b", { text: role + ": " }), text);
      if (tools) msg.append(el("span", { class: "tools", text: ` [${tools} catalog search${tools > 1 ? "es" : ""}]` }));
      for (const r of revealed) msg.append(" ", el("mark", { class: "revealed", text: str(r) }));
      box.append(msg);
    }
    return box;
  }

  function fillSelect(select, values, selected) {
    select.replaceChildren(...values.map((v) => el("option", { value: v, text: v })));
    if (selected !== undefined && values.includes(selected)) select.value = selected;
  }

  function errorBarData(values) {
    return values.map((v) => (v && v[0] !== null ? { y: v[0], yMin: v[0] - (v[1] || 0), yMax: v[0] + (v[1] || 0) } : { y: null, yMin: null, yMax: null }));
  }

  function drawChart(id, labels, datasets, title) {
    if (window.rbhCharts[id]) window.rbhCharts[id].destroy();
    const canvas = document.getElementById(id);
    window.rbhCharts[id] = new Chart(canvas, {
      type: "barWithErrorBars",
      data: { labels, datasets },
      options: {
        animation: false, maintainAspectRatio: false, responsive: true,
        plugins: { title: { display: true, text: title }, legend: { display: runs.length > 1 } },
        scales: { y: { beginAtZero: true } },
      },
    });
  }

  function taskPlot() {
    const metric = document.getElementById("plot-metric").value;
    const labels = [...new Set(runs.flatMap((run) => rowEntries(run).map((e) => e[1])))];
    const datasets = runs.map((run, r) => {
      const byName = Object.fromEntries(rowEntries(run).map((e) => [e[1], e[2]]));
      return { label: run.header.label, backgroundColor: COLOURS[r % COLOURS.length], data: errorBarData(labels.map((l) => (byName[l] || {})[metric])) };
    });
    drawChart("plot-tasks", labels, datasets, `${metric} per task and group (± stderr)`);
  }

  function pooledBreakdown(run, dimension, metric) {
    const acc = {};
    for (const t of Object.values(run.tasks)) {
      const groups = t.breakdowns[dimension] || {};
      for (const [g, cell] of Object.entries(groups)) {
        const v = cell[metric];
        if (!v || v[0] === null || !v[2]) continue;
        const a = (acc[g] = acc[g] || { sum: 0, n: 0, var: 0 });
        a.sum += v[0] * v[2]; a.n += v[2]; a.var += Math.pow((v[1] || 0) * v[2], 2);
      }
    }
    const out = {};
    for (const [g, a] of Object.entries(acc)) out[g] = [a.sum / a.n, Math.sqrt(a.var) / a.n, a.n];
    return out;
  }

  function breakdownPlot() {
    const dimension = document.getElementById("plot-dimension").value;
    const metric = document.getElementById("plot-breakdown-metric").value;
    if (!dimension) return;
    const pooled = runs.map((run) => pooledBreakdown(run, dimension, metric));
    const labels = [...new Set(pooled.flatMap((p) => Object.keys(p)))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const datasets = runs.map((run, r) => ({ label: run.header.label, backgroundColor: COLOURS[r % COLOURS.length], data: errorBarData(labels.map((l) => pooled[r][l])) }));
    drawChart("plot-breakdown", labels, datasets, `${metric} by ${dimension} (pooled over tasks, ± stderr)`);
  }

  function plots() {
    const pm = document.getElementById("plot-metric");
    fillSelect(pm, metrics, "recall");
    pm.addEventListener("change", taskPlot);
    const dims = [...new Set(runs.flatMap((run) => Object.values(run.tasks).flatMap((t) => Object.keys(t.breakdowns))))];
    const pd = document.getElementById("plot-dimension");
    fillSelect(pd, dims, "n_conditions");
    const bm = document.getElementById("plot-breakdown-metric");
    const breakdownMetrics = () => {
      const dimension = pd.value;
      const found = new Set(runs.flatMap((run) => Object.values(run.tasks).flatMap((t) => Object.values(t.breakdowns[dimension] || {}).flatMap((cell) => Object.keys(cell)))));
      return [...metrics.filter((m) => found.has(m)), ...[...found].filter((m) => !metrics.includes(m))];
    };
    fillSelect(bm, breakdownMetrics(), "recall");
    pd.addEventListener("change", () => { fillSelect(bm, breakdownMetrics(), bm.value); breakdownPlot(); });
    bm.addEventListener("change", breakdownPlot);
    taskPlot();
    breakdownPlot();
  }

  /* ---- the sample browser ---- */
  const LIMIT = 500;
  let selected = null;

  function sampleText(task, i) {
    const info = DATA.samples[task].info[i];
    const parts = [DATA.samples[task].ids[i], ...(info ? [str(info[0]), ...info[1].map(str)] : [])];
    for (const rr of DATA.samples[task].runs) {
      const res = rr && rr[i];
      if (res) parts.push(res[1] || "", res[3] || "", ...res[4].map((p) => str(p[0])));
    }
    return parts.join("\n").toLowerCase();
  }

  function matches(task, i, f) {
    const runRows = DATA.samples[task].runs[f.run];
    const res = runRows && runRows[i];
    if (f.op !== "any") {
      if (!res) return false;
      const v = res[5][metrics.indexOf(f.metric)];
      if (v === null || v === undefined) return false;
      if (f.op === "eq" && Math.abs(v - f.value) > 1e-9) return false;
      if (f.op === "lt" && !(v < f.value)) return false;
      if (f.op === "gt" && !(v > f.value)) return false;
    }
    if (f.error && !DATA.samples[task].runs.some((rr) => rr && rr[i] && rr[i][3])) return false;
    if (f.text && !sampleText(task, i).includes(f.text)) return false;
    return true;
  }

  function filters() {
    return {
      task: document.getElementById("filter-task").value,
      run: Math.max(0, Number(document.getElementById("filter-run")?.value || 0)),
      metric: document.getElementById("filter-metric").value,
      op: document.getElementById("filter-op").value,
      value: Number(document.getElementById("filter-value").value),
      error: document.getElementById("filter-error").checked,
      text: document.getElementById("filter-text").value.trim().toLowerCase(),
    };
  }

  function refreshList() {
    const f = filters();
    const tasks = f.task === "(all tasks)" ? Object.keys(DATA.samples) : [f.task];
    const list = document.getElementById("sample-list");
    const items = [];
    let total = 0, shown = 0;
    for (const task of tasks) {
      const block = DATA.samples[task];
      if (!block) continue;
      total += block.ids.length;
      for (let i = 0; i < block.ids.length; i++) {
        if (!matches(task, i, f)) continue;
        shown++;
        if (items.length >= LIMIT) continue;
        const info = block.info[i];
        const li = el("li", { "data-task": task, "data-id": block.ids[i] }, el("b", { text: block.ids[i] }), " ", info ? str(info[0]).slice(0, 90) : "");
        li.addEventListener("click", () => showSample(task, i, li));
        items.push(li);
      }
    }
    list.replaceChildren(...items);
    document.getElementById("sample-count").textContent = `${shown} of ${total} samples` + (shown > LIMIT ? ` (first ${LIMIT} listed)` : "");
  }

  function titles(list, cls) {
    return el("div", { class: "titles" }, ...list.map((t) => el("span", { class: "title " + (cls || TITLE_CLASS[t[1]]), text: str(cls ? t : t[0]) })));
  }

  function showSample(task, i, li) {
    if (selected) selected.classList.remove("selected");
    selected = li; li.classList.add("selected");
    const block = DATA.samples[task];
    const info = block.info[i];
    const panel = document.getElementById("sample-panel");
    const parts = [el("h3", { text: `${task} / ${block.ids[i]}` })];
    if (info) {
      parts.push(el("p", {}, el("b", { text: "query: " }), str(info[0])));
      parts.push(el("div", {}, el("b", { text: "ground truth: " }), titles(info[1], "truth")));
      if (info[2].length) parts.push(el("p", { class: "conditions" }, el("b", { text: "conditions: " }), info[2].map((c) => `${str(c[0])} = ${str(c[1])}`).join("; ")));
      if (info[3].length) parts.push(el("p", { class: "bridges" }, el("b", { text: "bridges: " }), info[3].map((b) => `${str(b[0])} —${str(b[1])}→ ${str(b[2])}`).join("; ")));
      if (info[4].length) parts.push(el("p", { class: "misinformation" }, el("b", { text: "misinformation: " }), info[4].map((m) => `${str(m[0])}: ${str(m[1])} is ${str(m[2])}, the query says ${str(m[3])}`).join("; ")));
      if (info[5] !== -1) parts.push(el("p", {}, el("b", { text: "group: " }), str(info[5])));
    } else {
      parts.push(el("p", { class: "warning", text: "The dataset of this sample is not available: query and ground truth are not shown." }));
    }
    const cols = el("div", { class: "sample-runs" });
    block.runs.forEach((rr, r) => {
      const res = rr && rr[i];
      const col = el("div", { class: "sample-run", "data-run": runs[r].header.label }, el("h4", { text: runs[r].header.label }));
      if (!res) { col.append(el("p", { class: "hint", text: "not in this run" })); cols.append(col); return; }
      const ms = metrics.map((m, k) => (res[5][k] === null || res[5][k] === undefined ? null : `${m} ${fmt(res[5][k])}`)).filter(Boolean).join(" · ");
      col.append(el("p", { class: "sample-metrics", text: ms }));
      for (const [name, text] of res[6] || []) col.append(el("p", { class: "sample-detail" }, el("b", { text: str(name) + ": " }), str(text)));
      if (res[3]) col.append(el("p", { class: "error", text: "error: " + res[3] }));
      col.append(el("div", {}, el("b", { text: "parsed titles: " }), titles(res[4])));
      if (res[7] !== -1 && res[7] !== undefined) col.append(el("b", { text: "conversation" }), transcriptView(res[7]));
      else col.append(el("b", { text: "response" }), el("div", { class: "response", text: res[1] || "" }));
      if (res[2]) col.append(el("b", { text: "reasoning" }), el("div", { class: "message reasoning", text: res[2] }));
      const prompt = el("details", {}, el("summary", { text: "prompt messages" }));
      for (const m of res[0]) prompt.append(el("div", { class: "message" }, el("b", { text: str(m[0]) + ": " }), str(m[1])));
      col.append(prompt);
      cols.append(col);
    });
    parts.push(cols);
    panel.replaceChildren(...parts);
  }

  function sampleBrowser() {
    fillSelect(document.getElementById("filter-task"), ["(all tasks)", ...Object.keys(DATA.samples)]);
    fillSelect(document.getElementById("filter-metric"), metrics, "recall");
    if (runs.length > 1) {
      const sel = el("select", { id: "filter-run" }, ...runs.map((run, r) => el("option", { value: String(r), text: run.header.label })));
      document.getElementById("filter-metric").before("run ", sel, " ");
    }
    for (const node of document.querySelectorAll("#sample-filters select, #sample-filters input")) {
      node.addEventListener(node.type === "search" || node.type === "number" ? "input" : "change", refreshList);
    }
    if (!Object.keys(DATA.samples).length) document.getElementById("sample-list").replaceChildren(el("li", { text: "this run has no sample rows (--no-log-samples)" }));
    refreshList();
  }

  if (window.ChartErrorBars) {
    Chart.register(ChartErrorBars.BarWithErrorBarsController, ChartErrorBars.BarWithErrorBar);
    Chart.register(ChartErrorBars.LineWithErrorBarsController, ChartErrorBars.PointWithErrorBar);
  }
  runHeaders();
  metricTables();
  robustnessTables();
  plots();
  curves();
  sampleBrowser();
  document.body.dataset.ready = "1";
})();
