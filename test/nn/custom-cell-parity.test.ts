// The note's LSTM and both GRU formulas written by hand as user-defined cells equal the built-in
// cells, forward and backward, in float64 to 1e-12: dynamicRnn with lengths (incl. 0) and an
// initial state, a 2-layer MultiRNNCell (hand-written only, and mixed with built-ins), both
// bidirectional calls, staticRnn, DropoutWrapper and cell.call. Gradients come from nn.tape()
// for the inputs, the initial states and every variable (TF-1 names). Then float32 on each backend.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nn from "../../src/nn/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { Rng } from "../../src/params/rng.ts";
import type { Dtype, Kernels } from "../../src/kernels/types.ts";
import { allBackends } from "../helpers/backends.ts";
import { copyVariables, handGru, handLstm } from "../helpers/hand-cells.ts";

const B = 4, T = 5, D = 3, N = 4;
const LENGTHS = [5, 0, 2, 4];

type Kind = "lstm" | "gru" | "gruAfter";
const builtin = (kind: Kind, k: Kernels, depth: number): nn.RNNCell => kind === "lstm"
  ? new nn.BasicLSTMCell({ numUnits: N, inputSize: depth, kernels: k, seed: 11 + depth })
  : new nn.GRUCell({ numUnits: N, resetAfter: kind === "gruAfter", inputSize: depth, kernels: k, seed: 13 + depth });
const hand = (kind: Kind, k: Kernels, depth: number): nn.CustomCell => kind === "lstm"
  ? handLstm(N, { inputSize: depth, kernels: k }) : handGru(N, { resetAfter: kind === "gruAfter", inputSize: depth, kernels: k });

function randomTensor(shape: number[], seed: number, dtype: Dtype): Tensor {
  const rng = new Rng(seed), n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(-1, 1);
  return new Tensor(shape, data);
}

/** Every tensor of a nested result (states, gradient structures) in a fixed order. */
function leaves(x: unknown): Tensor[] {
  if (x instanceof Tensor) return [x];
  if (x instanceof nn.LSTMStateTuple) return [x.c, x.h];
  if (Array.isArray(x)) return x.flatMap(leaves);
  if (x && typeof x === "object") return Object.keys(x).sort().flatMap((key) => leaves((x as Record<string, unknown>)[key]));
  return [];
}

/** The same random cotangent for every leaf of a structure, keyed by position. */
function cotangentLike<T>(x: T, seed: number): T {
  let i = 0;
  const walk = (v: unknown): unknown => {
    if (v instanceof Tensor) return randomTensor([...v.shape], seed + 7 * i++, v.dtype);
    if (v instanceof nn.LSTMStateTuple) return new nn.LSTMStateTuple(walk(v.c) as Tensor, walk(v.h) as Tensor);
    if (Array.isArray(v)) return v.map(walk);
    return v;
  };
  return walk(x) as T;
}

function assertSame(name: string, a: Tensor[], b: Tensor[], tol: number): void {
  assert.equal(a.length, b.length, `${name}: ${a.length} vs ${b.length} tensors`);
  a.forEach((t, j) => {
    assert.deepEqual(t.shape, b[j].shape, `${name}[${j}] shape`);
    for (let i = 0; i < t.size; i++) {
      const err = Math.abs(t.data[i] - b[j].data[i]);
      if (!(err <= tol)) assert.fail(`${name}[${j}][${i}]: ${t.data[i]} vs ${b[j].data[i]} (|diff| ${err.toExponential(2)} > ${tol})`);
    }
  });
}

/** Run `call` on the built-in structure and on the hand-written one; compare results and every gradient. */
function compare(name: string, built: nn.RNNCellLike[], handMade: nn.RNNCellLike[], call: (cells: nn.RNNCellLike[], tape: nn.Tape) => unknown,
                 backward: (tape: nn.Tape, result: any) => nn.TapeGradients, tol: number): void {
  // build both (first use), then give the hand-written cells the built-ins' variables
  call(built, nn.tape()); call(handMade, nn.tape());
  built.forEach((c, i) => copyVariables(c, handMade[i]));
  const tapeA = nn.tape(), tapeB = nn.tape();
  const ra = call(built, tapeA), rb = call(handMade, tapeB);
  assertSame(`${name}: results`, leaves(ra), leaves(rb), tol);
  const ga = backward(tapeA, ra), gb = backward(tapeB, rb);
  assertSame(`${name}: input/state gradients`, leaves({ ...ga, variables: [] }), leaves({ ...gb, variables: [] }), tol);
  const byName = (g: nn.TapeGradients) => Object.fromEntries(g.variables.map((v) => [v.name, v.tensor]));
  const va = byName(ga), vb = byName(gb);
  assert.deepEqual(Object.keys(vb).sort(), Object.keys(va).sort(), `${name}: variable names`);
  for (const key of Object.keys(va)) assertSame(`${name}: d${key}`, [va[key]], [vb[key]], tol);
}

