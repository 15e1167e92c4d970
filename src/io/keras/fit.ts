// Training a loaded Keras / TF.js model the way a Keras user does it:
//   model.compile({ loss: "meanSquaredError", optimizer: "adam", metrics: ["mse"] });
//   const h = model.fit(x, y, { epochs: 3, batchSize: 32, validationSplit: 0.2 });
//   saveTfjsModel(model, "out/");                       // TF.js loads the fine-tuned model
// Semantics follow tfjs-layers' model.fit: the loss of a batch is the mean of the per-sample
// losses; validationSplit takes the LAST fraction of the samples (before shuffling); an epoch's
// loss is the sample-weighted mean of its batch losses; "sgd" / "adam" are TF.js's defaults
// (lr 0.01 / 0.001, Adam ε = 1e-7). Shuffling uses our seeded generator (TF.js's is unseeded).
// The optimizers, clipping and the update rule are rnnlab's (src/train/optim.ts), over the
// layers' own weight arrays, so saveTfjsModel writes exactly what was trained.
import { Tensor } from "../../tensor/tensor.ts";
import { Rng } from "../../params/rng.ts";
import { adam, clipGradNorm, optimizerByName, sgd, type Optimizer, type ParamGroup } from "../../train/optim.ts";
import { RnnlabError, checkBool, checkInt, checkKnownKeys, checkNumber, fail, fmtShape } from "../../errors.ts";
import type { KValue } from "./layers.ts";
import type { KerasModel } from "./model.ts";
import type { Schedule } from "../../train/schedule.ts";
import { saveKerasTraining, type KerasProgress } from "./checkpoint.ts";
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
  /** save a resumable checkpoint (safetensors, atomic) after every epoch */
  checkpoint?: { path: string };
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

function asList(fn: string, x: unknown, n: number): Tensor[] {
  const list = Array.isArray(x) ? x : [x];
  if (list.length !== n) throw new RnnlabError(`${fn}: ${list.length} input tensor(s) given, the model has ${n}`);
  list.forEach((t, i) => { if (!(t instanceof Tensor)) fail(fn, `x[${i}]`, "a Tensor", t); });
  return list as Tensor[];
}

/** Rows [from, to) (or the listed rows) of a batch-major tensor. */
function rows(t: Tensor, idx: ArrayLike<number>): Tensor {
  const per = t.size / t.shape[0], out = new Float32Array(idx.length * per);
  for (let i = 0; i < idx.length; i++) out.set(t.data.subarray(idx[i] * per, (idx[i] + 1) * per), i * per);
  return new Tensor([idx.length, ...t.shape.slice(1)], out);
}

function checkTargets(fn: string, c: Compiled, out: KValue, y: Tensor): void {
  const sparse = c.loss === "sparseCategoricalCrossentropy";
  const want = sparse ? out.data.length / out.shape[out.shape.length - 1] : out.data.length;
  if (y.size !== want) throw new RnnlabError(`${fn}: y has shape ${fmtShape(y.shape)}, the model's output ${fmtShape(out.shape)}${sparse ? " (one class id per row)" : ""}`);
}

/** One batch: loss, metric sums, and (when `update`) gradients and an optimizer step. */
export function trainBatch(model: KerasModel, c: Compiled, x: Tensor[], y: Tensor, update: boolean, training = update): { loss: number; metrics: Record<string, number> } {
  const fn = update ? "KerasModel.fit" : "KerasModel.evaluate";
  const run = runForTraining(model, x, training, c.rng);
  checkTargets(fn, c, run.output, y);
  const W = run.output.shape[run.output.shape.length - 1];
  const dp = update ? new Float32Array(run.output.data.length) : null;
  const loss = kerasLoss(c.loss, run.output.data, y.data, W, dp);
  const metrics: Record<string, number> = {};
  for (const m of c.metrics) {
    metrics[m] = m === "acc" ? kerasAccuracy(c.loss, run.output.data, y.data, W)
      : kerasLoss(m === "mse" ? "meanSquaredError" : "meanAbsoluteError", run.output.data, y.data, W, null);
  }
  if (update) {
    const refs = paramRefs(model);
    for (const r of refs) r.grads.fill(0);
    run.backward(dp!);
    const groups: ParamGroup[] = refs.map((r) => ({ name: r.name, params: r.params, grads: r.grads }));
    if (c.clipNorm !== null) clipGradNorm(groups, c.clipNorm);
    if (!Number.isFinite(loss)) throw new RnnlabError(`${fn}: the loss became ${loss}; lower the learning rate (now ${c.optimizer.lr}) or clip gradients`);
    c.optimizer.step(groups);
  }
  return { loss, metrics };
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

/** Mean loss (and metrics) over samples, in batches, without updating. */
export function evaluateModel(model: KerasModel, c: Compiled, x: Tensor[], y: Tensor, batchSize: number): Record<string, number> {
  const n = x[0].shape[0], sums: Record<string, number> = { loss: 0 };
  for (let s = 0; s < n; s += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - s) }, (_, i) => s + i);
    const r = trainBatch(model, c, x.map((t) => rows(t, idx)), rows(y, idx), false);
    sums.loss += r.loss * idx.length;
    for (const [m, v] of Object.entries(r.metrics)) sums[m] = (sums[m] ?? 0) + v * idx.length;
  }
  for (const k of Object.keys(sums)) sums[k] /= n;
  return sums;
}

