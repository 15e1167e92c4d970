// Cell dtypes (TF-1 `dtype`) and gate activations of the TF-1 cells:
// - a float64 assign into a cell built with inputSize (float32 by default) computes in float64,
//   exactly as a cell built in float64; with dtype "float32" it throws; nothing is rounded silently;
// - `dtype` on the unrolling calls widens float32 inputs exactly and refuses to narrow;
// - gateActivation on LSTMCell / BasicLSTMCell / GRUCell equals a hand-written cell with the same
//   gates (float64, forward and every gradient) and passes a float64 finite-difference check.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nn from "../../src/nn/index.ts";
import { Tensor, tensor } from "../../src/tensor/tensor.ts";
import { RnnlabError } from "../../src/errors.ts";
import { gradcheck } from "../../src/analysis/gradcheck.ts";
import { assertClose } from "../helpers/close.ts";
import type { Value } from "../../src/graph/graph.ts";

const { ops } = nn;
const throwsNamed = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof RnnlabError && re.test((e as Error).message));

/** Deterministic float64 values that float32 cannot hold (1/3-like fractions). */
function f64(shape: number[], seed: number, scale = 0.5): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float64Array.from({ length: n }, (_, i) => scale * Math.sin(seed * 7.123 + i * 1.618033988749) / 3), shape, "float64");
}

