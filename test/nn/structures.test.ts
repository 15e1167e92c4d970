// The exact return structures of TF-1's calls, the state of stacked cells, and the agreements
// that follow from the semantics (static = dynamic, top h = last relevant output, copy-through).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nn from "../../src/nn/index.ts";
import { Tensor, tensor } from "../../src/tensor/tensor.ts";
import { stack, unstack } from "../../src/tensor/ops.ts";
import { Rng } from "../../src/params/rng.ts";

const B = 3, T = 5, D = 4;
const input = (seed = 1) => { const r = new Rng(seed); return new Tensor([B, T, D], Float64Array.from({ length: B * T * D }, () => r.uniform(-1, 1))); };
const lengths = [5, 2, 0];

describe("return structures", () => {
  it("dynamicRnn: outputs [B, T, R] and an LSTMStateTuple { c [B, N], h [B, R] }", () => {
    const { outputs, state } = nn.dynamicRnn(new nn.LSTMCell({ numUnits: 6, numProj: 3 }), input());
    assert.deepEqual(outputs.shape, [B, T, 3]);
    assert.ok(state instanceof nn.LSTMStateTuple);
    assert.deepEqual([state.c.shape, state.h.shape], [[B, 6], [B, 3]]);
    const tm = nn.dynamicRnn(new nn.GRUCell({ numUnits: 2 }), new Tensor([T, B, D], new Float32Array(T * B * D)), { timeMajor: true });
    assert.deepEqual(tm.outputs.shape, [T, B, 2]);
    assert.ok(tm.state instanceof Tensor && tm.state.dtype === "float32");
  });
  it("staticRnn: a list of T outputs [B, R]; the state of a MultiRNNCell is one state per layer", () => {
    const cell = new nn.MultiRNNCell([new nn.BasicLSTMCell({ numUnits: 4 }), new nn.GRUCell({ numUnits: 3 }), new nn.BasicRNNCell({ numUnits: 2 })]);
    const { outputs, state } = nn.staticRnn(cell, unstack(input(), 1));
    assert.equal(outputs.length, T);
    outputs.forEach((o) => assert.deepEqual(o.shape, [B, 2]));
    assert.ok(Array.isArray(state) && state.length === 3);
    assert.ok(state[0] instanceof nn.LSTMStateTuple);
    assert.ok(state[1] instanceof Tensor && state[2] instanceof Tensor);
    assert.deepEqual(cell.stateSize, [{ c: 4, h: 4 }, 3, 2]);
    assert.equal(cell.outputSize, 2);
    assert.deepEqual(cell.variables().map((v) => v.name), ["cell_0/kernel", "cell_0/bias", "cell_1/gates/kernel", "cell_1/gates/bias",
      "cell_1/candidate/kernel", "cell_1/candidate/bias", "cell_2/kernel", "cell_2/bias"]);
  });
  it("staticBidirectionalRnn: 3 returns, per-step fw‖bw outputs; bidirectionalDynamicRnn: 2 returns", () => {
    const fw = new nn.BasicLSTMCell({ numUnits: 3 }), bw = new nn.GRUCell({ numUnits: 2 });
    const s = nn.staticBidirectionalRnn(fw, bw, unstack(input(), 1), { sequenceLength: lengths });
    assert.deepEqual(Object.keys(s).sort(), ["outputs", "stateBw", "stateFw"]);
    assert.equal(s.outputs.length, T);
    assert.deepEqual(s.outputs[0].shape, [B, 5]);
    const d = nn.bidirectionalDynamicRnn(fw, bw, input(), { sequenceLength: lengths });
    assert.deepEqual(Object.keys(d).sort(), ["outputs", "states"]);
    assert.deepEqual(d.outputs.map((o) => o.shape), [[B, T, 3], [B, T, 2]]);
    // the static outputs are exactly the dynamic ones concatenated
    const joined = stack(s.outputs, 1);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
      const row = Array.from(joined.data.subarray((b * T + t) * 5, (b * T + t + 1) * 5));
      const want = [...d.outputs[0].data.subarray((b * T + t) * 3, (b * T + t + 1) * 3), ...d.outputs[1].data.subarray((b * T + t) * 2, (b * T + t + 1) * 2)];
      assert.deepEqual(row, want);
    }
  });
});

