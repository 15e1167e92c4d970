// Float64 finite-difference checks through whole unrolled sequences: T = 6, 2 layers,
// bidirectional, sequence lengths (including 0), projections, dropout masks; gradients of the
// inputs, the initial states and every parameter, max relative error < 1e-6.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GRU, LSTM, RNN, type Recurrent } from "../../src/layers/recurrent.ts";
import * as nn from "../../src/nn/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { gradcheck } from "../../src/analysis/gradcheck.ts";
import { Rng } from "../../src/params/rng.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";
import type { RnnState } from "../../src/nn/index.ts";
import { handLstm, twoWidthCell } from "../helpers/hand-cells.ts";

// Entries below 1e-4 are judged by absolute error (< 1e-10): over a whole sequence the loss is
// O(10), so the difference quotient carries ~1e-11 of roundoff whatever the entry's size.
const T = 6, B = 3, D = 3, TOL = 1e-6, FLOOR = 1e-4;
const rand = (rng: Rng, n: number) => Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

function expectSmall(name: string, r: { maxRelErr: number; at: number; analytic: number; numeric: number }) {
  assert.ok(r.maxRelErr < TOL, `${name}: rel. error ${r.maxRelErr.toExponential(2)} at [${r.at}]: analytic ${r.analytic}, numeric ${r.numeric}`);
}

describe("gradcheck through PyTorch-style layers (2 layers, bidirectional, lengths)", () => {
  const configs: [string, () => Recurrent, boolean][] = [
    ["LSTM bidirectional, lengths [6,2,0]", () => new LSTM({ inputSize: D, hiddenSize: 4, numLayers: 2, bidirectional: true, dtype: "float64", kernels: refKernels }), true],
    ["LSTM projSize 2, batchFirst", () => new LSTM({ inputSize: D, hiddenSize: 4, numLayers: 2, projSize: 2, batchFirst: true, dtype: "float64", kernels: refKernels }), false],
    ["GRU bidirectional, lengths [6,2,0]", () => new GRU({ inputSize: D, hiddenSize: 4, numLayers: 2, bidirectional: true, dtype: "float64", kernels: refKernels }), true],
    ["RNN relu bidirectional, lengths [6,2,0]", () => new RNN({ inputSize: D, hiddenSize: 4, numLayers: 2, bidirectional: true, nonlinearity: "relu", dtype: "float64", kernels: refKernels }), true],
  ];
  for (const [name, make, useLengths] of configs) {
    it(name, () => {
      const layer = make(), rng = new Rng(17), lstm = layer.kind === "lstm";
      const LD = layer.numLayers * layer.numDirections, R = layer.outputSize, H = layer.hiddenSize, W = layer.numDirections * R;
      layer.params.flat.set(rand(rng, layer.params.flat.length));
      const xShape = layer.batchFirst ? [B, T, D] : [T, B, D];
      const x = rand(rng, T * B * D), h0 = rand(rng, LD * B * R), c0 = rand(rng, LD * B * H);
      const dy = rand(rng, T * B * W), dhN = rand(rng, LD * B * R), dcN = rand(rng, LD * B * H);
      const lengths = useLengths ? [6, 2, 0] : undefined;
      const run = () => layer.forward(new Tensor(xShape, x), {
        h0: new Tensor([LD, B, R], h0), ...(lstm ? { c0: new Tensor([LD, B, H], c0) } : {}), ...(lengths ? { lengths } : {}),
      });
      const loss = () => { const o = run(); return dot(o.output.data, dy) + dot(o.hN.data, dhN) + (o.cN ? dot(o.cN.data, dcN) : 0); };
      run();
      layer.zeroGrad();
      const g = layer.backward({ output: new Tensor(xShape.slice(0, 2).concat(W), dy), hN: new Tensor([LD, B, R], dhN), ...(lstm ? { cN: new Tensor([LD, B, H], dcN) } : {}) });
      const grads = layer.gradDict();
      const dx = g.dx.data.slice(), dh0 = g.dh0.data.slice(), dc0 = g.dc0?.data.slice();
      expectSmall("x", gradcheck(loss, x, dx, { floor: FLOOR }));
      expectSmall("h0", gradcheck(loss, h0, dh0, { floor: FLOOR }));
      if (lstm) expectSmall("c0", gradcheck(loss, c0, dc0!, { floor: FLOOR }));
      for (const spec of layer.params.layout.specs) {
        expectSmall(spec.name, gradcheck(loss, layer.params.views[spec.name] as Float64Array, grads[spec.name].data, { floor: FLOOR }));
      }
    });
  }
});