const cases = (dtype: Dtype, tol: number, k: Kernels, kind: Kind) => {
  const x = randomTensor([B, T, D], 1, dtype);
  const zero = (cell: nn.RNNCellLike) => cotangentLike(cell.zeroState(B, dtype), 3);   // a random initial state of the right structure
  it(`${kind}: dynamicRnn with lengths ${JSON.stringify(LENGTHS)} and an initial state`, () => {
    compare("dynamicRnn", [builtin(kind, k, D)], [hand(kind, k, D)], ([c], tape) =>
      nn.dynamicRnn(c, x, { sequenceLength: LENGTHS, initialState: zero(c), tape }),
    (tape, r) => tape.backward({ outputs: cotangentLike(r.outputs, 5), state: cotangentLike(r.state, 9) }), tol);
  });
  it(`${kind}: 2-layer MultiRNNCell (hand-written, and mixed with a built-in), lengths`, () => {
    compare("MultiRNNCell", [new nn.MultiRNNCell([builtin(kind, k, D), builtin(kind, k, N)])], [new nn.MultiRNNCell([hand(kind, k, D), hand(kind, k, N)])],
      ([c], tape) => nn.dynamicRnn(c, x, { sequenceLength: LENGTHS, initialState: zero(c), tape }),
      (tape, r) => tape.backward({ outputs: cotangentLike(r.outputs, 5), state: cotangentLike(r.state, 9) }), tol);
    compare("mixed MultiRNNCell", [new nn.MultiRNNCell([builtin(kind, k, D), builtin("lstm", k, N)])], [new nn.MultiRNNCell([hand(kind, k, D), builtin("lstm", k, N)])],
      ([c], tape) => nn.dynamicRnn(c, x, { sequenceLength: LENGTHS, tape }),
      (tape, r) => tape.backward({ outputs: cotangentLike(r.outputs, 5), state: cotangentLike(r.state, 9) }), tol);
  });
  it(`${kind}: bidirectionalDynamicRnn and staticBidirectionalRnn, lengths`, () => {
    compare("bidirectionalDynamicRnn", [builtin(kind, k, D), builtin(kind, k, D)], [hand(kind, k, D), hand(kind, k, D)],
      ([fw, bw], tape) => nn.bidirectionalDynamicRnn(fw, bw, x, { sequenceLength: LENGTHS, initialStateFw: zero(fw), tape }),
      (tape, r) => tape.backward({ outputs: cotangentLike(r.outputs, 5), states: cotangentLike(r.states, 9) }), tol);
    const steps = Array.from({ length: T }, (_, t) => randomTensor([B, D], 20 + t, dtype));
    compare("staticBidirectionalRnn", [builtin(kind, k, D), builtin(kind, k, D)], [hand(kind, k, D), hand(kind, k, D)],
      ([fw, bw], tape) => nn.staticBidirectionalRnn(fw, bw, steps, { sequenceLength: LENGTHS, tape }),
      (tape, r) => tape.backward({ outputs: cotangentLike(r.outputs, 5), stateFw: cotangentLike(r.stateFw, 9), stateBw: cotangentLike(r.stateBw, 11) }), tol);
  });
  it(`${kind}: staticRnn, DropoutWrapper (same seed: same masks) and cell.call`, () => {
    const steps = Array.from({ length: T }, (_, t) => randomTensor([B, D], 30 + t, dtype));
    compare("staticRnn", [builtin(kind, k, D)], [hand(kind, k, D)], ([c], tape) => nn.staticRnn(c, steps, { sequenceLength: LENGTHS, tape }),
      (tape, r) => tape.backward({ outputs: cotangentLike(r.outputs, 5), state: cotangentLike(r.state, 9) }), tol);
    const drop = { inputKeepProb: 0.8, outputKeepProb: 0.7, stateKeepProb: 0.6, seed: 4 };
    const b1 = builtin(kind, k, D), h1 = hand(kind, k, D);
    compare("DropoutWrapper", [b1], [h1], ([c], tape) => nn.dynamicRnn(new nn.DropoutWrapper(c as nn.RNNCell, drop), x, { sequenceLength: LENGTHS, tape }),
      (tape, r) => tape.backward({ outputs: cotangentLike(r.outputs, 5), state: cotangentLike(r.state, 9) }), tol);
    const x0 = randomTensor([B, D], 40, dtype);
    compare("cell.call", [builtin(kind, k, D)], [hand(kind, k, D)], ([c], tape) => c.call(x0, zero(c), { tape }),
      (tape, r) => tape.backward({ output: cotangentLike(r.output, 5), state: cotangentLike(r.state, 9) }), tol);
  });
};

