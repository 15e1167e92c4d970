// The playground page: reads the controls, runs training in a module Web Worker (worker.ts), and
// draws what the worker reports with the pure SVG functions of plots.ts. The page thread only
// draws (at most once per animation frame), so the controls stay responsive while training.
// State for tests and curious users: window.rnnlab = { state, backend, losses, snapshot, maxLagMs }.
import { digitSvg, esc, gateHeatmapSvg, gradFlowSvg, lossCurveSvg, seriesSvg, smooth } from "./plots.ts";
import type { FromWorker, RunConfig, Snapshot, TaskName, ToWorker } from "./protocol.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const num = (id: string) => Number($<HTMLInputElement>(id).value);

const DEFAULTS: Record<TaskName, { hiddenSize: number; batchSize: number; lr: number; steps: number; seqLen: number }> = {
  names: { hiddenSize: 64, batchSize: 32, lr: 0.01, steps: 1500, seqLen: 0 },
  sine: { hiddenSize: 32, batchSize: 32, lr: 0.01, steps: 600, seqLen: 40 },
  adding: { hiddenSize: 32, batchSize: 32, lr: 0.01, steps: 1500, seqLen: 30 },
  mnist: { hiddenSize: 64, batchSize: 32, lr: 0.01, steps: 600, seqLen: 0 },
};

const ui = {
  state: "loading" as "loading" | "idle" | "training" | "done" | "error",
  backend: "" as string,
  losses: [] as number[],
  snapshot: null as Snapshot | null,
  reference: null as { value: number; label: string } | null,
  /** the longest the page thread was busy (ms) while training: a responsiveness check */
  maxLagMs: 0,
  /** the longest single redraw (ms): the page's own share of that */
  maxDrawMs: 0,
  steps: 0,
  error: null as string | null,
};
(window as unknown as { rnnlab: typeof ui }).rnnlab = ui;

function setState(s: typeof ui.state): void {
  ui.state = s;
  document.body.dataset.state = s;
  const training = s === "training";
  $<HTMLButtonElement>("start").disabled = training || s === "loading";
  $<HTMLButtonElement>("stop").disabled = !training;
  $<HTMLButtonElement>("sampleNow").disabled = !training;
}

const selected = (name: string) => (document.querySelector(`input[name=${name}]:checked`) as HTMLInputElement).value;

function readConfig(): RunConfig {
  const task = selected("task") as TaskName;
  const clampInt = (id: string, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(num(id)) || lo));
  return {
    task, cell: selected("cell") as RunConfig["cell"], peepholes: $<HTMLInputElement>("peepholes").checked,
    hiddenSize: clampInt("hiddenSize", 1, 256), batchSize: clampInt("batchSize", 1, 256),
    lr: Number.isFinite(num("lr")) && num("lr") > 0 ? num("lr") : 0.01, steps: clampInt("steps", 1, 100000),
    seqLen: clampInt("seqLen", 2, 200), seed: Math.round(num("seed")) || 0,
    backend: new URLSearchParams(location.search).get("backend") === "ref" ? "ref" : "auto",
  };
}

function onTaskOrCell(): void {
  const task = selected("task") as TaskName, d = DEFAULTS[task];
  $("seqLenRow").hidden = d.seqLen === 0;
  $<HTMLInputElement>("peepholes").disabled = selected("cell") !== "lstm";
}

function applyDefaults(): void {
  const d = DEFAULTS[selected("task") as TaskName];
  for (const key of ["hiddenSize", "batchSize", "lr", "steps"] as const) $<HTMLInputElement>(key).value = String(d[key]);
  if (d.seqLen) $<HTMLInputElement>("seqLen").value = String(d.seqLen);
  onTaskOrCell();
}

// ---- drawing, at most once per frame ----
let dirtyLoss = false, dirtySnap = false;
function scheduleDraw(): void {
  requestAnimationFrame(() => {
    const t0 = performance.now();
    if (dirtyLoss) {
      dirtyLoss = false;
      $("lossPlot").innerHTML = lossCurveSvg(ui.losses, ui.reference ? { reference: ui.reference } : {});
      const s = smooth(ui.losses);
      $("lossValue").textContent = s.length ? `step ${ui.steps}: ${s[s.length - 1].toFixed(4)} (smoothed)` : "";
    }
    if (dirtySnap && ui.snapshot) { dirtySnap = false; drawSnapshot(ui.snapshot); }
    ui.maxDrawMs = Math.max(ui.maxDrawMs, performance.now() - t0);
  });
}

