// Sequences too long for full backpropagation through time. The task, marked recall over T = 2,000
// steps: a random symbol (one-hot) at every step plus a marker bit; every 2·lag steps (a random phase
// per sequence) one symbol is marked, and exactly `lag` steps later the target is that symbol (no
// target anywhere else). Only a gradient that spans `lag` steps can teach the cell to keep it. The model (SequenceModel, a prediction at every step) is trained with truncated BPTT,
// TBPTT(k1, k2) (Williams & Peng 1990; Sutskever 2013 §3.2): the state is carried across chunks,
// the gradient is not. A target at position j of a chunk can only teach the cell to keep what it
// saw j steps back, so chunks shorter than the lag should not learn the echo (k2 − k1 extra steps
// of backpropagation remove that limit), while full BPTT (k = T) makes one update per 2,000-step
// sequence and keeps every step's activations. Every configuration sees the same training
// sequences (equal data and equal forward/backward work for k1 = k2); the result records each one's
// held-out accuracy during training, its wall-clock time and the activation memory its longest
// backward pass needs, and, for the trained model, how much gradient reaches back across a chunk
// boundary (‖∂L_T/∂h_{T−1−j}‖ against j), which is what truncation throws away.
import { Rng } from "../params/rng.ts";
import { SequenceModel } from "../train/model.ts";
import { tbptt } from "../train/tbptt.ts";
import { adam } from "../train/optim.ts";
import type { Batch } from "../train/batch.ts";
import type { CellKind } from "../cells/index.ts";
import { stepWidths } from "../cells/cell.ts";
import { resolveCellConfig } from "../cells/config.ts";
import { ProbeNet } from "./probe-net.ts";
import { measureGradFlow } from "./gradflow.ts";
import { refKernels } from "../kernels/index.ts";
import { torchKey } from "../io/torch-names.ts";
import { checkInt, fail, RnnlabError } from "../errors.ts";
import { Recurrent } from "../layers/recurrent.ts";

export interface LongOptions {
  /** sequence length (default 2,000) */
  T?: number;
  /** steps between a marked symbol and its recall (default 20) */
  lag?: number;
  symbols?: number;
  cell?: CellKind;
  hiddenSize?: number;
  /** truncation settings: [k1, k2] pairs; k1 = k2 = T is full BPTT (default 10, 20, 50, 100, 250, (25, 50), T) */
  chunks?: [number, number][];
  /** training sequences per configuration: `batches` batches of `batchSize` (default 120 × 16) */
  batches?: number;
  batchSize?: number;
  lr?: number;
  clipNorm?: number;
  /** held-out accuracy every this many batches (default batches / 12) */
  evalEvery?: number;
  /** distances (steps back) at which the gradient curve is reported (default up to 300) */
  gradientSpan?: number;
  seed?: number;
  onProgress?: (done: number, total: number, label: string) => void;
  /** called after each configuration (the CLI measures the process's memory here) */
  onConfigDone?: (label: string) => void;
  shouldStop?: () => boolean;
}

export interface LongRun {
  k1: number; k2: number; label: string; full: boolean;
  /** weight updates made (chunks across all batches) */
  updates: number;
  seconds: number;
  /** bytes of per-step activations kept for the longest backward pass: k2 · B · (saved + gradient widths) · 4 */
  activationBytes: number;
  /** held-out accuracy over the steps with a target, during training */
  curve: { batches: number; seconds: number; accuracy: number; loss: number }[];
  accuracy: number; loss: number;
  stopped: boolean;
}

export interface LongResult {
  T: number; lag: number; symbols: number; cell: CellKind; hiddenSize: number; batches: number; batchSize: number; lr: number;
  chance: number;
  runs: LongRun[];
  /** on the model of `gradientFrom`: ‖∂L_T/∂h_{T−1−j}‖ / ‖∂L_T/∂h_{T−1}‖ for j = 0 … gradientSpan */
  gradient: { from: string; distance: number[]; relative: number[] } | null;
  stopped: boolean;
}

/**
 * B sequences of T steps (time-major), features: one-hot symbol (D = symbols) and a marker bit.
 * Row b marks the steps phase_b + 2·lag·n; the target `lag` steps after a marked step is its symbol
 * (−1 = no target everywhere else).
 */