describe("sequenceLength semantics", () => {
  it("outputs are exactly 0 past each length; static and dynamic agree exactly", () => {
    const cell = new nn.LSTMCell({ numUnits: 4, usePeepholes: true });
    const dyn = nn.dynamicRnn(cell, input(), { sequenceLength: lengths });
    const sta = nn.staticRnn(cell, unstack(input(), 1), { sequenceLength: lengths });
    assert.deepEqual(stack(sta.outputs, 1).data, dyn.outputs.data);
    for (let b = 0; b < B; b++) for (let t = lengths[b]; t < T; t++) {
      assert.ok(dyn.outputs.data.subarray((b * T + t) * 4, (b * T + t + 1) * 4).every((v) => v === 0));
    }
  });
  it("a length-0 row returns its initial state; the top layer's h equals lastRelevantOutput", () => {
    const cell = new nn.MultiRNNCell([new nn.BasicLSTMCell({ numUnits: 4 }), new nn.BasicLSTMCell({ numUnits: 3 })]);
    const init = cell.zeroState(B, "float64").map((s) => {
      const t = s as nn.LSTMStateTuple;
      return new nn.LSTMStateTuple(tensor(t.c.data.map((_, i) => i / 10), t.c.shape, "float64"), tensor(t.h.data.map((_, i) => -i / 7), t.h.shape, "float64"));
    });
    const { outputs, state } = nn.dynamicRnn(cell, input(), { sequenceLength: lengths, initialState: init });
    const top = (state as nn.LSTMStateTuple[])[1], last = nn.lastRelevantOutput(outputs, lengths);
    assert.deepEqual(Array.from(top.h.data.subarray(0, 2 * 3)), Array.from(last.data.subarray(0, 2 * 3)));
    assert.deepEqual(Array.from(top.h.data.subarray(6)), Array.from(init[1].h.data.subarray(6)));   // row 2 has length 0
    assert.deepEqual(Array.from(top.c.data.subarray(6)), Array.from(init[1].c.data.subarray(6)));
    assert.ok(last.data.subarray(6).every((v) => v === 0));
  });
  it("the backward direction reads only each row's valid prefix, reversed", () => {
    const fw = new nn.GRUCell({ numUnits: 2, seed: 3 }), bw = new nn.GRUCell({ numUnits: 2, seed: 4 });
    const x = input(), r = nn.bidirectionalDynamicRnn(fw, bw, x, { sequenceLength: [5, 2, 1] });
    // row 1 alone, its 2 valid steps reversed, run forward through bw: same outputs, reversed back
    const row = new Tensor([1, 2, D], Float64Array.from([...x.data.subarray((T + 1) * D, (T + 2) * D), ...x.data.subarray(T * D, (T + 1) * D)]));
    const alone = nn.dynamicRnn(bw, row);
    assert.deepEqual(Array.from(r.outputs[1].data.subarray(T * 2, T * 2 + 2)), Array.from(alone.outputs.data.subarray(2, 4)));
    assert.deepEqual(Array.from(r.outputs[1].data.subarray(T * 2 + 2, T * 2 + 4)), Array.from(alone.outputs.data.subarray(0, 2)));
  });
});

describe("cells", () => {
  it("build on first use, or at once from inputSize; zeroState and sizes", () => {
    const c = new nn.LSTMCell({ numUnits: 5, numProj: 2, inputSize: 3 });
    assert.deepEqual(c.variables().map((v) => [v.name, v.tensor.shape]), [["kernel", [5, 20]], ["bias", [20]], ["projection/kernel", [5, 2]]]);
    assert.deepEqual(c.stateSize, { c: 5, h: 2 });
    const z = c.zeroState(2) as nn.LSTMStateTuple;
    assert.deepEqual([z.c.shape, z.h.shape], [[2, 5], [2, 2]]);
    assert.throws(() => new nn.GRUCell({ numUnits: 2 }).variables(), /GRUCell.variables: the GRUCell has no variables yet; give it inputSize or run it once/);
  });
  it("variables() / assign() round-trip exactly, TF-1 kernel columns are i, j, f, o", () => {
    const c = new nn.BasicLSTMCell({ numUnits: 2, inputSize: 1 });
    const kernel = tensor([[1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]]);
    c.assign("kernel", kernel);
    assert.deepEqual(c.variables()[0].tensor.toArray(), kernel.toArray());
    // internal W_ih rows are i, f, g, o: i = TF columns 0-1, f = 4-5, g (TF j) = 2-3, o = 6-7
    assert.deepEqual(Array.from(c.params.views.weightIh), [1, 2, 5, 6, 3, 4, 7, 8]);
  });
});

describe("DropoutWrapper", () => {
  it("keep probabilities of 1 change nothing", () => {
    const cell = new nn.LSTMCell({ numUnits: 3, seed: 2 });
    const plain = nn.dynamicRnn(cell, input());
    const wrapped = nn.dynamicRnn(new nn.DropoutWrapper(cell, { seed: 9 }), input());
    assert.deepEqual(wrapped.outputs.data, plain.outputs.data);
  });
  it("state dropout reaches the next step and the final state, not the output", () => {
    const cell = new nn.GRUCell({ numUnits: 4, seed: 2 });
    const x = new Tensor([B, 1, D], input().data.slice(0, B * D));
    const plain = nn.dynamicRnn(cell, x);
    const r = nn.dynamicRnn(new nn.DropoutWrapper(cell, { stateKeepProb: 0.5, seed: 3 }), x);
    assert.deepEqual(r.outputs.data, plain.outputs.data);
    const s = (r.state as Tensor).data, o = plain.outputs.data;
    let dropped = 0;
    s.forEach((v, i) => { assert.ok(v === 0 || Math.abs(v - 2 * o[i]) < 1e-15, `state ${v} vs output ${o[i]}`); if (v === 0) dropped++; });
    assert.ok(dropped > 0 && dropped < s.length);
  });
  it("variational masks are the same at every step; plain ones are not; seeds repeat", () => {
    const cell = new nn.BasicRNNCell({ numUnits: 3, inputSize: 4 });
    const masks = (variationalRecurrent: boolean, seed: number) =>
      new nn.DropoutWrapper(cell, { inputKeepProb: 0.5, variationalRecurrent, seed }).masks(4, 2, "float64").input!;
    const v = masks(true, 1), p = masks(false, 1);
    for (let t = 1; t < 4; t++) assert.deepEqual(v.subarray(t * 8, t * 8 + 8), v.subarray(0, 8));
    assert.ok([1, 2, 3].some((t) => p.subarray(t * 8, t * 8 + 8).some((x, i) => x !== p[i])));
    assert.deepEqual(masks(false, 1), p);
    assert.ok(p.every((x) => x === 0 || x === 2));
  });
});
