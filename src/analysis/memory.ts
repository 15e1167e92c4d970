// Memory against lag: which cell learns a long-range dependency, decided by the data rather than
// by the training budget. The standard long-range tasks at growing lags:
//   adding  the adding problem (Hochreiter & Schmidhuber 1997, exp. 4; Arjovsky et al. 2016):
//           T = lag steps of (value, marker); the target is the sum of the two marked values, the
//           first marker in the first half. Solved when |prediction − target| < 0.04 (H&S's
//           criterion); "accuracy" is the fraction of held-out sequences within it (always
//           predicting the mean 1 scores 2·0.04 − 0.04² = 7.8 %).
//   recall  delayed recall with distractors: a symbol at step 0, then `lag` random symbols of the
//           same alphabet; the answer (the first symbol) is read at the last step. Chance 1/symbols.
//   copy    the copy task (Arjovsky et al. 2016 layout): copyLength symbols, a delay of `lag`
//           blank steps, then the symbols again; accuracy per copied symbol.
// Every (task, cell, lag) gets the same budget (`steps` training steps of `batchSize`), trained
// from scratch with `seeds` seeds. Every `evalEvery` steps the run is scored on a validation set
// and on the test set; the reported accuracy is the test accuracy at the best validation score
// (early stopping, so a run that learns and then loses it counts what it learned, and the test set
// is never used for the choice). That number can only grow with more steps, so the curves carry
// the budget evidence: a kept accuracy that stopped changing well before the end means more steps
// would not change the answer. A run stops once its validation accuracy reaches solvedAt.
// `equalParams` gives every cell the LSTM's parameter count.
import type { CellKind } from "../cells/index.ts";
import { addingProblem, copyTask, delayedRecall } from "../train/data/synthetic.ts";
import type { SeqDataset } from "../train/batch.ts";
import { ProbeNet, trainProbe, evaluateProbe } from "./probe-net.ts";
import { RnnlabError } from "../errors.ts";

export type MemoryTask = "adding" | "recall" | "copy";
export const MEMORY_TASKS: readonly MemoryTask[] = ["adding", "recall", "copy"];

/** |prediction − target| below this counts as correct on the adding problem (Hochreiter & Schmidhuber 1997) */
export const ADDING_TOLERANCE = 0.04;

export interface MemoryOptions {
  /** tasks to run (default adding and recall) */
  tasks?: MemoryTask[];
  /** @deprecated one task: use tasks */
  task?: MemoryTask;
  /** copy: symbols to reproduce (default 5) */
  copyLength?: number;
  cells?: CellKind[];
  lags?: number[];
  /** units of the LSTM (and of every cell unless equalParams) */
  hiddenSize?: number;
  /** give the RNN and GRU as many units as matches the LSTM's parameter count (head included) */
  equalParams?: boolean;
  symbols?: number;
  /** recall: what fills the lag, random distractor symbols (default) or blanks */
  noise?: "blank" | "symbols";
  /** training steps per run: the same budget for every cell at a lag (default 12,000) */
  steps?: number;
  batchSize?: number;
  lr?: number;
  /** LSTM forget bias (default 1: TF-1 BasicLSTMCell, the note's cell; PyTorch's LSTM has 0) */
  forgetBias?: number;
  testSize?: number;
  /** validation and test accuracy every this many steps (default 300, or steps / 10 when that is smaller): the same for every budget, so runs with different budgets are scored at the same steps */
  evalEvery?: number;
  /** stop a run once its held-out accuracy reaches this (default 0.99; 1.01 = never) */
  solvedAt?: number;
  /** number of seeds: seed, seed + 1, … (default 3) */
  seeds?: number;
  seed?: number;
  onProgress?: (done: number, total: number, label: string) => void;
  shouldStop?: () => boolean;
}

/** One training run: one task, cell, lag and seed. */
export interface MemoryRun {
  task: MemoryTask; cell: CellKind; lag: number; seed: number; hiddenSize: number; params: number;
  /** held-out (test) accuracy at the checkpoint with the best validation accuracy: what early
   *  stopping keeps. It can only grow with a larger budget, so a budget that no longer changes it
   *  is large enough. */
  accuracy: number;
  /** test loss at that checkpoint */
  testLoss: number; chance: number;
  /** the step of that checkpoint */
  keptStep: number;
  /** test accuracy at the end of the run (a run can learn and then lose it: see the curve) */
  finalAccuracy: number;
  /** training steps taken (fewer than the budget when solved early or diverged) */
  steps: number;
  /** test and validation accuracy during training: the budget evidence */
  curve: { step: number; accuracy: number; validation: number }[];
  /** the step at which the validation accuracy reached solvedAt, or null */
  solvedAtStep: number | null;
  finalTrainLoss: number; seconds: number;
  /** the gradient overflowed (or the loss became non-finite): the run stopped there, before the update */
  diverged: boolean;
  /** the largest gradient norm before clipping (Infinity when it overflowed): exploding gradients */
  maxGradNorm: number;
}