describe("gradcheck through the TF-1 API", () => {
  const variablesOf = (cell: nn.RNNCellLike) => cell.layers().flatMap((l) => l.layers());
  function check(name: string, makeFw: () => nn.RNNCellLike, makeBw: (() => nn.RNNCellLike) | null, lengths: number[] | null) {
    it(name, () => {
      const rng = new Rng(5);
      const fw = makeFw(), bw = makeBw?.() ?? null;
      const x = rand(rng, B * T * D), xT = () => new Tensor([B, T, D], x);
      const seqLen = lengths ? { sequenceLength: lengths } : {};
      // build, then randomize every variable
      if (bw) nn.bidirectionalDynamicRnn(fw, bw, xT(), seqLen); else nn.dynamicRnn(fw, xT(), seqLen);
      const cells = [...variablesOf(fw), ...(bw ? variablesOf(bw) : [])];
      for (const c of new Set(cells)) c.params.flat.set(rand(rng, c.params.flat.length));
      const cot = new Map<string, Float64Array>();
      const cotFor = (key: string, n: number) => { if (!cot.has(key)) cot.set(key, rand(new Rng(key.length * 31 + n), n)); return cot.get(key)!; };
      const stateLoss = (s: RnnState, key: string): number => Array.isArray(s) ? s.reduce((a: number, p, i) => a + stateLoss(p, `${key}/${i}`), 0)
        : s instanceof nn.LSTMStateTuple ? dot(s.c.data, cotFor(`${key}/c`, s.c.size)) + dot(s.h.data, cotFor(`${key}/h`, s.h.size))
        : dot((s as Tensor).data, cotFor(`${key}/h`, (s as Tensor).size));
      const stateCot = (s: RnnState, key: string): RnnState => Array.isArray(s) ? s.map((p, i) => stateCot(p, `${key}/${i}`))
        : s instanceof nn.LSTMStateTuple ? new nn.LSTMStateTuple(new Tensor(s.c.shape, cotFor(`${key}/c`, s.c.size)), new Tensor(s.h.shape, cotFor(`${key}/h`, s.h.size)))
        : new Tensor((s as Tensor).shape, cotFor(`${key}/h`, (s as Tensor).size));
      const forward = (tape?: nn.Tape) => {
        const f = rewrap(fw), b = bw ? rewrap(bw) : null;       // same dropout masks every evaluation
        if (b) {
          const r = nn.bidirectionalDynamicRnn(f, b, xT(), { ...seqLen, tape });
          return { outs: r.outputs, states: r.states };
        }
        const r = nn.dynamicRnn(f, xT(), { ...seqLen, tape });
        return { outs: [r.outputs], states: [r.state] };
      };
      const loss = () => {
        const r = forward();
        return r.outs.reduce((a, o, i) => a + dot(o.data, cotFor(`out${i}`, o.size)), 0) + r.states.reduce((a: number, s, i) => a + stateLoss(s, `s${i}`), 0);
      };
      const tape = nn.tape(), r = forward(tape);
      const outCots = r.outs.map((o, i) => new Tensor(o.shape, cotFor(`out${i}`, o.size)));
      const stCots = r.states.map((s, i) => stateCot(s, `s${i}`));
      const g = bw ? tape.backward({ outputs: [outCots[0], outCots[1]], states: [stCots[0], stCots[1]] })
        : tape.backward({ outputs: outCots[0], state: stCots[0] });
      expectSmall("inputs", gradcheck(loss, x, (g.inputs as Tensor).data, { floor: FLOOR }));
      const named = bw ? [...namedCells(fw, "fw/"), ...namedCells(bw, "bw/")] : namedCells(fw, "");
      for (const { prefix, cell } of named) {
        for (const v of cell.variables()) {
          const grad = g.variables.find((gv) => gv.name === prefix + v.name)!;
          assert.ok(grad, `no gradient for ${prefix}${v.name}`);
          const target = Float64Array.from(v.tensor.data);
          const lossOf = () => { cell.assign(v.name, new Tensor(v.tensor.shape, target)); return loss(); };
          expectSmall(prefix + v.name, gradcheck(lossOf, target, grad.tensor.data, { floor: FLOOR }));
          cell.assign(v.name, new Tensor(v.tensor.shape, Float64Array.from(v.tensor.data)));
        }
      }
    });
  }
  check("MultiRNNCell [LSTMCell(peepholes, clip, proj), GRUCell, BasicRNNCell], lengths [6,0,3]",
    () => new nn.MultiRNNCell([
      new nn.LSTMCell({ numUnits: 4, usePeepholes: true, cellClip: 0.8, numProj: 3, projClip: 0.7 }),
      new nn.GRUCell({ numUnits: 3 }), new nn.BasicRNNCell({ numUnits: 2 })]), null, [6, 0, 3]);
  check("bidirectionalDynamicRnn [BasicLSTM, GRU(resetAfter)] / [GRU, LSTMCell], lengths [2,6,4]",
    () => new nn.MultiRNNCell([new nn.BasicLSTMCell({ numUnits: 3 }), new nn.GRUCell({ numUnits: 3, resetAfter: true })]),
    () => new nn.MultiRNNCell([new nn.GRUCell({ numUnits: 2 }), new nn.LSTMCell({ numUnits: 3, usePeepholes: true })]), [2, 6, 4]);
  check("DropoutWrapper (input, output, state; variational on layer 2), no lengths",
    () => new nn.MultiRNNCell([
      new nn.DropoutWrapper(new nn.LSTMCell({ numUnits: 3 }), { inputKeepProb: 0.7, outputKeepProb: 0.8, stateKeepProb: 0.6, seed: 1 }),
      new nn.DropoutWrapper(new nn.GRUCell({ numUnits: 3 }), { inputKeepProb: 0.7, stateKeepProb: 0.5, variationalRecurrent: true, seed: 2 })]), null, null);
  check("user-defined cells: bidirectional [two-width state, LayerNormBasicLSTMCell] / [hand LSTM, built-in GRU], lengths [2,6,0]",
    () => new nn.MultiRNNCell([twoWidthCell({ kernels: refKernels }), new nn.LayerNormBasicLSTMCell({ numUnits: 3, kernels: refKernels })]),
    () => new nn.MultiRNNCell([handLstm(3, { kernels: refKernels }), new nn.GRUCell({ numUnits: 2, kernels: refKernels })]), [2, 6, 0]);
  check("DropoutWrapper around user-defined cells (all masks; an LSTM tuple drops only h), lengths [6,0,3]",
    () => new nn.MultiRNNCell([
      new nn.DropoutWrapper(twoWidthCell({ kernels: refKernels }), { inputKeepProb: 0.7, outputKeepProb: 0.8, stateKeepProb: 0.6, seed: 3 }),
      new nn.DropoutWrapper(handLstm(3, { kernels: refKernels }), { inputKeepProb: 0.8, stateKeepProb: 0.5, variationalRecurrent: true, seed: 4 })]), null, [6, 0, 3]);
});

/** The same structure with fresh DropoutWrappers of the same seeds: identical masks on every call. */
function rewrap(cell: nn.RNNCellLike): nn.RNNCellLike {
  if (cell instanceof nn.DropoutWrapper) {
    return new nn.DropoutWrapper(cell.cell, { inputKeepProb: cell.inputKeepProb, outputKeepProb: cell.outputKeepProb,
      stateKeepProb: cell.stateKeepProb, variationalRecurrent: cell.variationalRecurrent, seed: cell.seed });
  }
  if (cell instanceof nn.MultiRNNCell) return new nn.MultiRNNCell(cell.cells.map(rewrap));
  return cell;
}

function namedCells(cell: nn.RNNCellLike, prefix: string): { prefix: string; cell: nn.RNNCell }[] {
  if (cell instanceof nn.MultiRNNCell) return cell.cells.flatMap((c, l) => namedCells(c, `${prefix}cell_${l}/`));
  return [{ prefix, cell: cell.layers()[0] as nn.RNNCell }];
}
