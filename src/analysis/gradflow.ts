// Gradient flow through time: how much of the loss's gradient reaches the state k steps back.
// A loss on the last step of a T-step sequence (the adding problem's sum), BPTT through a probe
// network, and at every step t the norm of ∂L/∂h_t (and, for the LSTM, of ∂L/∂c_t) against the
// distance k = T − 1 − t from the loss. For a tanh RNN ∂h_t/∂h_{t−1} = diag(1 − h_t²) W_hh, so the
// gradient k steps back is a product of k such Jacobians and shrinks geometrically when their
// norm is below 1 (Bengio, Simard & Frasconi 1994; Hochreiter 1991). The LSTM's cell state has the
// additive path c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t, whose Jacobian is diag(f_t): with forget gates
// near 1 the gradient survives (Hochreiter & Schmidhuber 1997; Gers et al. 2000).
// Measured in float64 so that a gradient of 1e-40 is a number, not a float32 zero.
import type { CellKind } from "../cells/index.ts";
import type { Batch } from "../train/batch.ts";
import { addingProblem } from "../train/data/synthetic.ts";
import { ProbeNet, trainProbe } from "./probe-net.ts";
import { refKernels } from "../kernels/index.ts";

export interface GradFlowOptions {
  cells?: CellKind[];
  /** sequence length T: distances 0 … T − 1 (default 200) */
  steps?: number;
  hiddenSize?: number;
  /** rows of the batch the norms are averaged over */
  batchSize?: number;
  /** training steps on the adding problem before the "trained" measurement; 0 = only at initialization */
  trainSteps?: number;
  /** sequence length of that training (default: steps) */
  trainT?: number;
  lr?: number;
  /** LSTM forget bias added inside the forget-gate sigmoid (default 1: TF-1 BasicLSTMCell, the note's cell) */
  forgetBias?: number;
  seed?: number;
  /** number of seeds (seed, seed + 1, …): initialization, data and training differ per seed (default 1) */
  seeds?: number;
  /** the distance at which ratios are reported (default 100, or T − 1 if shorter) */
  ratioAt?: number;
  onProgress?: (done: number, total: number, label: string) => void;
  shouldStop?: () => boolean;
}

export interface GradFlowCurve {
  cell: CellKind;
  phase: "init" | "trained";
  /** distance[k] = k: steps between h_t and the loss */
  distance: number[];
  /** mean over the batch of ‖∂L/∂h_t‖₂, indexed by distance */
  dh: number[];
  /** LSTM: mean over the batch of ‖∂L/∂c_t‖₂ (both paths into c_t), indexed by distance; else null */
  dc: number[] | null;
  /** the same norms divided by their value at distance 0 (with several seeds: their geometric mean) */
  dhRelative: number[];
  dcRelative: number[] | null;
  /** with several seeds: the smallest and largest relative norm at each distance */
  dhRelativeMin?: number[];
  dhRelativeMax?: number[];
  /** seeds behind this curve */
  seeds?: number;
}

export interface GradFlowRatio {
  cell: CellKind; phase: "init" | "trained"; at: number; dh: number; dc: number | null; log10Dh: number;
  /** with several seeds: each seed's ratio, and the mean and standard deviation of log10 of them */
  perSeed?: number[]; log10Std?: number;
}

export interface GradFlow {
  task: string;
  T: number;
  forgetBias: number;
  hiddenSize: number;
  batchSize: number;
  trainSteps: number;
  curves: GradFlowCurve[];
  /** ‖∂L/∂h‖ at distance `at` over ‖∂L/∂h‖ at distance 0 */
  ratios: GradFlowRatio[];
  training: { cell: CellKind; steps: number; firstLoss: number; lastLoss: number; seed?: number }[];
  seeds?: number[];
  stopped: boolean;
}