/** All seeds of one (task, cell, lag): mean and spread. */
export interface MemoryResult {
  task: MemoryTask; cell: CellKind; lag: number; hiddenSize: number; params: number; chance: number;
  /** mean held-out accuracy over the seeds */
  accuracy: number;
  std: number; min: number; max: number;
  accuracies: number[];
  /** seeds that reached solvedAt */
  solved: number;
  /** mean over seeds of the change of the kept accuracy over the last 30 % of the budget (runs
   *  that were not solved early): near 0 = more steps would not have changed the answer */
  lateGain: number | null;
  /** mean test accuracy at the end of the runs (without early stopping) */
  finalAccuracy: number;
}

export interface MemoryProbe {
  tasks: MemoryTask[];
  /** the first task (older readers) */
  task: MemoryTask;
  copyLength: number | null; noise: "blank" | "symbols"; symbols: number; hiddenSize: number; equalParams: boolean;
  stepsPerRun: number; batchSize: number; lr: number; forgetBias: number; evalEvery: number; solvedAt: number; seeds: number[];
  results: MemoryResult[];
  runs: MemoryRun[];
  seconds: number;
  stopped: boolean;
}

/** Parameters of a one-layer cell (two bias vectors, as ProbeNet builds it) plus its dense head. */
export function probeParamCount(kind: CellKind, inputSize: number, hiddenSize: number, outputs: number): number {
  const G = (kind === "lstm" ? 4 : kind === "gru" ? 3 : 1) * hiddenSize;
  return G * (inputSize + hiddenSize) + 2 * G + hiddenSize * outputs + outputs;
}

/** The hidden size of `kind` whose parameter count is closest to `target`. */
export function unitsForParams(kind: CellKind, inputSize: number, outputs: number, target: number): number {
  let best = 1;
  for (let h = 1; h <= 4096; h++) {
    if (Math.abs(probeParamCount(kind, inputSize, h, outputs) - target) < Math.abs(probeParamCount(kind, inputSize, best, outputs) - target)) best = h;
    if (probeParamCount(kind, inputSize, h, outputs) > target) break;
  }
  return best;
}

function taskData(task: MemoryTask, lag: number, o: { symbols: number; noise: "blank" | "symbols"; copyLength: number; testSize: number; seed: number }): SeqDataset {
  const sizes = { trainSize: 1_000_000, testSize: o.testSize, dataSeed: o.seed };
  if (task === "adding") return addingProblem({ T: lag, ...sizes });
  if (task === "copy") return copyTask({ symbols: o.symbols, length: o.copyLength, delay: lag, ...sizes });
  return delayedRecall({ lag, symbols: o.symbols, noise: o.noise, ...sizes });
}

/** The validation set of a run: the test split of the same task drawn from another data seed
 *  (fresh sequences), used to choose the kept checkpoint and to decide "solved", so the test
 *  accuracy reported is not selected on the test set itself. */
const VALIDATION_SEED_OFFSET = 7919;

/** Held-out loss and accuracy; for the adding problem accuracy = fraction within ADDING_TOLERANCE. */
export function memoryAccuracy(net: ProbeNet, data: SeqDataset, task: MemoryTask): { loss: number; accuracy: number } {
  if (task !== "adding") { const r = evaluateProbe(net, data, 128); return { loss: r.loss, accuracy: r.accuracy! }; }
  let sum = 0, n = 0, hit = 0;
  for (const batch of data.batches("test", 128, 0)) {
    net.forward(batch);
    const r = net.lossAndBackward(false), pred = net.lastPredictions(), target = (batch.target as { values: Float32Array }).values;
    sum += r.loss * r.count; n += r.count;
    for (let i = 0; i < r.count; i++) if (Math.abs(pred[i] - target[i]) < ADDING_TOLERANCE) hit++;
  }
  return { loss: sum / n, accuracy: hit / n };
}

const chanceOf = (task: MemoryTask, symbols: number) => (task === "adding" ? 2 * ADDING_TOLERANCE - ADDING_TOLERANCE ** 2 : 1 / symbols);

/** Every option of a memory experiment resolved to its value (defaults applied, checked): what a
 *  single run needs, so runs can also be computed elsewhere (another thread) and gathered. */
