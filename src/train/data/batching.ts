// Shared machinery of every dataset: seeded orders, packing examples into time-major batches,
// and `makeDataset`, which turns a small spec ("how many examples, and example i") into a
// `SeqDataset`. A dataset file only says what its examples are; it never builds a Batch itself.
//
// Layouts (see ../batch.ts): x (T, B, D) and ids / per-step labels (T, B) time-major, so
// element (t, b, d) sits at (t·B + b)·D + d. Variable-length rows are padded after their
// `length` steps with 0 (features, ids, per-step values) and −1 (per-step labels).
import { Rng } from "../../params/rng.ts";
import { checkInt, checkOneOf, fail } from "../../errors.ts";
import type { Batch, BatchInput, BatchTarget, SeqDataset } from "../batch.ts";

export type Split = "train" | "test";
export const SPLITS: readonly Split[] = ["train", "test"];

/** One sequence, batch-free. */
export interface Example {
  /** valid steps */
  length: number;
  /** features (length, D) row-major, or token ids (length) */
  input: ArrayLike<number>;
  /** class: a number; classPerStep: labels (length); value: (size); valuePerStep: (length, size) */
  target: number | ArrayLike<number>;
}

/** What a dataset file provides; `makeDataset` does the rest. */
export interface DatasetSpec {
  name: string;
  inputKind: "features" | "tokens";
  inputSize: number;
  outputSize: number;
  targetKind: BatchTarget["kind"];
  /** rows may be shorter than the batch's T: lengths are set, padding added */
  variableLength: boolean;
  size(split: Split): number;
  /**
   * Example i (0 ≤ i < size) of one pass over `split`. For "train" the examples may depend on
   * the pass seed (e.g. the phase of text windows); for "test" they must not.
   */
  examples(split: Split, seed: number): (i: number) => Example;
}

// ---- seeds and orders ---------------------------------------------------------------------

/** A 32-bit hash of several integers: independent seeds for (dataSeed, split, index) triples. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = (h ^ (p >>> 0)) >>> 0;                       // low 32 bits of each part
    h ^= Math.floor(p / 4294967296) >>> 0;           // and the high bits of large indices
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** A distinct stream per split, so the train and test examples of one dataSeed never repeat. */
export const splitId = (split: Split): number => (split === "train" ? 1 : 2);

/** A seeded permutation of 0..n−1 (Fisher–Yates). */
export function shuffledIndices(n: number, rng: Rng): Int32Array {
  const order = identity(n);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = order[i]; order[i] = order[j]; order[j] = tmp;
  }
  return order;
}

export function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** The order of one pass: train shuffled by `seed`, test always 0..n−1. */
export function passOrder(split: Split, n: number, seed: number): Int32Array {
  return split === "train" ? shuffledIndices(n, new Rng(seed)) : identity(n);
}

/** `count` examples of `n` for the test split, the rest for train; returns [train, test] counts. */
export function splitCounts(n: number, testFraction: number): [number, number] {
  const test = Math.round(n * testFraction);
  return [n - test, test];
}

// ---- option checks shared by the dataset factories ----------------------------------------

/** A fraction in [0, 1) (0 allowed: no test split). */
export function checkFraction(fn: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value >= 1) {
    fail(fn, arg, "a number in [0, 1)", value);
  }
  return value;
}

export function checkSeed(fn: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) fail(fn, arg, "an integer", value);
  return value;
}

// ---- packing ------------------------------------------------------------------------------

type Layout = Pick<DatasetSpec, "inputKind" | "inputSize" | "outputSize" | "targetKind" | "variableLength">;

/**
 * Examples → one time-major batch. T = the longest example; for variable-length data `lengths`
 * is always set (even when the rows happen to be equal), for fixed-length data it is null and
 * every example must have the same length.
 */
