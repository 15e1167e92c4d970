// Synthetic tasks: adding problem, copy, delayed recall, sine.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { addingProblem, copyTask, delayedRecall, sine } from "../../src/train/data/synthetic.ts";
import type { Batch } from "../../src/train/batch.ts";
import { allBatches, batchArrays, checkBatch, checkBatchArgErrors, firstBatch } from "./check-batch.ts";

const feats = (batch: Batch) => {
  assert.ok(batch.input.kind === "features");
  return batch.input;
};
/** the one-hot symbol at (t, b), or −1 if the row is not one-hot */
function symbolAt(x: Float32Array, t: number, b: number, B: number, D: number): number {
  let s = -1, ones = 0;
  for (let d = 0; d < D; d++) { const v = x[(t * B + b) * D + d]; if (v === 1) { s = d; ones++; } else assert.equal(v, 0); }
  return ones === 1 ? s : -1;
}

describe("addingProblem", () => {
  it("two markers (one per half), target = the sum of the marked values", () => {
    const ds = addingProblem({ T: 30, trainSize: 500, testSize: 100 });
    for (const batch of [...allBatches(ds, "train", 128, 1), ...allBatches(ds, "test", 64, 1)]) {
      const [T, B] = checkBatch(ds, batch);
      assert.equal(T, 30);
      const { x } = feats(batch), y = (batch.target as { values: Float32Array }).values;
      for (let b = 0; b < B; b++) {
        const marked: number[] = [];
        for (let t = 0; t < T; t++) {
          const v = x[(t * B + b) * 2], m = x[(t * B + b) * 2 + 1];
          assert.ok(v >= 0 && v < 1);
          assert.ok(m === 0 || m === 1);
          if (m === 1) marked.push(t);
        }
        assert.equal(marked.length, 2);
        assert.ok(marked[0] < 15 && marked[1] >= 15, `markers at ${marked}`);
        assert.equal(y[b], Math.fround(x[(marked[0] * B + b) * 2] + x[(marked[1] * B + b) * 2]));
      }
    }
  });

  it("predicting the mean gives MSE ≈ 1/6 ≈ 0.167", () => {
    const ds = addingProblem({ T: 20, trainSize: 5000 });
    const ys = allBatches(ds, "train", 1000, 0).flatMap((b) => [...(b.target as { values: Float32Array }).values]);
    const mean = ys.reduce((a, v) => a + v, 0) / ys.length;
    const mse = ys.reduce((a, v) => a + (v - 1) ** 2, 0) / ys.length;
    assert.ok(Math.abs(mean - 1) < 0.02, `mean target ${mean}`);
    assert.ok(Math.abs(mse - 0.167) < 0.01, `mean-predictor MSE ${mse}`);
    assert.equal(ds.baselineMse, 1 / 6);
  });

  it("examples fixed by dataSeed; the pass seed only orders them", () => {
    const ds = addingProblem({ T: 10, trainSize: 40 });
    const sorted = (seed: number) => allBatches(ds, "train", 40, seed).flatMap((b) => [...(b.target as { values: Float32Array }).values]).sort();
    assert.deepEqual(sorted(1), sorted(2));
    assert.notDeepEqual(batchArrays(firstBatch(ds, "train", 40, 1)), batchArrays(firstBatch(ds, "train", 40, 2)));
    assert.deepEqual(batchArrays(firstBatch(ds, "train", 40, 1)), batchArrays(firstBatch(addingProblem({ T: 10, trainSize: 40 }), "train", 40, 1)));
    assert.notDeepEqual(sorted(1), allBatches(addingProblem({ T: 10, trainSize: 40, dataSeed: 2 }), "train", 40, 1)
      .flatMap((b) => [...(b.target as { values: Float32Array }).values]).sort());
    assert.deepEqual(batchArrays(firstBatch(ds, "test", 7, 1)), batchArrays(firstBatch(ds, "test", 7, 2)));
    // train and test come from different streams: no test target repeats a train target
    const train = new Set(sorted(1));
    assert.ok([...(firstBatch(ds, "test", 100, 0).target as { values: Float32Array }).values].every((v) => !train.has(v)));
  });

  it("named errors", () => {
    const ds = addingProblem({ trainSize: 10, testSize: 0 });
    assert.equal(ds.size("test"), 0);
    assert.deepEqual(allBatches(ds, "test", 4), []);
    checkBatchArgErrors(ds);
    assert.throws(() => addingProblem({ trainSize: -5 }), /addingProblem: trainSize must be a positive integer, got -5/);
    assert.throws(() => addingProblem({ testSize: -1 }), /addingProblem: testSize must be an integer ≥ 0, got -1/);
    assert.throws(() => addingProblem({ T: 1 }), /addingProblem: T must be an integer ≥ 2, got 1/);
    assert.throws(() => addingProblem({ dataSeed: 1.5 }), /addingProblem: dataSeed must be an integer, got 1.5/);
    assert.throws(() => addingProblem({ t: 5 } as never), /addingProblem: unknown option "t"; expected one of T, trainSize/);
  });
});

