// datasetByName: every shipped dataset by its CLI name, one batch of each, checked for shape and kind.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DATASET_NAMES, datasetByName } from "../../src/train/data/index.ts";
import { checkBatch, firstBatch } from "./check-batch.ts";

const expected: Record<string, { input: string; D: number; target: string; out: number; T: number | null }> = {
  mnist: { input: "features", D: 28, target: "class", out: 10, T: 28 },
  adding: { input: "features", D: 2, target: "value", out: 1, T: 100 },
  copy: { input: "features", D: 10, target: "classPerStep", out: 8, T: 40 },
  recall: { input: "features", D: 9, target: "class", out: 8, T: 21 },
  charlm: { input: "tokens", D: 78, target: "classPerStep", out: 78, T: 100 },
  names: { input: "tokens", D: 29, target: "classPerStep", out: 29, T: null },
  births: { input: "features", D: 1, target: "value", out: 1, T: 28 },
  co2: { input: "features", D: 1, target: "value", out: 1, T: 24 },
  sine: { input: "features", D: 1, target: "valuePerStep", out: 1, T: 50 },
};

describe("datasetByName", () => {
  it("knows exactly the documented names", () => {
    assert.deepEqual(DATASET_NAMES, Object.keys(expected));
  });
  for (const name of DATASET_NAMES) {
    it(`${name}: defaults, kinds and one batch of each split`, () => {
      const ds = datasetByName(name), e = expected[name];
      assert.equal(ds.name, name);
      assert.equal(ds.inputKind, e.input); assert.equal(ds.inputSize, e.D);
      assert.equal(ds.targetKind, e.target); assert.equal(ds.outputSize, e.out);
      for (const split of ["train", "test"] as const) {
        assert.ok(ds.size(split) > 0);
        const [T, B] = checkBatch(ds, firstBatch(ds, split, 8, 1));
        assert.equal(B, 8);
        if (e.T !== null) assert.equal(T, e.T);
      }
    });
  }
  it("passes options through; named errors", () => {
    assert.equal(datasetByName("adding", { T: 12, trainSize: 3 }).size("train"), 3);
    assert.equal((datasetByName("recall", { lag: 4 }) as unknown as { T: number }).T, 5);
    assert.throws(() => datasetByName("imdb"),
      /datasetByName: name must be one of mnist, adding, copy, recall, charlm, names, births, co2, sine, got "imdb"/);
    assert.throws(() => datasetByName("toString"), /datasetByName: name must be one of/);
    assert.throws(() => datasetByName("copy", { symbols: 0 }), /copyTask: symbols must be a positive integer, got 0/);
    assert.throws(() => datasetByName("charlm", { seqLen: -1 }), /mobyDick: seqLen must be a positive integer, got -1/);
    assert.throws(() => datasetByName("sine", null as never), /datasetByName: opts must be an object of options, got null/);
  });
});
