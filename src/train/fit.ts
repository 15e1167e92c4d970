// The training loop, one for every model: a SequenceModel (PyTorch-style layers, TF-1 cell stacks,
// custom cells) or any Trainable (a loaded Keras / TF.js model, src/io/keras/) over its own batches.
// Data order is a pure function of (seed, epoch), so a run resumed from a checkpoint (model,
// optimizer slots, step, epoch, batch, dropout RNG) continues exactly as the uninterrupted one
// would. A non-finite loss or gradient stops training with the step named (src/train/trainable.ts).
import { checkBool, checkInt, checkKnownKeys, checkNumber, checkOneOf, fail, RnnlabError } from "../errors.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { Batch, SeqDataset } from "./batch.ts";
import { SequenceModel } from "./model.ts";
import type { Optimizer } from "./optim.ts";
import type { Schedule } from "./schedule.ts";
import { saveTraining, type TrainingProgress } from "./checkpoint.ts";
import { isTrainable, optimizerStep, type BatchLoss, type DataSource, type Trainable } from "./trainable.ts";

export interface StepInfo {
  step: number; epoch: number; batch: number; batchesPerEpoch: number; totalSteps: number;
  loss: number; accuracy: number | null; gradNorm: number; lr: number; seconds: number;
}
export interface EvalResult {
  loss: number; accuracy: number | null; count: number; bitsPerToken: number | null;
  /** the model's per-batch metrics (a Keras model's mse, mae, acc) averaged like the loss */
  metrics?: Record<string, number>;
}
export interface EpochInfo { epoch: number; train: EvalResult; test: EvalResult | null; seconds: number; steps: number }

export interface FitOptions {
  epochs: number;
  batchSize: number;
  optimizer: Optimizer;
  clipNorm?: number;
  clipValue?: number;
  /** learning-rate factor per step (the optimizer's lr at the start is the base) */
  schedule?: Schedule;
  /** data order (and nothing else): same seed, same batches */
  seed?: number;
  /** stop each epoch after this many batches (smoke runs) */
  maxBatchesPerEpoch?: number;
  /** evaluate on the test split after each epoch (default true) */
  evaluate?: boolean;
  evalBatchSize?: number;
  /** stop the test evaluation after this many batches */
  maxEvalBatches?: number;
  onStep?: (info: StepInfo) => void;
  onEpoch?: (info: EpochInfo) => void;
  /** save (atomically) after every epoch and every `everySteps` steps */
  checkpoint?: { path: string; everySteps?: number };
  /** continue a run saved by a checkpoint (loadTraining(...).progress) */
  resume?: TrainingProgress | null;
}

export interface FitResult { history: EpochInfo[]; steps: number; seconds: number }

const KNOWN = ["epochs", "batchSize", "optimizer", "clipNorm", "clipValue", "schedule", "seed", "maxBatchesPerEpoch",
  "evaluate", "evalBatchSize", "maxEvalBatches", "onStep", "onEpoch", "checkpoint", "resume"];

function batchesPerEpoch(data: DataSource<unknown>, batchSize: number, max?: number): number {
  const n = Math.ceil(data.size("train") / batchSize);
  return max === undefined ? n : Math.min(n, max);
}

const isFunction = (v: unknown) => typeof v === "function";
const MODEL = "a SequenceModel or a trainable model (a compiled KerasModel, or an object with train, zeroGrad, groups, lossOnBatch, saveTraining)";

/** A SequenceModel seen as a Trainable: forward then loss (and backward) on a time-major Batch. */
function sequenceTrainable(model: SequenceModel): Trainable<Batch> {
  return {
    train: (on) => model.train(on),
    zeroGrad: () => model.zeroGrad(),
    groups: () => model.groups(),
    classTargets: model.config.loss === "class",
    lossOnBatch: (batch, backward) => { model.forward(batch); return model.lossAndBackward(undefined, backward); },
    saveTraining: (path, optimizer, progress) => saveTraining(path, model, optimizer, progress),
  };
}

