// The layer API beyond the golden values: dropout between layers, state dicts, counts, and the
// same numbers from the wasm and the ref backend.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GRU, LSTM, RNN } from "../../src/layers/recurrent.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { Rng } from "../../src/params/rng.ts";
import { gradcheck } from "../../src/analysis/gradcheck.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";
import { allBackends } from "../helpers/backends.ts";
import { assertClose } from "../helpers/close.ts";

const rand = (seed: number, n: number, Arr: Float32ArrayConstructor | Float64ArrayConstructor = Float64Array) => {
  const r = new Rng(seed); return new Arr(n).map(() => r.uniform(-1, 1));
};
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

describe("dropout between layers (PyTorch semantics)", () => {
  const make = () => new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 3, dropout: 0.5, seed: 1, dtype: "float64", kernels: refKernels });
  const x = new Tensor([5, 2, 3], rand(2, 30));
  it("is off in eval mode and never touches the last layer's output", () => {
    const layer = make(), plain = make();
    plain.loadStateDict(layer.stateDict());
    const noDropout = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 3, dtype: "float64", kernels: refKernels });
    noDropout.loadStateDict(layer.stateDict());
    assert.deepEqual(layer.eval().forward(x).output.data, noDropout.forward(x).output.data);
    assert.notDeepEqual(plain.train().forward(x).output.data, noDropout.forward(x).output.data);
  });
  it("is reproducible by seed, and its gradient is exact for fixed masks", () => {
    const layer = make();
    const a = layer.reseed(7).forward(x).output.data.slice(), b = layer.reseed(7).forward(x).output.data.slice();
    assert.deepEqual(a, b);
    const dy = rand(3, 5 * 2 * 4), xs = x.data as Float64Array;
    const loss = () => dot(layer.reseed(7).forward(x).output.data, dy);
    loss();
    layer.zeroGrad();
    const g = layer.backward({ output: new Tensor([5, 2, 4], dy) });
    const r = gradcheck(loss, xs, g.dx.data.slice(), { floor: 1e-4 });
    assert.ok(r.maxRelErr < 1e-6, `dx rel. error ${r.maxRelErr}`);
    const w = layer.params.views.weight_ih_l2 as Float64Array;
    const rw = gradcheck(loss, w, layer.gradDict().weight_ih_l2.data, { floor: 1e-4 });
    assert.ok(rw.maxRelErr < 1e-6, `weight_ih_l2 rel. error ${rw.maxRelErr}`);
  });
});

describe("state dicts and counts", () => {
  it("stateDict keys are PyTorch's, loadStateDict(stateDict()) round-trips exactly", () => {
    const a = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, projSize: 2, seed: 5 });
    assert.deepEqual(Object.keys(a.stateDict()), [
      "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0",
      "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse", "weight_hr_l0_reverse",
      "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "weight_hr_l1",
      "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse", "weight_hr_l1_reverse"]);
    assert.deepEqual(a.stateDict().weight_ih_l1.shape, [16, 4]);   // layer 1 reads both directions' P = 2 features
    const b = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, projSize: 2, seed: 6 });
    b.loadStateDict(a.stateDict());
    for (const [k, v] of Object.entries(a.stateDict())) assert.deepEqual(b.stateDict()[k].data, v.data, k);
  });
  it("paramCount matches PyTorch's formulas; the same seed gives the same weights", () => {
    assert.equal(new LSTM({ inputSize: 28, hiddenSize: 128 }).paramCount(), 80896);
    assert.equal(new GRU({ inputSize: 28, hiddenSize: 128 }).paramCount(), 60672);
    assert.equal(new RNN({ inputSize: 28, hiddenSize: 128, bias: false }).paramCount(), 128 * (28 + 128));
    assert.equal(new LSTM({ inputSize: 10, hiddenSize: 20, numLayers: 2, bidirectional: true }).paramCount(), 2 * (4 * 20 * 30 + 160) + 2 * (4 * 20 * 60 + 160));
    const w = (seed: number) => new GRU({ inputSize: 3, hiddenSize: 4, seed }).stateDict().weight_hh_l0.data;
    assert.deepEqual(w(1), w(1));
    assert.notDeepEqual(w(1), w(2));
    const limit = 1 / Math.sqrt(4);
    assert.ok(w(1).every((v) => Math.abs(v) <= limit));
  });
});

const backends = await allBackends();
describe("every backend computes the same float32 numbers", () => {
  it("2-layer bidirectional LSTM with projection and lengths, forward and backward: wasm (and native) = ref within 1e-5", () => {
    const results = backends.map((k) => {
      const layer = new LSTM({ inputSize: 7, hiddenSize: 9, numLayers: 2, bidirectional: true, projSize: 5, seed: 3, kernels: k });
      const x = new Tensor([6, 4, 7], rand(4, 6 * 4 * 7, Float32Array));
      const out = layer.forward(x, { lengths: [6, 1, 3, 0] });
      const g = layer.backward({ output: new Tensor([6, 4, 10], rand(5, 6 * 4 * 10, Float32Array)) });
      return { out: out.output.data, hN: out.hN.data, dx: g.dx.data, dW: layer.gradDict().weight_hh_l1_reverse.data };
    });
    assert.ok(backends.length >= 2 && backends[1]!.name === "wasm", "ref and wasm present");
    for (let b = 1; b < backends.length; b++) {
      for (const key of ["out", "hN", "dx", "dW"] as const) {
        const ref = results[0][key];
        assertClose(results[b][key], ref, 1e-5, `${backends[b]!.name} ${key}`, 0.05 * Math.max(...Array.from(ref, Math.abs)));
      }
    }
  });
});