export function markedRecallBatch(T: number, B: number, symbols: number, lag: number, rng: Rng): Batch {
  const D = symbols + 1, x = new Float32Array(T * B * D), labels = new Int32Array(T * B).fill(-1);
  const period = 2 * lag, phase = Array.from({ length: B }, () => rng.int(period));
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) {
    const s = rng.int(symbols), row = (t * B + b) * D;
    x[row + s] = 1;
    if ((t - phase[b]) % period === 0 && t >= phase[b]) {
      x[row + symbols] = 1;
      if (t + lag < T) labels[(t + lag) * B + b] = s;
    }
  }
  return { input: { kind: "features", x, T, B, D }, target: { kind: "classPerStep", labels }, lengths: null };
}

/** Held-out loss and accuracy, run forward in chunks of 100 steps with the state carried (so evaluating needs no 2,000-step buffers). */
function heldOut(model: SequenceModel, batch: Batch): { accuracy: number; loss: number } {
  const { T, B } = batch.input, D = (batch.input as { D: number }).D, x = (batch.input as { x: Float32Array }).x;
  const labels = (batch.target as { labels: Int32Array }).labels;
  model.train(false);
  let state: { h0: import("../tensor/tensor.ts").Tensor; c0?: import("../tensor/tensor.ts").Tensor } | undefined, sum = 0, count = 0, correct = 0;
  for (let s = 0; s < T; s += 100) {
    const e = Math.min(T, s + 100);
    const part: Batch = { input: { kind: "features", x: x.subarray(s * B * D, e * B * D), T: e - s, B, D }, target: { kind: "classPerStep", labels: labels.slice(s * B, e * B) }, lengths: null };
    const out = model.forward(part, state);
    const r = model.lossAndBackward(undefined, false);
    if (r.count) { sum += r.loss * r.count; count += r.count; correct += r.correct; }
    state = { h0: out.hN, ...(out.cN ? { c0: out.cN } : {}) };
  }
  model.train(true);
  return { accuracy: correct / count, loss: sum / count };
}

/** Activation memory one backward pass over `steps` steps keeps: the saved values and step gradients of every step. */
export function activationBytes(cell: CellKind, inputSize: number, hiddenSize: number, steps: number, B: number, bytesPerValue = 4): number {
  const w = stepWidths(resolveCellConfig("activationBytes", cell, { inputSize, hiddenSize }));
  const perRow = Object.values(w).reduce((a, b) => a + b, 0);
  return steps * B * perRow * bytesPerValue;
}

