// The TF-1 API against an independent float64 implementation of TensorFlow 1.x's rnn.py and
// rnn_cell_impl.py (fixtures/gen_tf1_seq.py): dynamic and static unrolling, sequence lengths
// including 0, MultiRNNCell stacks of mixed cells, both bidirectional calls; outputs, final
// states and the gradients of the inputs, initial states and every variable.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { assertClose } from "../helpers/close.ts";
import * as nn from "../../src/nn/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { concat, stack, unstack } from "../../src/tensor/ops.ts";
import type { RNNCellLike, RnnState } from "../../src/nn/index.ts";

interface CellSpec { type: string; numUnits: number; activation: "tanh" | "relu" | "softsign"; forgetBias: number | null;
  usePeepholes: boolean; cellClip: number | null; numProj: number | null; projClip: number | null }
interface Case { name: string; api: "dynamic" | "bidirectional"; cells: CellSpec[]; cellsBw?: CellSpec[]; multi: boolean;
  T: number; B: number; D: number; lengths: number[] | null; initialState?: boolean;
  tensors: Record<string, { shape: number[]; data: number[] }> }

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/tf1_seq.json", import.meta.url), "utf8"));
const cases: Case[] = fixture.cases;

function makeCell(s: CellSpec): nn.RNNCell {
  switch (s.type) {
    case "basic_rnn": return new nn.BasicRNNCell({ numUnits: s.numUnits, activation: s.activation });
    case "basic_lstm": return new nn.BasicLSTMCell({ numUnits: s.numUnits, activation: s.activation, forgetBias: s.forgetBias ?? 1 });
    case "lstm": return new nn.LSTMCell({ numUnits: s.numUnits, activation: s.activation, forgetBias: s.forgetBias ?? 1,
      usePeepholes: s.usePeepholes, cellClip: s.cellClip, numProj: s.numProj, projClip: s.projClip });
    case "gru": return new nn.GRUCell({ numUnits: s.numUnits, activation: s.activation });
  }
  throw new Error(`unknown cell type ${s.type}`);
}

const T64 = (c: Case, name: string) => {
  const t = c.tensors[name];
  if (!t) throw new Error(`${c.name}: fixture has no ${name}`);
  return new Tensor(t.shape, Float64Array.from(t.data));
};

function build(c: Case, dir: "fw" | "bw", specs: CellSpec[]) {
  const layers = specs.map(makeCell);
  const cell: RNNCellLike = c.multi ? new nn.MultiRNNCell(layers) : layers[0];
  let depth = c.D;
  layers.forEach((layer, l) => {
    layer.build(depth, "float64", "test"); depth = layer.outputSize;
    for (const v of layer.variables()) layer.assign(v.name, T64(c, `${dir}/cell_${l}/${v.name}`));
  });
  // the fixture names states "<prefix>/<l>/h" (results, cotangents) or "<prefix>_<l>/h" (initial states)
  const key = (prefix: string, l: number, part: string) => (prefix.endsWith("/state") ? `${prefix}_${l}/${part}` : `${prefix}/${l}/${part}`);
  const state = (prefix: string) => {
    const per = layers.map((layer, l) => layer.kind === "lstm"
      ? new nn.LSTMStateTuple(T64(c, key(prefix, l, "c")), T64(c, key(prefix, l, "h"))) : T64(c, key(prefix, l, "h")));
    return c.multi ? per : per[0];
  };
  const has = (prefix: string) => key(prefix, 0, "h") in c.tensors;
  return { cell, layers, state, has };
}

function compareState(c: Case, prefix: string, got: RnnState, multi: boolean, what: string) {
  const per = (multi ? got : [got]) as RnnState[];
  const key = (l: number, part: string) => (prefix.endsWith("/state") ? `${prefix}_${l}/${part}` : `${prefix}/${l}/${part}`);
  per.forEach((s, l) => {
    if (s instanceof nn.LSTMStateTuple) {
      assertClose(s.h.data, c.tensors[key(l, "h")].data, 1e-9, `${what} ${key(l, "h")}`, 1e-3);
      assertClose(s.c.data, c.tensors[key(l, "c")].data, 1e-9, `${what} ${key(l, "c")}`, 1e-3);
    } else {
      assertClose((s as Tensor).data, c.tensors[key(l, "h")].data, 1e-9, `${what} ${key(l, "h")}`, 1e-3);
    }
  });
}