export function fitModel(model: KerasModel, c: Compiled, xIn: Tensor | Tensor[], y: Tensor, opts: KerasFitOptions = {}): KerasHistory {
  const fn = "KerasModel.fit";
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
  checkKnownKeys(fn, opts, ["epochs", "batchSize", "shuffle", "seed", "validationSplit", "validationData", "onEpochEnd", "schedule", "checkpoint", "resume"]);
  if (opts.schedule !== undefined && typeof opts.schedule !== "function") fail(fn, "schedule", "a function step -> factor (cosine(total), warmup(n), …)", opts.schedule);
  if (opts.checkpoint !== undefined && (typeof opts.checkpoint !== "object" || opts.checkpoint === null || typeof opts.checkpoint.path !== "string" || opts.checkpoint.path === "")) {
    fail(fn, "checkpoint", "an object { path }", opts.checkpoint);
  }
  const x = asList(fn, xIn, model.inputs.length);
  if (!(y instanceof Tensor)) fail(fn, "y", "a Tensor", y);
  const N = x[0].shape[0];
  if (x.some((t) => t.shape[0] !== N) || y.shape[0] !== N) throw new RnnlabError(`${fn}: x and y must have the same number of samples (first axis), got ${[...x, y].map((t) => fmtShape(t.shape)).join(", ")}`);
  const epochs = checkInt(fn, "epochs", opts.epochs ?? 1, 1), batchSize = checkInt(fn, "batchSize", opts.batchSize ?? 32, 1);
  const shuffle = checkBool(fn, "shuffle", opts.shuffle ?? true), seed = checkNumber(fn, "seed", opts.seed ?? 0);
  let n = N, val: { x: Tensor[]; y: Tensor } | null = null;
  if (opts.validationSplit !== undefined) {
    const split = checkNumber(fn, "validationSplit", opts.validationSplit, 0);
    if (!(split > 0 && split < 1)) fail(fn, "validationSplit", "a fraction in (0, 1)", split);
    n = Math.floor(N * (1 - split));
    if (n < 1 || n >= N) throw new RnnlabError(`${fn}: validationSplit ${split} of ${N} samples leaves ${n} for training and ${N - n} for validation`);
    const held = Array.from({ length: N - n }, (_, i) => n + i);
    val = { x: x.map((t) => rows(t, held)), y: rows(y, held) };
  } else if (opts.validationData !== undefined) {
    const vd = opts.validationData;
    if (!Array.isArray(vd) || vd.length !== 2 || !(vd[1] instanceof Tensor)) fail(fn, "validationData", "[x, y]", vd);
    val = { x: asList(`${fn}: validationData`, vd[0], model.inputs.length), y: vd[1] };
  }
  if (opts.onEpochEnd !== undefined && typeof opts.onEpochEnd !== "function") fail(fn, "onEpochEnd", "a function (epoch, logs) => void", opts.onEpochEnd);
  const resume = opts.resume ?? null;
  if (resume && resume.seed !== seed) throw new RnnlabError(`${fn}: resume.seed is ${resume.seed} but this run has seed ${seed}: the data order would differ`);
  const baseLr = resume?.baseLr ?? c.optimizer.lr;
  let step = resume?.step ?? 0;
  const history: Record<string, number[]> = {}, epochList: number[] = [];
  const push = (k: string, v: number) => (history[k] ??= []).push(v);
  for (let epoch = resume?.epoch ?? 0; epoch < epochs; epoch++) {
    const order = Array.from({ length: n }, (_, i) => i);
    if (shuffle) { const r = new Rng(seed + epoch); for (let i = n - 1; i > 0; i--) { const j = r.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; } }
    const sums: Record<string, number> = { loss: 0 };
    for (let s = 0; s < n; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      if (opts.schedule) c.optimizer.lr = baseLr * opts.schedule(step);
      const r = trainBatch(model, c, x.map((t) => rows(t, idx)), rows(y, idx), true);
      step++;
      sums.loss += r.loss * idx.length;
      for (const [m, v] of Object.entries(r.metrics)) sums[m] = (sums[m] ?? 0) + v * idx.length;
    }
    const logs: Record<string, number> = {};
    for (const [k, v] of Object.entries(sums)) logs[k] = v / n;
    if (val) for (const [k, v] of Object.entries(evaluateModel(model, c, val.x, val.y, batchSize))) logs[`val_${k}`] = v;
    for (const [k, v] of Object.entries(logs)) push(k, v);
    epochList.push(epoch);
    if (opts.checkpoint) saveKerasTraining(opts.checkpoint.path, model, c.optimizer, { epoch: epoch + 1, step, seed, baseLr });
    opts.onEpochEnd?.(epoch, logs);
  }
  return { epoch: epochList, history };
}

export { asList };
