// First names: variable-length token sequences with start/end tokens and padding.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { allFirstNames, firstNames } from "../../src/train/data/names.ts";
import { allBatches, batchArrays, checkBatch, checkBatchArgErrors, firstBatch } from "./check-batch.ts";

describe("firstNames", () => {
  const ds = firstNames();

  it("8,422 distinct lower-case names, split 7,580 / 842, disjoint", () => {
    const all = allFirstNames();
    assert.equal(all.length, 8422);
    assert.equal(new Set(all).size, all.length);
    assert.ok(all.every((n) => /^[a-z-]{2,15}$/.test(n)));
    assert.equal(ds.size("train"), 7580); assert.equal(ds.size("test"), 842);
    const train = new Set(ds.names("train"));
    assert.ok(ds.names("test").every((n) => !train.has(n)));
    assert.equal(train.size + ds.names("test").length, 8422);
    assert.equal(ds.maxT, 16);
  });

  it("vocabulary: 0 = start/padding, 1–27 = '-', a–z, 28 = end", () => {
    assert.equal(ds.vocab.size, 29);
    assert.equal(ds.startId, 0); assert.equal(ds.endId, 28);
    assert.deepEqual([...ds.vocab.encode("-az\n")], [1, 2, 27, 28]);
    assert.equal(ds.vocab.decode([0, 9, 10, 28, 0, 2, 28]), "hi\na\n");
    for (const n of ["anne-marie", "zsa", "ab"]) assert.equal(ds.vocab.decode(ds.vocab.encode(n)), n);
    assert.throws(() => ds.vocab.encode("Anna"), /names\.vocab\.encode: text\[0\] must be a character of the vocabulary, got "A"/);
  });

  it("input [start, c1…cn], target [c1…cn, end]; labels −1 exactly on padding", () => {
    for (const batch of allBatches(ds, "test", 100, 0)) {
      const [T, B] = checkBatch(ds, batch);
      assert.ok(batch.lengths && batch.input.kind === "tokens" && batch.target.kind === "classPerStep");
      const { ids } = batch.input, { labels } = batch.target;
      for (let b = 0; b < B; b++) {
        const len: number = batch.lengths[b];
        for (let t = 0; t < T; t++) assert.equal(labels[t * B + b] === -1, t >= len, `t=${t} b=${b} len=${len}`);
        const input: number[] = Array.from({ length: len }, (_, t) => ids[t * B + b]);
        const target = Array.from({ length: len }, (_, t) => labels[t * B + b]);
        assert.equal(input[0], ds.startId);
        assert.equal(target[len - 1], ds.endId);
        assert.deepEqual(input.slice(1), target.slice(0, -1));
      }
    }
    // the test split is in its stored order: row b of the first batch is names("test")[b]
    const batch = firstBatch(ds, "test", 3, 5);
    const { ids, B } = batch.input as { ids: Int32Array; B: number };
    for (let b = 0; b < 3; b++) {
      const len = batch.lengths![b];
      assert.equal(ds.vocab.decode(Array.from({ length: len }, (_, t) => ids[t * B + b])), ds.names("test")[b]);
    }
  });

  it("seeded train order; test never shuffled; options", () => {
    assert.deepEqual(allBatches(ds, "train", 256, 1).map(batchArrays), allBatches(ds, "train", 256, 1).map(batchArrays));
    assert.notDeepEqual(batchArrays(firstBatch(ds, "train", 64, 1)), batchArrays(firstBatch(ds, "train", 64, 2)));
    assert.deepEqual(batchArrays(firstBatch(ds, "test", 64, 1)), batchArrays(firstBatch(ds, "test", 64, 2)));
    assert.deepEqual(firstNames().names("test"), ds.names("test"), "the split is fixed");
    assert.equal(firstNames({ testFraction: 0.5 }).size("test"), 4211);
    checkBatchArgErrors(ds);
    assert.throws(() => firstNames({ testFraction: -0.1 }), /firstNames: testFraction must be a number in \[0, 1\), got -0.1/);
  });
});