describe("copyTask", () => {
  it("symbols, blanks, go; targets −1 except the last `length` steps, which repeat the sequence", () => {
    const ds = copyTask({ symbols: 4, length: 3, delay: 5, trainSize: 50 });
    assert.equal(ds.T, 11); assert.equal(ds.inputSize, 6); assert.equal(ds.outputSize, 4);
    const batch = firstBatch(ds, "train", 50, 3);
    const [T, B] = checkBatch(ds, batch);
    const { x, D } = feats(batch), labels = (batch.target as { labels: Int32Array }).labels;
    for (let b = 0; b < B; b++) {
      const s = Array.from({ length: T }, (_, t) => symbolAt(x, t, b, B, D));
      const y = Array.from({ length: T }, (_, t) => labels[t * B + b]);
      assert.ok(s.slice(0, 3).every((v) => v >= 0 && v < 4));
      assert.deepEqual(s.slice(3), [4, 4, 4, 4, 5, 4, 4, 4]);          // blank ×4, go, blank ×3
      assert.deepEqual(y, Array.from({ length: T }, (_, t) => (t < 8 ? -1 : s[t - 8])));
    }
    assert.throws(() => copyTask({ delay: 0 }), /copyTask: delay must be a positive integer, got 0/);
  });
});

describe("delayedRecall", () => {
  it("the symbol at step 0 is the class; blanks or distractors after it", () => {
    for (const noise of ["blank", "symbols"] as const) {
      const ds = delayedRecall({ lag: 6, symbols: 5, noise, trainSize: 64 });
      const batch = firstBatch(ds, "train", 64, 1);
      const [T, B] = checkBatch(ds, batch);
      assert.equal(T, 7);
      const { x, D } = feats(batch), labels = (batch.target as { labels: Int32Array }).labels;
      let distractors = 0;
      for (let b = 0; b < B; b++) {
        assert.equal(symbolAt(x, 0, b, B, D), labels[b]);
        for (let t = 1; t < T; t++) {
          const s = symbolAt(x, t, b, B, D);
          if (noise === "blank") assert.equal(s, 5); else { assert.ok(s >= 0 && s < 5); distractors++; }
        }
      }
      if (noise === "symbols") assert.equal(distractors, 64 * 6);
    }
    assert.equal(delayedRecall({ lag: 0 }).T, 1);
    assert.throws(() => delayedRecall({ noise: "gauss" as never }), /delayedRecall: noise must be one of "blank", "symbols", got "gauss"/);
    assert.throws(() => delayedRecall({ lag: -1 }), /delayedRecall: lag must be an integer ≥ 0, got -1/);
  });
});

describe("sine", () => {
  it("target at every step = the next input value", () => {
    const ds = sine({ window: 20, trainSize: 32 });
    const batch = firstBatch(ds, "train", 32, 1);
    const [T, B] = checkBatch(ds, batch);
    const { x } = feats(batch), y = (batch.target as { values: Float32Array }).values;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t + 1 < T; t++) assert.equal(y[t * B + b], x[(t + 1) * B + b]);
      for (let t = 0; t < T; t++) assert.ok(Math.abs(x[t * B + b]) <= 1);
    }
    assert.throws(() => sine({ minPeriod: 0 }), /sine: minPeriod must be a positive number, got 0/);
    assert.throws(() => sine({ minPeriod: 10, maxPeriod: 5 }), /sine: maxPeriod must be ≥ minPeriod \(10\), got 5/);
  });
});