export interface MemorySettings {
  tasks: MemoryTask[]; cells: CellKind[]; lags: number[]; hiddenSize: number; symbols: number; noise: "blank" | "symbols";
  steps: number; batchSize: number; lr: number; forgetBias: number; copyLength: number; testSize: number; evalEvery: number;
  solvedAt: number; seeds: number[]; equalParams: boolean;
}

/** One run of the experiment. */
export interface MemoryRunSpec { task: MemoryTask; cell: CellKind; lag: number; seed: number }

export function memorySettings(o: MemoryOptions = {}): MemorySettings {
  const tasks = o.tasks ?? (o.task ? [o.task] : ["adding", "recall"]);
  for (const t of tasks) if (!MEMORY_TASKS.includes(t)) throw new RnnlabError(`memoryProbe: tasks must be among ${MEMORY_TASKS.join(", ")}, got "${t}"`);
  const steps = o.steps ?? 12000, seed = o.seed ?? 1;
  return {
    tasks, cells: o.cells ?? ["rnn", "lstm", "gru"], lags: o.lags ?? [10, 30, 100, 300], hiddenSize: o.hiddenSize ?? 32,
    symbols: o.symbols ?? 8, noise: o.noise ?? "symbols", steps, batchSize: o.batchSize ?? 32, lr: o.lr ?? 0.01,
    forgetBias: o.forgetBias ?? 1, copyLength: o.copyLength ?? 5, testSize: o.testSize ?? 256,
    evalEvery: Math.max(1, o.evalEvery ?? Math.min(300, Math.floor(steps / 10))), solvedAt: o.solvedAt ?? 0.99,
    seeds: Array.from({ length: o.seeds ?? 3 }, (_, i) => seed + i), equalParams: o.equalParams ?? false,
  };
}

/** The runs in the order they are reported: task, lag, cell, seed. */
export function memoryRunSpecs(s: MemorySettings): MemoryRunSpec[] {
  const specs: MemoryRunSpec[] = [];
  for (const task of s.tasks) for (const lag of s.lags) for (const cell of s.cells) for (const seed of s.seeds) specs.push({ task, cell, lag, seed });
  return specs;
}

/** Sequence length of a run: its cost per training step. */
function seqLen(s: MemorySettings, task: MemoryTask, lag: number): number {
  return task === "copy" ? 2 * s.copyLength + lag : task === "adding" ? lag : lag + 1;
}

/** Work of a whole run in step·T units (progress: a run's cost grows with its sequence length). */
export function memoryRunCost(s: MemorySettings, r: MemoryRunSpec): number {
  return s.steps * seqLen(s, r.task, r.lag);
}

/** Trains and scores one run. `onWork` receives work done in memoryRunCost units (all of it by the
 *  end, also when the run ends early); null when `shouldStop` ended it before it was solved. */
export function memoryRun(s: MemorySettings, spec: MemoryRunSpec, hooks: { onWork?: (units: number) => void; shouldStop?: () => boolean } = {}): MemoryRun | null {
  const { task, cell, lag, seed } = spec, H = s.hiddenSize, T = seqLen(s, task, lag);
  const started = performance.now();
  const data = taskData(task, lag, { ...s, seed });
  const outputs = data.outputSize, D = data.inputSize;
  const units = s.equalParams && cell !== "lstm" ? unitsForParams(cell, D, outputs, probeParamCount("lstm", D, H, outputs)) : H;
  const net = new ProbeNet({ kind: cell, cell: { inputSize: D, hiddenSize: units, ...(cell === "lstm" ? { forgetBias: s.forgetBias } : {}) }, outputSize: outputs,
    loss: task === "adding" ? "value" : "class", head: task === "copy" ? "every" : "last", seed });
  const validation = taskData(task, lag, { ...s, seed: seed + VALIDATION_SEED_OFFSET });
  const curve: MemoryRun["curve"] = [];
  const chance = chanceOf(task, s.symbols);
  let solvedAtStep: number | null = null, kept = { step: 0, validation: -1, accuracy: chance, loss: NaN }, last = { accuracy: chance };
  const evaluate = (step: number) => {
    const v = memoryAccuracy(net, validation, task).accuracy, t = memoryAccuracy(net, data, task);
    curve.push({ step, accuracy: t.accuracy, validation: v });
    last = t;
    if (v > kept.validation) kept = { step, validation: v, accuracy: t.accuracy, loss: t.loss };
    if (v >= s.solvedAt) solvedAtStep = step;
  };
  try {
    const r = trainProbe(net, data, {
      steps: s.steps, batchSize: s.batchSize, lr: s.lr, seed,
      shouldStop: () => solvedAtStep !== null || (hooks.shouldStop?.() ?? false),
      onStep: (step) => {
        hooks.onWork?.(T);
        if (step % s.evalEvery === 0 || step === s.steps) evaluate(step);
      },
    });
    if (r.stopped && solvedAtStep === null) return null;
    hooks.onWork?.((s.steps - r.steps) * T);                    // a solved or diverged run ends early
    if (!r.diverged && (curve.length === 0 || curve[curve.length - 1].step !== r.steps)) evaluate(r.steps);
    const tail = r.losses.slice(-20);
    return {
      task, cell, lag, seed, hiddenSize: units, params: probeParamCount(cell, D, units, outputs),
      accuracy: kept.accuracy, testLoss: kept.loss, chance, keptStep: kept.step, finalAccuracy: r.diverged ? chance : last.accuracy,
      steps: r.steps, curve, solvedAtStep, finalTrainLoss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length),
      seconds: (performance.now() - started) / 1000, diverged: r.diverged, maxGradNorm: r.maxGradNorm,
    };
  } finally {
    net.dispose();
  }
}

