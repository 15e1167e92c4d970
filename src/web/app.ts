// The playground page: reads the controls, runs training in a module Web Worker (worker.ts), and
// draws what the worker reports with the pure SVG functions of plots.ts. The page thread only
// draws (at most once per animation frame), so the controls stay responsive while training.
// Runs are kept (the last MAX_RUNS) and overlaid; the settings of the last run are in the URL.
// State for tests and curious users: window.rnnlab = { state, backend, losses, snapshot, runs, maxLagMs, … }.
import { esc, heatmapLegendSvg, runsLossSvg, smooth, testCurvesSvg, type RunCurves } from "./plots.ts";
import type { FromWorker, RunConfig, Snapshot, TaskName, ToWorker } from "./protocol.ts";
import { EXPERIMENTS, type Experiment } from "./experiments.ts";
import { configFromQuery, configToQuery, DEFAULTS, LIMITS } from "./settings.ts";
import { Announcer } from "./announce.ts";
import { DrawPad } from "./draw.ts";
import { $, num, selected, setRadio } from "./dom.ts";
import { drawSnapshot, formatMetric, onHeatHover, toggleHighlight } from "./snapshot-view.ts";
import { drawCellPanel } from "./cell-view.ts";

const MAX_RUNS = 5;
const COLORS = ["#1f5fa8", "#c2410c", "#2a8c4a", "#7c3aed", "#b8860b"];

interface Run {
  id: number;
  config: RunConfig;
  label: string;
  color: string;
  losses: number[];
  tests: { step: number; value: number }[];
  testName: string;
  gradFlow: number[];
  shown: boolean;
  ended: "running" | "done" | "stopped" | "error";
}

type State = "loading" | "idle" | "training" | "paused" | "done" | "error";
const ui = {
  state: "loading" as State,
  backend: "" as string,
  /** why the kernels are not the WebAssembly SIMD ones (null when they are) */
  kernelReason: null as string | null,
  losses: [] as number[],
  snapshot: null as Snapshot | null,
  reference: null as { value: number; label: string } | null,
  runs: [] as Run[],
  /** threads of the wasm kernels, and of the last run: seconds, steps and kernel calls shared with the second thread */
  threads: 1,
  lastRun: null as { steps: number; seconds: number; parallelCalls: number } | null,
  /** the longest the page thread was busy (ms) while training: a responsiveness check */
  maxLagMs: 0,
  /** the longest single redraw (ms): the page's own share of that */
  maxDrawMs: 0,
  steps: 0,
  error: null as string | null,
  /** what the status region has said (tests read it: it must stay short and meaningful) */
  announcements: [] as string[],
  /** the experiment being run: its remaining runs */
  queue: [] as RunConfig[],
  /** snapshots received, and those of them whose gradient flow was all zeros after training steps (must stay 0) */
  snapshots: 0,
  emptyFlows: 0,
};
(window as unknown as { rnnlab: typeof ui }).rnnlab = ui;
let nextRunId = 1;
const currentRun = (): Run | undefined => ui.runs[ui.runs.length - 1];

// ---- announcements (the one live region) and the visible ticker ----
const announcer = new Announcer($("status"), (text) => ui.announcements.push(text));
const say = (text: string, error = false) => announcer.say(text, error);
const ticker = (text: string) => { $("progress").textContent = text; };