/** The Trainable the loop drives (checked by name: a wrong model must not surface mid-run). */
function trainableOf<B>(fn: string, model: unknown): Trainable<B> {
  if (model instanceof SequenceModel) return sequenceTrainable(model) as unknown as Trainable<B>;
  if (isTrainable(model)) return model as Trainable<B>;
  return fail(fn, "model", MODEL, model);
}

/** Every option checked by name before the first step (a typo or a wrong type must not surface mid-run). */
function checkFitOptions(fn: string, model: unknown, data: unknown, opts: FitOptions): void {
  if (typeof data !== "object" || data === null || !isFunction((data as SeqDataset).batches) || !isFunction((data as SeqDataset).size)) {
    fail(fn, "data", "a dataset (an object with size() and batches(), e.g. from data.datasetByName or kerasData)", data);
  }
  if (model instanceof SequenceModel) {
    const c = model.config, ds = data as SeqDataset;
    for (const key of ["inputKind", "inputSize"] as const) {        // outputSize may differ (unused classes); labels are checked per batch
      if (ds[key] !== undefined && ds[key] !== c[key]) fail(fn, "data", `a dataset with ${key} ${JSON.stringify(c[key])} (the model's)`, `${key} ${JSON.stringify(ds[key])}`);
    }
  }
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object { epochs, batchSize, optimizer, … }", opts);
  checkKnownKeys(fn, opts, KNOWN);
  const o = opts.optimizer as Partial<Optimizer> | undefined;
  if (typeof o !== "object" || o === null || !isFunction(o.step) || typeof o.lr !== "number") fail(fn, "optimizer", "an optimizer (adam(), sgd(), …)", o);
  if (opts.schedule !== undefined && !isFunction(opts.schedule)) fail(fn, "schedule", "a function step -> factor (cosine(total), warmup(n), …; scheduleByName turns a name into one)", opts.schedule);
  for (const key of ["onStep", "onEpoch"] as const) if (opts[key] !== undefined && !isFunction(opts[key])) fail(fn, key, "a function", opts[key]);
  if (opts.maxBatchesPerEpoch !== undefined) checkInt(fn, "maxBatchesPerEpoch", opts.maxBatchesPerEpoch, 1);
  if (opts.evalBatchSize !== undefined) checkInt(fn, "evalBatchSize", opts.evalBatchSize, 1);
  if (opts.maxEvalBatches !== undefined) checkInt(fn, "maxEvalBatches", opts.maxEvalBatches, 1);
  if (opts.evaluate !== undefined) checkBool(fn, "evaluate", opts.evaluate);
  if (opts.checkpoint !== undefined) {
    const c = opts.checkpoint;
    if (typeof c !== "object" || c === null || typeof c.path !== "string" || c.path === "") fail(fn, "checkpoint", "an object { path, everySteps? }", c);
    checkKnownKeys(`${fn}: checkpoint`, c, ["path", "everySteps"]);
    if (c.everySteps !== undefined) checkInt(fn, "checkpoint.everySteps", c.everySteps, 1);
  }
  if (opts.resume !== undefined && opts.resume !== null && (typeof opts.resume !== "object" || !Number.isInteger(opts.resume.epoch) || !Number.isInteger(opts.resume.batch) || !Number.isInteger(opts.resume.step))) {
    fail(fn, "resume", "the progress loadTraining returned ({ epoch, batch, step, seed, … }) or null", opts.resume);
  }
}

/** Running sums of an epoch (or an evaluation): loss × count, count, right predictions, metric × count. */
interface Sums { sum: number; count: number; correct: number; metrics?: Record<string, number> }

function add(s: Sums, r: BatchLoss): void {
  s.sum += r.loss * r.count; s.count += r.count; s.correct += r.correct;
  if (r.metrics) { s.metrics ??= {}; for (const [m, v] of Object.entries(r.metrics)) s.metrics[m] = (s.metrics[m] ?? 0) + v * r.count; }
}

