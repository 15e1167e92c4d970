// nn.LayerNormBasicLSTMCell against an independent float64 implementation of TF-1 contrib's
// formulas (fixtures/gen_tf1_layer_norm.py, autograd for the gradients): dynamicRnn with lengths
// (incl. 0) and initial states, a MultiRNNCell mixing layerNorm on and off; outputs, final states
// and the gradients of inputs, initial states and every variable by TF-1 name. Also TensorFlow's
// own LayerNormBasicLSTMCellTest numbers, on each backend.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as nn from "../../src/nn/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { allBackends } from "../helpers/backends.ts";
import { assertClose } from "../helpers/close.ts";

interface FT { shape: number[]; data: number[] }
interface Pair { c: FT; h: FT }
interface Case {
  name: string; cells: { numUnits: number; forgetBias: number; layerNorm: boolean }[]; B: number; T: number; D: number; lengths: number[];
  x: FT; initial: Pair[]; variables: Record<string, FT>; outputs: FT; state: Pair[]; dy: FT; dstate: Pair[];
  grads: { inputs: FT; initial: Pair[]; variables: Record<string, FT> };
}
const fixture = JSON.parse(readFileSync(new URL("../../fixtures/tf1_layer_norm.json", import.meta.url), "utf8")) as
  { cases: Case[]; tf_tests: { layerNorm: boolean; x: number[]; state: number[][][]; expected: Record<string, number[]> }[] };

const t64 = (f: FT) => new Tensor(f.shape, Float64Array.from(f.data));
const TOL = 1e-10;

describe("LayerNormBasicLSTMCell = TF-1 contrib formulas (float64)", async () => {
  for (const k of await allBackends()) {
    for (const c of fixture.cases) {
      it(`[${k.name}] ${c.name}: outputs, final state, every gradient`, () => {
        const layers = c.cells.map((cfg) => new nn.LayerNormBasicLSTMCell({ numUnits: cfg.numUnits, forgetBias: cfg.forgetBias, layerNorm: cfg.layerNorm, kernels: k }));
        const cell: nn.RNNCellLike = layers.length > 1 ? new nn.MultiRNNCell(layers) : layers[0];
        const x = t64(c.x);
        nn.dynamicRnn(cell, x);                                    // build
        assert.deepEqual(cell.variables().map((v) => v.name).sort(), Object.keys(c.variables).sort());
        for (const [name, v] of Object.entries(c.variables)) cell.assign(name, t64(v));
        const pairs = (ps: Pair[]) => ps.map((p) => new nn.LSTMStateTuple(t64(p.c), t64(p.h)));
        const structure = (ps: Pair[]) => (layers.length > 1 ? pairs(ps) : pairs(ps)[0]);
        const tape = nn.tape();
        const r = nn.dynamicRnn(cell, x, { sequenceLength: c.lengths, initialState: structure(c.initial), tape });
        assertClose(r.outputs.data, c.outputs.data, TOL, "outputs");
        const states = layers.length > 1 ? (r.state as nn.LSTMStateTuple[]) : [r.state as nn.LSTMStateTuple];
        states.forEach((s, l) => { assertClose(s.c.data, c.state[l].c.data, TOL, `state[${l}].c`); assertClose(s.h.data, c.state[l].h.data, TOL, `state[${l}].h`); });
        const g = tape.backward({ outputs: t64(c.dy), state: structure(c.dstate) });
        assertClose((g.inputs as Tensor).data, c.grads.inputs.data, TOL, "d inputs");
        const dInit = layers.length > 1 ? (g.initialState as nn.LSTMStateTuple[]) : [g.initialState as nn.LSTMStateTuple];
        dInit.forEach((s, l) => { assertClose(s.c.data, c.grads.initial[l].c.data, TOL, `d initial[${l}].c`); assertClose(s.h.data, c.grads.initial[l].h.data, TOL, `d initial[${l}].h`); });
        for (const v of g.variables) assertClose(v.tensor.data, c.grads.variables[v.name].data, TOL, `d ${v.name}`);
        assert.equal(g.variables.length, Object.keys(c.grads.variables).length);
      });
    }
    for (const tf of fixture.tf_tests) {
      it(`[${k.name}] TensorFlow's own test numbers, layerNorm ${tf.layerNorm} (2-layer MultiRNNCell, one cell call)`, () => {
        const make = () => new nn.LayerNormBasicLSTMCell({ numUnits: 2, layerNorm: tf.layerNorm, inputSize: 2, kernels: k });
        const cell = new nn.MultiRNNCell([make(), make()]);
        for (const v of cell.variables()) if (/kernel|bias$/.test(v.name) && !v.name.endsWith("/beta")) cell.assign(v.name, new Tensor(v.tensor.shape, new Float32Array(v.tensor.size).fill(0.5)));
        const st = (p: number[][]) => new nn.LSTMStateTuple(new Tensor([1, 2], Float32Array.from(p[0])), new Tensor([1, 2], Float32Array.from(p[1])));
        const r = cell.call(new Tensor([1, 2], Float32Array.from(tf.x)), tf.state.map(st));
        const s = r.state as nn.LSTMStateTuple[];
        assertClose(r.output.data, tf.expected.h, 1e-5, "h");
        assertClose(s[0].c.data, tf.expected.c0, 1e-5, "c0"); assertClose(s[0].h.data, tf.expected.h0, 1e-5, "h0");
        assertClose(s[1].c.data, tf.expected.c1, 1e-5, "c1"); assertClose(s[1].h.data, tf.expected.h1, 1e-5, "h1");
      });
    }
  }
});
