// A probe network for the lab's experiments: ONE recurrent layer of any cell configuration
// (gate activation, cell activation, peepholes, forget bias: everything createCell accepts) and a
// dense head on the last step (or on every step, for the copy task). SequenceModel covers the usual models; this one exists because the
// experiments vary what SequenceModel fixes (the ablation swaps activations) and look inside the
// time loop (per-step state gradients for gradflow). Plain data in, plain numbers out, no I/O.
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { defaultKernels } from "../kernels/index.ts";
import { createCell, type Cell, type CellKind, type CellOptions, type CellWeights } from "../cells/index.ts";
import { allocFlat, planLayout, type FlatParams } from "../params/layout.ts";
import { initCellParams, type InitScheme } from "../params/init-schemes.ts";
import { LayerRun } from "../seq/layer-run.ts";
import { Dense } from "../layers/dense.ts";
import { Owned } from "../kernels/owner.ts";
import { meanSquaredError, softmaxCrossEntropy, countCorrect } from "../train/losses.ts";
import { adam, clipGradNorm, type ParamGroup } from "../train/optim.ts";
import type { Batch, SeqDataset } from "../train/batch.ts";
import { RnnlabError } from "../errors.ts";

export interface ProbeNetConfig {
  kind: CellKind;
  cell: CellOptions;
  outputSize: number;
  loss: "value" | "class";
  /** "last" (default): the head reads h_T; "every": every h_t (class targets per step, −1 = none) */
  head?: "last" | "every";
  init?: InitScheme;
  seed?: number;
  dtype?: Dtype;
}

export interface ProbeStep { loss: number; correct: number; count: number }

export class ProbeNet {
  readonly cell: Cell;
  readonly params: FlatParams;
  readonly grads: FlatParams;
  readonly w: CellWeights;
  readonly dw: CellWeights;
  readonly head: Dense;
  readonly dtype: Dtype;
  private readonly runs = new Map<string, LayerRun>();
  private readonly scratch: Owned;
  private last: { run: LayerRun; batch: Batch; preds: Buf; B: number; rows: number; headIn: Buf } | null = null;

  constructor(readonly config: ProbeNetConfig, readonly k: Kernels = defaultKernels()) {
    this.dtype = config.dtype ?? "float32";
    this.cell = createCell(config.kind, config.cell, "ProbeNet");
    const layout = planLayout(this.cell.specs);
    this.params = allocFlat(k, layout, this.dtype);
    this.grads = allocFlat(k, layout, this.dtype);
    initCellParams(this.cell.config, this.params.views, config.init ?? "torch", config.seed ?? 1, "ProbeNet");
    this.w = this.cell.weights(this.params.views);
    this.dw = this.cell.weights(this.grads.views);
    this.head = new Dense({ inputSize: this.cell.config.outputSize, outputSize: config.outputSize, seed: (config.seed ?? 1) + 7, dtype: this.dtype, kernels: k });
    this.scratch = new Owned(k, this.dtype);
  }

  groups(): ParamGroup[] {
    return [{ name: "rnn", params: this.params.flat, grads: this.grads.flat }, { name: "fc", params: this.head.params.flat, grads: this.head.grads.flat }];
  }

  zeroGrad(): void { this.grads.flat.fill(0); this.head.grads.flat.fill(0); }

  /** The time loop for (T, B), made once per shape (it owns every buffer of that shape). */
  runFor(T: number, B: number): LayerRun {
    const key = `${T}x${B}`;
    let run = this.runs.get(key);
    if (!run) {
      if (this.runs.size >= 4) { for (const r of this.runs.values()) r.dispose(); this.runs.clear(); }
      run = new LayerRun(this.k, this.cell, T, B, this.dtype);
      this.runs.set(key, run);
    }
    return run;
  }

  /** Forward one batch of feature inputs (all rows full length); returns the run (its saved steps are readable). */
  forward(batch: Batch): LayerRun {
    const { input } = batch;
    if (input.kind !== "features") throw new RnnlabError("ProbeNet.forward: token inputs are not supported (use features)");
    if (batch.lengths && batch.lengths.some((l) => l !== input.T)) throw new RnnlabError("ProbeNet.forward: every row must have all T steps");
    const run = this.runFor(input.T, input.B);
    run.X.set(input.x);
    run.forward(this.w, null, null, null);
    const R = this.cell.config.outputSize, O = this.config.outputSize, every = this.config.head === "every";
    const rows = every ? input.T * input.B : input.B;
    const headIn = every ? run.outputs.subarray(0, rows * R) : run.hN.subarray(0, rows * R);   // (T·B, R) or (B, R)
    const preds = this.buf("preds", rows * O);
    this.head.forward(preds, headIn, rows);
    this.last = { run, batch, preds, B: input.B, rows, headIn };
    return run;
  }

