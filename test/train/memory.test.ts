// Steady memory: training and unrolling repeatedly must not grow the wasm memory (the garbage
// collector does not see it, so buffers must be planned once and given back explicitly).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createWasmKernels } from "../../src/kernels/wasm/index.ts";
import { SequenceModel } from "../../src/train/model.ts";
import { adam } from "../../src/train/optim.ts";
import * as nn from "../../src/nn/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import type { Batch } from "../../src/train/batch.ts";

const k = await createWasmKernels();
const used = () => k.arena.stats().used;

describe("wasm memory stays level", () => {
  it("over 300 training steps with two batch shapes", () => {
    const model = new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: 8, hiddenSize: 32, numLayers: 2, outputSize: 4, head: "last", loss: "class" }, k);
    const opt = adam();
    const batch = (B: number): Batch => ({ input: { kind: "features", x: new Float32Array(10 * B * 8).fill(0.1), T: 10, B, D: 8 },
      target: { kind: "class", labels: new Int32Array(B) }, lengths: Int32Array.from({ length: B }, (_, i) => 10 - (i % 3)) });
    const step = (i: number) => { model.zeroGrad(); model.forward(batch(i % 5 === 4 ? 5 : 16)); model.lossAndBackward(); opt.step(model.groups()); };
    for (let i = 0; i < 20; i++) step(i);
    const before = used();
    for (let i = 20; i < 300; i++) step(i);
    assert.equal(used(), before, `arena bytes in use grew from ${before} to ${used()}`);
  });
  it("over 300 nn.dynamicRnn calls, with and without a tape", () => {
    const cell = new nn.MultiRNNCell([new nn.LSTMCell({ numUnits: 16, kernels: k }), new nn.GRUCell({ numUnits: 8, kernels: k })]);
    const x = new Tensor([4, 12, 6], new Float32Array(4 * 12 * 6).fill(0.2));
    const call = (i: number) => {
      if (i % 2) { nn.dynamicRnn(cell, x, { sequenceLength: [12, 3, 0, 7] }); return; }
      const tape = nn.tape();
      const { outputs } = nn.dynamicRnn(cell, x, { tape });
      tape.backward({ outputs: new Tensor(outputs.shape, new Float32Array(outputs.size).fill(1)) });
    };
    for (let i = 0; i < 10; i++) call(i);
    const before = used();
    for (let i = 10; i < 300; i++) call(i);
    assert.equal(used(), before, `arena bytes in use grew from ${before} to ${used()}`);
  });
});