function drawSnapshot(s: Snapshot): void {
  $("testMetric").textContent = `After ${s.step} steps: ${s.test.name} ${s.test.name.includes("accuracy") ? `${(100 * s.test.value).toFixed(1)} %` : s.test.value.toFixed(4)}.`;
  $("heatmap").innerHTML = gateHeatmapSvg(s.gates);
  $("saturation").textContent = "Over this sequence: " + s.gates.gates.map((g) =>
    `${g.short} mean ${g.mean.toFixed(2)}, ${(100 * g.low).toFixed(0)} % near ${g.tanh ? "−1" : "0"} / ${(100 * g.high).toFixed(0)} % near 1`).join(" · ") + ".";
  $("gradFlow").innerHTML = gradFlowSvg(s.gradFlow);
  $("paramTotal").textContent = `${s.paramTotal.toLocaleString("en")} in all`;
  $("params").querySelector("tbody")!.innerHTML = s.params.map((p) =>
    `<tr><td>${esc(p.name)}</td><td>[${p.shape.join(", ")}]</td><td class="num">${p.count.toLocaleString("en")}</td><td>${esc(p.formula)}</td>` +
    `<td class="num">${p.rms.toFixed(4)}</td><td class="num">${p.gradRms.toExponential(2)}</td></tr>`).join("");
  const v = s.sample;
  let html = `<p class="note">${esc(v.title)}</p>`;
  if (v.kind === "text") html += `<pre id="sampleText">${esc(v.lines.join("\n"))}</pre>`;
  else if (v.kind === "series") {
    html += seriesSvg([{ name: "input", values: v.input, color: "#9aa5b5" }, { name: "next value", values: v.target, color: "#2a8c4a" }, { name: "model", values: v.prediction, color: "#c2410c" }]);
  } else {
    html += `<div class="digits">${v.items.map((d) => digitSvg(d.pixels, `${d.label} → ${d.predicted}${d.label === d.predicted ? " ✓" : " ✗"}`)).join("")}</div>`;
  }
  $("sample").innerHTML = html;
}

// ---- the worker ----
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const send = (m: ToWorker) => worker.postMessage(m);
const status = (text: string, error = false) => { const el = $("status"); el.textContent = text; el.classList.toggle("error", error); };

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case "ready": {
      ui.backend = m.backend;
      const badge = $("backend");
      badge.textContent = m.backend === "wasm" ? "kernels: WebAssembly SIMD" : `kernels: TypeScript reference${m.reason ? ` (${m.reason})` : ""}`;
      badge.classList.toggle("ref", m.backend === "ref");
      setState("idle");
      break;
    }
    case "started":
      ui.reference = m.reference;
      status(`Training a ${m.config.cell.toUpperCase()}${m.config.peepholes && m.config.cell === "lstm" ? " with peepholes" : ""} of ${m.config.hiddenSize} units (${m.paramTotal.toLocaleString("en")} parameters)…`);
      break;
    case "progress":
      ui.losses.push(...m.losses);
      ui.steps = m.step;
      status(`step ${m.step} · ${m.stepsPerSecond.toFixed(0)} steps/s`);
      dirtyLoss = true; scheduleDraw();
      break;
    case "snapshot":
      ui.snapshot = m.snapshot;
      dirtySnap = true; scheduleDraw();
      break;
    case "done":
      status(`${m.stopped ? "Stopped" : "Done"} after ${m.step} steps in ${m.seconds.toFixed(1)} s.`);
      setState("done");
      break;
    case "error":
      ui.error = m.message;
      status(`Error: ${m.message}`, true);
      setState("error");
      break;
  }
};
worker.onerror = (e) => { ui.error = e.message; status(`Worker error: ${e.message}`, true); setState("error"); };

// ---- controls ----
for (const el of document.querySelectorAll<HTMLInputElement>("input[name=task]")) el.addEventListener("change", applyDefaults);
for (const el of document.querySelectorAll<HTMLInputElement>("input[name=cell]")) el.addEventListener("change", onTaskOrCell);
$("start").addEventListener("click", () => {
  ui.losses = []; ui.snapshot = null; ui.maxLagMs = 0; ui.maxDrawMs = 0; ui.steps = 0; ui.error = null;
  dirtyLoss = true; scheduleDraw();
  setState("training");
  send({ type: "start", config: readConfig() });
});
$("stop").addEventListener("click", () => send({ type: "stop" }));
$("sampleNow").addEventListener("click", () => send({ type: "sample" }));

// Responsiveness: a 50 ms timer that fires late means the page thread was busy that long.
let expected = performance.now() + 50;
setInterval(() => {
  const now = performance.now();
  if (ui.state === "training") ui.maxLagMs = Math.max(ui.maxLagMs, now - expected);
  expected = now + 50;
}, 50);

applyDefaults();
$("lossPlot").innerHTML = lossCurveSvg([]);
send({ type: "init", backend: new URLSearchParams(location.search).get("backend") === "ref" ? "ref" : "auto" });
