// The playground's training loop, in a Web Worker so that the page stays responsive. It trains
// in slices of ~40 ms, posts the new losses after each slice, and between slices reads its
// messages (stop, sample now, pause, resume, one step, classify a drawn digit). Every ~0.6 s, and
// at the end, it posts a snapshot: held-out metric, gate activations, gradient flow, parameter
// table, sample output. While paused it waits for a message and trains nothing.
import { init } from "./rnnlab.ts";
import type { Kernels } from "../kernels/types.ts";
import type { WasmKernels } from "../kernels/wasm/index.ts";
import { canUseThreads } from "../kernels/wasm/threads.ts";
import { adam, clipGradNorm } from "../train/optim.ts";
import type { Batch } from "../train/batch.ts";
import { paramTable } from "../analysis/param-table.ts";
import { gateStats } from "../analysis/gates.ts";
import { PlaygroundNet } from "./net.ts";
import { loadTask, type Task } from "./tasks.ts";
import type { FromWorker, ParamRowView, RunConfig, SamplingOptions, Snapshot, ToWorker } from "./protocol.ts";

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let kernels: Kernels | null = null;
let running = false, stopRequested = false, sampleRequested = false;
let paused = false, stepsAllowed = 0;
let sampling: SamplingOptions = { prefix: "", temperature: 0.8 };
/** resolves the wait of a paused loop (any message that changes what it should do) */
let wake: (() => void) | null = null;
const nudge = () => { const w = wake; wake = null; w?.(); };
/** the network being trained and its task, for "classify" */
let current: { net: PlaygroundNet; task: Task } | null = null;

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === "init") {
    init({ backend: m.backend }).then((r) => {
      kernels = r.kernels;
      post({ type: "ready", backend: r.backend, reason: r.reason, threads: useThreads(r.kernels, m.threads) });
    }, (err) => post({ type: "error", message: String(err?.message ?? err) }));
  } else if (m.type === "start") {
    if (running) return;
    stopRequested = false;
    train(m.config).catch((err) => { running = false; post({ type: "error", message: String(err?.stack ?? err) }); });
  } else if (m.type === "stop") { stopRequested = true; nudge(); }
  else if (m.type === "sample") { if (m.sampling) sampling = m.sampling; sampleRequested = true; nudge(); }
  else if (m.type === "pause") paused = true;
  else if (m.type === "resume") { paused = false; stepsAllowed = 0; nudge(); }
  else if (m.type === "step") { stepsAllowed++; nudge(); }
  else if (m.type === "classify") {
    if (current?.task.classify) post({ type: "classified", probabilities: current.task.classify(current.net, m.pixels) });
  }
};

/**
 * Threads for the wasm kernels: where this worker is cross-origin isolated (the page was served
 * with COOP + COEP) and the machine has 4 or more cores, the kernels share big steps with a second
 * Web Worker over the same shared memory, with bit-for-bit the results of one thread; elsewhere
 * one thread.
 */
function useThreads(k: Kernels, wanted: number | null): number {
  const wasm = k as Partial<WasmKernels>;
  if (k.name !== "wasm" || !wasm.setThreads || !canUseThreads() || !(wasm.memory?.buffer instanceof SharedArrayBuffer)) return 1;
  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  // two threads by default only with cores to spare: on a 2-core machine the second thread competes
  // with the page and the browser, and measured slower (docs/browser.md); ?threads=N overrides
  const n = Math.max(1, Math.min(wanted ?? (cores >= 4 ? 2 : 1), 8));
  wasm.setThreads(n);
  return n;
}
const parallelCalls = () => (kernels as Partial<WasmKernels> | null)?.parallelCalls?.() ?? 0;

const rms = (v: ArrayLike<number>) => { let s = 0; for (let i = 0; i < v.length; i++) s += v[i] * v[i]; return Math.sqrt(s / Math.max(1, v.length)); };

/** The "why" of each count: the cell's rows from analysis/paramTable (PyTorch layout), the others by shape. */
function paramRows(net: PlaygroundNet, cfg: RunConfig): ParamRowView[] {
  const D = net.cell.config.inputSize, H = cfg.hiddenSize;
  const formulas = new Map<string, string>();
  // paramTable's torch rows are weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 in that order, as our
  // cell's specs; peepholes (which PyTorch's layout has not) only add their own tensor
  const t = paramTable(cfg.cell, { inputSize: D, hiddenSize: H }, "torch");
  ["rnn.weightIh", "rnn.weightHh", "rnn.biasIh", "rnn.biasHh"].forEach((name, i) => { if (t.rows[i]) formulas.set(name, `${t.rows[i].formula} = ${t.rows[i].substituted}`); });
  formulas.set("rnn.peep", `3N = 3·${H} (diagonal peepholes w_i, w_f, w_o)`);
  return net.tensors().map((t) => ({
    name: t.name, shape: t.shape, count: t.values.length,
    formula: formulas.get(t.name) ?? t.shape.join(" · "), rms: rms(t.values), gradRms: rms(t.grads),
  }));
}