  /** Loss of the last forward; with backward, gradients ACCUMULATE into grads (the head reads h_T). */
  lossAndBackward(backward = true): ProbeStep {
    if (!this.last) throw new RnnlabError("ProbeNet.lossAndBackward: call forward first");
    const { run, batch, preds, rows, headIn } = this.last, O = this.config.outputSize, R = this.cell.config.outputSize;
    const every = this.config.head === "every", want = every ? "classPerStep" : "class";
    const dPreds = backward ? this.buf("dPreds", rows * O) : null;
    let loss: number, correct = 0, count: number;
    if (this.config.loss === "class") {
      if (batch.target.kind !== want) throw new RnnlabError(`ProbeNet: the class loss with head "${this.config.head ?? "last"}" needs ${want} targets, got ${batch.target.kind}`);
      const labels = (batch.target as { labels: Int32Array }).labels;
      ({ loss, count } = softmaxCrossEntropy(dPreds, preds, labels, rows, O));
      correct = countCorrect(preds, labels, rows, O).correct;
    } else {
      if (every) throw new RnnlabError("ProbeNet: a head on every step supports class targets only");
      if (batch.target.kind !== "value") throw new RnnlabError(`ProbeNet: the value loss needs value targets, got ${batch.target.kind}`);
      ({ loss, count } = meanSquaredError(dPreds, preds, batch.target.values, rows * O));
    }
    if (!backward) return { loss, correct, count };
    const dHead = this.buf("dHead", rows * R);
    dHead.fill(0);                                        // Dense.backward accumulates into dx
    this.head.backward(dHead, dPreds!, headIn, rows);
    if (every) run.backward(this.w, this.dw, dHead, null, null, null);  // a cotangent for every output
    else run.backward(this.w, this.dw, null, dHead, null, null);        // the loss reads only h_T
    return { loss, correct, count };
  }

  /** The head's outputs of the last forward, (rows, outputSize): rows = B, or T·B with a head on every step. */
  lastPredictions(): Buf {
    if (!this.last) throw new RnnlabError("ProbeNet.lastPredictions: call forward first");
    return this.last.preds;
  }

  dispose(): void {
    for (const r of this.runs.values()) r.dispose();
    this.runs.clear();
    this.scratch.freeAll();
  }

  private readonly bufs = new Map<string, Buf>();
  private buf(name: string, n: number): Buf {
    let b = this.bufs.get(name);
    if (!b || b.length !== n) { b = this.scratch.alloc(n); this.bufs.set(name, b); }
    return b;
  }
}

export interface TrainProbeOptions {
  steps: number;
  batchSize: number;
  lr?: number;
  clipNorm?: number;
  seed?: number;
  /** called after every step with the step number (1-based) and its loss */
  onStep?: (step: number, r: ProbeStep) => void;
  /** polled between steps: true stops training early (the result says how many steps ran) */
  shouldStop?: () => boolean;
}

export interface TrainProbeResult {
  steps: number; losses: number[]; stopped: boolean;
  /** the loss or the gradient norm became non-finite (the weights are those from before that step) */
  diverged: boolean;
  /** the largest gradient norm before clipping: exploding gradients show here long before they overflow */
  maxGradNorm: number;
}

/** Adam on the training split, one pass after another, for `steps` steps. A non-finite loss or
 *  gradient norm stops it (diverged) before the update: clipping rescales a large finite gradient,
 *  but a gradient that overflowed float32 (Inf, then NaN) cannot be rescaled and would turn every
 *  weight into NaN. */
export function trainProbe(net: ProbeNet, data: SeqDataset, o: TrainProbeOptions): TrainProbeResult {
  const opt = adam({ lr: o.lr ?? 0.01 }), groups = net.groups(), losses: number[] = [];
  let step = 0, pass = 0, maxGradNorm = 0;
  const end = (stopped: boolean, diverged: boolean): TrainProbeResult => ({ steps: step, losses, stopped, diverged, maxGradNorm });
  while (step < o.steps) {
    for (const batch of data.batches("train", o.batchSize, (o.seed ?? 1) + pass)) {
      if (step >= o.steps) break;
      if (o.shouldStop?.()) return end(true, false);
      net.zeroGrad();
      net.forward(batch);
      const r = net.lossAndBackward();
      if (!Number.isFinite(r.loss)) return end(false, true);
      const gradNorm = clipGradNorm(groups, o.clipNorm ?? 1);
      if (!Number.isFinite(gradNorm)) { maxGradNorm = Infinity; return end(false, true); }
      maxGradNorm = Math.max(maxGradNorm, gradNorm);
      opt.step(groups);
      step++;
      losses.push(r.loss);
      o.onStep?.(step, r);
    }
    pass++;
  }
  return end(false, false);
}

/** Mean loss and accuracy over (at most `maxBatches` batches of) the test split. */
export function evaluateProbe(net: ProbeNet, data: SeqDataset, batchSize = 100, maxBatches = Infinity): { loss: number; accuracy: number | null; count: number } {
  let sum = 0, count = 0, correct = 0, n = 0;
  for (const batch of data.batches("test", batchSize, 0)) {
    if (n++ >= maxBatches) break;
    net.forward(batch);
    const r = net.lossAndBackward(false);
    sum += r.loss * r.count; count += r.count; correct += r.correct;
  }
  return { loss: sum / count, accuracy: net.config.loss === "class" ? correct / count : null, count };
}
