// Float64 finite-difference check of every cell variant: ∂L/∂x, ∂L/∂h_{t−1}, ∂L/∂c_{t−1} and
// ∂L/∂(every parameter) of L = Σ h_t·dh + Σ c_t·dc, max relative error < 1e-6.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createCell, ACTIVATION_NAMES, type CellKind, type CellOptions } from "../../src/cells/index.ts";
import { CellStep } from "../../src/cells/step.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";
import { gradcheck } from "../../src/analysis/gradcheck.ts";
import { Rng } from "../../src/params/rng.ts";

const B = 2, D = 3, H = 4;
const TOL = 1e-6;

function randomArray(rng: Rng, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

function check(kind: CellKind, opts: Partial<CellOptions>, seed: number) {
  const cell = createCell(kind, { inputSize: D, hiddenSize: H, ...opts });
  const step = new CellStep(refKernels, cell, B, "float64");
  const rng = new Rng(seed);
  step.params.flat.set(randomArray(rng, step.params.flat.length));
  const { outputSize: R } = cell.config, lstm = kind === "lstm";
  const x = randomArray(rng, B * D), h = randomArray(rng, B * R), c = randomArray(rng, B * H, 2);
  const dh = randomArray(rng, B * R), dc = randomArray(rng, B * H);
  const loss = () => {
    const out = step.forward({ x, h, c: lstm ? c : undefined });
    let sum = 0;
    for (let i = 0; i < dh.length; i++) sum += out.h[i] * dh[i];
    if (out.c) for (let i = 0; i < dc.length; i++) sum += out.c[i] * dc[i];
    return sum;
  };
  loss();
  step.zeroGrads();
  const g = step.backward({ dh, dc: lstm ? dc : undefined });
  const analytic: [string, Float64Array, Float64Array][] = [
    ["x", x, Float64Array.from(g.dx)], ["h", h, Float64Array.from(g.dh)],
  ];
  if (lstm) analytic.push(["c", c, Float64Array.from(g.dc!)]);
  for (const spec of step.params.layout.specs) {
    analytic.push([spec.name, step.params.views[spec.name] as Float64Array, Float64Array.from(step.grads.views[spec.name])]);
  }
  for (const [name, target, grad] of analytic) {
    const r = gradcheck(loss, target, grad);
    if (process.env.GC_VERBOSE) console.log(kind, JSON.stringify(opts), name, r.maxRelErr.toExponential(1));
    assert.ok(r.maxRelErr < TOL, `${name}: rel. error ${r.maxRelErr.toExponential(2)} at [${r.at}] analytic ${r.analytic} numeric ${r.numeric}`);
  }
}

const smoothGates = ["sigmoid", "hardSigmoid", "hardSigmoidV3", "tanh"] as const;

describe("gradcheck: simple RNN, every activation", () => {
  for (const activation of ACTIVATION_NAMES) {
    for (const biases of [0, 1, 2] as const) {
      it(`rnn ${activation} biases=${biases}`, () => check("rnn", { activation, biases }, 11));
    }
  }
});

describe("gradcheck: LSTM, every combination of peepholes / cellClip / projection / projClip", () => {
  let seed = 100;
  for (const usePeepholes of [false, true]) {
    for (const cellClip of [null, 0, 0.7]) {
      for (const [projSize, projClip] of [[0, null], [3, null], [3, 0.5]] as const) {
        const opts = { usePeepholes, cellClip, projSize, projClip, forgetBias: 1 };
        it(`lstm ${JSON.stringify(opts)}`, () => check("lstm", opts, seed++));
      }
    }
  }
  for (const activation of ACTIVATION_NAMES) {
    it(`lstm cell activation ${activation}`, () => check("lstm", { activation, usePeepholes: true }, 7));
  }
  for (const gateActivation of smoothGates) {
    it(`lstm gate activation ${gateActivation}`, () => check("lstm", { gateActivation }, 8));
  }
  for (const biases of [0, 1] as const) it(`lstm biases=${biases}`, () => check("lstm", { biases }, 9));
});

describe("gradcheck: GRU, both formulas", () => {
  for (const resetAfter of [true, false]) {
    for (const activation of ACTIVATION_NAMES) {
      it(`gru resetAfter=${resetAfter} ${activation}`, () => check("gru", { resetAfter, activation }, 21));
    }
    for (const gateActivation of smoothGates) {
      it(`gru resetAfter=${resetAfter} gates ${gateActivation}`, () => check("gru", { resetAfter, gateActivation }, 22));
    }
    for (const biases of [0, 1] as const) it(`gru resetAfter=${resetAfter} biases=${biases}`, () => check("gru", { resetAfter, biases }, 23));
  }
});