function snapshot(net: PlaygroundNet, task: Task, cfg: RunConfig, step: number): Snapshot {
  const gradFlow = Array.from(net.gradFlow());            // first: evaluation forwards replace the last batch
  const params = paramRows(net, cfg);
  // the analysis module's gate statistics (the same code as `rnnlab gates`), over the traced sequence
  const { T } = task.trace, units = Math.min(8, cfg.hiddenSize);
  const stats = gateStats(net.k, net.cell, net.weights, net.cellInput(task.trace.input, T), T, 1, { units });
  const letters = cfg.cell === "lstm" ? ["i", "f", "g", "o"] : cfg.cell === "gru" ? ["r", "z", "n"] : ["h"];
  const gates = stats.gates.map((g, gi) => ({
    name: g.name, short: letters[gi], tanh: g.range[0] < 0, mean: g.mean, low: g.saturatedLow, high: g.saturatedHigh,
    units: stats.trace.filter((tr) => tr.gate === g.name).map((tr) => tr.values),
  }));
  const test = task.testMetric(net);
  return {
    step, test, gradFlow, params, paramTotal: net.paramCount(),
    gates: { hiddenSize: cfg.hiddenSize, labels: task.trace.labels, marks: task.trace.marks, gates },
    sample: task.sample(net, cfg.seed + step, sampling),
  };
}

async function train(cfg: RunConfig): Promise<void> {
  running = true;
  const k = kernels ?? (await init({ backend: cfg.backend })).kernels;
  const task = await loadTask(cfg);
  current?.net.dispose();
  current = null;
  const net = new PlaygroundNet({ ...task.net, cell: cfg.cell, peepholes: cfg.cell === "lstm" && cfg.peepholes,
    gateActivation: cfg.cell !== "rnn" && cfg.gates === "tanh" ? "tanh" : "sigmoid", hiddenSize: cfg.hiddenSize, seed: cfg.seed }, k);
  current = { net, task };
  sampling = cfg.sampling;
  const opt = adam({ lr: cfg.lr }), groups = net.groups();
  post({ type: "started", config: cfg, paramTotal: net.paramCount(), reference: task.reference });
  let pass = 0, it = task.dataset.batches("train", cfg.batchSize, cfg.seed)[Symbol.iterator]();
  const nextBatch = (): Batch => {
    let r = it.next();
    if (r.done) { pass++; it = task.dataset.batches("train", cfg.batchSize, cfg.seed + pass)[Symbol.iterator](); r = it.next(); }
    return r.value as Batch;
  };
  const t0 = performance.now(), calls0 = parallelCalls();
  let step = 0, lastSnap = t0;
  let pausedMs = 0;                                       // time spent paused does not count in steps/s
  const mayStep = () => !paused || stepsAllowed > 0;
  try {
    while (step < cfg.steps && !stopRequested) {
      if (!mayStep()) {
        post({ type: "paused", step });
        const p0 = performance.now();
        await new Promise<void>((r) => { wake = r; });
        pausedMs += performance.now() - p0;
        if (sampleRequested && !stopRequested) { sampleRequested = false; post({ type: "snapshot", snapshot: snapshot(net, task, cfg, step) }); }
        continue;
      }
      const slice = performance.now(), losses: number[] = [];
      let single = false;
      while (step < cfg.steps && performance.now() - slice < 40 && mayStep()) {
        net.zeroGrad();
        net.forward(nextBatch());
        losses.push(net.backward());
        clipGradNorm(groups, 5);
        opt.step(groups);
        step++;
        if (paused) { stepsAllowed--; single = true; }
      }
      const now = performance.now();
      post({ type: "progress", step, losses, stepsPerSecond: step / Math.max(1e-3, (now - t0 - pausedMs) / 1000) });
      if (sampleRequested || single || now - lastSnap > 600) {
        sampleRequested = false; lastSnap = now;
        post({ type: "snapshot", snapshot: snapshot(net, task, cfg, step) });
      }
      await new Promise((r) => setTimeout(r, 0));         // let stop / sample / pause messages in
    }
    post({ type: "snapshot", snapshot: snapshot(net, task, cfg, step) });
    post({ type: "done", step, stopped: stopRequested, seconds: (performance.now() - t0 - pausedMs) / 1000, parallelCalls: parallelCalls() - calls0 });
  } finally {
    // the network stays for "classify" (a drawn digit) until the next run replaces it
    running = false; paused = false; stepsAllowed = 0;
  }
}