export function packBatch(layout: Layout, examples: readonly Example[]): Batch {
  const B = examples.length, D = layout.inputSize, S = layout.outputSize;
  let T = 0;
  for (const ex of examples) T = Math.max(T, ex.length);
  const lengths = layout.variableLength ? new Int32Array(B) : null;

  let input: BatchInput, target: BatchTarget;
  if (layout.inputKind === "features") {
    const x = new Float32Array(T * B * D);           // (T, B, D), zero padding
    examples.forEach((ex, b) => {
      check(ex.input.length === ex.length * D, "features", ex.input.length, ex.length * D);
      for (let t = 0; t < ex.length; t++) {
        const dst = (t * B + b) * D, src = t * D;
        for (let d = 0; d < D; d++) x[dst + d] = ex.input[src + d];
      }
    });
    input = { kind: "features", x, T, B, D };
  } else {
    const ids = new Int32Array(T * B);               // (T, B), padding id 0
    examples.forEach((ex, b) => {
      check(ex.input.length === ex.length, "ids", ex.input.length, ex.length);
      for (let t = 0; t < ex.length; t++) ids[t * B + b] = ex.input[t];
    });
    input = { kind: "tokens", ids, T, B };
  }

  switch (layout.targetKind) {
    case "class": {
      const labels = new Int32Array(B);              // (B)
      examples.forEach((ex, b) => { labels[b] = ex.target as number; });
      target = { kind: "class", labels };
      break;
    }
    case "classPerStep": {
      const labels = new Int32Array(T * B).fill(-1); // (T, B), −1 on padding
      examples.forEach((ex, b) => {
        const y = ex.target as ArrayLike<number>;
        check(y.length === ex.length, "labels", y.length, ex.length);
        for (let t = 0; t < ex.length; t++) labels[t * B + b] = y[t];
      });
      target = { kind: "classPerStep", labels };
      break;
    }
    case "value": {
      const values = new Float32Array(B * S);        // (B, size)
      examples.forEach((ex, b) => {
        const y = ex.target as ArrayLike<number>;
        check(y.length === S, "value", y.length, S);
        for (let k = 0; k < S; k++) values[b * S + k] = y[k];
      });
      target = { kind: "value", values, size: S };
      break;
    }
    case "valuePerStep": {
      const values = new Float32Array(T * B * S);    // (T, B, size), zero padding
      examples.forEach((ex, b) => {
        const y = ex.target as ArrayLike<number>;
        check(y.length === ex.length * S, "values", y.length, ex.length * S);
        for (let t = 0; t < ex.length; t++) {
          for (let k = 0; k < S; k++) values[(t * B + b) * S + k] = y[t * S + k];
        }
      });
      target = { kind: "valuePerStep", values, size: S };
      break;
    }
  }

  examples.forEach((ex, b) => {
    if (lengths) lengths[b] = ex.length;
    else check(ex.length === T, "length", ex.length, T);
  });
  return { input, target, lengths };
}

/** An internal consistency check: a dataset produced an example of the wrong shape. */
function check(ok: boolean, what: string, got: number, expected: number): void {
  if (!ok) throw new Error(`packBatch: example ${what} has ${got} values, expected ${expected} (a dataset bug)`);
}

// ---- the dataset ----------------------------------------------------------------------------

/** A `SeqDataset` from a spec; `extra` adds dataset-specific fields (vocab, normalisation, …). */
export function makeDataset<X extends object>(spec: DatasetSpec, extra?: X): SeqDataset & X {
  const fn = `${spec.name}.batches`;
  const dataset: SeqDataset = {
    name: spec.name,
    inputSize: spec.inputSize,
    inputKind: spec.inputKind,
    outputSize: spec.outputSize,
    targetKind: spec.targetKind,
    size: (split) => spec.size(checkOneOf(`${spec.name}.size`, "split", split, SPLITS)),
    batches(split, batchSize, seed) {
      checkOneOf(fn, "split", split, SPLITS);
      checkInt(fn, "batchSize", batchSize, 1);
      checkSeed(fn, "seed", seed);
      return iterateBatches(spec, split, batchSize, seed); // checks run now, not on first next()
    },
  };
  return Object.assign(dataset, extra);
}

function* iterateBatches(spec: DatasetSpec, split: Split, batchSize: number, seed: number): Generator<Batch> {
  const n = spec.size(split);
  const order = passOrder(split, n, seed);
  const example = spec.examples(split, seed);
  for (let start = 0; start < n; start += batchSize) {
    const rows = order.subarray(start, Math.min(n, start + batchSize));
    yield packBatch(spec, Array.from(rows, (i) => example(i)));
  }
}