describe("cell dtype: float64 assign and TF-1 dtype", () => {
  it("a float64 assign into a cell built with inputSize computes in float64 (exactly as a float64-built cell)", () => {
    const eager = new nn.LSTMCell({ numUnits: 3, inputSize: 2, usePeepholes: true });
    const lazy = new nn.LSTMCell({ numUnits: 3, usePeepholes: true });
    lazy.build(2, "float64", "test");
    assert.equal(eager.dtype, "float32");
    for (const [i, v] of eager.variables().entries()) {
      const value = f64([...v.tensor.shape], i + 1);
      eager.assign(v.name, value);
      lazy.assign(v.name, value);
    }
    assert.equal(eager.dtype, "float64");
    for (const v of eager.variables()) {
      assert.equal(v.tensor.dtype, "float64");
      assert.deepEqual(Array.from(v.tensor.data), Array.from(lazy.variables().find((w) => w.name === v.name)!.tensor.data), v.name);
    }
    const x = f64([2, 4, 2], 9, 3);
    const a = nn.dynamicRnn(eager, x), b = nn.dynamicRnn(lazy, x);
    assert.equal(a.outputs.dtype, "float64");
    assert.deepEqual(Array.from(a.outputs.data), Array.from(b.outputs.data));   // bit for bit: no value was rounded
  });

  it("the same for GRUCell, BasicRNNCell and a CustomCell", () => {
    const make = [
      () => new nn.GRUCell({ numUnits: 2, inputSize: 3 }),
      () => new nn.BasicRNNCell({ numUnits: 2, inputSize: 3 }),
      () => new nn.CustomCell({ stateSize: 2, outputSize: 2, inputSize: 3,
        variables: (d) => [{ name: "kernel", shape: [d + 2, 2] }],
        step: (x: Value, h: Value, v) => { const y = ops.tanh(ops.matmul(ops.concat([x, h]), v.kernel)); return { output: y, state: y }; } }),
    ];
    for (const m of make) {
      const cell = m();
      const v0 = cell.variables()[0];
      const value = f64([...v0.tensor.shape], 3);
      cell.assign(v0.name, value);
      assert.equal(cell.variables()[0].tensor.dtype, "float64", cell.className);
      assert.deepEqual(Array.from(cell.variables()[0].tensor.data), Array.from(value.data), cell.className);
    }
  });

  it('dtype "float32" on the cell: a float64 value that would round is an error; exact ones are fine', () => {
    const cell = new nn.LSTMCell({ numUnits: 2, inputSize: 2, dtype: "float32" });
    throwsNamed(() => cell.assign("bias", f64([8], 1)), /LSTMCell\.assign: "bias"\[0\] = .* is not a float32 number .* dtype "float32"/);
    cell.assign("bias", tensor(Float64Array.from({ length: 8 }, (_, i) => i / 4), [8], "float64"));   // quarters are float32 numbers
    assert.equal(cell.dtype, "float32");
    assert.deepEqual(Array.from(cell.variables().find((v) => v.name === "bias")!.tensor.data), [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]);
    throwsNamed(() => nn.dynamicRnn(cell, f64([1, 2, 2], 1)), /dynamicRnn: the LSTMCell was created with dtype "float32", got float64 inputs/);
  });

  it('dtype "float64" on the cell: built in float64; float32 inputs are an error unless the call says dtype "float64"', () => {
    const cell = new nn.GRUCell({ numUnits: 2, inputSize: 2, dtype: "float64" });
    assert.equal(cell.dtype, "float64");
    const x32 = tensor([[[0.5, -1], [0.25, 2]]]);
    throwsNamed(() => nn.dynamicRnn(cell, x32), /the GRUCell was created with dtype "float64", got float32 inputs/);
    const r = nn.dynamicRnn(cell, x32, { dtype: "float64" });
    assert.equal(r.outputs.dtype, "float64");
    assert.equal((r.state as Tensor).dtype, "float64");
    throwsNamed(() => new nn.GRUCell({ numUnits: 2, dtype: "float16" as never }), /GRUCell: dtype must be one of "float32", "float64"/);
  });

  it("without a dtype, a cell whose float64 variables float32 cannot hold refuses a float32 run (names the value)", () => {
    const cell = new nn.BasicRNNCell({ numUnits: 2, inputSize: 1 });
    cell.assign("kernel", f64([3, 2], 2));
    throwsNamed(() => nn.dynamicRnn(cell, tensor([[[1]]])), /dynamicRnn: the BasicRNNCell's variables are float64 and weightIh\[0\] = .* not a float32 number/);
    const exact = new nn.BasicRNNCell({ numUnits: 2, inputSize: 1 });
    nn.dynamicRnn(exact, tensor([[[1]]], undefined, "float64"));   // float32 initial values widen exactly …
    assert.equal(exact.dtype, "float64");
    nn.dynamicRnn(exact, tensor([[[1]]]));                          // … and narrow back exactly
    assert.equal(exact.dtype, "float32");
  });

  it("dtype on the unrolling calls: float32 inputs widen exactly; float64 inputs with float32 are refused", () => {
    const x32 = tensor([[[0.5], [0.25]], [[-1], [2]]]);
    const cell = new nn.BasicLSTMCell({ numUnits: 2, seed: 3 });
    const wide = nn.dynamicRnn(cell, x32, { dtype: "float64" });
    const ref = nn.dynamicRnn(cell, new Tensor([2, 2, 1], Float64Array.from(x32.data)));
    assert.deepEqual(Array.from(wide.outputs.data), Array.from(ref.outputs.data));
    const s = nn.staticRnn(cell, [tensor([[0.5]]), tensor([[0.25]])], { dtype: "float64" });
    assert.equal(s.outputs[0].dtype, "float64");
    const b = nn.bidirectionalDynamicRnn(new nn.GRUCell({ numUnits: 2 }), new nn.GRUCell({ numUnits: 2 }), x32, { dtype: "float64" });
    assert.equal(b.outputs[1].dtype, "float64");
    throwsNamed(() => nn.dynamicRnn(cell, f64([2, 2, 1], 1), { dtype: "float32" }), /dynamicRnn: inputs are float64 but dtype is "float32"/);
    throwsNamed(() => nn.dynamicRnn(cell, x32, { dtype: "int32" as never }), /dynamicRnn: dtype must be one of/);
  });
});

// ---- gate activations ----

const GATE = ["hardSigmoid", "hardSigmoidV3", "softsign"] as const;
type Gate = (typeof GATE)[number];

function handLstm(N: number, gate: Gate, forgetBias: number): nn.CustomCell {
  return new nn.CustomCell({
    name: "hand_lstm", stateSize: { c: N, h: N }, outputSize: N,
    variables: (d) => [{ name: "kernel", shape: [d + N, 4 * N] }, { name: "bias", shape: [4 * N] }],
    step: (x: Value, { c, h }: { c: Value; h: Value }, v) => {
      const [i, j, f, o] = ops.split(ops.add(ops.matmul(ops.concat([x, h]), v.kernel), v.bias), 4);
      const g = (z: Value) => ops.activation(gate, z);
      const cNew = ops.add(ops.mul(c, g(ops.add(f, forgetBias))), ops.mul(g(i), ops.tanh(j)));
      const hNew = ops.mul(g(o), ops.tanh(cNew));
      return { output: hNew, state: { c: cNew, h: hNew } };
    },
  });
}

function handGru(N: number, gate: Gate): nn.CustomCell {
  return new nn.CustomCell({
    name: "hand_gru", stateSize: N, outputSize: N,
    variables: (d) => [{ name: "gates/kernel", shape: [d + N, 2 * N] }, { name: "gates/bias", shape: [2 * N] },
      { name: "candidate/kernel", shape: [d + N, N] }, { name: "candidate/bias", shape: [N] }],
    step: (x: Value, h: Value, v) => {
      const [r, u] = ops.split(ops.activation(gate, ops.add(ops.matmul(ops.concat([x, h]), v["gates/kernel"]), v["gates/bias"])), 2);
      const c = ops.tanh(ops.add(ops.matmul(ops.concat([x, ops.mul(r, h)]), v["candidate/kernel"]), v["candidate/bias"]));
      const hNew = ops.add(ops.mul(u, h), ops.mul(ops.sub(1, u), c));
      return { output: hNew, state: hNew };
    },
  });
}

function runWithGrads(cell: nn.RNNCellLike, x: Tensor, lengths: number[]) {
  const t = nn.tape();
  const r = nn.dynamicRnn(cell, x, { tape: t, sequenceLength: lengths });
  const dy = f64([...r.outputs.shape], 5);
  const g = t.backward({ outputs: dy });
  return { r, g, dy };
}

describe("gateActivation on the TF-1 cells = a hand-written cell with those gates (float64)", () => {
  const B = 3, T = 4, D = 2, N = 3, lengths = [4, 0, 2];
  for (const gate of GATE) {
    for (const kind of ["LSTMCell", "BasicLSTMCell", "GRUCell"] as const) {
      it(`${kind} gateActivation "${gate}": outputs, state and gradients`, () => {
        const cell = kind === "GRUCell" ? new nn.GRUCell({ numUnits: N, gateActivation: gate })
          : kind === "LSTMCell" ? new nn.LSTMCell({ numUnits: N, gateActivation: gate, forgetBias: 0.5 })
          : new nn.BasicLSTMCell({ numUnits: N, gateActivation: gate, forgetBias: 0.5 });
        const hand = kind === "GRUCell" ? handGru(N, gate) : handLstm(N, gate, 0.5);
        cell.build(D, "float64", "test"); hand.build(D, "float64", "test");
        cell.variables().forEach((v, i) => { const val = f64([...v.tensor.shape], i + 2, 2); cell.assign(v.name, val); hand.assign(v.name, val); });
        const x = f64([B, T, D], 11, 6);
        const a = runWithGrads(cell, x, lengths), b = runWithGrads(hand, x, lengths);
        assertClose(a.r.outputs.data, b.r.outputs.data, 1e-12, "outputs");
        assertClose((a.g.inputs as Tensor).data, (b.g.inputs as Tensor).data, 1e-12, "d inputs");
        for (const v of a.g.variables) assertClose(v.tensor.data, b.g.variables.find((w) => w.name === v.name)!.tensor.data, 1e-12, `d ${v.name}`);
        // the gates really changed: the sigmoid cell differs
        const sig = kind === "GRUCell" ? new nn.GRUCell({ numUnits: N }) : new nn.LSTMCell({ numUnits: N, forgetBias: 0.5 });
        sig.build(D, "float64", "test");
        cell.variables().forEach((v) => sig.assign(v.name, v.tensor));
        assert.ok(Math.abs(nn.dynamicRnn(sig, x).outputs.data[0] - a.r.outputs.data[0]) > 1e-4);
      });
    }
  }

  it("gradcheck: d loss / d kernel of a hardSigmoid GRUCell and LSTMCell (float64 finite differences)", () => {
    for (const cell of [new nn.GRUCell({ numUnits: 2, gateActivation: "hardSigmoid" }), new nn.LSTMCell({ numUnits: 2, gateActivation: "hardSigmoid", usePeepholes: true })]) {
      cell.build(2, "float64", "test");
      cell.variables().forEach((v, i) => cell.assign(v.name, f64([...v.tensor.shape], i + 1, 1)));
      const x = f64([2, 3, 2], 4, 1.5);
      const name = cell instanceof nn.GRUCell ? "gates/kernel" : "kernel";
      const w = Float64Array.from(cell.variables().find((v) => v.name === name)!.tensor.data);
      const shape = [...cell.variables().find((v) => v.name === name)!.tensor.shape];
      const dy = f64([2, 3, 2], 8);
      const loss = () => {
        cell.assign(name, new Tensor(shape, w));
        const out = nn.dynamicRnn(cell, x).outputs.data;
        let s = 0; for (let i = 0; i < out.length; i++) s += out[i] * dy.data[i];
        return s;
      };
      cell.assign(name, new Tensor(shape, w));
      const t = nn.tape(); nn.dynamicRnn(cell, x, { tape: t });
      const analytic = t.backward({ outputs: dy }).variables.find((v) => v.name === name)!.tensor.data;
      const r = gradcheck(loss, w, analytic, { step: 1e-5 });
      assert.ok(r.maxRelErr < 1e-6, `${cell.className}: max relative error ${r.maxRelErr} at ${r.at}`);
    }
  });

  it("a bad gateActivation is named", () => {
    throwsNamed(() => new nn.GRUCell({ numUnits: 2, gateActivation: "step" as never }), /GRUCell: gateActivation must be one of/);
    throwsNamed(() => new nn.BasicRNNCell({ numUnits: 2, gateActivation: "sigmoid" } as never), /BasicRNNCell: .*gateActivation/);
  });
});
