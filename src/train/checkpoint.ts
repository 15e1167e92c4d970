// Training checkpoints: one safetensors file (src/io/checkpoint.ts: atomic write, validated read).
//   tensors   the model's parameters under PyTorch-style keys ("emb.weight", "rnn.weight_ih_l0", "fc.bias"),
//             plus optimizer slots as "optim.<group>/<slot>" when saved for resuming
//   metadata  "format": "pt"; "rnnlab.model": the model config; "rnnlab.optimizer", "rnnlab.progress",
//             "rnnlab.rng": what resuming needs to continue exactly as an uninterrupted run
// A file without rnnlab metadata (e.g. from safetensors.torch.save_file) loads into a given model by keys.
import { saveCheckpoint, loadCheckpoint } from "../io/checkpoint.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { TensorLike } from "../io/safetensors.ts";
import { parseJsonBounded } from "../io/bounded-json.ts";
import { Rng } from "../params/rng.ts";
import { RnnlabError, checkBool, checkInt, checkKnownKeys, checkNumber, checkOneOf, fail } from "../errors.ts";
import { SequenceModel, modelParamCount, resolveModelConfig, type ModelConfig, type ResolvedModelConfig } from "./model.ts";
import { Recurrent } from "../layers/recurrent.ts";
import { OPTIMIZERS, optimizerByName, type Optimizer } from "./optim.ts";

export interface TrainingProgress {
  /** the epoch in progress (0-based) and how many of its batches are done */
  epoch: number;
  batch: number;
  /** optimizer steps so far */
  step: number;
  /** the data-order seed of the run */
  seed: number;
  /** the learning rate a schedule scales (the optimizer's own lr is already the scheduled one) */
  baseLr?: number;
  /** running sums of the epoch in progress, so its summary is the same as without the interruption */
  partial?: { sum: number; count: number; correct: number; metrics?: Record<string, number> };
}

const OPTIM = "optim.";

export function saveTraining(path: string, model: SequenceModel, optimizer: Optimizer | null = null, progress: TrainingProgress | null = null): void {
  const fn = "saveTraining";
  if (!(model instanceof SequenceModel)) fail(fn, "model", "a SequenceModel", model);
  if (optimizer !== null && (typeof optimizer !== "object" || typeof optimizer.state !== "function")) fail(fn, "optimizer", "an optimizer or null", optimizer);
  if (progress !== null) checkProgress(fn, progress);
  const tensors: Record<string, TensorLike> = { ...model.stateDict() };
  const metadata: Record<string, string> = { format: "pt", "rnnlab.model": JSON.stringify(model.config) };
  if (optimizer) {
    const st = optimizer.state();
    for (const [key, buf] of Object.entries(st.slots)) tensors[OPTIM + key] = { shape: [buf.length], data: buf };
    metadata["rnnlab.optimizer"] = JSON.stringify({ name: optimizer.name, hyper: optimizer.hyper, lr: optimizer.lr, t: st.t });
  }
  if (progress) metadata["rnnlab.progress"] = JSON.stringify(progress);
  if (model.rnn instanceof Recurrent) metadata["rnnlab.rng"] = JSON.stringify(model.rnn.rngState);   // dropout masks (cells keep none)
  saveCheckpoint(path, tensors, metadata);
}

export interface LoadedTraining { model: SequenceModel; optimizer: Optimizer | null; progress: TrainingProgress | null }
export interface LoadTrainingOptions {
  /** accept NaN / ±Infinity in parameters and optimizer state (default false), e.g. to inspect a diverged run */
  allowNonFinite?: boolean;
}