export function longRange(o: LongOptions = {}): LongResult {
  const fn = "longRange";
  const T = checkInt(fn, "T", o.T ?? 2000, 2), lag = checkInt(fn, "lag", o.lag ?? 20, 1), S = checkInt(fn, "symbols", o.symbols ?? 4, 2);
  if (lag >= T) fail(fn, "lag", `smaller than T (${T})`, lag);
  const cell = o.cell ?? "gru", H = o.hiddenSize ?? 32, N = o.batches ?? 120, B = o.batchSize ?? 16, lr = o.lr ?? 0.01, seed = o.seed ?? 1;
  const chunks = o.chunks ?? [[10, 10], [20, 20], [50, 50], [100, 100], [250, 250], [25, 50], [T, T]];
  for (const [k1, k2] of chunks) {
    checkInt(fn, "chunks k1", k1, 1); checkInt(fn, "chunks k2", k2, 1);
    if (k2 % k1 !== 0 || k1 > T) fail(fn, "chunks", `[k1, k2] pairs with k2 a multiple of k1 and k1 ≤ T`, [k1, k2]);
  }
  const evalEvery = Math.max(1, o.evalEvery ?? Math.floor(N / 12));
  const test = markedRecallBatch(T, 32, S, lag, new Rng(seed + 1000));
  const runs: LongRun[] = [];
  let best: { run: LongRun; model: SequenceModel } | null = null;   // only the best model is kept (for the gradient)
  const work = (k1: number, k2: number) => (k2 / k1) * N;          // forward/backward steps relative to one pass
  const total = chunks.reduce((a, [k1, k2]) => a + work(k1, k2), 0);
  let done = 0, stopped = false;
  for (const [k1, k2] of chunks) {
    if (o.shouldStop?.()) { stopped = true; break; }
    const full = k1 >= T, label = full ? `full BPTT (${T})` : k1 === k2 ? `TBPTT ${k1}` : `TBPTT(${k1}, ${k2})`;
    const model = new SequenceModel({ cell, inputKind: "features", inputSize: S + 1, hiddenSize: H, outputSize: S, head: "every", loss: "class", seed });
    const opt = adam({ lr }), data = new Rng(seed);                 // the same training sequences for every configuration
    const curve: LongRun["curve"] = [];
    const first = heldOut(model, test);
    curve.push({ batches: 0, seconds: 0, ...first });
    let updates = 0, seconds = 0, runStopped = false;
    for (let n = 1; n <= N; n++) {
      if (o.shouldStop?.()) { runStopped = stopped = true; break; }
      const batch = markedRecallBatch(T, B, S, lag, data);
      const t0 = performance.now();
      const r = tbptt(model, batch, { k1: Math.min(k1, T), k2: Math.min(k2, T), optimizer: opt, clipNorm: o.clipNorm ?? 1 });
      seconds += (performance.now() - t0) / 1000;
      updates += r.chunks;
      done += k2 / k1;
      o.onProgress?.(done, total, label);
      if (n % evalEvery === 0 || n === N) curve.push({ batches: n, seconds, ...heldOut(model, test) });
    }
    const last = curve[curve.length - 1];
    const run: LongRun = { k1, k2, label, full, updates, seconds, activationBytes: activationBytes(cell, S + 1, H, Math.min(k2, T), B), curve, accuracy: last.accuracy, loss: last.loss, stopped: runStopped };
    runs.push(run);
    if (!runStopped && (!best || run.accuracy > best.run.accuracy)) { best?.model.dispose(); best = { run, model }; } else model.dispose();
    o.onConfigDone?.(label);
    if (runStopped) break;
  }
  // the gradient that reaches back, on the best trained model
  let gradient: LongResult["gradient"] = null;
  const kept = best as { run: LongRun; model: SequenceModel } | null;
  if (kept) { gradient = { from: kept.run.label, ...gradientBack(kept.model, T, S, lag, Math.min(o.gradientSpan ?? 300, T - 1), seed) }; kept.model.dispose(); }
  return { T, lag, symbols: S, cell, hiddenSize: H, batches: N, batchSize: B, lr, chance: 1 / S, runs, gradient, stopped };
}

/** ‖∂L_T/∂h_t‖ for a loss on the last step only, relative to t = T − 1, on a copy of the model's weights in float64. */
function gradientBack(model: SequenceModel, T: number, S: number, lag: number, span: number, seed: number): { distance: number[]; relative: number[] } {
  const rnn = model.rnn;
  // long() builds its models from "rnn" | "lstm" | "gru", never from TF-1 cells
  if (!(rnn instanceof Recurrent)) throw new RnnlabError("long: gradientBack reads a PyTorch-style recurrent layer");
  const cfg = rnn.cells[0][0].config;
  const net = new ProbeNet({ kind: cfg.kind, cell: { inputSize: S + 1, hiddenSize: cfg.hiddenSize, ...(cfg.kind === "lstm" ? { forgetBias: cfg.forgetBias } : {}), ...(cfg.kind === "gru" ? { resetAfter: cfg.resetAfter } : {}) }, outputSize: S,
    loss: "class", head: "last", dtype: "float64" }, refKernels);
  for (const s of net.cell.specs) net.params.views[s.name].set(rnn.params.views[torchKey(s.name, 0, false)]);
  net.head.params.flat.set(model.fc.params.flat);
  // the last step of every row is a query: mark the step `lag` before it
  const batch = markedRecallBatch(T, 16, S, lag, new Rng(seed + 2000)), x = (batch.input as { x: Float32Array }).x, D = S + 1;
  const labels = new Int32Array(16);
  for (let b = 0; b < 16; b++) {
    const at = ((T - 1 - lag) * 16 + b) * D;
    x[at + S] = 1;
    labels[b] = x.subarray(at, at + S).indexOf(1);
  }
  const { dh } = measureGradFlow(net, { ...batch, target: { kind: "class", labels } });
  net.dispose();
  const distance = Array.from({ length: span + 1 }, (_, j) => j);
  return { distance, relative: distance.map((j) => dh[j] / dh[0]) };
}
