// Float64 finite-difference checks of every step operation (each inside a small user-defined cell
// unrolled over T steps with lengths, so the hoisted, stepped and deferred gradient paths all run)
// and of three user-defined cells: the layer-norm LSTM, a cell whose state has two parts of
// different widths, and a ResidualWrapper. Gradients of the inputs, the initial state and every
// variable, from nn.tape(), against the fourth-order central difference: rel. error < 1e-6.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nn from "../../src/nn/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { Rng } from "../../src/params/rng.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";
import { gradcheck } from "../../src/analysis/gradcheck.ts";
import type { Value } from "../../src/graph/graph.ts";
import { handGru, twoWidthCell } from "../helpers/hand-cells.ts";

const { ops } = nn;
const T = 3, B = 3, D = 3, S = 4, TOL = 1e-6, FLOOR = 1e-4;
const LENGTHS = [3, 0, 2];
const rand = (rng: Rng, n: number, scale = 1) => Float64Array.from({ length: n }, () => rng.uniform(-scale, scale));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

function leaves(x: unknown): Tensor[] {
  if (x instanceof Tensor) return [x];
  if (x instanceof nn.LSTMStateTuple) return [x.c, x.h];
  return Array.isArray(x) ? x.flatMap(leaves) : [];
}
function rebuild(like: unknown, parts: Float64Array[]): unknown {
  let i = 0;
  const walk = (v: unknown): unknown => v instanceof Tensor ? new Tensor([...v.shape], parts[i++])
    : v instanceof nn.LSTMStateTuple ? new nn.LSTMStateTuple(walk(v.c) as Tensor, walk(v.h) as Tensor) : Array.isArray(v) ? v.map(walk) : v;
  return walk(like);
}

/** FD-check inputs, initial state and every variable of `cell` through dynamicRnn (lengths, T steps). */
export function checkCell(cell: nn.RNNCellLike, depth = D, scale = 1): void {
  const rng = new Rng(7);
  const x = rand(rng, B * T * depth), xT = () => new Tensor([B, T, depth], x);
  nn.dynamicRnn(cell, xT());                                               // build
  for (const v of cell.variables()) cell.assign(v.name, new Tensor(v.tensor.shape, rand(rng, v.tensor.size, scale)));
  const s0 = leaves(cell.zeroState(B, "float64")).map((t) => rand(rng, t.size));
  const init = () => rebuild(cell.zeroState(B, "float64"), s0) as nn.RnnState;
  const first = nn.dynamicRnn(cell, xT(), { initialState: init(), sequenceLength: LENGTHS });
  const dy = rand(new Rng(3), first.outputs.size), dS = leaves(first.state).map((t, i) => rand(new Rng(10 + i), t.size));
  const loss = () => {
    const r = nn.dynamicRnn(cell, xT(), { initialState: init(), sequenceLength: LENGTHS });
    return dot(r.outputs.data, dy) + leaves(r.state).reduce((a, t, i) => a + dot(t.data, dS[i]), 0);
  };
  const tape = nn.tape();
  const r = nn.dynamicRnn(cell, xT(), { initialState: init(), sequenceLength: LENGTHS, tape });
  const g = tape.backward({ outputs: new Tensor(r.outputs.shape, dy), state: rebuild(r.state, dS) as nn.RnnState });
  const expectSmall = (name: string, res: ReturnType<typeof gradcheck>) =>
    assert.ok(res.maxRelErr < TOL, `${name}: rel. error ${res.maxRelErr.toExponential(2)} at [${res.at}]: analytic ${res.analytic}, numeric ${res.numeric}`);
  expectSmall("inputs", gradcheck(loss, x, (g.inputs as Tensor).data, { floor: FLOOR }));
  leaves(g.initialState).forEach((t, i) => expectSmall(`initialState part ${i}`, gradcheck(loss, s0[i], t.data, { floor: FLOOR })));
  for (const v of cell.variables()) {
    const grad = g.variables.find((gv) => gv.name === v.name);
    assert.ok(grad, `no gradient for ${v.name}`);
    const target = Float64Array.from(v.tensor.data);
    const lossOf = () => { cell.assign(v.name, new Tensor(v.tensor.shape, target)); return loss(); };
    expectSmall(v.name, gradcheck(lossOf, target, grad.tensor.data, { floor: FLOOR }));
    cell.assign(v.name, new Tensor(v.tensor.shape, Float64Array.from(v.tensor.data)));
  }
}

/** A cell around one operation: y = f(x, s, v) [batch, W]; the new state mixes y back in so the op sits on the recurrent path. */
function opCell(W: number, vars: { name: string; shape: number[] }[], f: (x: Value, s: Value, v: Record<string, Value>) => Value): nn.CustomCell {
  return new nn.CustomCell({
    name: "op_cell", stateSize: S, outputSize: W, kernels: refKernels,
    variables: () => [...vars, { name: "recurrent", shape: [W + S, S] }],
    step: (x: Value, s: Value, v) => {
      const y = f(x, s, v);
      return { output: y, state: ops.tanh(ops.matmul(ops.concat([y, s]), v.recurrent)) };
    },
  });
}