// ---- state, buttons and focus ----
function setState(s: State): void {
  const had = document.activeElement as HTMLElement | null;
  ui.state = s;
  document.body.dataset.state = s;
  const active = s === "training" || s === "paused";
  $<HTMLButtonElement>("start").disabled = active || s === "loading";
  $<HTMLButtonElement>("runExperiment").disabled = active || s === "loading";
  $<HTMLButtonElement>("stop").disabled = !active;
  $<HTMLButtonElement>("pause").disabled = !active;
  $<HTMLButtonElement>("pause").textContent = s === "paused" ? "Resume" : "Pause";
  $<HTMLButtonElement>("pause").setAttribute("aria-pressed", String(s === "paused"));
  $<HTMLButtonElement>("stepOnce").disabled = s !== "paused";
  $<HTMLButtonElement>("sampleNow").disabled = !active;
  // A button that becomes disabled drops keyboard focus to <body>: hand it to the control that
  // does the opposite (Train ↔ Stop), so a keyboard user stays where they were.
  if (had instanceof HTMLButtonElement && had.disabled) {
    const next = active ? (had.id === "stepOnce" ? $("pause") : $("stop")) : had.id === "runExperiment" ? $("runExperiment") : $("start");
    (next as HTMLButtonElement).disabled ? $("start").focus() : next.focus();
  }
}


/** The settings in the controls. Values out of range are clamped, written back and said aloud. */
function readConfig(): RunConfig {
  const task = selected("task") as TaskName;
  const notes: string[] = [];
  const clampInt = (id: keyof typeof LIMITS, label: string) => {
    const { lo, hi } = LIMITS[id], raw = num(id), v = Math.min(hi, Math.max(lo, Math.round(raw) || lo));
    if (v !== raw) {
      notes.push(`${label}: ${$<HTMLInputElement>(id).value || "empty"} is ${raw > hi ? `more than ${hi}` : Number.isFinite(raw) && raw >= lo ? "not a whole number" : `not at least ${lo}`}; using ${v}.`);
      $<HTMLInputElement>(id).value = String(v);
    }
    return v;
  };
  const cfg: RunConfig = {
    task, cell: selected("cell") as RunConfig["cell"], peepholes: $<HTMLInputElement>("peepholes").checked,
    gates: $<HTMLSelectElement>("gates").value === "tanh" ? "tanh" : "sigmoid",
    hiddenSize: clampInt("hiddenSize", "hidden units"), batchSize: clampInt("batchSize", "batch size"),
    lr: Number.isFinite(num("lr")) && num("lr") > 0 ? num("lr") : 0.01, steps: clampInt("steps", "steps"),
    seqLen: clampInt("seqLen", "sequence length"), seed: Math.round(num("seed")) || 0,
    backend: new URLSearchParams(location.search).get("backend") === "ref" ? "ref" : "auto",
    sampling: readSampling(),
  };
  const hsNote = $("hiddenSizeNote");
  hsNote.hidden = notes.length === 0;
  hsNote.textContent = notes.join(" ");
  if (notes.length) say(notes.join(" "));
  return cfg;
}

function readSampling(): RunConfig["sampling"] {
  const t = num("temperature");
  return { prefix: $<HTMLInputElement>("prefix").value.slice(0, 12), temperature: Number.isFinite(t) && t > 0 ? Math.min(3, Math.max(0.1, t)) : 0.8 };
}

/** Writes a configuration into the controls (an experiment's run, or the URL's settings). */
function showConfig(c: RunConfig): void {
  setRadio("task", c.task); setRadio("cell", c.cell);
  $<HTMLInputElement>("peepholes").checked = c.peepholes;
  $<HTMLSelectElement>("gates").value = c.gates;
  for (const key of ["hiddenSize", "batchSize", "lr", "steps", "seqLen", "seed"] as const) $<HTMLInputElement>(key).value = String(c[key]);
  $<HTMLInputElement>("prefix").value = c.sampling.prefix;
  $<HTMLInputElement>("temperature").value = String(c.sampling.temperature);
  onTaskOrCell();
  drawCell();
}

function onTaskOrCell(): void {
  const task = selected("task") as TaskName, d = DEFAULTS[task], cell = selected("cell");
  $("seqLenRow").hidden = d.seqLen === 0;
  $<HTMLInputElement>("peepholes").disabled = cell !== "lstm";
  $<HTMLSelectElement>("gates").disabled = cell === "rnn";
  $("samplingSet").hidden = task !== "names";
  $("drawPanel").hidden = task !== "mnist";
}