/** The experiment's result from its runs (in memoryRunSpecs order; fewer when it was stopped). */
export function memoryResult(s: MemorySettings, runs: MemoryRun[], seconds: number, stopped: boolean): MemoryProbe {
  return {
    tasks: s.tasks, task: s.tasks[0], copyLength: s.tasks.includes("copy") ? s.copyLength : null, noise: s.noise, symbols: s.symbols,
    hiddenSize: s.hiddenSize, equalParams: s.equalParams, stepsPerRun: s.steps, batchSize: s.batchSize, lr: s.lr, forgetBias: s.forgetBias,
    evalEvery: s.evalEvery, solvedAt: s.solvedAt, seeds: s.seeds, results: summarize(runs, s.solvedAt, s.steps), runs, seconds, stopped,
  };
}

/** The whole experiment, one run after another on this thread. */
export function memoryProbe(o: MemoryOptions = {}): MemoryProbe {
  const t0 = performance.now(), s = memorySettings(o), specs = memoryRunSpecs(s);
  const total = specs.reduce((a, r) => a + memoryRunCost(s, r), 0);
  let done = 0;
  const runs: MemoryRun[] = [];
  for (const spec of specs) {
    if (o.shouldStop?.()) return memoryResult(s, runs, (performance.now() - t0) / 1000, true);
    const label = `${spec.task} ${spec.cell} lag ${spec.lag} seed ${spec.seed}`;
    const run = memoryRun(s, spec, { shouldStop: o.shouldStop, onWork: (units) => { done += units; o.onProgress?.(done, total, label); } });
    if (!run) return memoryResult(s, runs, (performance.now() - t0) / 1000, true);
    runs.push(run);
  }
  return memoryResult(s, runs, (performance.now() - t0) / 1000, false);
}

function summarize(runs: MemoryRun[], solvedAt: number, budget: number): MemoryResult[] {
  const out: MemoryResult[] = [];
  for (const r of runs) {
    if (out.some((q) => q.task === r.task && q.cell === r.cell && q.lag === r.lag)) continue;
    const group = runs.filter((q) => q.task === r.task && q.cell === r.cell && q.lag === r.lag), acc = group.map((q) => q.accuracy);
    const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
    const std = acc.length > 1 ? Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / (acc.length - 1)) : 0;
    const full = group.filter((q) => q.solvedAtStep === null && q.curve.length >= 2 && q.steps === budget);
    const gains = full.map((q) => q.accuracy - keptUpTo(q.curve, 0.7 * budget));
    out.push({
      task: r.task, cell: r.cell, lag: r.lag, hiddenSize: r.hiddenSize, params: r.params, chance: r.chance, accuracy: mean, std,
      min: Math.min(...acc), max: Math.max(...acc), accuracies: acc, solved: group.filter((q) => q.accuracy >= solvedAt).length,
      lateGain: gains.length ? gains.reduce((a, b) => a + b, 0) / gains.length : null,
      finalAccuracy: group.reduce((a, q) => a + q.finalAccuracy, 0) / group.length,
    });
  }
  return out;
}

/** The test accuracy early stopping would have kept had the run ended at `step` (at least the
 *  first evaluation). */
function keptUpTo(curve: MemoryRun["curve"], step: number): number {
  let best = curve[0]!;
  for (const p of curve) { if (p.step > step) break; if (p.validation > best.validation) best = p; }
  return best.accuracy;
}
