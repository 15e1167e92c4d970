// rnnlab explain from the command line: the equations it writes (equations.json, parsed back) compute
// what the configured cell computes, and its text and drawings are written. Also the `params`
// diagram's options (peepholes, forget bias, projection; GRU mentions only h).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, readJson, pngSize } from "./helpers.ts";
import { createCell } from "../../src/cells/index.ts";
import { CellStep } from "../../src/cells/step.ts";
import { refKernels } from "../../src/kernels/ref/index.ts";
import { Rng } from "../../src/params/rng.ts";
import { evaluateExplanation, paramTable, cellDiagramSvg, type CellExplanation } from "../../src/index.ts";

let dir = "";
before(() => { dir = mkdtempSync(join(tmpdir(), "rnnlab-explain-")); });
after(() => rmSync(dir, { recursive: true, force: true }));

describe("rnnlab explain", () => {
  it("writes text, LaTeX, JSON and both drawings; the JSON's equations evaluate to the cell's output", async () => {
    const out = join(dir, "lstm");
    const r = await runCli(["explain", "--cell", "lstm", "--style", "tf1", "--peepholes", "--input", "3", "--units", "4", "--proj", "2", "--proj-clip", "0.5", "--cell-clip", "1", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /f_t = σ\(W_if x_t \+ W_hf h_t−1 \+ b_f \+ 1 \+ w_cf ⊙ c_t−1\)/);
    assert.match(readFileSync(join(out, "equations.tex"), "utf8"), /\\begin\{aligned\}/);
    for (const p of ["cell", "unrolled"]) { assert.match(readFileSync(join(out, `${p}.svg`), "utf8"), /^<svg/); assert.ok(pngSize(join(out, `${p}.png`)).width > 400); }
    const e = readJson<CellExplanation>(join(out, "equations.json"));
    const cell = createCell("lstm", { inputSize: 3, hiddenSize: 4, biases: 1, forgetBias: 1, usePeepholes: true, cellClip: 1, projSize: 2, projClip: 0.5 });
    const step = new CellStep(refKernels, cell, 1, "float64").init("tf1", 4);
    const rng = new Rng(9);
    for (const v of Object.values(step.params.views)) for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-1, 1);
    step.weightsChanged();
    const x = Float64Array.from([0.5, -1, 2]), h = Float64Array.from([0.3, -0.2]), c = Float64Array.from([1, -0.5, 0.2, 0.9]);
    const want = step.forward({ x, h, c });
    const got = evaluateExplanation(e, { x, h, c }, step.params.views);
    got.h.forEach((v, j) => assert.ok(Math.abs(v - want.h[j]) < 1e-12, `h[${j}]`));
    got.c.forEach((v, j) => assert.ok(Math.abs(v - want.c![j]) < 1e-12, `c[${j}]`));
  });

  it("GRU in the TF-1 style resets before the matmul; options of other cells are refused", async () => {
    const r = await runCli(["explain", "--cell", "gru", "--style", "tf1", "--units", "4", "--no-png", "--out", join(dir, "gru")]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /n_t = tanh\(W_in x_t \+ W_hn \(r_t ⊙ h_t−1\) \+ b_n\)/);
    const bad = await runCli(["explain", "--cell", "gru", "--peepholes", "--out", join(dir, "bad")]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--peepholes applies only to --cell lstm/);
  });
});

describe("params diagram", () => {
  it("shows peepholes, the forget bias and the projection", () => {
    const svg = cellDiagramSvg(paramTable("lstm", { inputSize: 28, hiddenSize: 128, usePeepholes: true, forgetBias: 1, projSize: 64 }, "tf1"));
    assert.match(svg, /b_f \+ 1 \+ w⊙c_t−1/);
    assert.match(svg, /o = σ\(W_o \[x, h\] \+ b_o \+ w⊙c_t\)/);
    assert.match(svg, /peepholes: three diagonal weight vectors/);
    assert.match(svg, /h is projected to P = 64/);
    assert.doesNotMatch(cellDiagramSvg(paramTable("lstm", { inputSize: 28, hiddenSize: 128 }, "tf1")), /peephole|\+ 1\)/);
  });
  it("the GRU's footer names only h", () => {
    const svg = cellDiagramSvg(paramTable("gru", { inputSize: 28, hiddenSize: 128 }, "tf1"));
    assert.doesNotMatch(svg, /h and c|h, c/);
    assert.match(svg, /the size of h</);
  });
});