function applyDefaults(): void {
  const d = DEFAULTS[selected("task") as TaskName];
  for (const key of ["hiddenSize", "batchSize", "lr", "steps"] as const) $<HTMLInputElement>(key).value = String(d[key]);
  if (d.seqLen) $<HTMLInputElement>("seqLen").value = String(d.seqLen);
  onTaskOrCell();
}

/** Task, cell or a size changed: while a run is going it keeps its settings, and the page says so. */
function onSettingChanged(what: string): void {
  const run = currentRun();
  if ((ui.state === "training" || ui.state === "paused") && run) {
    say(`${what} changed. The run in progress keeps its settings (${run.label}); the change applies to the next run (Stop, then Train, to start it now).`);
  }
}

const describe = (c: RunConfig) =>
  `${c.cell.toUpperCase()}${c.cell === "lstm" && c.peepholes ? "+peep" : ""}${c.cell !== "rnn" && c.gates === "tanh" ? " tanh gates" : ""} · ${c.task}${c.task === "adding" || c.task === "sine" ? ` T=${c.seqLen}` : ""} · ${c.hiddenSize} units · seed ${c.seed}`;

// ---- drawing, at most once per frame ----
let dirtyLoss = false, dirtySnap = false, dirtyRuns = false, frame = 0;
function scheduleDraw(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const t0 = performance.now();
    if (dirtyLoss) { dirtyLoss = false; drawLoss(); }
    if (dirtySnap && ui.snapshot) { dirtySnap = false; drawSnapshot(ui.snapshot); }
    if (dirtyRuns) { dirtyRuns = false; drawRuns(); }
    ui.maxDrawMs = Math.max(ui.maxDrawMs, performance.now() - t0);
  });
}

const curves = (): RunCurves[] => ui.runs.filter((r) => r.shown).map((r) => ({ label: `#${r.id} ${r.config.cell.toUpperCase()}${r.config.peepholes && r.config.cell === "lstm" ? "+peep" : ""}${r.config.gates === "tanh" && r.config.cell !== "rnn" ? " tanh" : ""}`,
  color: r.color, losses: r.losses, tests: r.tests, current: r === currentRun() }));

function drawLoss(): void {
  const shown = curves();
  $("lossPlot").innerHTML = runsLossSvg(shown, { reference: ui.reference });
  const s = smooth(ui.losses);
  $("lossValue").textContent = s.length ? `step ${ui.steps}: ${s[s.length - 1].toFixed(4)} (smoothed)` : "";
  const parts = ui.runs.filter((r) => r.shown && r.losses.length).map((r) => {
    const m = smooth(r.losses);
    return `run ${r.id} (${r.label}) from ${m[0].toFixed(3)} to ${m[m.length - 1].toFixed(3)} after ${r.losses.length} steps`;
  });
  $("lossPlot").setAttribute("aria-label", parts.length ? `Training loss, moving average: ${parts.join("; ")}.` : "training loss: no steps yet");
}

function drawRuns(): void {
  const list = $("runs");
  list.innerHTML = ui.runs.map((r) => {
    const last = r.tests[r.tests.length - 1], flow = r.gradFlow;
    const ratio = flow.length > 1 && flow[flow.length - 1] > 0 ? flow[0] / flow[flow.length - 1] : null;
    return `<li data-run="${r.id}"><label><input type="checkbox" data-run="${r.id}"${r.shown ? " checked" : ""}> ` +
      `<svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${r.color}"/></svg> <b>#${r.id}</b> ${esc(r.label)}</label>` +
      `<span class="run-result">${r.ended === "running" ? "running" : r.ended}${last ? ` · ${esc(r.testName)} ${formatMetric(r.testName, last.value)}` : ""}` +
      `${ratio !== null ? ` · gradient at t=0 is ${ratio.toExponential(1)}× the last step's` : ""}</span></li>`;
  }).join("");
  const shown = curves(), metric = ui.runs.find((r) => r.shown && r.testName)?.testName ?? "held-out metric";
  $("testPlot").innerHTML = testCurvesSvg(shown, metric);
  const parts = ui.runs.filter((r) => r.shown && r.tests.length).map((r) => `run ${r.id}: ${r.tests.map((p) => `${formatMetric(r.testName, p.value)} at step ${p.step}`).slice(-3).join(", ")}`);
  $("testPlot").setAttribute("aria-label", parts.length ? `${metric} over training (last three measurements): ${parts.join("; ")}.` : "held-out metric: nothing measured yet");
}

