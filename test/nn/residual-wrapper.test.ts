// nn.ResidualWrapper: output = inputs + the wrapped cell's output, state and variables the wrapped
// cell's own (shared: training the wrapper trains the cell). Around built-in cells (their steps
// written with the step operations) it equals the built-in's own unrolling plus the inputs, forward
// and backward, in float64 with lengths; TF-1 names are the wrapped cell's (no scope of its own).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nn from "../../src/nn/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { Rng } from "../../src/params/rng.ts";
import { exportTf1Variables } from "../../src/io/tf1-names.ts";
import { allBackends } from "../helpers/backends.ts";
import { assertClose } from "../helpers/close.ts";

const B = 3, T = 5, N = 4, LENGTHS = [5, 0, 3];
const rand = (seed: number, n: number) => { const r = new Rng(seed); return Float64Array.from({ length: n }, () => r.uniform(-1, 1)); };

describe("ResidualWrapper around built-in cells", async () => {
  for (const k of await allBackends()) {
    const makers: [string, () => nn.RNNCell][] = [
      ["BasicRNNCell", () => new nn.BasicRNNCell({ numUnits: N, kernels: k, seed: 1 })],
      ["BasicLSTMCell (forgetBias 0.5)", () => new nn.BasicLSTMCell({ numUnits: N, forgetBias: 0.5, kernels: k, seed: 2 })],
      ["GRUCell (reset before)", () => new nn.GRUCell({ numUnits: N, kernels: k, seed: 3 })],
      ["GRUCell (resetAfter)", () => new nn.GRUCell({ numUnits: N, resetAfter: true, kernels: k, seed: 4 })],
    ];
    for (const [name, make] of makers) {
      it(`[${k.name}] ${name}: outputs = cell outputs + inputs, state and every gradient (float64, lengths)`, () => {
        const cell = make(), wrapped = new nn.ResidualWrapper(cell);
        const x = new Tensor([B, T, N], rand(1, B * T * N)), dy = new Tensor([B, T, N], rand(2, B * T * N));
        const tapeA = nn.tape(), tapeB = nn.tape();
        const a = nn.dynamicRnn(wrapped, x, { sequenceLength: LENGTHS, tape: tapeA });
        const b = nn.dynamicRnn(cell, x, { sequenceLength: LENGTHS, tape: tapeB });
        const expected = b.outputs.data.map((v, i) => {
          const row = Math.floor(i / (T * N)), t = Math.floor(i / N) % T;
          return t < LENGTHS[row] ? v + x.data[i] : 0;
        });
        assertClose(a.outputs.data, expected, 1e-12, "outputs");
        const leaves = (s: nn.RnnState): Tensor[] => (s instanceof nn.LSTMStateTuple ? [s.c, s.h] : [s as Tensor]);
        leaves(a.state).forEach((t, i) => assertClose(t.data, leaves(b.state)[i].data, 1e-12, `state part ${i}`));
        const ga = tapeA.backward({ outputs: dy }), gb = tapeB.backward({ outputs: dy });
        const dxExpected = (gb.inputs as Tensor).data.map((v, i) => {
          const row = Math.floor(i / (T * N)), t = Math.floor(i / N) % T;
          return v + (t < LENGTHS[row] ? dy.data[i] : 0);                  // the residual's own path
        });
        assertClose((ga.inputs as Tensor).data, dxExpected, 1e-12, "d inputs");
        assert.deepEqual(ga.variables.map((v) => v.name), gb.variables.map((v) => v.name));
        ga.variables.forEach((v, i) => assertClose(v.tensor.data, gb.variables[i].tensor.data, 1e-12, `d ${v.name}`));
        assert.deepEqual(Object.keys(exportTf1Variables(wrapped)), Object.keys(exportTf1Variables(cell)));
      });
    }
  }

  it("shares the wrapped cell's variables: assigning through either changes both", () => {
    const cell = new nn.BasicLSTMCell({ numUnits: N, inputSize: N }), wrapped = new nn.ResidualWrapper(cell);
    nn.dynamicRnn(wrapped, new Tensor([1, 2, N], new Float32Array(2 * N)));
    const bias = new Tensor([4 * N], Float32Array.from({ length: 4 * N }, (_, i) => i / 10));
    wrapped.assign("bias", bias);
    assert.deepEqual(Array.from(cell.variables().find((v) => v.name === "bias")!.tensor.data), Array.from(bias.data));
  });
});
