// Gate statistics: the step loop reproduces the model's own forward (same final h), every value
// lands in exactly one bin, and the saturation fractions agree with the histograms' end bins.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gateStats, layerZero, modelGateStats } from "../../src/analysis/gates.ts";
import { SequenceModel } from "../../src/train/model.ts";
import { refKernels } from "../../src/kernels/index.ts";
import { delayedRecall } from "../../src/train/data/index.ts";
import type { Batch } from "../../src/train/batch.ts";

describe("gateStats", () => {
  for (const cell of ["lstm", "gru", "rnn"] as const) {
    it(`${cell}: counts, saturation and the trace match the model's own forward`, () => {
      const ds = delayedRecall({ lag: 9, symbols: 4, trainSize: 8, testSize: 8 });
      const model = new SequenceModel({ cell, inputKind: "features", inputSize: ds.inputSize, hiddenSize: 6, outputSize: 4, head: "last", loss: "class", seed: 2, dtype: "float64" }, refKernels);
      const batch = ds.batches("test", 8, 0)[Symbol.iterator]().next().value as Batch;
      const s = modelGateStats(model, batch, { units: 3 });
      const nGates = cell === "lstm" ? 4 : cell === "gru" ? 3 : 1;
      assert.equal(s.gates.length, nGates);
      for (const g of s.gates) {
        assert.equal(g.counts.reduce((a, b) => a + b, 0), 10 * 8 * 6, `${g.name}: every value counted once`);
        assert.equal(g.edges.length, g.counts.length + 1);
        if (g.range[0] === 0) {            // 20 bins over [0, 1]: the end bins ARE the saturated values
          assert.equal(g.saturatedLow, g.counts[0] / g.count);
          assert.equal(g.saturatedHigh, g.counts[19] / g.count);
        }
        assert.ok(g.mean >= g.range[0] && g.mean <= g.range[1]);
      }
      assert.equal(s.trace.length, nGates * 3);
      assert.ok(s.trace.every((t) => t.values.length === 10));
      // the last step's h from the model equals what the step loop computed (RNN: its trace is h)
      const out = model.forward(batch);
      if (cell === "rnn") for (let u = 0; u < 3; u++) assert.ok(Math.abs(s.trace[u].values[9] - out.hN.data[u]) < 1e-12);
      // gate values are what the cell's formula gives at t = 0 from h0 = 0: LSTM i = σ(W_ih x + b_ih + b_hh)
      if (cell === "lstm") {
        const { w } = layerZero(model), D = ds.inputSize, x0 = batch.input.kind === "features" ? batch.input.x.subarray(0, D) : [];
        let z = w.biasIh![0] + w.biasHh![0];
        for (let d = 0; d < D; d++) z += w.weightIh[d] * x0[d];
        assert.ok(Math.abs(s.trace[0].values[0] - 1 / (1 + Math.exp(-z))) < 1e-12);
      }
    });
  }
  it("rejects an input of the wrong size with a named error", () => {
    const model = new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: 3, hiddenSize: 4, outputSize: 2, head: "last", loss: "class" }, refKernels);
    const { cell, w } = layerZero(model);
    assert.throws(() => gateStats(refKernels, cell, w, new Float32Array(7), 2, 1), /gateStats: x has 7 values, expected T·B·D = 2·1·3/);
  });
});