/** The cell panel for the controls as they are now. */
function drawCell(): void {
  drawCellPanel({ cell: selected("cell") as RunConfig["cell"], task: selected("task") as TaskName,
    hiddenSize: Math.min(LIMITS.hiddenSize.hi, Math.max(1, Math.round(num("hiddenSize")) || 1)),
    peepholes: $<HTMLInputElement>("peepholes").checked, tanhGates: $<HTMLSelectElement>("gates").value === "tanh" }, ui.snapshot);
}

// ---- the worker ----
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const send = (m: ToWorker) => worker.postMessage(m);

function finishRun(ended: Run["ended"]): void {
  const run = currentRun();
  if (run && run.ended === "running") run.ended = ended;
  dirtyLoss = dirtyRuns = true; scheduleDraw();
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case "ready": {
      ui.backend = m.backend; ui.kernelReason = m.reason; ui.threads = m.threads;
      const badge = $("backend");
      badge.textContent = m.backend === "wasm" ? `kernels: WebAssembly SIMD${m.threads > 1 ? `, ${m.threads} threads` : ""}` : `kernels: TypeScript reference${m.reason ? ` (${m.reason})` : ""}`;
      badge.classList.toggle("ref", m.backend === "ref");
      if (m.backend === "ref" && m.reason) {
        const note = $("kernelNote");
        note.hidden = false;
        note.textContent = `Training will be slow here (about 20 to 100 times slower than usual): ${m.reason}, so the page uses its TypeScript kernels instead of the WebAssembly SIMD ones. ` +
          "Everything works, just with fewer steps per second; a current Chrome, Edge, Firefox or Safari with JavaScript optimisation enabled runs the fast kernels.";
      }
      setState("idle");
      break;
    }
    case "started": {
      ui.reference = m.reference;
      say(`Training a ${m.config.cell.toUpperCase()}${m.config.peepholes && m.config.cell === "lstm" ? " with peepholes" : ""} of ${m.config.hiddenSize} units (${m.paramTotal.toLocaleString("en")} parameters) on ${m.config.task}, ${m.config.steps} steps.`);
      break;
    }
    case "progress": {
      const run = currentRun();
      ui.losses.push(...m.losses);
      run?.losses.push(...m.losses);
      ui.steps = m.step;
      ticker(`step ${m.step} · ${m.stepsPerSecond.toFixed(0)} steps/s`);
      announcer.progress(m.step, run?.config.steps ?? m.step, smooth(ui.losses).at(-1) ?? NaN);
      dirtyLoss = true; scheduleDraw();
      break;
    }
    case "snapshot": {
      ui.snapshot = m.snapshot;
      ui.snapshots++;
      if (m.snapshot.step > 0 && !m.snapshot.gradFlow.some((v) => v > 0)) ui.emptyFlows++;
      const run = currentRun();
      if (run) {
        run.testName = m.snapshot.test.name;
        run.gradFlow = m.snapshot.gradFlow;
        const last = run.tests[run.tests.length - 1];
        if (last?.step === m.snapshot.step) last.value = m.snapshot.test.value; else run.tests.push({ step: m.snapshot.step, value: m.snapshot.test.value });
      }
      dirtySnap = dirtyRuns = true; scheduleDraw();
      break;
    }
    case "paused":
      ticker(`paused at step ${m.step}`);
      if (ui.state !== "paused") { setState("paused"); say(`Paused at step ${m.step}. Step trains one batch; Resume continues.`); }
      break;
    case "classified": {
      const best = m.probabilities.indexOf(Math.max(...m.probabilities));
      $("drawResult").textContent = `The network reads a ${best} (${(100 * m.probabilities[best]).toFixed(0)} % sure). ` +
        `Next: ${m.probabilities.map((p, d) => [p, d] as const).sort((a, b) => b[0] - a[0]).slice(1, 3).map(([p, d]) => `${d} ${(100 * p).toFixed(0)} %`).join(", ")}.`;
      break;
    }
    case "done": {
      ui.lastRun = { steps: m.step, seconds: m.seconds, parallelCalls: m.parallelCalls };
      finishRun(m.stopped ? "stopped" : "done");
      const run = currentRun(), last = run?.tests[run.tests.length - 1];
      const text = `${m.stopped ? "Stopped" : "Done"} after ${m.step} steps in ${m.seconds.toFixed(1)} s${last && run ? `: ${run.testName} ${formatMetric(run.testName, last.value)}` : ""}.`;
      ticker(`${m.step} steps · ${(m.step / Math.max(1e-3, m.seconds)).toFixed(0)} steps/s`);
      const next = m.stopped ? undefined : ui.queue.shift();
      if (m.stopped) ui.queue = [];
      if (next) { say(`${text} Next run of the experiment.`); setState("done"); showConfig(next); startRun(next); }
      else { say(text); setState("done"); }
      break;
    }
    case "error":
      ui.error = m.message;
      finishRun("error");
      say(`Error: ${m.message}`, true);
      ui.queue = [];
      setState("error");
      break;
  }
};
worker.onerror = (e) => { ui.error = e.message; say(`Worker error: ${e.message}`, true); setState("error"); };

