// Training a loaded Keras / TF.js model the way a Keras user does it:
//   model.compile({ loss: "meanSquaredError", optimizer: "adam", metrics: ["mse"] });
//   const h = model.fit(x, y, { epochs: 3, batchSize: 32, validationSplit: 0.2 });
//   saveTfjsModel(model, "out/");                       // TF.js loads the fine-tuned model
// Semantics follow tfjs-layers' model.fit: the loss of a batch is the mean of the per-sample
// losses; validationSplit takes the LAST fraction of the samples (before shuffling); an epoch's
// loss is the sample-weighted mean of its batch losses; "sgd" / "adam" are TF.js's defaults
// (lr 0.01 / 0.001, Adam ε = 1e-7). Shuffling uses our seeded generator (TF.js's is unseeded).
// The loop is rnnlab's one training loop (src/train/fit.ts): KerasModel.fit translates Keras's
// options and logs, and the model supplies only the loss of a batch (kerasLossOnBatch). The
// optimizers, clipping and the update rule are rnnlab's (src/train/optim.ts), over the layers'
// own weight arrays, so saveTfjsModel writes exactly what was trained.
import { Tensor } from "../../tensor/tensor.ts";
import { Rng } from "../../params/rng.ts";
import { adam, optimizerByName, sgd, type Optimizer, type ParamGroup } from "../../train/optim.ts";
import { RnnlabError, checkInt, checkKnownKeys, checkNumber, fail, fmtShape } from "../../errors.ts";
import type { KValue } from "./layers.ts";
import type { KerasModel } from "./model.ts";
import type { Schedule } from "../../train/schedule.ts";
import type { KerasProgress } from "./checkpoint.ts";
import { runEvaluate, runFit, type EpochInfo, type StepInfo } from "../../train/fit.ts";
import { optimizerStep, type BatchLoss } from "../../train/trainable.ts";
import { asList, kerasDataOf, type KerasBatch } from "./data.ts";
import { KERAS_LOSSES, kerasAccuracy, kerasLoss, type KerasLossName, type ParamRef, type TrainPass } from "./train-ops.ts";

export interface KerasCompileOptions {
  /** "meanSquaredError" (mse), "meanAbsoluteError" (mae), "categoricalCrossentropy", "sparseCategoricalCrossentropy", "binaryCrossentropy" (Keras spellings accepted) */
  loss: string;
  /** "sgd" / "adam" with TF.js's defaults, or any rnnlab optimizer (sgd({ lr }), adam({ lr, eps: 1e-7 }), …) */
  optimizer: string | Optimizer;
  /** "accuracy" (acc), "mse", "mae" — reported per epoch, as val_… too */
  metrics?: string[];
  /** clip the global gradient norm of each step (rnnlab's clipping; Keras's clipnorm is per weight) */
  clipNorm?: number;
}

export interface KerasFitOptions {
  epochs?: number;
  batchSize?: number;
  /** shuffle the training samples every epoch (default true; seeded by `seed`) */
  shuffle?: boolean;
  seed?: number;
  /** hold out the last fraction of the samples for validation */
  validationSplit?: number;
  validationData?: [Tensor | Tensor[], Tensor];
  /** called after every epoch with its logs ({ loss, val_loss, mse, … }) */
  onEpochEnd?: (epoch: number, logs: Record<string, number>) => void;
  /** learning-rate factor per step (rnnlab schedules: cosine(total), warmup(n), …); the optimizer's lr at the start is the base */
  schedule?: Schedule;
  /** called after every optimizer step (the training loop's StepInfo: loss, gradNorm, lr, …) */
  onStep?: (info: StepInfo) => void;
  /** save a resumable checkpoint (safetensors, atomic) after every epoch, and every `everySteps` steps */
  checkpoint?: { path: string; everySteps?: number };
  /** continue a run: the progress model.loadTraining(path) returned */
  resume?: KerasProgress | null;
}

export interface KerasHistory { epoch: number[]; history: Record<string, number[]> }

export interface Compiled { loss: KerasLossName; optimizer: Optimizer; metrics: string[]; clipNorm: number | null; rng: Rng }

const METRICS: Record<string, string> = { accuracy: "acc", acc: "acc", mse: "mse", meanSquaredError: "mse", mae: "mae", meanAbsoluteError: "mae" };