/** Norms of ∂L/∂h_t and ∂L/∂c_t at every step for one batch, indexed by distance from the loss. */
export function measureGradFlow(net: ProbeNet, batch: Batch): { dh: number[]; dc: number[] | null } {
  const { T, B } = batch.input, cfg = net.cell.config, R = cfg.outputSize, H = cfg.hiddenSize;
  const lstm = cfg.kind === "lstm", plainLstm = lstm && cfg.projSize === 0 && !cfg.usePeepholes && cfg.activation === "tanh";
  const dh = new Array<number>(T).fill(0), dc = plainLstm ? new Array<number>(T).fill(0) : null;
  const run = net.forward(batch);
  run.onStepGrad = (t, dH, dC, s) => {
    const k = T - 1 - t;
    let sumH = 0, sumC = 0;
    for (let b = 0; b < B; b++) {
      let nh = 0, nc = 0;
      for (let j = 0; j < R; j++) nh += dH[b * R + j] ** 2;
      if (dc) for (let j = 0; j < H; j++) {
        // total ∂L/∂c_t = (from c_{t+1}) + (through h_t = o_t ⊙ tanh c_t): dc + dh ⊙ o ⊙ (1 − tanh² c)
        const o = s.gates[b * 4 * H + 3 * H + j], tc = Math.tanh(s.c[b * H + j]);
        nc += (dC[b * H + j] + dH[b * H + j] * o * (1 - tc * tc)) ** 2;
      }
      sumH += Math.sqrt(nh); sumC += Math.sqrt(nc);
    }
    dh[k] = sumH / B;
    if (dc) dc[k] = sumC / B;
  };
  try {
    net.zeroGrad();
    net.lossAndBackward();
  } finally {
    run.onStepGrad = null;
  }
  return { dh, dc };
}

function relative(v: number[]): number[] { return v.map((x) => x / v[0]); }

/**
 * Gradient flow for each cell at initialization and (with trainSteps > 0) after training on the
 * adding problem; with `seeds` > 1 each curve is the geometric mean over seeds (norms span decades),
 * with the min … max over seeds beside it.
 */
export function gradFlow(o: GradFlowOptions = {}): GradFlow {
  const n = o.seeds ?? 1, first = o.seed ?? 1;
  if (n <= 1) return { ...gradFlowOneSeed(o), seeds: [first] };
  const runs: GradFlow[] = [];
  const cellsN = (o.cells ?? ["rnn", "lstm", "gru"]).length, perSeed = cellsN * (1 + (o.trainSteps ?? 0));
  for (let i = 0; i < n; i++) {
    const r = gradFlowOneSeed({ ...o, seed: first + i, onProgress: o.onProgress && ((d, _t, label) => o.onProgress!(i * perSeed + d, n * perSeed, `${label}, seed ${first + i}`)) });
    runs.push(r);
    if (r.stopped) break;
  }
  const base = runs[0], complete = runs.filter((r) => !r.stopped);
  const pool = complete.length ? complete : [base];
  const curves = base.curves.filter((c) => pool.every((r) => r.curves.some((q) => q.cell === c.cell && q.phase === c.phase))).map((c): GradFlowCurve => {
    const all = pool.map((r) => r.curves.find((q) => q.cell === c.cell && q.phase === c.phase)!);
    const geo = (pick: (q: GradFlowCurve) => number[] | null) => all[0] && pick(all[0]) ? pick(all[0])!.map((_, k) => 10 ** mean(all.map((q) => Math.log10(pick(q)![k])))) : null;
    return {
      cell: c.cell, phase: c.phase, distance: c.distance, dh: geo((q) => q.dh)!, dc: geo((q) => q.dc), dhRelative: geo((q) => q.dhRelative)!, dcRelative: geo((q) => q.dcRelative),
      dhRelativeMin: c.distance.map((_, k) => Math.min(...all.map((q) => q.dhRelative[k]))), dhRelativeMax: c.distance.map((_, k) => Math.max(...all.map((q) => q.dhRelative[k]))),
      seeds: all.length,
    };
  });
  const ratios = curves.map((c): GradFlowRatio => {
    const perSeedRatios = pool.map((r) => r.ratios.find((q) => q.cell === c.cell && q.phase === c.phase)!.dh), logs = perSeedRatios.map(Math.log10);
    const m = mean(logs), sd = logs.length > 1 ? Math.sqrt(logs.reduce((a, v) => a + (v - m) ** 2, 0) / (logs.length - 1)) : 0;
    const at = base.ratios[0]?.at ?? 0;
    return { cell: c.cell, phase: c.phase, at, dh: 10 ** m, dc: c.dcRelative ? c.dcRelative[at] : null, log10Dh: m, perSeed: perSeedRatios, log10Std: sd };
  });
  return { ...base, curves, ratios, training: runs.flatMap((r, i) => r.training.map((t) => ({ ...t, seed: first + i }))),
    seeds: pool.map((_, i) => first + i), stopped: runs.some((r) => r.stopped) };
}

