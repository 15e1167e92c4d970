// The shared machinery: seeded orders, packing into time-major buffers, the dataset wrapper.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/params/rng.ts";
import { makeDataset, mixSeed, packBatch, passOrder, shuffledIndices, type Example } from "../../src/train/data/batching.ts";
import { apportion } from "../../src/train/data/mnist.ts";
import { allBatches, batchArrays, checkBatch, checkBatchArgErrors } from "./check-batch.ts";

describe("orders and seeds", () => {
  it("shuffledIndices is a permutation, the same for the same seed", () => {
    const a = shuffledIndices(1000, new Rng(5)), b = shuffledIndices(1000, new Rng(5)), c = shuffledIndices(1000, new Rng(6));
    assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.deepEqual(shuffledIndices(0, new Rng(1)), new Int32Array(0));
  });
  it("passOrder: train shuffled by the seed, test always in order", () => {
    assert.notDeepEqual(passOrder("train", 50, 1), passOrder("train", 50, 2));
    assert.deepEqual(passOrder("test", 5, 1), Int32Array.from([0, 1, 2, 3, 4]));
    assert.deepEqual(passOrder("test", 5, 1), passOrder("test", 5, 99));
  });
  it("mixSeed separates nearby triples", () => {
    const seen = new Set<number>();
    for (let s = 0; s < 4; s++) for (let split = 1; split <= 2; split++) for (let i = 0; i < 1000; i++) seen.add(mixSeed(s, split, i));
    assert.equal(seen.size, 8000);
    assert.notEqual(mixSeed(1, 2 ** 32), mixSeed(1, 0)); // high bits of large indices count
  });
  it("apportion: largest remainder, exact total", () => {
    assert.deepEqual(apportion([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978], 2000),
      [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
    assert.deepEqual(apportion([1, 1, 1], 2), [1, 1, 0]);
  });
});

describe("packBatch", () => {
  // three rows of lengths 2, 3, 1; D = 2 features and one label per step
  const ex = (len: number, base: number): Example => ({
    length: len,
    input: Float32Array.from({ length: len * 2 }, (_, k) => base + k + 1),
    target: Int32Array.from({ length: len }, (_, t) => base / 10 + t),
  });
  const rows = [ex(2, 0), ex(3, 10), ex(1, 20)];
  const layout = { inputKind: "features", inputSize: 2, outputSize: 9, targetKind: "classPerStep", variableLength: true } as const;

  it("time-major (T, B, D), zero input and label −1 on padding, lengths set", () => {
    const batch = packBatch(layout, rows);
    assert.equal(batch.input.T, 3); assert.equal(batch.input.B, 3);
    assert.deepEqual(batch.lengths, Int32Array.from([2, 3, 1]));
    assert.ok(batch.input.kind === "features");
    assert.deepEqual([...batch.input.x], [
      1, 2, 11, 12, 21, 22,   // t = 0: rows 0, 1, 2
      3, 4, 13, 14, 0, 0,     // t = 1: row 2 is padding
      0, 0, 15, 16, 0, 0,     // t = 2: only row 1
    ]);
    assert.ok(batch.target.kind === "classPerStep");
    assert.deepEqual([...batch.target.labels], [0, 1, 2, 1, 2, -1, -1, 3, -1]);
  });
  it("tokens pad with id 0; fixed-length data has lengths null", () => {
    const tok = packBatch({ inputKind: "tokens", inputSize: 5, outputSize: 5, targetKind: "class", variableLength: true },
      [{ length: 1, input: [4], target: 1 }, { length: 2, input: [2, 3], target: 0 }]);
    assert.ok(tok.input.kind === "tokens");
    assert.deepEqual([...tok.input.ids], [4, 2, 0, 3]);
    const fixed = packBatch({ ...layout, variableLength: false }, [ex(2, 0), ex(2, 10)]);
    assert.equal(fixed.lengths, null);
    assert.throws(() => packBatch({ ...layout, variableLength: false }, [ex(2, 0), ex(3, 10)]), /example length has 2 values, expected 3/);
  });
  it("per-step values and values per sequence", () => {
    const vps = packBatch({ inputKind: "features", inputSize: 1, outputSize: 2, targetKind: "valuePerStep", variableLength: true },
      [{ length: 1, input: [1], target: [5, 6] }, { length: 2, input: [1, 2], target: [7, 8, 9, 10] }]);
    assert.ok(vps.target.kind === "valuePerStep");
    assert.deepEqual([...vps.target.values], [5, 6, 7, 8, 0, 0, 9, 10]);
    const v = packBatch({ inputKind: "features", inputSize: 1, outputSize: 2, targetKind: "value", variableLength: false },
      [{ length: 1, input: [1], target: [5, 6] }, { length: 1, input: [2], target: [7, 8] }]);
    assert.ok(v.target.kind === "value");
    assert.deepEqual([...v.target.values], [5, 6, 7, 8]);
  });
});

describe("makeDataset", () => {
  const ds = makeDataset({
    name: "toy", inputKind: "features", inputSize: 2, outputSize: 9, targetKind: "classPerStep", variableLength: true,
    size: (split) => (split === "train" ? 10 : 4),
    examples: (split) => (i) => ({
      length: 1 + (i % 3), input: new Float32Array((1 + (i % 3)) * 2).fill(i + (split === "test" ? 100 : 0)),
      target: new Int32Array(1 + (i % 3)).fill(i % 9),
    }),
  }, { extra: 42 });

  it("batches cover the split once; the last one is smaller", () => {
    const batches = allBatches(ds, "train", 4, 7);
    assert.deepEqual(batches.map((b) => b.input.B), [4, 4, 2]);
    for (const b of batches) checkBatch(ds, b);
    const firstValues = batches.flatMap((b) => {
      assert.ok(b.input.kind === "features");
      return Array.from({ length: b.input.B }, (_, r) => (b.input as { x: Float32Array }).x[r * 2]);
    });
    assert.deepEqual(firstValues.sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(ds.extra, 42);
  });
  it("same seed → same batches; test ignores the seed", () => {
    assert.deepEqual(allBatches(ds, "train", 3, 1).map(batchArrays), allBatches(ds, "train", 3, 1).map(batchArrays));
    assert.notDeepEqual(allBatches(ds, "train", 3, 1).map(batchArrays), allBatches(ds, "train", 3, 2).map(batchArrays));
    assert.deepEqual(allBatches(ds, "test", 3, 1).map(batchArrays), allBatches(ds, "test", 3, 2).map(batchArrays));
  });
  it("bad arguments throw at the call, not at the first next()", () => checkBatchArgErrors(ds));
});