describe("hand-written cells = built-in cells", async () => {
  const backends = await allBackends();
  for (const k of backends) {
    for (const kind of ["lstm", "gru", "gruAfter"] as const) {
      describe(`[${k.name}] float64, 1e-12`, () => cases("float64", 1e-12, k, kind));
    }
    describe(`[${k.name}] float32, 2e-5`, () => cases("float32", 2e-5, k, "lstm"));
  }
});

describe("cell.call", () => {
  it("one step equals a one-step dynamicRnn for a built-in, a custom and a MultiRNNCell", async () => {
    const [k] = await allBackends();
    const x = randomTensor([B, D], 2, "float64");
    for (const cell of [builtin("lstm", k, D), hand("gru", k, D), new nn.MultiRNNCell([hand("lstm", k, D), builtin("gru", k, N)])] as nn.RNNCellLike[]) {
      const s0 = cotangentLike(cell.zeroState(B, "float64"), 1);
      const one = cell.call(x, s0);
      const seq = nn.dynamicRnn(cell, new Tensor([B, 1, D], x.data), { initialState: s0 });
      assertSame("call", [one.output, ...leaves(one.state)], [new Tensor([B, N], seq.outputs.data), ...leaves(seq.state)], 0);
    }
  });
  it("refuses a missing state and a wrong input shape, by name", async () => {
    const [k] = await allBackends();
    const cell = hand("lstm", k, D);
    assert.throws(() => cell.call(randomTensor([B, D], 1, "float32"), undefined as unknown as nn.RnnState), /state must be the cell's state/);
    assert.throws(() => cell.call(randomTensor([B, D + 1], 1, "float32"), cell.zeroState(B)), /inputs has shape \[4,4\], expected \[batch, 3\]/);
    assert.throws(() => cell.call(randomTensor([B, D], 1, "float32"), cell.zeroState(B + 1)), /state\.c has shape \[5,4\], expected \[4, 4\]/);
  });
});

describe("property: hand-written = built-in for any shape and lengths (float64, ref)", () => {
  it("LSTM, GRU and reset-after GRU; B∈[1,4], T∈[1,5], D∈[1,4], N∈[1,5], lengths in [0,T]", async () => {
    const { refKernels } = await import("../../src/kernels/ref/index.ts");
    const fc = (await import("fast-check")).default;
    fc.assert(fc.property(
      fc.record({ kind: fc.constantFrom<Kind>("lstm", "gru", "gruAfter"), B: fc.integer({ min: 1, max: 4 }), T: fc.integer({ min: 1, max: 5 }),
        D: fc.integer({ min: 1, max: 4 }), N: fc.integer({ min: 1, max: 5 }), seed: fc.integer({ min: 0, max: 1000 }) })
        .chain((c) => fc.record({ c: fc.constant(c), lengths: fc.array(fc.integer({ min: 0, max: c.T }), { minLength: c.B, maxLength: c.B }) })),
      ({ c, lengths }) => {
        const make = (hand: boolean): nn.RNNCellLike => c.kind === "lstm"
          ? hand ? handLstm(c.N, { inputSize: c.D, kernels: refKernels }) : new nn.BasicLSTMCell({ numUnits: c.N, inputSize: c.D, kernels: refKernels, seed: c.seed })
          : hand ? handGru(c.N, { inputSize: c.D, resetAfter: c.kind === "gruAfter", kernels: refKernels })
            : new nn.GRUCell({ numUnits: c.N, inputSize: c.D, resetAfter: c.kind === "gruAfter", kernels: refKernels, seed: c.seed });
        const x = randomTensor([c.B, c.T, c.D], c.seed, "float64");
        compare("property", [make(false)], [make(true)], ([cell], tape) => nn.dynamicRnn(cell, x, { sequenceLength: lengths, tape }),
          (tape, r) => tape.backward({ outputs: cotangentLike(r.outputs, 5), state: cotangentLike(r.state, 9) }), 1e-12);
      }), { seed: 15, numRuns: 60 });
  });
});
