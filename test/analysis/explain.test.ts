// The printed equations are the computed ones: every explained configuration is evaluated from its
// expression trees and compared with the real cell (CellStep on the reference kernels, float64).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createCell, type CellKind, type CellOptions } from "../../src/cells/index.ts";
import { CellStep } from "../../src/cells/step.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";
import { paramTable } from "../../src/analysis/param-table.ts";
import { Rng } from "../../src/params/rng.ts";
import { explainCell, evaluateExplanation, explainCellSvg, explainUnrolledSvg, type ExplainOptions } from "../../src/analysis/explain/index.ts";

const D = 3, H = 5, B = 3;
const CASES: { name: string; opts: ExplainOptions }[] = [
  { name: "LSTM plain (PyTorch, two biases)", opts: { kind: "lstm" } },
  { name: "LSTM TF-1 BasicLSTMCell (one bias, forget bias 1)", opts: { kind: "lstm", biases: 1, forgetBias: 1 } },
  { name: "LSTM peepholes + forget bias + cell clip", opts: { kind: "lstm", biases: 1, forgetBias: 1, usePeepholes: true, cellClip: 0.3 } },
  { name: "LSTM projection + clip", opts: { kind: "lstm", biases: 1, projSize: 2, projClip: 0.05 } },
  { name: "LSTM projection, peepholes, everything", opts: { kind: "lstm", biases: 2, forgetBias: 0.5, usePeepholes: true, cellClip: 0.4, projSize: 4, projClip: 0.1 } },
  { name: "LSTM hard-sigmoid gates, softsign activation, no biases", opts: { kind: "lstm", biases: 0, gateActivation: "hardSigmoid", activation: "softsign" } },
  { name: "GRU reset after (PyTorch)", opts: { kind: "gru" } },
  { name: "GRU reset after, one bias", opts: { kind: "gru", biases: 1 } },
  { name: "GRU reset before (TF-1 GRUCell)", opts: { kind: "gru", resetAfter: false, biases: 1 } },
  { name: "GRU reset before, two biases", opts: { kind: "gru", resetAfter: false, biases: 2 } },
  { name: "GRU hardSigmoidV3 gates, relu", opts: { kind: "gru", gateActivation: "hardSigmoidV3", activation: "relu" } },
  { name: "RNN tanh", opts: { kind: "rnn" } },
  { name: "RNN relu, one bias", opts: { kind: "rnn", activation: "relu", biases: 1 } },
  { name: "RNN elu, no bias", opts: { kind: "rnn", activation: "elu", biases: 0 } },
];

function runCell(opts: ExplainOptions, seed: number) {
  const { kind, ...rest } = opts;
  const cell = createCell(kind as CellKind, { inputSize: D, hiddenSize: H, ...rest } as CellOptions);
  const step = new CellStep(refKernels, cell, B, "float64").init("torch", seed);
  const rng = new Rng(seed + 100);
  // scale up so clips, saturation and relu's kink are all exercised
  for (const v of Object.values(step.params.views)) for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-1.5, 1.5);
  step.weightsChanged();
  const R = cell.config.outputSize;
  const x = Float64Array.from({ length: B * D }, () => rng.uniform(-2, 2));
  const h = Float64Array.from({ length: B * R }, () => rng.uniform(-1, 1));
  const c = Float64Array.from({ length: B * H }, () => rng.uniform(-1, 1));
  const out = step.forward({ x, h, ...(kind === "lstm" ? { c } : {}) });
  return { step, x, h, c, hOut: Float64Array.from(out.h), cOut: out.c ? Float64Array.from(out.c) : null, R };
}

