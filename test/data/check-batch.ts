// Shared checks for the dataset tests: a batch agrees with its dataset's declared kinds and sizes,
// and padding is where `lengths` says it is.
import assert from "node:assert/strict";
import type { Batch, SeqDataset } from "../../src/train/batch.ts";

export function firstBatch(ds: SeqDataset, split: "train" | "test", batchSize: number, seed = 0): Batch {
  const it = ds.batches(split, batchSize, seed)[Symbol.iterator]().next();
  assert.ok(!it.done, `${ds.name}: no ${split} batch`);
  return it.value;
}

export const allBatches = (ds: SeqDataset, split: "train" | "test", batchSize: number, seed = 0): Batch[] =>
  [...ds.batches(split, batchSize, seed)];

/** Shapes, kinds, value ranges and padding of one batch. Returns [T, B]. */
export function checkBatch(ds: SeqDataset, batch: Batch): [number, number] {
  const { input, target, lengths } = batch;
  const { T, B } = input;
  assert.equal(input.kind, ds.inputKind, `${ds.name}: input kind`);
  assert.equal(target.kind, ds.targetKind, `${ds.name}: target kind`);
  assert.ok(T >= 1 && B >= 1, `${ds.name}: T=${T}, B=${B}`);
  const len = (b: number) => (lengths ? lengths[b] : T);
  if (lengths) {
    assert.ok(lengths instanceof Int32Array && lengths.length === B);
    assert.equal(Math.max(...lengths), T, `${ds.name}: T is the longest row`);
    for (const l of lengths) assert.ok(l >= 1 && l <= T);
  }
  if (input.kind === "features") {
    assert.ok(input.x instanceof Float32Array);
    assert.equal(input.D, ds.inputSize);
    assert.equal(input.x.length, T * B * input.D);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let d = 0; d < input.D; d++) {
      const v: number = input.x[(t * B + b) * input.D + d];
      assert.ok(Number.isFinite(v));
      if (t >= len(b)) assert.equal(v, 0, `${ds.name}: padding input at t=${t}, b=${b}`);
    }
  } else {
    assert.ok(input.ids instanceof Int32Array);
    assert.equal(input.ids.length, T * B);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) {
      const id: number = input.ids[t * B + b];
      assert.ok(id >= 0 && id < ds.inputSize, `${ds.name}: id ${id}`);
      if (t >= len(b)) assert.equal(id, 0);
    }
  }
  switch (target.kind) {
    case "class":
      assert.equal(target.labels.length, B);
      for (const l of target.labels) assert.ok(l >= 0 && l < ds.outputSize, `${ds.name}: label ${l}`);
      break;
    case "classPerStep":
      assert.equal(target.labels.length, T * B);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) {
        const l: number = target.labels[t * B + b];
        assert.ok(l >= -1 && l < ds.outputSize, `${ds.name}: label ${l}`);
        if (t >= len(b)) assert.equal(l, -1, `${ds.name}: label on padding t=${t}, b=${b}`);
      }
      break;
    case "value":
      assert.equal(target.size, ds.outputSize);
      assert.equal(target.values.length, B * target.size);
      for (const v of target.values) assert.ok(Number.isFinite(v));
      break;
    case "valuePerStep":
      assert.equal(target.size, ds.outputSize);
      assert.equal(target.values.length, T * B * target.size);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let k = 0; k < target.size; k++) {
        const v: number = target.values[(t * B + b) * target.size + k];
        assert.ok(Number.isFinite(v));
        if (t >= len(b)) assert.equal(v, 0);
      }
      break;
  }
  return [T, B];
}

/** Every array of a batch, for deep equality between passes. */
export function batchArrays(batch: Batch): unknown[] {
  const i = batch.input, t = batch.target;
  return [i.kind === "features" ? i.x : i.ids, t.kind === "class" || t.kind === "classPerStep" ? t.labels : t.values, batch.lengths];
}

/** Split, batch size and pass seed checks every dataset shares. */
export function checkBatchArgErrors(ds: SeqDataset): void {
  const fn = `${ds.name}.batches`;
  const esc = fn.replace(".", "\\.");
  assert.throws(() => ds.batches("train", 0, 1), new RegExp(`${esc}: batchSize must be a positive integer, got 0`));
  assert.throws(() => ds.batches("train", 2.5, 1), /batchSize must be a positive integer, got 2.5/);
  assert.throws(() => ds.batches("valid" as never, 4, 1), new RegExp(`${esc}: split must be one of "train", "test", got "valid"`));
  assert.throws(() => ds.batches("train", 4, 0.5), /seed must be an integer, got 0.5/);
  assert.throws(() => ds.size("dev" as never), /size: split must be one of "train", "test", got "dev"/);
}
