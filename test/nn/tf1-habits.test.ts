// Habits TF-1 code brings, as tests: state_is_tuple=False, LSTMStateTuple as a tuple, outputs[-1] /
// outputs[:, -1], the dtype in tensor()'s second place, state-structure mistakes, and the
// bidirectional last-output pitfall.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nn, tensor, zeros, concat, unstack, take, sliceAxis, Tensor, Rng, RnnlabError } from "../../src/index.ts";

const B = 3, T = 5, D = 4, H = 6, P = 3;
function input(seed: number, shape = [B, T, D]): Tensor {
  const r = new Rng(seed), size = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: size }, () => r.uniform(-1, 1)), shape, "float64");
}
const close = (a: Tensor, b: Tensor, tol = 1e-12) => {
  assert.deepEqual(a.shape, b.shape);
  for (let i = 0; i < a.size; i++) assert.ok(Math.abs(a.data[i] - b.data[i]) <= tol, `[${i}] ${a.data[i]} vs ${b.data[i]}`);
};
const lstm = (stateIsTuple: boolean, extra: object = {}) =>
  new nn.LSTMCell({ numUnits: H, usePeepholes: true, numProj: P, cellClip: 2, seed: 7, stateIsTuple, ...extra });

describe("stateIsTuple: false (TF-1 state_is_tuple=False)", () => {
  it("the state is [c, h] concatenated; outputs and values are those of the tuple cell", () => {
    const x = input(1), tupled = lstm(true), flat = lstm(false);
    assert.deepEqual(flat.stateSize, H + P);
    assert.deepEqual((flat.zeroState(B, "float64") as Tensor).shape, [B, H + P]);
    const a = nn.dynamicRnn(tupled, x), b = nn.dynamicRnn(flat, x);
    close(a.outputs, b.outputs, 0);
    const st = a.state as nn.LSTMStateTuple;
    close(b.state as Tensor, concat([st.c, st.h], 1), 0);
  });

  it("accepts a concatenated initial state, and the tape returns its gradient concatenated the same way", () => {
    const x = input(2), tupled = lstm(true), flat = lstm(false);
    const init = input(3, [B, H + P]);
    const c0 = sliceAxis(init, 1, 0, H), h0 = sliceAxis(init, 1, H);
    const ta = nn.tape(), tb = nn.tape();
    const a = nn.dynamicRnn(tupled, x, { initialState: new nn.LSTMStateTuple(c0, h0), tape: ta });
    const b = nn.dynamicRnn(flat, x, { initialState: init, tape: tb });
    close(a.outputs, b.outputs, 0);
    const dy = input(4, [B, T, P]);
    const ga = ta.backward({ outputs: dy }), gb = tb.backward({ outputs: dy });
    const s = ga.initialState as nn.LSTMStateTuple;
    close(gb.initialState as Tensor, concat([s.c, s.h], 1), 0);
    close(gb.inputs as Tensor, ga.inputs as Tensor, 0);
  });

  it("works for BasicLSTMCell, in a MultiRNNCell and in cell.call; refuses a tuple with a clear error", () => {
    const cell = new nn.BasicLSTMCell({ numUnits: H, stateIsTuple: false, seed: 1 });
    const multi = new nn.MultiRNNCell([cell, new nn.GRUCell({ numUnits: 2, seed: 2 })]);
    const { state } = nn.dynamicRnn(multi, input(5));
    assert.deepEqual(((state as nn.RnnState[])[0] as Tensor).shape, [B, 2 * H]);
    const step = cell.call(input(6, [B, D]), cell.zeroState(B, "float64"));
    assert.deepEqual((step.state as Tensor).shape, [B, 2 * H]);
    close(sliceAxis(step.state as Tensor, 1, H), step.output, 0);     // h is the second half, and the output
    assert.throws(() => nn.dynamicRnn(cell, input(5), { initialState: new nn.LSTMStateTuple(zeros([B, H], "float64"), zeros([B, H], "float64")) }),
      { name: "RnnlabError", message: /initialState must be a Tensor \[batch, 12\] \(c and h concatenated: the BasicLSTMCell has stateIsTuple: false\), got LSTMStateTuple\(c: / });
    assert.throws(() => new nn.BasicLSTMCell({ numUnits: 2, stateIsTuple: "no" as unknown as boolean }), { name: "RnnlabError", message: /stateIsTuple must be true or false/ });
    assert.throws(() => new nn.GRUCell({ numUnits: 2, stateIsTuple: false } as never), { name: "RnnlabError", message: /stateIsTuple/ });
    assert.throws(() => new nn.DropoutWrapper(new nn.BasicLSTMCell({ numUnits: 2, stateIsTuple: false }), { stateKeepProb: 0.5 }), { name: "RnnlabError", message: /stateKeepProb/ });
  });
});

describe("LSTMStateTuple is a tuple: [0] is c, [1] is h", () => {
  it("indexes, destructures and iterates like TF-1's namedtuple", () => {
    const multi = new nn.MultiRNNCell([lstm(true), new nn.BasicLSTMCell({ numUnits: 2 })]);
    const { state } = nn.dynamicRnn(multi, input(7));
    const layers = state as nn.LSTMStateTuple[];
    assert.equal(layers[0][0], layers[0].c);                     // TF-1: state[0][0] is layer 0's c
    assert.equal(layers[0][1], layers[0].h);
    assert.equal(layers[1][1], layers[1].h);
    const [c, h] = layers[1];
    assert.equal(c, layers[1].c); assert.equal(h, layers[1].h);
    assert.equal(layers[0].length, 2);
    assert.deepEqual([...layers[0]], [layers[0].c, layers[0].h]);
    assert.equal(Array.from(layers[0]).length, 2);
  });
});

describe("outputs[-1], outputs[:, -1] and slices", () => {
  it("take and sliceAxis index with Python's negative positions", () => {
    const cell = lstm(true), x = input(8);
    const { outputs } = nn.dynamicRnn(cell, x);                 // [B, T, P]
    const steps = unstack(outputs, 1);
    close(take(outputs, -1, 1), steps[T - 1], 0);               // outputs[:, -1]
    close(take(outputs, 0, 1), steps[0], 0);
    close(take(outputs, -T, 1), steps[0], 0);
    const mid = sliceAxis(outputs, 1, 1, -1);                    // outputs[:, 1:-1]
    assert.deepEqual(mid.shape, [B, T - 2, P]);
    close(take(mid, 0, 1), steps[1], 0);
    assert.deepEqual(sliceAxis(outputs, 1, 4, 2).shape, [B, 0, P]);
    assert.deepEqual(sliceAxis(outputs, -1, -2).shape, [B, T, 2]);
    // the static call's list: outputs.at(-1) is outputs[-1]
    const st = nn.staticRnn(lstm(true), unstack(x, 1));
    close(st.outputs.at(-1)!, take(outputs, -1, 1), 0);
    close(take(outputs, -1, 1), (nn.dynamicRnn(cell, x).state as nn.LSTMStateTuple).h, 0);   // equal lengths: the last output is h
  });

  it("bad positions are RnnlabErrors naming the argument", () => {
    const t = zeros([2, 3]);
    assert.throws(() => take(t, 3, 1), { name: "RnnlabError", message: /take: index must be an integer in \[-3, 2\] \(axis 1 has length 3\), got 3/ });
    assert.throws(() => take(t, 0, 2), { name: "RnnlabError", message: /take: axis must be an integer in \[-2, 1\]/ });
    assert.throws(() => sliceAxis(t, 0, 0.5), { name: "RnnlabError", message: /sliceAxis: start must be an integer/ });
    assert.throws(() => take([1, 2] as unknown as Tensor, 0), { name: "RnnlabError", message: /take: x must be a Tensor/ });
  });
});

describe("the bidirectional pitfall: the backward direction's last output is at t = 0", () => {
  it("outputs[1][:, -1] is not stateBw.h; outputs[1][:, 0] is (equal lengths), and with lengths too", () => {
    const x = input(9), fw = new nn.GRUCell({ numUnits: 3, seed: 1 }), bw = new nn.GRUCell({ numUnits: 3, seed: 2 });
    const { outputs: [oFw, oBw], states: [sFw, sBw] } = nn.bidirectionalDynamicRnn(fw, bw, x);
    close(take(oFw, -1, 1), sFw as Tensor, 0);
    close(take(oBw, 0, 1), sBw as Tensor, 0);
    assert.ok(take(oBw, -1, 1).data.some((v, i) => Math.abs(v - (sBw as Tensor).data[i]) > 1e-6));
    const lengths = [5, 3, 1];
    const r = nn.bidirectionalDynamicRnn(fw, bw, x, { sequenceLength: lengths });
    close(nn.lastRelevantOutput(r.outputs[0], lengths), r.states[0] as Tensor, 0);
    close(take(r.outputs[1], 0, 1), r.states[1] as Tensor, 0);
  });
});

describe("clear errors for TF-1 habits", () => {
  it("tensor(x, 'float64') says where the dtype goes", () => {
    assert.throws(() => tensor([[1, 2]], "float64" as never), (e: Error) => e instanceof RnnlabError &&
      /tensor: shape must be an array of integers, got "float64"; the dtype is the third argument: tensor\(values, undefined, "float64"\)/.test(e.message));
    assert.throws(() => tensor([1, 2], 2 as never), { name: "RnnlabError", message: /tensor: shape must be an array/ });
    assert.equal(tensor([1, 2], undefined, "float64").dtype, "float64");
    assert.equal(tensor([1, 2], null as never, "float64").dtype, "float64");
  });

  it("state-structure mistakes name the argument and never print [object Object]", () => {
    const x = zeros([2, 4, 5]);
    const cell = new nn.BasicLSTMCell({ numUnits: 3 });
    const multi = new nn.MultiRNNCell([new nn.BasicLSTMCell({ numUnits: 3 }), new nn.BasicLSTMCell({ numUnits: 3 })]);
    const custom = new nn.CustomCell({ stateSize: 3, outputSize: 3, variables: () => [], step: () => ({ output: {}, state: {} }) } as never);
    const cases: [string, () => unknown, RegExp][] = [
      ["a plain {c, h}", () => nn.dynamicRnn(cell, x, { initialState: { c: zeros([2, 3]), h: zeros([2, 3]) } as never }), /initialState must be an LSTMStateTuple/],
      ["[c, h] array", () => nn.dynamicRnn(cell, x, { initialState: [zeros([2, 3]), zeros([2, 3])] as never }), /initialState must be an LSTMStateTuple/],
      ["one tuple for a stack", () => nn.dynamicRnn(multi, x, { initialState: cell.zeroState(2) as never }), /initialState must be an array of 2 layer states.*got LSTMStateTuple\(c: Tensor/],
      ["layer of a stack", () => nn.dynamicRnn(multi, x, { initialState: [zeros([2, 3]), cell.zeroState(2)] as never }), /initialState\[0\] must be an LSTMStateTuple/],
      ["tuple for a GRU", () => nn.dynamicRnn(new nn.GRUCell({ numUnits: 3 }), x, { initialState: cell.zeroState(2) as never }), /must be a Tensor \[batch, 3\] for the GRUCell, got LSTMStateTuple/],
      ["wrong batch", () => nn.dynamicRnn(cell, x, { initialState: cell.zeroState(3) }), /initialState.c has shape \[3,3\], expected \[2, 3\]/],
      ["bad cotangent", () => { const tp = nn.tape(); nn.dynamicRnn(cell, x, { tape: tp }); return tp.backward({ state: { c: 1 } as never }); }, /state must be an LSTMStateTuple/],
      ["custom step output", () => nn.dynamicRnn(custom, x), /the step must return \{ output, state \}/],
    ];
    for (const [name, f, re] of cases) {
      assert.throws(f, (e: Error) => {
        assert.ok(e instanceof RnnlabError, `${name}: ${e.name}: ${e.message}`);
        assert.doesNotMatch(e.message, /\[object /, name);
        assert.match(e.message, re, name);
        return true;
      });
    }
  });
});