describe("explain: the printed equations compute what the cell computes", () => {
  for (const { name, opts } of CASES) {
    it(name, () => {
      const e = explainCell({ ...opts, inputSize: D, hiddenSize: H });
      for (const seed of [1, 2, 3]) {
        const r = runCell(opts, seed);
        for (let b = 0; b < B; b++) {
          const vals = evaluateExplanation(e, {
            x: r.x.subarray(b * D, (b + 1) * D), h: r.h.subarray(b * r.R, (b + 1) * r.R), c: r.c.subarray(b * H, (b + 1) * H),
          }, r.step.params.views);
          const want = r.hOut.subarray(b * r.R, (b + 1) * r.R);
          assert.equal(vals.h.length, r.R);
          vals.h.forEach((v, j) => assert.ok(Math.abs(v - want[j]) < 1e-12, `${name} seed ${seed} row ${b}: h[${j}] = ${v}, cell ${want[j]}`));
          if (r.cOut) vals.c.forEach((v, j) => assert.ok(Math.abs(v - r.cOut![b * H + j]) < 1e-12, `c[${j}]`));
        }
      }
    });
  }

  it("a wrong formula is caught: GRU reset-before equations do not match a reset-after cell", () => {
    const e = explainCell({ kind: "gru", inputSize: D, hiddenSize: H, resetAfter: false, biases: 2 });
    const r = runCell({ kind: "gru", biases: 2 }, 1);
    const vals = evaluateExplanation(e, { x: r.x.subarray(0, D), h: r.h.subarray(0, H) }, r.step.params.views);
    assert.ok(vals.h.some((v, j) => Math.abs(v - r.hOut[j]) > 1e-6));
  });

  it("every option is visible in the text, the LaTeX and the shapes", () => {
    const e = explainCell({ kind: "lstm", inputSize: 28, hiddenSize: 128, biases: 1, forgetBias: 1, usePeepholes: true, cellClip: 3, projSize: 64, projClip: 2 });
    const line = (t: string) => e.lines.find((l) => l.target === t)!;
    assert.match(line("i").text, /w_ci ⊙ c_t−1/);
    assert.match(line("f").text, /\+ 1 \+ w_cf ⊙ c_t−1/);
    assert.match(line("o").text, /w_co ⊙ c_t\)/);
    assert.match(line("c").text, /clip\(.*±3\)/);
    assert.equal(line("h").text, "h_t = clip(W_hr m_t, ±2)");
    assert.match(e.latex, /\\odot c_\{t-1\}/);
    assert.deepEqual(e.params.find((p) => p.id === "W_hi")!.shape, [128, 64]);
    assert.deepEqual(e.params.find((p) => p.id === "W_hr")!.shape, [64, 128]);
    assert.match(e.text, /W_ii 128×28, W_hi 128×64, b_i 128, w_ci 128/);
    const total = paramTable("lstm", { inputSize: 28, hiddenSize: 128, usePeepholes: true, projSize: 64 }, "tf1").total;
    assert.match(e.text, new RegExp(`total ${total.toLocaleString("en-US")} parameters`));   // 56,192
    const gru = explainCell({ kind: "gru", resetAfter: false, biases: 1 });
    assert.match(gru.lines[2].text, /W_hn \(r_t ⊙ h_t−1\)/);
    assert.match(explainCell({ kind: "gru" }).lines[2].text, /r_t ⊙ \(W_hn h_t−1 \+ b_hn\)/);
  });

  it("draws the step and the unrolled cell", () => {
    const e = explainCell({ kind: "lstm", usePeepholes: true, projSize: 16 });
    const svg = explainCellSvg(e);
    assert.match(svg, /^<svg /);
    for (const l of e.lines) assert.ok(svg.includes(`${l.symbol.text} =`), l.target);
    assert.match(svg, /stroke-dasharray="5 3"/);                       // the peepholes
    assert.doesNotMatch(explainCellSvg(explainCell({ kind: "lstm" })), /stroke-dasharray="5 3"/);
    const un = explainUnrolledSvg(e, { steps: 3 });
    for (const t of ["x_t−2", "x_t−1", "x_t", "c_t−3", "h_t"]) assert.ok(un.includes(t), t);
  });

  it("refuses bad options with an RnnlabError", () => {
    assert.throws(() => explainCell({ kind: "lstm", projClip: 1 }), { name: "RnnlabError", message: /projClip/ });
    assert.throws(() => explainCell({ kind: "tree" as "rnn" }), { name: "RnnlabError", message: /kind/ });
    assert.throws(() => explainCell(null as unknown as ExplainOptions), { name: "RnnlabError" });
  });

  it("is browser-safe: no Node imports", () => {
    const dir = new URL("../../src/analysis/explain/", import.meta.url);
    for (const f of readdirSync(dir)) assert.doesNotMatch(readFileSync(new URL(f, dir), "utf8"), /from "node:|require\(/, f);
  });
});