function compareVariables(c: Case, vars: { name: string; tensor: Tensor }[], bidi: boolean, what: string) {
  const expected = Object.keys(c.tensors).filter((k) => k.startsWith("grad_fw/cell_") || k.startsWith("grad_bw/cell_"));
  assert.equal(vars.length, expected.length, `${what}: ${vars.length} variable gradients, fixture has ${expected.length}`);
  for (const v of vars) {
    // ours: "kernel", "cell_1/gates/kernel", "fw/cell_0/kernel"; fixture: "grad_fw/cell_0/kernel"
    let key = v.name;
    if (!bidi) key = `fw/${c.multi ? key : `cell_0/${key}`}`;
    else if (!c.multi) key = key.replace(/^(fw|bw)\//, "$1/cell_0/");
    assertClose(v.tensor.data, c.tensors[`grad_${key}`].data, 1e-9, `${what} grad ${key}`, 1e-3);
  }
}

describe("[ref] TF-1 unrolling matches TensorFlow 1.x semantics (float64)", () => {
  for (const c of cases.filter((x) => x.api === "dynamic")) {
    for (const api of ["dynamicRnn", "staticRnn"] as const) {
      it(`${c.name} via ${api}`, () => {
        const fw = build(c, "fw", c.cells);
        const x = T64(c, "x"), tape = nn.tape();
        const opts = { tape, ...(c.lengths ? { sequenceLength: c.lengths } : {}), ...(fw.has("fw/state") ? { initialState: fw.state("fw/state") } : {}) };
        let outputs: Tensor, state: RnnState;
        if (api === "dynamicRnn") ({ outputs, state } = nn.dynamicRnn(fw.cell, x, opts));
        else { const r = nn.staticRnn(fw.cell, unstack(x, 1), opts); outputs = stack(r.outputs, 1); state = r.state; }
        assertClose(outputs.data, c.tensors.out_fw.data, 1e-9, `${c.name} outputs`, 1e-3);
        compareState(c, "state_fw", state, c.multi, c.name);
        const dy = T64(c, "dy_fw"), dState = fw.state("dstate_fw");
        const g = tape.backward({ outputs: api === "dynamicRnn" ? dy : unstack(dy, 1), state: dState });
        const dx = api === "dynamicRnn" ? (g.inputs as Tensor) : stack(g.inputs as Tensor[], 1);
        assertClose(dx.data, c.tensors.grad_x.data, 1e-9, `${c.name} grad_x`, 1e-3);
        if (fw.has("fw/state")) compareState(c, "grad_fw/state", g.initialState!, c.multi, `${c.name} grad`);
        compareVariables(c, g.variables, false, c.name);
      });
    }
  }
  for (const c of cases.filter((x) => x.api === "bidirectional")) {
    for (const api of ["bidirectionalDynamicRnn", "staticBidirectionalRnn"] as const) {
      it(`${c.name} via ${api}`, () => {
        const fw = build(c, "fw", c.cells), bw = build(c, "bw", c.cellsBw!);
        const x = T64(c, "x"), tape = nn.tape(), lengths = c.lengths ? { sequenceLength: c.lengths } : {};
        const dyFw = T64(c, "dy_fw"), dyBw = T64(c, "dy_bw");
        let g;
        if (api === "bidirectionalDynamicRnn") {
          const r = nn.bidirectionalDynamicRnn(fw.cell, bw.cell, x, { tape, ...lengths });
          assertClose(r.outputs[0].data, c.tensors.out_fw.data, 1e-9, `${c.name} out_fw`, 1e-3);
          assertClose(r.outputs[1].data, c.tensors.out_bw.data, 1e-9, `${c.name} out_bw`, 1e-3);
          compareState(c, "state_fw", r.states[0], c.multi, c.name);
          compareState(c, "state_bw", r.states[1], c.multi, c.name);
          g = tape.backward({ outputs: [dyFw, dyBw], states: [fw.state("dstate_fw"), bw.state("dstate_bw")] });
          assertClose((g.inputs as Tensor).data, c.tensors.grad_x.data, 1e-9, `${c.name} grad_x`, 1e-3);
        } else {
          const r = nn.staticBidirectionalRnn(fw.cell, bw.cell, unstack(x, 1), { tape, ...lengths });
          const joined = concat([T64(c, "out_fw"), T64(c, "out_bw")], 2);
          assert.equal(r.outputs.length, c.T);
          assertClose(stack(r.outputs, 1).data, joined.data, 1e-9, `${c.name} outputs fw‖bw`, 1e-3);
          compareState(c, "state_fw", r.stateFw, c.multi, c.name);
          compareState(c, "state_bw", r.stateBw, c.multi, c.name);
          g = tape.backward({ outputs: unstack(concat([dyFw, dyBw], 2), 1), stateFw: fw.state("dstate_fw"), stateBw: bw.state("dstate_bw") });
          assertClose(stack(g.inputs as Tensor[], 1).data, c.tensors.grad_x.data, 1e-9, `${c.name} grad_x`, 1e-3);
        }
        compareVariables(c, g.variables, true, c.name);
      });
    }
  }
});