function startRun(cfg: RunConfig): void {
  ui.losses = []; ui.snapshot = null; ui.maxLagMs = 0; ui.maxDrawMs = 0; ui.steps = 0; ui.error = null;
  const used = new Set(ui.runs.map((r) => r.color));
  const run: Run = { id: nextRunId++, config: cfg, label: describe(cfg), color: COLORS.find((c) => !used.has(c)) ?? COLORS[0], losses: [], tests: [], testName: "", gradFlow: [], shown: true, ended: "running" };
  ui.runs.push(run);
  while (ui.runs.length > MAX_RUNS) ui.runs.shift();
  // the same task can be compared; a different task's loss is on another scale: hide those runs
  for (const r of ui.runs) if (r.config.task !== cfg.task) r.shown = false;
  history.replaceState(null, "", `?${configToQuery(cfg, new URLSearchParams(location.search))}`);
  announcer.reset();
  dirtyLoss = dirtyRuns = true; scheduleDraw();
  setState("training");
  send({ type: "start", config: cfg });
}

// ---- controls ----
for (const el of document.querySelectorAll<HTMLInputElement>("input[name=task]")) el.addEventListener("change", () => { applyDefaults(); onSettingChanged("The task"); });
for (const el of document.querySelectorAll<HTMLInputElement>("input[name=cell]")) el.addEventListener("change", () => { onTaskOrCell(); onSettingChanged("The cell"); });
for (const id of ["peepholes", "gates", "hiddenSize", "batchSize", "seqLen", "lr", "steps", "seed"]) {
  $(id).addEventListener("change", () => onSettingChanged(($(id).closest("label")?.textContent ?? id).trim().split("\n")[0]));
}
$("start").addEventListener("click", () => { ui.queue = []; $("experimentNote").textContent = ""; startRun(readConfig()); });
$("stop").addEventListener("click", () => { ui.queue = []; send({ type: "stop" }); });
$("pause").addEventListener("click", () => {
  if (ui.state === "paused") { send({ type: "resume" }); setState("training"); say("Resumed."); }
  else send({ type: "pause" });
});
$("stepOnce").addEventListener("click", () => send({ type: "step" }));
$("sampleNow").addEventListener("click", () => send({ type: "sample", sampling: readSampling() }));
for (const id of ["prefix", "temperature"]) $(id).addEventListener("change", () => { if (ui.state === "training" || ui.state === "paused") send({ type: "sample", sampling: readSampling() }); });
$("runs").addEventListener("change", (e) => {
  const box = e.target as HTMLInputElement, run = ui.runs.find((r) => String(r.id) === box.dataset.run);
  if (run) { run.shown = box.checked; dirtyLoss = dirtyRuns = true; scheduleDraw(); }
});
$("clearRuns").addEventListener("click", () => {
  ui.runs = ui.runs.filter((r) => r.ended === "running");
  dirtyLoss = dirtyRuns = true; scheduleDraw();
  say("Kept runs forgotten.");
});
for (const id of ["gateKey", "equations"]) {
  $(id).addEventListener("click", (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>("button[data-gate]");
    if (!b) return;
    toggleHighlight(b.dataset.gate!, ui.snapshot);
  });
}
$("cellDiagram").addEventListener("click", (e) => {
  const gate = (e.target as Element).closest("[data-diagram-gate]")?.getAttribute("data-diagram-gate");
  if (gate) toggleHighlight(gate, ui.snapshot);
});
for (const id of ["peepholes", "gates", "hiddenSize"]) $(id).addEventListener("change", drawCell);
for (const el of document.querySelectorAll<HTMLInputElement>("input[name=task], input[name=cell]")) el.addEventListener("change", drawCell);
$("heatmap").addEventListener("pointermove", (e) => onHeatHover(e, ui.snapshot));