/**
 * Train `model` on the "train" split of `data` for `epochs`, evaluating on the "test" split after
 * each (when it has samples). `model` is a SequenceModel over a SeqDataset, or any Trainable over
 * its own data source (a compiled KerasModel over kerasData(x, y)).
 */
export function fit(model: SequenceModel, data: SeqDataset, opts: FitOptions): FitResult;
export function fit<B>(model: Trainable<B>, data: DataSource<B>, opts: FitOptions): FitResult;
export function fit<B>(model: SequenceModel | Trainable<B>, data: SeqDataset | DataSource<B>, opts: FitOptions): FitResult {
  return runFit("fit", model, data as DataSource<B>, opts);
}

/** The loop itself; `fn` names the caller in messages (KerasModel.fit is a front to it). */
export function runFit<B>(fn: string, modelIn: unknown, data: DataSource<B>, opts: FitOptions): FitResult {
  const model = trainableOf<B>(fn, modelIn);
  checkFitOptions(fn, modelIn, data, opts);
  const epochs = checkInt(fn, "epochs", opts.epochs, 1), batchSize = checkInt(fn, "batchSize", opts.batchSize, 1);
  const seed = checkNumber(fn, "seed", opts.seed ?? 0);
  if (opts.clipNorm !== undefined) checkNumber(fn, "clipNorm", opts.clipNorm, 0);
  if (opts.clipValue !== undefined) checkNumber(fn, "clipValue", opts.clipValue, 0);
  const perEpoch = batchesPerEpoch(data, batchSize, opts.maxBatchesPerEpoch), totalSteps = perEpoch * epochs;
  const resume = opts.resume ?? null;
  const { optimizer } = opts, baseLr = resume?.baseLr ?? optimizer.lr;
  const settings = { optimizer, baseLr, schedule: opts.schedule, clipNorm: opts.clipNorm, clipValue: opts.clipValue };
  if (resume && resume.seed !== seed) throw new RnnlabError(`${fn}: resume.seed is ${resume.seed} but this run has seed ${seed}: the data order would differ`);
  let step = resume?.step ?? 0;
  const history: EpochInfo[] = [], t0 = performance.now();
  for (let epoch = resume?.epoch ?? 0; epoch < epochs; epoch++) {
    const te = performance.now(), skip = resume && epoch === resume.epoch ? resume.batch : 0;
    const p = skip ? resume!.partial : undefined;
    const sums: Sums = { sum: p?.sum ?? 0, count: p?.count ?? 0, correct: p?.correct ?? 0, ...(p?.metrics ? { metrics: { ...p.metrics } } : {}) };
    let b = 0;
    model.train(true);
    for (const batch of data.batches("train", batchSize, seed + epoch)) {
      if (b >= perEpoch) break;
      if (b++ < skip) continue;                          // resumed mid-epoch: these were done before
      const r = optimizerStep(fn, model, batch, step, settings, `step ${step + 1} (epoch ${epoch + 1}, batch ${b})`);
      step++;
      add(sums, r);
      opts.onStep?.({ step, epoch, batch: b, batchesPerEpoch: perEpoch, totalSteps, loss: r.loss,
        accuracy: model.classTargets && r.count ? r.correct / r.count : null, gradNorm: r.gradNorm, lr: optimizer.lr, seconds: (performance.now() - t0) / 1000 });
      const every = opts.checkpoint?.everySteps;
      if (opts.checkpoint && every && step % every === 0) {
        const partial = { sum: sums.sum, count: sums.count, correct: sums.correct, ...(sums.metrics ? { metrics: { ...sums.metrics } } : {}) };
        model.saveTraining(opts.checkpoint.path, optimizer, { epoch, batch: b, step, seed, baseLr, partial });
      }
    }
    const train = summarize(model.classTargets, sums);
    const test = opts.evaluate === false || data.size("test") === 0 ? null
      : evaluateBatches(model, data.batches("test", opts.evalBatchSize ?? batchSize, 0), opts.maxEvalBatches);
    const info: EpochInfo = { epoch, train, test, seconds: (performance.now() - te) / 1000, steps: step };
    history.push(info);
    if (opts.checkpoint) model.saveTraining(opts.checkpoint.path, optimizer, { epoch: epoch + 1, batch: 0, step, seed, baseLr });
    opts.onEpoch?.(info);
  }
  return { history, steps: step, seconds: (performance.now() - t0) / 1000 };
}

