// The playground's training loop, in a Web Worker so that the page stays responsive. It trains
// in slices of ~40 ms, posts the new losses after each slice, and between slices reads its
// messages (stop, sample now). Every ~0.6 s, and at the end, it posts a snapshot: held-out
// metric, gate activations, gradient flow, parameter table, sample output.
import { init } from "./rnnlab.ts";
import type { Kernels } from "../kernels/types.ts";
import { adam, clipGradNorm } from "../train/optim.ts";
import type { Batch } from "../train/batch.ts";
import { paramTable } from "../analysis/param-table.ts";
import { gateStats } from "../analysis/gates.ts";
import { PlaygroundNet } from "./net.ts";
import { loadTask, type Task } from "./tasks.ts";
import type { FromWorker, ParamRowView, RunConfig, Snapshot, ToWorker } from "./protocol.ts";

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let kernels: Kernels | null = null;
let running = false, stopRequested = false, sampleRequested = false;

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === "init") {
    init({ backend: m.backend }).then((r) => { kernels = r.kernels; post({ type: "ready", backend: r.backend, reason: r.reason }); },
      (err) => post({ type: "error", message: String(err?.message ?? err) }));
  } else if (m.type === "start") {
    if (running) return;
    stopRequested = false;
    train(m.config).catch((err) => { running = false; post({ type: "error", message: String(err?.stack ?? err) }); });
  } else if (m.type === "stop") stopRequested = true;
  else if (m.type === "sample") sampleRequested = true;
};

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
    sample: task.sample(net, cfg.seed + step),
  };
}

async function train(cfg: RunConfig): Promise<void> {
  running = true;
  const k = kernels ?? (await init({ backend: cfg.backend })).kernels;
  const task = await loadTask(cfg);
  const net = new PlaygroundNet({ ...task.net, cell: cfg.cell, peepholes: cfg.cell === "lstm" && cfg.peepholes, hiddenSize: cfg.hiddenSize, seed: cfg.seed }, k);
  const opt = adam({ lr: cfg.lr }), groups = net.groups();
  post({ type: "started", config: cfg, paramTotal: net.paramCount(), reference: task.reference });
  let pass = 0, it = task.dataset.batches("train", cfg.batchSize, cfg.seed)[Symbol.iterator]();
  const nextBatch = (): Batch => {
    let r = it.next();
    if (r.done) { pass++; it = task.dataset.batches("train", cfg.batchSize, cfg.seed + pass)[Symbol.iterator](); r = it.next(); }
    return r.value as Batch;
  };
  const t0 = performance.now();
  let step = 0, lastSnap = t0;
  try {
    while (step < cfg.steps && !stopRequested) {
      const slice = performance.now(), losses: number[] = [];
      while (step < cfg.steps && performance.now() - slice < 40) {
        net.zeroGrad();
        net.forward(nextBatch());
        losses.push(net.backward());
        clipGradNorm(groups, 5);
        opt.step(groups);
        step++;
      }
      const now = performance.now();
      post({ type: "progress", step, losses, stepsPerSecond: step / ((now - t0) / 1000) });
      if (sampleRequested || now - lastSnap > 600) {
        sampleRequested = false; lastSnap = now;
        post({ type: "snapshot", snapshot: snapshot(net, task, cfg, step) });
      }
      await new Promise((r) => setTimeout(r, 0));         // let stop / sample messages in
    }
    post({ type: "snapshot", snapshot: snapshot(net, task, cfg, step) });
    post({ type: "done", step, stopped: stopRequested, seconds: (performance.now() - t0) / 1000 });
  } finally {
    net.dispose();
    running = false;
  }
}