function gradFlowOneSeed(o: GradFlowOptions): GradFlow {
  const cellOpts = (cell: CellKind) => ({ inputSize: 2, hiddenSize: H, ...(cell === "lstm" ? { forgetBias: o.forgetBias ?? 1 } : {}) });
  const cells = o.cells ?? ["rnn", "lstm", "gru"], T = o.steps ?? 200, H = o.hiddenSize ?? 64, B = o.batchSize ?? 32;
  const trainSteps = o.trainSteps ?? 0, seed = o.seed ?? 1, at = Math.min(o.ratioAt ?? 100, T - 1);
  const probe = addingProblem({ T, trainSize: B, testSize: B, dataSeed: seed + 100 });
  const batch = probe.batches("test", B, 0)[Symbol.iterator]().next().value as Batch;
  const curves: GradFlowCurve[] = [], training: GradFlow["training"] = [];
  const total = cells.length * (1 + trainSteps);
  let done = 0, stopped = false;
  const measure = (cell: CellKind, phase: "init" | "trained", params: Float32Array | Float64Array, head: Float32Array | Float64Array) => {
    const net = new ProbeNet({ kind: cell, cell: cellOpts(cell), outputSize: 1, loss: "value", seed, dtype: "float64" }, refKernels);
    net.params.flat.set(params); net.head.params.flat.set(head);
    const { dh, dc } = measureGradFlow(net, batch);
    net.dispose();
    curves.push({ cell, phase, distance: dh.map((_, k) => k), dh, dc, dhRelative: relative(dh), dcRelative: dc ? relative(dc) : null });
  };
  for (const cell of cells) {
    if (o.shouldStop?.()) { stopped = true; break; }
    const net = new ProbeNet({ kind: cell, cell: cellOpts(cell), outputSize: 1, loss: "value", seed });
    measure(cell, "init", net.params.flat, net.head.params.flat);
    o.onProgress?.(++done, total, `${cell} at initialization`);
    if (trainSteps > 0) {
      const data = addingProblem({ T: o.trainT ?? T, trainSize: 100000, testSize: 0, dataSeed: seed });
      const r = trainProbe(net, data, { steps: trainSteps, batchSize: B, lr: o.lr ?? 0.01, seed, shouldStop: o.shouldStop,
        onStep: () => o.onProgress?.(++done, total, `training ${cell}`) });
      training.push({ cell, steps: r.steps, firstLoss: r.losses[0] ?? NaN, lastLoss: mean(r.losses.slice(-20)) });
      if (r.stopped) { stopped = true; net.dispose(); break; }
      measure(cell, "trained", net.params.flat, net.head.params.flat);
    }
    net.dispose();
  }
  const ratios = curves.map((c): GradFlowRatio => ({
    cell: c.cell, phase: c.phase, at, dh: c.dhRelative[at], dc: c.dcRelative ? c.dcRelative[at] : null, log10Dh: Math.log10(c.dhRelative[at]),
  }));
  return { task: "adding", T, forgetBias: o.forgetBias ?? 1, hiddenSize: H, batchSize: B, trainSteps, curves, ratios, training, stopped };
}

function mean(v: number[]): number { return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN; }