/** Mean loss (and accuracy, bits per token for class targets; metrics) over a split, without touching gradients. */
export function evaluate(model: SequenceModel, data: SeqDataset, split: "train" | "test", batchSize?: number, maxBatches?: number): EvalResult;
export function evaluate<B>(model: Trainable<B>, data: DataSource<B>, split: "train" | "test", batchSize?: number, maxBatches?: number): EvalResult;
export function evaluate<B>(model: SequenceModel | Trainable<B>, data: SeqDataset | DataSource<B>, split: "train" | "test", batchSize = 64, maxBatches?: number): EvalResult {
  return runEvaluate("evaluate", model, data as DataSource<B>, split, batchSize, maxBatches);
}

export function runEvaluate<B>(fn: string, model: unknown, data: DataSource<B>, split: "train" | "test", batchSize: number, maxBatches?: number): EvalResult {
  const m = trainableOf<B>(fn, model);
  checkEvalArgs(fn, data, split, "maxBatches", maxBatches);
  checkInt(fn, "batchSize", batchSize, 1);
  return evaluateBatches(m, data.batches(split, batchSize, 0), maxBatches);
}

/**
 * Loss over a split read as ONE continuous stream: windows in order, batch size 1, the state of
 * each window carried into the next. This is how bits per character are usually reported for a
 * text (no window restarts from an empty memory); it needs a dataset whose windows of that split
 * are consecutive pieces of one text, as charCorpus / mobyDick test windows are.
 */
export function evaluateStream(model: SequenceModel, data: SeqDataset, split: "train" | "test" = "test", maxWindows?: number): EvalResult {
  const fn = "evaluateStream";
  if (!(model instanceof SequenceModel)) fail(fn, "model", "a SequenceModel", model);
  checkEvalArgs(fn, data, split, "maxWindows", maxWindows);
  let state: { h0: Tensor; c0?: Tensor } | undefined;
  const carried: Trainable<Batch> = {
    ...sequenceTrainable(model),
    lossOnBatch: (batch) => {
      const out = model.forward(batch, state), r = model.lossAndBackward(undefined, false);
      state = { h0: out.hN, ...(out.cN ? { c0: out.cN } : {}) };
      return r;
    },
  };
  return evaluateBatches(carried, data.batches(split, 1, 0), maxWindows);
}

function checkEvalArgs(fn: string, data: unknown, split: unknown, maxName: string, max: unknown): void {
  if (typeof data !== "object" || data === null || !isFunction((data as SeqDataset).batches)) fail(fn, "data", "a dataset (an object with batches())", data);
  checkOneOf(fn, "split", split, ["train", "test"] as const);
  if (max !== undefined) checkInt(fn, maxName, max, 1);
}

function evaluateBatches<B>(model: Trainable<B>, batches: Iterable<B>, maxBatches: number | undefined): EvalResult {
  model.train(false);
  const sums: Sums = { sum: 0, count: 0, correct: 0 };
  let n = 0;
  try {
    for (const batch of batches) {
      if (maxBatches !== undefined && n++ >= maxBatches) break;
      add(sums, model.lossOnBatch(batch, false));
    }
  } finally { model.train(true); }
  return summarize(model.classTargets, sums);
}

/** Mean loss over `count` scored items, with accuracy and bits per token for class targets, and metric means. */
function summarize(classTargets: boolean, s: Sums): EvalResult {
  const loss = s.count ? s.sum / s.count : NaN;
  const out: EvalResult = { loss, accuracy: classTargets && s.count ? s.correct / s.count : null, count: s.count, bitsPerToken: classTargets ? loss / Math.LN2 : null };
  if (s.metrics) out.metrics = Object.fromEntries(Object.entries(s.metrics).map(([m, v]) => [m, v / s.count]));
  return out;
}
