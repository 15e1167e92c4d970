// backward(cot, { inputGrad: false }) skips ∂L/∂x and changes nothing else: the same parameter and
// initial-state gradients, dx null.
import { it } from "node:test";
import assert from "node:assert/strict";
import { LSTM, GRU, Tensor, Rng } from "../../src/index.ts";

for (const [name, make] of [["LSTM", () => new LSTM({ inputSize: 5, hiddenSize: 7, numLayers: 2, bidirectional: true, seed: 4 })],
                            ["GRU", () => new GRU({ inputSize: 5, hiddenSize: 7, seed: 4 })]] as const) {
  it(`${name}: inputGrad false gives dx null and the same parameter gradients`, () => {
    const r = new Rng(9), T = 6, B = 3;
    const x = new Tensor([T, B, 5], Float32Array.from({ length: T * B * 5 }, () => r.normal()));
    const grads = (inputGrad: boolean) => {
      const layer = make();
      const out = layer.forward(x);
      const dOut = new Tensor(out.output.shape, Float32Array.from(out.output.data, (v, i) => Math.sin(i) * v));
      const g = layer.backward({ output: dOut }, { inputGrad });
      return { g, dict: layer.gradDict() };
    };
    const full = grads(true), lean = grads(false);
    assert.equal(lean.g.dx, null);
    assert.ok(full.g.dx !== null && full.g.dx.data.some((v) => v !== 0));
    assert.deepEqual(Array.from(lean.g.dh0.data), Array.from(full.g.dh0.data));
    for (const key of Object.keys(full.dict)) assert.deepEqual(Array.from(lean.dict[key]!.data), Array.from(full.dict[key]!.data), key);
  });
}