export function compileModel(model: KerasModel, opts: KerasCompileOptions): Compiled {
  const fn = "KerasModel.compile";
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object { loss, optimizer, metrics }", opts);
  checkKnownKeys(fn, opts, ["loss", "optimizer", "metrics", "clipNorm"]);
  const loss = typeof opts.loss === "string" ? KERAS_LOSSES[opts.loss] : undefined;
  if (!loss) fail(fn, "loss", `one of ${Object.keys(KERAS_LOSSES).join(", ")}`, opts.loss);
  let optimizer: Optimizer;
  if (opts.optimizer === "sgd") optimizer = sgd({ lr: 0.01 });
  else if (opts.optimizer === "adam") optimizer = adam({ lr: 0.001, eps: 1e-7 });   // tf.train.adam with the backend's ε
  else if (typeof opts.optimizer === "string") optimizer = optimizerByName(opts.optimizer);
  else if (typeof opts.optimizer === "object" && opts.optimizer !== null && typeof opts.optimizer.step === "function") optimizer = opts.optimizer;
  else fail(fn, "optimizer", '"sgd", "adam" or an rnnlab optimizer (sgd(), adam(), …)', opts.optimizer);
  const metrics = (opts.metrics ?? []).map((m, i) => {
    const ours = typeof m === "string" ? METRICS[m] : undefined;
    if (!ours) fail(fn, `metrics[${i}]`, `one of ${Object.keys(METRICS).join(", ")}`, m);
    return ours;
  });
  if (opts.clipNorm !== undefined) checkNumber(fn, "clipNorm", opts.clipNorm, 0);
  for (const node of model.nodes) {
    if (!node.layer.trainForward) throw new RnnlabError(`${fn}: layer "${node.layer.name}" (${node.layer.className}) cannot be trained yet`);
  }
  if (model.outputs.length !== 1) throw new RnnlabError(`${fn}: the model has ${model.outputs.length} outputs; training supports one`);
  return { loss, optimizer, metrics, clipNorm: opts.clipNorm ?? null, rng: new Rng(0) };
}

/** Every trainable array of the model, once (a layer may appear in several nodes). */
export function paramRefs(model: KerasModel): ParamRef[] {
  const seen = new Set<unknown>();
  return model.layers.flatMap((l) => (seen.has(l) ? [] : (seen.add(l), l.params?.() ?? [])));
}

/** Forward every node for training; returns the model output and the backward from its cotangent. */
function runForTraining(model: KerasModel, inputs: Tensor[], training: boolean, rng: Rng): { output: KValue; backward(d: Float32Array): void } {
  const values = new Map<string, KValue[]>(), passes: { name: string; refs: [string, number, number][]; pass: TrainPass }[] = [];
  inputs.forEach((t, i) => values.set(model.inputs[i][0], [{ shape: [...t.shape], data: Float32Array.from(t.data), mask: null }]));
  for (const node of model.nodes) {
    if (values.has(node.layer.name)) continue;
    const ins = node.inputs.map(([name, , idx]) => {
      const v = values.get(name)?.[idx];
      if (!v) throw new RnnlabError(`KerasModel.fit: layer "${node.layer.name}" needs output ${idx} of "${name}", which is not computed`);
      return v;
    });
    const pass = node.layer.trainForward!(ins, training, rng);
    values.set(node.layer.name, pass.outputs);
    passes.push({ name: node.layer.name, refs: node.inputs, pass });
  }
  const [outName, , outIdx] = model.outputs[0];
  return {
    output: values.get(outName)![outIdx],
    backward(d: Float32Array) {
      const cot = new Map<string, (Float32Array | null)[]>([[outName, []]]);
      cot.get(outName)![outIdx] = d;
      for (let i = passes.length - 1; i >= 0; i--) {               // reverse topological order
        const { name, refs, pass } = passes[i], dOut = cot.get(name);
        if (!dOut || !dOut.some((x) => x)) continue;
        const dIn = pass.backward(pass.outputs.map((_, j) => dOut[j] ?? null));
        refs.forEach(([src, , idx], j) => {
          const g = dIn[j];
          if (!g) return;
          const list = cot.get(src) ?? [];
          list[idx] = list[idx] ? list[idx]!.map((v, k) => v + g[k]) : g;   // a value read twice: gradients add
          cot.set(src, list);
        });
      }
    },
  };
}

function checkTargets(fn: string, c: Compiled, out: KValue, y: Tensor): void {
  const sparse = c.loss === "sparseCategoricalCrossentropy";
  const want = sparse ? out.data.length / out.shape[out.shape.length - 1] : out.data.length;
  if (y.size !== want) throw new RnnlabError(`${fn}: y has shape ${fmtShape(y.shape)}, the model's output ${fmtShape(out.shape)}${sparse ? " (one class id per row)" : ""}`);
}

/**
 * The loss of one batch (the mean of its per-sample losses) and its metric means; with `backward`,
 * the gradients are added into the layers' gradient arrays. This is the Keras model's part of the
 * training loop (src/train/fit.ts drives it: zeroing, clipping, the optimizer step).
 */
export function kerasLossOnBatch(model: KerasModel, c: Compiled, batch: KerasBatch, backward: boolean, training: boolean): BatchLoss {
  const fn = backward ? "KerasModel.fit" : "KerasModel.evaluate";
  if (typeof batch !== "object" || batch === null) fail(fn, "batch", "{ x: Tensor[], y: Tensor } (from kerasData)", batch);
  const x = asList(fn, batch.x, model.inputs.length);
  if (!(batch.y instanceof Tensor)) fail(fn, "batch.y", "a Tensor", batch.y);
  const run = runForTraining(model, x, training, c.rng);
  checkTargets(fn, c, run.output, batch.y);
  const W = run.output.shape[run.output.shape.length - 1];
  const dp = backward ? new Float32Array(run.output.data.length) : null;
  const loss = kerasLoss(c.loss, run.output.data, batch.y.data, W, dp);
  const metrics: Record<string, number> = {};
  for (const m of c.metrics) {
    metrics[m] = m === "acc" ? kerasAccuracy(c.loss, run.output.data, batch.y.data, W)
      : kerasLoss(m === "mse" ? "meanSquaredError" : "meanAbsoluteError", run.output.data, batch.y.data, W, null);
  }
  if (backward) run.backward(dp!);
  return { loss, count: batch.y.shape[0], correct: 0, metrics };
}

