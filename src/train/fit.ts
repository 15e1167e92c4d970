// The training loop. Data order is a pure function of (seed, epoch), so a run resumed from a
// checkpoint (model, optimizer slots, step, epoch, batch, dropout RNG) continues exactly as the
// uninterrupted one would. A non-finite loss or gradient stops training with the step named.
import { checkBool, checkInt, checkKnownKeys, checkNumber, checkOneOf, fail, RnnlabError } from "../errors.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { Batch, SeqDataset } from "./batch.ts";
import { SequenceModel } from "./model.ts";
import { clipGradNorm, clipGradValue, globalNorm, type Optimizer } from "./optim.ts";
import type { Schedule } from "./schedule.ts";
import { saveTraining, type TrainingProgress } from "./checkpoint.ts";

export interface StepInfo {
  step: number; epoch: number; batch: number; batchesPerEpoch: number; totalSteps: number;
  loss: number; accuracy: number | null; gradNorm: number; lr: number; seconds: number;
}
export interface EvalResult { loss: number; accuracy: number | null; count: number; bitsPerToken: number | null }
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

function batchesPerEpoch(data: SeqDataset, batchSize: number, max?: number): number {
  const n = Math.ceil(data.size("train") / batchSize);
  return max === undefined ? n : Math.min(n, max);
}

const isFunction = (v: unknown) => typeof v === "function";