function showExperiment(x: Experiment): void { $("experimentNote").textContent = `${x.what} Look for: ${x.lookFor}`; }
$("experiment").addEventListener("change", () => showExperiment(EXPERIMENTS[$<HTMLSelectElement>("experiment").value]));
$("runExperiment").addEventListener("click", () => {
  const x = EXPERIMENTS[$<HTMLSelectElement>("experiment").value];
  showExperiment(x);
  const base = readConfig();
  const runs = x.runs.map((r) => ({ ...base, ...r, sampling: base.sampling, backend: base.backend }));
  for (const r of ui.runs) r.shown = false;             // the experiment's runs side by side
  showConfig(runs[0]);
  ui.queue = runs.slice(1);
  startRun(runs[0]);
});

const pad = new DrawPad($<HTMLCanvasElement>("drawCanvas"));
$("clearDrawing").addEventListener("click", () => { pad.clear(); $("drawResult").textContent = ""; });
$("classify").addEventListener("click", () => {
  if (!ui.runs.some((r) => r.config.task === "mnist" && r.ended !== "error")) { $("drawResult").textContent = "Train on MNIST rows first (a few hundred steps), then the network can read your digit."; return; }
  const pixels = pad.pixels28();
  if (!pixels) { $("drawResult").textContent = "Draw a digit first."; return; }
  send({ type: "classify", pixels });
});

// Responsiveness: a 50 ms timer that fires late means the page thread was busy that long.
let expected = performance.now() + 50;
setInterval(() => {
  const now = performance.now();
  if (ui.state === "training") ui.maxLagMs = Math.max(ui.maxLagMs, now - expected);
  expected = now + 50;
}, 50);

// settings from the URL (a shared link reproduces the run), else the task's defaults
const fromUrl = configFromQuery(new URLSearchParams(location.search));
if (fromUrl) { showConfig(fromUrl); say("Settings read from the link. Press Train to run them."); }
else applyDefaults();
showExperiment(EXPERIMENTS[$<HTMLSelectElement>("experiment").value]);
drawCell();
$("lossPlot").innerHTML = runsLossSvg([]);
$("testPlot").innerHTML = testCurvesSvg([], "held-out metric");
$("heatLegend").innerHTML = heatmapLegendSvg();
const query = new URLSearchParams(location.search), threadsParam = Number(query.get("threads"));
send({ type: "init", backend: query.get("backend") === "ref" ? "ref" : "auto", threads: Number.isInteger(threadsParam) && threadsParam >= 1 ? threadsParam : null });