/** The fields in which two model configs differ, e.g. ["hiddenSize 64 vs 128"]. */
function configDiff(a: ResolvedModelConfig, b: ResolvedModelConfig): string[] {
  const keys = Object.keys(a) as (keyof ResolvedModelConfig)[];
  return keys.filter((k) => k !== "seed" && JSON.stringify(a[k]) !== JSON.stringify(b[k])).map((k) => `${k} ${JSON.stringify(b[k])} in the file vs ${JSON.stringify(a[k])} here`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Errors from the checks below, re-thrown naming the file and the metadata field. */
function inField<T>(where: string, check: () => T): T {
  try { return check(); }
  catch (e) { throw e instanceof RnnlabError ? new RnnlabError(`${where}: ${e.message}`, { cause: e }) : e; }
}

export function checkProgress(where: string, p: unknown): TrainingProgress {
  const fn = where;
  if (!isObject(p)) fail(fn, "progress", "an object { epoch, batch, step, seed }", p);
  checkKnownKeys(fn, p, ["epoch", "batch", "step", "seed", "baseLr", "partial"]);
  for (const key of ["epoch", "batch", "step"]) checkInt(fn, key, p[key], 0);
  checkNumber(fn, "seed", p.seed);
  if (p.baseLr !== undefined) checkNumber(fn, "baseLr", p.baseLr, 0);
  if (p.partial !== undefined) {
    if (!isObject(p.partial)) fail(fn, "partial", "an object { sum, count, correct }", p.partial);
    checkKnownKeys(`${fn}.partial`, p.partial, ["sum", "count", "correct", "metrics"]);
    checkNumber(fn, "partial.sum", p.partial.sum);
    checkInt(fn, "partial.count", p.partial.count, 0);
    checkInt(fn, "partial.correct", p.partial.correct, 0);
    const metrics = p.partial.metrics;
    if (metrics !== undefined) {
      if (!isObject(metrics)) fail(fn, "partial.metrics", "an object of metric sums", metrics);
      for (const [m, v] of Object.entries(metrics)) checkNumber(fn, `partial.metrics.${m}`, v);
    }
  }
  return p as unknown as TrainingProgress;
}

function checkOptimizerMeta(fn: string, o: unknown): { name: string; hyper: Record<string, unknown>; lr: number; t: number } {
  if (!isObject(o)) fail(fn, "optimizer", "an object { name, hyper, lr, t }", o);
  checkKnownKeys(fn, o, ["name", "hyper", "lr", "t"]);
  checkOneOf(fn, "name", o.name, OPTIMIZERS);
  if (!isObject(o.hyper)) fail(fn, "hyper", "an object of hyper-parameters", o.hyper);
  checkNumber(fn, "lr", o.lr, 0);
  checkInt(fn, "t", o.t, 0);
  return o as { name: string; hyper: Record<string, unknown>; lr: number; t: number };
}

/**
 * Load a checkpoint. With `into`, its parameters go into that model (after checking that the file
 * was saved from the same architecture); without, a model is built from the file's config.
 * Everything in the file is checked before the model is built or changed: the config against the
 * tensors actually present (a config cannot make us allocate more than the file holds), the
 * optimizer state against the model's parameters, the progress and random state field by field.
 */
export function loadTraining(path: string, into?: SequenceModel, opts: LoadTrainingOptions = {}): LoadedTraining {
  const fn = "loadTraining";
  if (into !== undefined && !(into instanceof SequenceModel)) fail(fn, "into", "a SequenceModel (or nothing)", into);
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
  checkKnownKeys(fn, opts, ["allowNonFinite"]);
  const allowNonFinite = checkBool(fn, "allowNonFinite", opts.allowNonFinite ?? false);
  const { tensors, metadata } = loadCheckpoint(path, { allowNonFinite });
  const at = (field: string) => `${fn}: ${path}: metadata "${field}"`;
  const meta = (field: string) => metadata[field] === undefined ? undefined : parseJsonBounded(at(field), metadata[field]);

  const params: Record<string, Tensor> = {};
  const slots: Record<string, Float32Array | Float64Array> = {};
  for (const [key, t] of Object.entries(tensors)) {
    if (key.startsWith(OPTIM)) slots[key.slice(OPTIM.length)] = t.data; else params[key] = t;
  }
  const savedConfig = meta("rnnlab.model");
  let cfg: ResolvedModelConfig | null = null;
  if (savedConfig !== undefined) {
    cfg = resolveModelConfig(at("rnnlab.model"), savedConfig as ModelConfig);
    const inFile = Object.values(params).reduce((n, t) => n + t.data.length, 0), implied = modelParamCount(cfg);
    if (implied !== inFile) throw new RnnlabError(`${at("rnnlab.model")}: the config implies ${implied} parameters, the file holds ${inFile}`);
    if (into) {
      const diff = configDiff(into.config, cfg);
      if (diff.length) throw new RnnlabError(`${fn}: ${path} holds a different architecture: ${diff.join("; ")}`);
    }
  } else if (!into) {
    throw new RnnlabError(`${fn}: ${path} has no "rnnlab.model" metadata (not saved by rnnlab); pass the model to load it into`);
  }
  const o = meta("rnnlab.optimizer");
  const optimMeta = o === undefined ? null : inField(at("rnnlab.optimizer"), () => checkOptimizerMeta("optimizer", o));
  if (!optimMeta && Object.keys(slots).length) throw new RnnlabError(`${fn}: ${path} holds optimizer slots (${Object.keys(slots).map((k) => OPTIM + k).join(", ")}) but no "rnnlab.optimizer" metadata`);
  const progressMeta = meta("rnnlab.progress");
  const progress = progressMeta === undefined ? null : inField(at("rnnlab.progress"), () => checkProgress("progress", progressMeta));
  const rng = meta("rnnlab.rng");
  if (rng !== undefined) inField(at("rnnlab.rng"), () => new Rng(0).setState(rng as number[]));

  const model = into ?? new SequenceModel(cfg!);
  const before = into ? into.groups().map((g) => g.params.slice()) : null;   // restored if a later check fails
  try {
    inField(`${fn}: ${path}`, () => model.loadStateDict(params, { allowNonFinite }));
    let optimizer: Optimizer | null = null;
    if (optimMeta) {
      optimizer = inField(at("rnnlab.optimizer"), () => optimizerByName(optimMeta.name, { ...optimMeta.hyper, lr: optimMeta.lr }));
      inField(`${fn}: ${path}`, () => optimizer!.loadState({ t: optimMeta.t, slots }, { groups: model.groups(), allowNonFinite }));
    }
    if (rng !== undefined && model.rnn instanceof Recurrent) model.rnn.rngState = rng as number[];
    return { model, optimizer, progress };
  } catch (e) {
    if (before) model.groups().forEach((g, i) => g.params.set(before[i]));
    else model.dispose();                               // its memory back now, not at the next collection
    throw e;
  }
}