/** The parameter groups an optimizer steps: every trainable array with its gradient. */
export function kerasGroups(model: KerasModel): ParamGroup[] {
  return paramRefs(model).map((r) => ({ name: r.name, params: r.params, grads: r.grads }));
}

/** One optimizer step on one batch (trainOnBatch), through the loop's step; returns its loss (before the step). */
export function trainOnBatchOf(model: KerasModel, c: Compiled, x: unknown, y: unknown): number {
  const fn = "KerasModel.trainOnBatch";
  const batch = { x: asList(fn, x, model.inputs.length), y: y as Tensor };
  if (!(y instanceof Tensor)) fail(fn, "y", "a Tensor", y);
  return optimizerStep(fn, model, batch, 0, { optimizer: c.optimizer, baseLr: c.optimizer.lr, clipNorm: c.clipNorm }, "this batch").loss;
}

/** The gradients of the mean loss of one batch, by weight name in Keras layout (nothing is updated). */
export function batchGradients(model: KerasModel, c: Compiled, x: Tensor[], y: Tensor): Record<string, { shape: number[]; data: Float32Array }> {
  const run = runForTraining(model, x, true, c.rng);
  checkTargets("KerasModel.gradients", c, run.output, y);
  const W = run.output.shape[run.output.shape.length - 1], dp = new Float32Array(run.output.data.length);
  kerasLoss(c.loss, run.output.data, y.data, W, dp);
  for (const r of paramRefs(model)) r.grads.fill(0);
  run.backward(dp);
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const l of model.layers) for (const g of l.gradients?.() ?? []) out[g.name] = { shape: [...g.shape], data: Float32Array.from(g.data) };
  return out;
}

/** Mean loss (and metrics) over samples, in batches, without updating: the loop's evaluate over the samples in order. */
export function evaluateModel(model: KerasModel, x: unknown, y: unknown, batchSize: number): Record<string, number> {
  const fn = "KerasModel.evaluate";
  const data = kerasDataOf(fn, model.inputs.length, x, y, { shuffle: false });
  const r = runEvaluate(fn, model, data, "train", checkInt(fn, "batchSize", batchSize, 1));
  return { loss: r.loss, ...r.metrics };
}

/**
 * Keras's model.fit, a front to the training loop (src/train/fit.ts): Keras's options become the
 * loop's, its epoch summaries become Keras logs ({ loss, mse, …, val_loss, val_mse, … }).
 */
export function fitModel(model: KerasModel, c: Compiled, x: Tensor | Tensor[], y: Tensor, opts: KerasFitOptions = {}): KerasHistory {
  const fn = "KerasModel.fit";
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
  checkKnownKeys(fn, opts, ["epochs", "batchSize", "shuffle", "seed", "validationSplit", "validationData", "onEpochEnd", "onStep", "schedule", "checkpoint", "resume"]);
  const data = kerasDataOf(fn, model.inputs.length, x, y, { shuffle: opts.shuffle, validationSplit: opts.validationSplit, validationData: opts.validationData });
  const epochs = checkInt(fn, "epochs", opts.epochs ?? 1, 1), batchSize = checkInt(fn, "batchSize", opts.batchSize ?? 32, 1);
  if (opts.onEpochEnd !== undefined && typeof opts.onEpochEnd !== "function") fail(fn, "onEpochEnd", "a function (epoch, logs) => void", opts.onEpochEnd);
  const history: Record<string, number[]> = {}, epochList: number[] = [];
  const onEpoch = (info: EpochInfo) => {
    const logs: Record<string, number> = { loss: info.train.loss, ...info.train.metrics };
    if (info.test) {
      logs.val_loss = info.test.loss;
      for (const [k, v] of Object.entries(info.test.metrics ?? {})) logs[`val_${k}`] = v;
    }
    for (const [k, v] of Object.entries(logs)) (history[k] ??= []).push(v);
    epochList.push(info.epoch);
    opts.onEpochEnd?.(info.epoch, logs);
  };
  runFit(fn, model, data, {
    epochs, batchSize, optimizer: c.optimizer, seed: opts.seed ?? 0, onEpoch,
    ...(c.clipNorm !== null ? { clipNorm: c.clipNorm } : {}),
    ...(opts.schedule !== undefined ? { schedule: opts.schedule } : {}),
    ...(opts.onStep !== undefined ? { onStep: opts.onStep } : {}),
    ...(opts.checkpoint !== undefined ? { checkpoint: opts.checkpoint } : {}),
    ...(opts.resume !== undefined ? { resume: opts.resume } : {}),
  });
  return { epoch: epochList, history };
}
