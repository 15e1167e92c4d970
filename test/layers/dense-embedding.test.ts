// Dense and Embedding with the Tensor API of the recurrent layers: forward(Tensor) -> Tensor on any
// leading axes, backward(dy) (dx, and accumulated parameter gradients), stateDict / loadStateDict /
// gradDict with PyTorch keys; checked by hand, by float64 finite differences, and against the raw
// buffer forms (kept for hot paths), on every backend.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Dense } from "../../src/layers/dense.ts";
import { Embedding } from "../../src/layers/embedding.ts";
import { Tensor, tensor } from "../../src/tensor/tensor.ts";
import { gradcheck } from "../../src/analysis/gradcheck.ts";
import { RnnlabError } from "../../src/errors.ts";
import { allBackends } from "../helpers/backends.ts";

const throwsNamed = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof RnnlabError && re.test((e as Error).message));
const f64 = (shape: number[], seed: number) => new Tensor(shape, Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(seed + i * 1.3)));

describe("Dense: Tensor API", async () => {
  for (const k of await allBackends()) {
    it(`[${k.name}] forward on [2, 3, 4] = x·Wᵀ + b row by row; equal to the raw form`, () => {
      const d = new Dense({ inputSize: 4, outputSize: 2, seed: 1, kernels: k });
      const x = tensor(Float32Array.from({ length: 24 }, (_, i) => Math.cos(i)), [2, 3, 4]);
      const y = d.forward(x), { weight, bias } = d.stateDict();
      assert.deepEqual(y.shape, [2, 3, 2]);
      for (let r = 0; r < 6; r++) for (let o = 0; o < 2; o++) {
        let s = bias.data[o];
        for (let i = 0; i < 4; i++) s += x.data[r * 4 + i] * weight.data[o * 4 + i];
        assert.ok(Math.abs(y.data[r * 2 + o] - s) < 1e-5, `y[${r},${o}]`);
      }
      const raw = k.alloc(12, "float32"), xr = k.alloc(24, "float32");
      xr.set(x.data);
      d.forward(raw, xr, 6);
      assert.deepEqual(Array.from(raw), Array.from(y.data));
    });
  }

  it("backward: dx and dW, db equal float64 finite differences; gradients accumulate", () => {
    const d = new Dense({ inputSize: 3, outputSize: 2, dtype: "float64", seed: 2 });
    const x = f64([2, 2, 3], 1), dy = f64([2, 2, 2], 2);
    const loss = () => { const y = d.forward(x); let s = 0; for (let i = 0; i < y.size; i++) s += y.data[i] * dy.data[i]; return s; };
    d.forward(x);
    const { dx } = d.backward(dy);
    assert.ok(gradcheck(loss, x.data as Float64Array, dx.data).maxRelErr < 1e-7);
    const g = d.gradDict(), w = d.params.views.weight as Float64Array;
    assert.ok(gradcheck(loss, w, g.weight.data).maxRelErr < 1e-7, "dW");
    d.forward(x); d.backward(dy);
    assert.ok(d.gradDict().weight.data.every((v, i) => Math.abs(v - 2 * g.weight.data[i]) < 1e-12), "a second backward adds");
    d.zeroGrad();
    assert.ok(d.gradDict().bias.data.every((v) => v === 0));
  });

  it("stateDict / loadStateDict round trip with PyTorch keys; bad input is named", () => {
    const a = new Dense({ inputSize: 3, outputSize: 2, seed: 3 }), b = new Dense({ inputSize: 3, outputSize: 2, seed: 4 });
    assert.deepEqual(Object.keys(a.stateDict()), ["weight", "bias"]);
    b.loadStateDict(a.stateDict());
    const x = tensor([[1, 2, 3]]);
    assert.deepEqual(Array.from(b.forward(x).data), Array.from(a.forward(x).data));
    throwsNamed(() => a.forward(tensor([[1, 2]])), /Dense.forward: x has shape \[1,2\], expected \[\.\.\., 3\]/);
    throwsNamed(() => a.backward(tensor([[1, 2, 3]])), /Dense.backward: dy has shape \[1,3\], expected \[1,2\]/);
    throwsNamed(() => new Dense({ inputSize: 3, outputSize: 2 }).backward(tensor([[1, 2]])), /call forward\(x\) first/);
    throwsNamed(() => a.loadStateDict({ weight: a.stateDict().weight }), /Dense.loadStateDict/);
    throwsNamed(() => a.forward(tensor([[1, NaN, 3]])), /Dense.forward: x\[1\] must be finite/);
  });
});

describe("Embedding: Tensor API", () => {
  it("forward gathers rows for ids of any shape; backward scatter-adds (repeated ids accumulate)", () => {
    const e = new Embedding({ numEmbeddings: 5, embeddingDim: 2, seed: 1 });
    const w = e.stateDict().weight;
    const y = e.forward(tensor([[1, 4, 1]]));
    assert.deepEqual(y.shape, [1, 3, 2]);
    assert.deepEqual(Array.from(y.data), [w.data[2], w.data[3], w.data[8], w.data[9], w.data[2], w.data[3]]);
    e.backward(tensor([[[1, 2], [3, 4], [10, 20]]]));
    assert.deepEqual(Array.from(e.gradDict().weight.data), [0, 0, 11, 22, 0, 0, 0, 0, 3, 4]);
    throwsNamed(() => e.forward(tensor([5])), /Embedding.forward: ids\[0\] must be a token id in \[0, 5\)/);
    throwsNamed(() => e.forward(tensor([1.5])), /Embedding.forward: ids\[0\] must be an integer token id/);
    throwsNamed(() => e.backward(tensor([1, 2])), /Embedding.backward: dy has shape \[2\], expected/);
    const f = new Embedding({ numEmbeddings: 5, embeddingDim: 2, seed: 9 });
    f.loadStateDict(e.stateDict());
    assert.deepEqual(Array.from(f.forward(tensor([3])).data), Array.from(e.forward(tensor([3])).data));
  });
});