describe("gradcheck of every step operation (float64, T=3, lengths [3,0,2])", () => {
  const W = (name: string, shape: number[]) => ({ name, shape });
  const cases: [string, nn.CustomCell][] = [
    ["matmul x·W (hoisted) and s·W (stepped)", opCell(S, [W("wx", [D, S]), W("ws", [S, S])], (x, s, v) => ops.add(ops.matmul(x, v.wx), ops.matmul(s, v.ws)))],
    ["matmul transposeB (x·Wᵀ)", opCell(S, [W("w", [S, D + S])], (x, s, v) => ops.matmul(ops.concat([x, s]), v.w, { transposeB: true }))],
    ["matmul transposeA and both (fixed values)", opCell(S, [W("a", [2, D]), W("b", [2, S]), W("c", [2, S]), W("e", [S, 2])],
      (x, s, v) => ops.add(ops.matmul(x, ops.matmul(v.a, v.b, { transposeA: true })), ops.matmul(s, ops.matmul(v.c, v.e, { transposeA: true, transposeB: true }))))],
    ["add / sub / mul, same shapes and broadcast rows on either side", opCell(S, [W("wx", [D, S]), W("r1", [S]), W("r2", [S])], (x, s, v) => {
      const a = ops.matmul(x, v.wx);
      return ops.add(ops.sub(ops.mul(a, s), ops.mul(v.r1, s)), ops.sub(ops.add(v.r2, s), ops.mul(ops.sub(v.r1, a), v.r2)));
    })],
    ["numbers in add / sub / mul, scale, addScalar", opCell(S, [W("wx", [D, S])], (x, s, v) =>
      ops.add(ops.mul(0.5, ops.sub(1, s)), ops.sub(ops.scale(ops.matmul(x, v.wx), -1.5), ops.addScalar(ops.mul(s, 2), 0.25))))],
    ["sigmoid, tanh, softsign, elu, linear", opCell(S, [W("wx", [D, S])], (x, s, v) => {
      const z = ops.add(ops.matmul(x, v.wx), s);
      return ops.add(ops.add(ops.sigmoid(z), ops.tanh(z)), ops.add(ops.add(ops.softsign(z), ops.elu(ops.scale(z, 2))), ops.activation("linear", z)));
    })],
    ["relu and the hard sigmoids (away from their kinks)", opCell(S, [W("wx", [D, S])], (x, s, v) => {
      const z = ops.add(ops.matmul(x, v.wx), s);
      return ops.add(ops.relu(ops.addScalar(z, 5)), ops.add(ops.hardSigmoid(ops.scale(z, 0.5)), ops.hardSigmoidV3(z)));
    })],
    ["concat, split (equal and sizes), slice", opCell(S, [W("wx", [D, 2 * S])], (x, s, v) => {
      const [p, q] = ops.split(ops.matmul(x, v.wx), 2);
      const [a, b] = ops.split(ops.concat([p, s, q]), [S + 1, 2 * S - 1]);
      return ops.add(ops.slice(a, 1, S), ops.mul(ops.slice(b, 0, S), ops.slice(ops.concat([s, x]), 0, S)));
    })],
    ["layerNorm with γ and β, and without", opCell(S, [W("wx", [D, S]), W("gamma", [S]), W("beta", [S])], (x, s, v) => {
      const z = ops.add(ops.matmul(x, v.wx), s);
      return ops.add(ops.layerNorm(z, v.gamma, v.beta), ops.layerNorm(ops.mul(z, s), null, null, { epsilon: 1e-3 }));
    })],
  ];
  for (const [name, cell] of cases) it(name, () => checkCell(cell));
});

describe("gradcheck of user-defined cells (float64)", () => {
  it("LayerNormBasicLSTMCell (5 layer norms, forget bias, lengths)", () => {
    checkCell(new nn.LayerNormBasicLSTMCell({ numUnits: 3, kernels: refKernels }));
  });
  it("a cell whose state has two parts of different widths (2 and 5)", () => {
    checkCell(twoWidthCell({ kernels: refKernels }));
  });
  it("ResidualWrapper around a hand-written GRU (inputs of the output width)", () => {
    checkCell(new nn.ResidualWrapper(handGru(3, { kernels: refKernels })), 3);
  });
  it("ResidualWrapper around built-in cells (GRU reset after, LSTM): their steps written with the operations", () => {
    checkCell(new nn.ResidualWrapper(new nn.GRUCell({ numUnits: 3, resetAfter: true, kernels: refKernels })), 3);
    checkCell(new nn.ResidualWrapper(new nn.BasicLSTMCell({ numUnits: 3, kernels: refKernels })), 3);
  });
  it("in a MultiRNNCell with a built-in cell and a DropoutWrapper", () => {
    const masksFixed = () => new nn.DropoutWrapper(new nn.LayerNormBasicLSTMCell({ numUnits: 3, kernels: refKernels }), { stateKeepProb: 1, outputKeepProb: 1 });
    checkCell(new nn.MultiRNNCell([masksFixed(), new nn.GRUCell({ numUnits: 2, kernels: refKernels })]));
  });
});
