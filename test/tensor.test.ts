// Tensors and the reshaping helpers, against hand-worked examples and their inverses.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { tensor, zeros } from "../src/tensor/tensor.ts";
import { concat, reverseSequence, stack, transpose, unstack } from "../src/tensor/ops.ts";

describe("tensor", () => {
  it("infers shapes, keeps dtypes, round-trips toArray", () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, "float32");
    assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
    assert.equal(tensor([1, 2], [2], "float64").dtype, "float64");
    assert.deepEqual(tensor(new Float64Array([1, 2, 3, 4]), [2, 2]).toArray(), [[1, 2], [3, 4]]);
    assert.deepEqual(zeros([2, 1]).toArray(), [[0], [0]]);
  });
  it("names the problem with bad values", () => {
    assert.throws(() => tensor([[1, 2], [3]]), /tensor: values must be a rectangular nested array of shape \[2,2\], got "a ragged array"/);
    assert.throws(() => tensor([1, 2, 3], [2, 2]), /tensor: values must be 4 numbers for shape \[2,2\]/);
    assert.throws(() => tensor([1], [1], "int8" as never), /tensor: dtype must be "float32" or "float64", got "int8"/);
  });
});

describe("reshaping helpers", () => {
  const x = tensor([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]); // [2, 3, 2]
  it("transpose swaps batch-major and time-major", () => {
    const t = transpose(x, [1, 0, 2]);
    assert.deepEqual(t.shape, [3, 2, 2]);
    assert.deepEqual(t.toArray(), [[[1, 2], [7, 8]], [[3, 4], [9, 10]], [[5, 6], [11, 12]]]);
  });
  it("unstack along time then stack back is the identity", () => {
    const steps = unstack(x, 1);
    assert.equal(steps.length, 3);
    assert.deepEqual(steps[1].toArray(), [[3, 4], [9, 10]]);
    assert.deepEqual(stack(steps, 1).toArray(), x.toArray());
  });
  it("concat along the feature axis", () => {
    assert.deepEqual(concat([tensor([[1], [2]]), tensor([[3, 4], [5, 6]])], 1).toArray(), [[1, 3, 4], [2, 5, 6]]);
    assert.throws(() => concat([tensor([[1], [2]]), tensor([[3]])], 1), /concat: list\[1\] must be shape \[2,\*\], got \[1,1\]/);
  });
  it("reverseSequence reverses only each row's valid prefix (TF semantics)", () => {
    const r = reverseSequence(x, [2, 3], 1, 0);
    assert.deepEqual(r.toArray(), [[[3, 4], [1, 2], [5, 6]], [[11, 12], [9, 10], [7, 8]]]);
    assert.throws(() => reverseSequence(x, [2, 4], 1, 0), /reverseSequence: lengths\[1\] must be an integer in \[0, 3\] \(time steps\), got 4/);
    assert.throws(() => reverseSequence(x, [1], 1, 0), /lengths has 1 entries, expected one per batch row \(2\)/);
  });
  it("properties: transpose twice and reverseSequence twice are identities", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.nat(), (B, T, D, seed) => {
      const data = Float32Array.from({ length: B * T * D }, (_, i) => (i * 7919 + seed) % 101);
      const t = tensor(data, [B, T, D]);
      const lens = Array.from({ length: B }, (_, b) => (seed + b * 3) % (T + 1));
      assert.deepEqual(transpose(transpose(t, [1, 0, 2]), [1, 0, 2]).data, t.data);
      assert.deepEqual(reverseSequence(reverseSequence(t, lens, 1, 0), lens, 1, 0).data, t.data);
    }), { seed: 3, numRuns: 100 });
  });
});