/** Every option checked by name before the first step (a typo or a wrong type must not surface mid-run). */
function checkFitOptions(fn: string, model: unknown, data: unknown, opts: FitOptions): void {
  if (!(model instanceof SequenceModel)) fail(fn, "model", "a SequenceModel", model);
  if (typeof data !== "object" || data === null || !isFunction((data as SeqDataset).batches) || !isFunction((data as SeqDataset).size)) {
    fail(fn, "data", "a dataset (an object with size() and batches(), e.g. from data.datasetByName)", data);
  }
  const c = model.config, ds = data as SeqDataset;
  for (const key of ["inputKind", "inputSize"] as const) {        // outputSize may differ (unused classes); labels are checked per batch
    if (ds[key] !== undefined && ds[key] !== c[key]) fail(fn, "data", `a dataset with ${key} ${JSON.stringify(c[key])} (the model's)`, `${key} ${JSON.stringify(ds[key])}`);
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

export function fit(model: SequenceModel, data: SeqDataset, opts: FitOptions): FitResult {
  const fn = "fit";
  checkFitOptions(fn, model, data, opts);
  const epochs = checkInt(fn, "epochs", opts.epochs, 1), batchSize = checkInt(fn, "batchSize", opts.batchSize, 1);
  const seed = checkNumber(fn, "seed", opts.seed ?? 0);
  if (opts.clipNorm !== undefined) checkNumber(fn, "clipNorm", opts.clipNorm, 0);
  if (opts.clipValue !== undefined) checkNumber(fn, "clipValue", opts.clipValue, 0);
  const perEpoch = batchesPerEpoch(data, batchSize, opts.maxBatchesPerEpoch), totalSteps = perEpoch * epochs;
  const resume = opts.resume ?? null;
  const { optimizer } = opts, baseLr = resume?.baseLr ?? optimizer.lr, groups = model.groups();
  if (resume && resume.seed !== seed) throw new RnnlabError(`${fn}: resume.seed is ${resume.seed} but this run has seed ${seed}: the data order would differ`);
  let step = resume?.step ?? 0;
  const history: EpochInfo[] = [], t0 = performance.now();
  for (let epoch = resume?.epoch ?? 0; epoch < epochs; epoch++) {
    const te = performance.now(), skip = resume && epoch === resume.epoch ? resume.batch : 0;
    const partial = skip ? resume!.partial : undefined;
    let b = 0, sum = partial?.sum ?? 0, count = partial?.count ?? 0, correct = partial?.correct ?? 0;
    model.train(true);
    for (const batch of data.batches("train", batchSize, seed + epoch)) {
      if (b >= perEpoch) break;
      if (b++ < skip) continue;                          // resumed mid-epoch: these were done before
      if (opts.schedule) optimizer.lr = baseLr * opts.schedule(step);
      model.zeroGrad();
      let r: ReturnType<SequenceModel["lossAndBackward"]>;
      try { model.forward(batch); r = model.lossAndBackward(); }
      catch (e) {                                        // name the step: a bad batch must be findable
        throw e instanceof RnnlabError ? new RnnlabError(`${fn}: step ${step + 1} (epoch ${epoch + 1}, batch ${b}): ${e.message}`, { cause: e }) : e;
      }
      const gradNorm = opts.clipNorm !== undefined ? clipGradNorm(groups, opts.clipNorm)
        : opts.clipValue !== undefined ? clipGradValue(groups, opts.clipValue) : globalNorm(groups);
      if (!Number.isFinite(r.loss) || !Number.isFinite(gradNorm)) {
        throw new RnnlabError(`${fn}: the ${Number.isFinite(r.loss) ? "gradient norm" : "loss"} became ${Number.isFinite(r.loss) ? gradNorm : r.loss} at step ${step + 1} ` +
          `(epoch ${epoch + 1}, batch ${b}); lower the learning rate (now ${optimizer.lr}) or clip gradients`);
      }
      optimizer.step(groups);
      step++;
      sum += r.loss * r.count; count += r.count; correct += r.correct;
      opts.onStep?.({ step, epoch, batch: b, batchesPerEpoch: perEpoch, totalSteps, loss: r.loss,
        accuracy: model.config.loss === "class" && r.count ? r.correct / r.count : null, gradNorm, lr: optimizer.lr, seconds: (performance.now() - t0) / 1000 });
      const every = opts.checkpoint?.everySteps;
      if (opts.checkpoint && every && step % every === 0) saveTraining(opts.checkpoint.path, model, optimizer, { epoch, batch: b, step, seed, baseLr, partial: { sum, count, correct } });
    }
    const train = summarize(model, sum, count, correct);
    const test = opts.evaluate === false ? null : evaluate(model, data, "test", opts.evalBatchSize ?? batchSize, opts.maxEvalBatches);
    const info: EpochInfo = { epoch, train, test, seconds: (performance.now() - te) / 1000, steps: step };
    history.push(info);
    if (opts.checkpoint) saveTraining(opts.checkpoint.path, model, optimizer, { epoch: epoch + 1, batch: 0, step, seed, baseLr });
    opts.onEpoch?.(info);
  }
  return { history, steps: step, seconds: (performance.now() - t0) / 1000 };
}

/** Mean loss (and accuracy, bits per token for class targets) over a split, without touching gradients. */
export function evaluate(model: SequenceModel, data: SeqDataset, split: "train" | "test", batchSize = 64, maxBatches?: number): EvalResult {
  checkEvalArgs("evaluate", model, data, split, maxBatches);
  checkInt("evaluate", "batchSize", batchSize, 1);
  return evaluateBatches(model, data.batches(split, batchSize, 0), maxBatches, false);
}

/**
 * Loss over a split read as ONE continuous stream: windows in order, batch size 1, the state of
 * each window carried into the next. This is how bits per character are usually reported for a
 * text (no window restarts from an empty memory); it needs a dataset whose windows of that split
 * are consecutive pieces of one text, as charCorpus / mobyDick test windows are.
 */
export function evaluateStream(model: SequenceModel, data: SeqDataset, split: "train" | "test" = "test", maxWindows?: number): EvalResult {
  checkEvalArgs("evaluateStream", model, data, split, maxWindows);
  return evaluateBatches(model, data.batches(split, 1, 0), maxWindows, true);
}

function checkEvalArgs(fn: string, model: unknown, data: unknown, split: unknown, max: unknown): void {
  if (!(model instanceof SequenceModel)) fail(fn, "model", "a SequenceModel", model);
  if (typeof data !== "object" || data === null || !isFunction((data as SeqDataset).batches)) fail(fn, "data", "a dataset (an object with batches())", data);
  checkOneOf(fn, "split", split, ["train", "test"] as const);
  if (max !== undefined) checkInt(fn, fn === "evaluate" ? "maxBatches" : "maxWindows", max, 1);
}

function evaluateBatches(model: SequenceModel, batches: Iterable<Batch>, maxBatches: number | undefined, carryState: boolean): EvalResult {
  model.train(false);
  let sum = 0, count = 0, correct = 0, n = 0;
  let state: { h0: Tensor; c0?: Tensor } | undefined;
  for (const batch of batches) {
    if (maxBatches !== undefined && n++ >= maxBatches) break;
    const out = model.forward(batch, state);
    const r = model.lossAndBackward(undefined, false);
    sum += r.loss * r.count; count += r.count; correct += r.correct;
    if (carryState) state = { h0: out.hN, ...(out.cN ? { c0: out.cN } : {}) };
  }
  model.train(true);
  return summarize(model, sum, count, correct);
}

/** Mean loss over `count` scored items, with accuracy and bits per token for class targets. */
function summarize(model: SequenceModel, sum: number, count: number, correct: number): EvalResult {
  const cls = model.config.loss === "class", loss = count ? sum / count : NaN;
  return { loss, accuracy: cls && count ? correct / count : null, count, bitsPerToken: cls ? loss / Math.LN2 : null };
}
