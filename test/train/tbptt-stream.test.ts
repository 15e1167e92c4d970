// Truncated BPTT and streaming inference against the full-sequence computation.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SequenceModel, type ModelConfig } from "../../src/train/model.ts";
import { tbptt } from "../../src/train/tbptt.ts";
import { adam } from "../../src/train/optim.ts";
import { Rng } from "../../src/params/rng.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";
import { assertClose } from "../helpers/close.ts";
import type { Batch } from "../../src/train/batch.ts";

const T = 12, B = 3, V = 7;
const config = (cell: "lstm" | "gru" | "rnn"): ModelConfig => ({ cell, inputKind: "tokens", inputSize: V, embeddingDim: 4, hiddenSize: 5,
  numLayers: 2, outputSize: V, head: "every", loss: "class", dtype: "float64", seed: 3 });
function tokens(seed: number): Batch {
  const r = new Rng(seed);
  const ids = Int32Array.from({ length: T * B }, () => r.int(V)), labels = Int32Array.from({ length: T * B }, () => r.int(V));
  return { input: { kind: "tokens", ids, T, B }, target: { kind: "classPerStep", labels }, lengths: null };
}
const gradsOf = (m: SequenceModel) => m.groups().map((g) => Float64Array.from(g.grads));

describe("truncated BPTT", () => {
  for (const cell of ["lstm", "gru", "rnn"] as const) {
    it(`${cell}: k1 = k2 = T is exactly full BPTT (loss and every gradient)`, () => {
      const a = new SequenceModel(config(cell), refKernels), b = new SequenceModel(config(cell), refKernels);
      const batch = tokens(1);
      a.zeroGrad(); a.forward(batch); const full = a.lossAndBackward();
      b.zeroGrad(); const r = tbptt(b, batch, { k1: T });
      assert.equal(r.chunks, 1);
      assert.equal(r.loss, full.loss);
      gradsOf(a).forEach((g, i) => assert.deepEqual(gradsOf(b)[i], g));
    });
  }
  it("smaller chunks see the same forward values (same total loss) with the gradient cut at each chunk start", () => {
    const a = new SequenceModel(config("lstm"), refKernels), b = new SequenceModel(config("lstm"), refKernels);
    const batch = tokens(2);
    a.zeroGrad(); a.forward(batch); const full = a.lossAndBackward();
    b.zeroGrad(); const r = tbptt(b, batch, { k1: 4 });
    assert.equal(r.chunks, 3);
    assertClose([r.loss], [full.loss], 1e-12, "loss");
    const fc = (m: SequenceModel) => m.groups()[2].grads;   // the head sees every step in both: identical
    assertClose(fc(b), fc(a), 1e-12, "head gradient");
    const rnn = (m: SequenceModel) => m.groups()[1].grads;  // the recurrent weights lose the cross-chunk paths
    assert.ok(rnn(a).some((v, i) => Math.abs(v - rnn(b)[i]) > 1e-6));
  });
  it("k2 > k1 backpropagates further (k1 = 4, k2 = 8) and scores each step once; k1 = 5 leaves a short last chunk", () => {
    const m = new SequenceModel(config("gru"), refKernels), full = new SequenceModel(config("gru"), refKernels);
    const batch = tokens(3);
    full.forward(batch); const ref = full.lossAndBackward(undefined, false);
    const r = tbptt(m, batch, { k1: 4, k2: 8 });
    assert.equal(r.count, T * B);
    assertClose([r.loss], [ref.loss], 1e-12, "loss");
    assert.equal(tbptt(m, batch, { k1: 5 }).chunks, 3);
    assert.throws(() => tbptt(m, batch, { k1: 4, k2: 6 }), /tbptt: k2 must be a multiple of k1 \(4\), got 6/);
  });
  it("stateful training: the final state carries into the next batch; the loss falls", () => {
    const m = new SequenceModel({ ...config("lstm"), dtype: "float32" }, refKernels), opt = adam({ lr: 0.05 });
    let state = null, first = 0, last = 0;
    for (let i = 0; i < 30; i++) {
      const r = tbptt(m, tokens(100), { k1: 4, optimizer: opt, clipNorm: 1, initialState: state });
      state = r.finalState;
      if (i === 0) first = r.loss;
      last = r.loss;
    }
    assert.ok(last < first * 0.9, `loss ${first} -> ${last}`);
  });
});

describe("streaming inference", () => {
  for (const cell of ["lstm", "gru", "rnn"] as const) {
    it(`${cell}: step() one step at a time equals the full-sequence call`, () => {
      const m = new SequenceModel(config(cell), refKernels), batch = tokens(4);
      const full = Float64Array.from(m.forward(batch).predictions);
      let state = null;
      for (let t = 0; t < T; t++) {
        const ids = (batch.input as { ids: Int32Array }).ids.subarray(t * B, (t + 1) * B);
        const r = m.step(ids, state);
        state = r.state;
        assertClose(r.prediction, full.subarray(t * B * V, (t + 1) * B * V), 1e-12, `${cell} step ${t}`);
      }
    });
  }
  it("a bidirectional model refuses to stream", () => {
    const m = new SequenceModel({ ...config("lstm"), bidirectional: true }, refKernels);
    assert.throws(() => m.step(new Int32Array(3), null), /SequenceModel.step: a bidirectional model reads the future/);
  });
});
