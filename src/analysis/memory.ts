// Memory-length probe: how many steps can a cell carry information? Trained from scratch at each
// lag, then scored on held-out sequences (src/train/data/synthetic.ts); chance is 1/symbols.
//   recall  one symbol at step 0, `lag` steps of blanks or distractors, the answer at the last step
//   copy    `copyLength` symbols, a delay of `lag` steps, then the symbols again (accuracy per symbol) This tests claims like "an LSTM forgets beyond ~200 steps": the answer
// depends on training budget and task as much as on the cell, so the result records both.
import type { CellKind } from "../cells/index.ts";
import { copyTask, delayedRecall } from "../train/data/synthetic.ts";
import { ProbeNet, trainProbe, evaluateProbe } from "./probe-net.ts";

export interface MemoryOptions {
  /** delayed recall (default) or the copy task */
  task?: "recall" | "copy";
  /** copy: symbols to reproduce (default 5) */
  copyLength?: number;
  cells?: CellKind[];
  lags?: number[];
  hiddenSize?: number;
  symbols?: number;
  /** recall: what fills the lag, blanks (default) or random distractor symbols */
  noise?: "blank" | "symbols";
  /** training steps per (cell, lag) run */
  steps?: number;
  batchSize?: number;
  lr?: number;
  /** LSTM forget bias (default 1: TF-1 BasicLSTMCell, the note's cell; PyTorch's LSTM has 0) */
  forgetBias?: number;
  testSize?: number;
  seed?: number;
  onProgress?: (done: number, total: number, label: string) => void;
  shouldStop?: () => boolean;
}

export interface MemoryResult {
  cell: CellKind; lag: number; accuracy: number; testLoss: number; chance: number;
  steps: number; finalTrainLoss: number; seconds: number; diverged: boolean;
}

export interface MemoryProbe {
  task: "recall" | "copy"; copyLength: number | null; noise: "blank" | "symbols"; symbols: number; hiddenSize: number; stepsPerRun: number; batchSize: number; lr: number; forgetBias: number;
  results: MemoryResult[]; stopped: boolean;
}

export function memoryProbe(o: MemoryOptions = {}): MemoryProbe {
  const cells = o.cells ?? ["rnn", "lstm", "gru"], lags = o.lags ?? [10, 25, 50, 100, 200, 400];
  const H = o.hiddenSize ?? 32, symbols = o.symbols ?? 8, noise = o.noise ?? "blank", steps = o.steps ?? 300;
  const B = o.batchSize ?? 32, lr = o.lr ?? 0.01, seed = o.seed ?? 1, forgetBias = o.forgetBias ?? 1;
  const task = o.task ?? "recall", copyLength = task === "copy" ? o.copyLength ?? 5 : null;
  const steplen = (lag: number) => (task === "copy" ? 2 * copyLength! + lag : lag + 1);
  // progress in units of step·(lag+1): a run's cost grows with its sequence length
  const total = cells.length * steps * lags.reduce((a, l) => a + steplen(l), 0);
  let done = 0;
  const results: MemoryResult[] = [];
  for (const cell of cells) for (const lag of lags) {
    if (o.shouldStop?.()) return { task, copyLength, noise, symbols, hiddenSize: H, stepsPerRun: steps, batchSize: B, lr, forgetBias, results, stopped: true };
    const t0 = performance.now();
    const sizes = { trainSize: 100000, testSize: o.testSize ?? 256, dataSeed: seed };
    const data = task === "copy" ? copyTask({ symbols, length: copyLength!, delay: lag, ...sizes }) : delayedRecall({ lag, symbols, noise, ...sizes });
    const net = new ProbeNet({ kind: cell, cell: { inputSize: data.inputSize, hiddenSize: H, ...(cell === "lstm" ? { forgetBias } : {}) }, outputSize: symbols, loss: "class",
      head: task === "copy" ? "every" : "last", seed });
    const r = trainProbe(net, data, { steps, batchSize: B, lr, seed, shouldStop: o.shouldStop,
      onStep: () => { done += steplen(lag); o.onProgress?.(done, total, `${cell} lag ${lag}`); } });
    if (r.stopped) { net.dispose(); return { task, copyLength, noise, symbols, hiddenSize: H, stepsPerRun: steps, batchSize: B, lr, forgetBias, results, stopped: true }; }
    const ev = r.diverged ? { loss: NaN, accuracy: 1 / symbols } : evaluateProbe(net, data, 128);
    net.dispose();
    const tail = r.losses.slice(-20);
    results.push({ cell, lag, accuracy: ev.accuracy!, testLoss: ev.loss, chance: 1 / symbols, steps: r.steps,
      finalTrainLoss: tail.reduce((a, b) => a + b, 0) / tail.length, seconds: (performance.now() - t0) / 1000, diverged: r.diverged });
  }
  return { task, copyLength, noise, symbols, hiddenSize: H, stepsPerRun: steps, batchSize: B, lr, forgetBias, results, stopped: false };
}
