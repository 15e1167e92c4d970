// A Keras user's data for the training loop (src/train/fit.ts): batch-major x (one tensor per model
// input) and y, split and shuffled the way tfjs-layers' model.fit does it: validationSplit holds out
// the LAST fraction of the samples (before shuffling), and each epoch shuffles the rest — with our
// seeded generator (the loop passes seed + epoch), so the same seed gives the same batches.
import { Tensor } from "../../tensor/tensor.ts";
import { Rng } from "../../params/rng.ts";
import { RnnlabError, checkBool, checkKnownKeys, checkNumber, fail, fmtShape } from "../../errors.ts";
import type { DataSource } from "../../train/trainable.ts";

/** One batch of a Keras model: its rows of every input, and of the targets. */
export interface KerasBatch { x: Tensor[]; y: Tensor }

export interface KerasDataOptions {
  /** shuffle the training samples every epoch (default true) */
  shuffle?: boolean;
  /** hold out the last fraction of the samples as the "test" split */
  validationSplit?: number;
  /** or give the "test" split: [x, y] */
  validationData?: [Tensor | Tensor[], Tensor];
}

/** The listed rows of a batch-major tensor, copied. */
export function rows(t: Tensor, idx: ArrayLike<number>): Tensor {
  const per = t.size / t.shape[0], out = new Float32Array(idx.length * per);
  for (let i = 0; i < idx.length; i++) out.set(t.data.subarray(idx[i] * per, (idx[i] + 1) * per), i * per);
  return new Tensor([idx.length, ...t.shape.slice(1)], out);
}

/** x as a list of tensors (`count` of them when the model's input count is known). */
export function asList(fn: string, x: unknown, count: number | null): Tensor[] {
  const list = Array.isArray(x) ? x : [x];
  if (count !== null && list.length !== count) throw new RnnlabError(`${fn}: ${list.length} input tensor(s) given, the model has ${count}`);
  if (!list.length) fail(fn, "x", "a Tensor or a list of Tensors", x);
  list.forEach((t, i) => { if (!(t instanceof Tensor)) fail(fn, `x[${i}]`, "a Tensor", t); });
  return list as Tensor[];
}

const KERAS_DATA_OPTIONS = ["shuffle", "validationSplit", "validationData"];

export class KerasData implements DataSource<KerasBatch> {
  /** `trainCount` first rows of x / y train; `validation` is the "test" split */
  constructor(readonly x: Tensor[], readonly y: Tensor, readonly trainCount: number, readonly validation: KerasBatch | null, readonly shuffle: boolean) {}

  size(split: "train" | "test"): number { return split === "train" ? this.trainCount : (this.validation?.y.shape[0] ?? 0); }

  *batches(split: "train" | "test", batchSize: number, seed: number): Generator<KerasBatch> {
    const src = split === "train" ? { x: this.x, y: this.y } : this.validation;
    if (!src) return;
    const n = this.size(split), order = Array.from({ length: n }, (_, i) => i);
    if (split === "train" && this.shuffle) {          // Fisher–Yates
      const r = new Rng(seed);
      for (let i = n - 1; i > 0; i--) { const j = r.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    }
    for (let s = 0; s < n; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      yield { x: src.x.map((t) => rows(t, idx)), y: rows(src.y, idx) };
    }
  }
}

/**
 * The data of a Keras model for `fit` / `evaluate`: x ([N, T, D] features or [N, T] token ids, a
 * list for several inputs) and y ([N, …] like the model's output).
 */
export function kerasData(x: Tensor | Tensor[], y: Tensor, opts: KerasDataOptions = {}): KerasData {
  if (typeof opts !== "object" || opts === null) fail("kerasData", "options", "an object { shuffle?, validationSplit?, validationData? }", opts);
  checkKnownKeys("kerasData", opts, KERAS_DATA_OPTIONS);
  return kerasDataOf("kerasData", null, x, y, opts);
}

export function kerasDataOf(fn: string, inputCount: number | null, xIn: unknown, y: unknown, opts: KerasDataOptions): KerasData {
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
  const x = asList(fn, xIn, inputCount);
  if (!(y instanceof Tensor)) fail(fn, "y", "a Tensor", y);
  const N = x[0].shape[0];
  if (x.some((t) => t.shape[0] !== N) || y.shape[0] !== N) throw new RnnlabError(`${fn}: x and y must have the same number of samples (first axis), got ${[...x, y].map((t) => fmtShape(t.shape)).join(", ")}`);
  const shuffle = checkBool(fn, "shuffle", opts.shuffle ?? true);
  let n = N, val: KerasBatch | null = null;
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
    val = { x: asList(`${fn}: validationData`, vd[0], inputCount ?? x.length), y: vd[1] };
  }
  return new KerasData(x, y, n, val, shuffle);
}

