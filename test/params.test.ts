// Seeded RNG and initializers: same seed, same weights; the distributions have the stated bounds.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../src/params/rng.ts";
import { fillOrthogonal } from "../src/params/init.ts";
import { initCellParams } from "../src/params/init-schemes.ts";
import { allocFlat, planLayout } from "../src/params/layout.ts";
import { createCell } from "../src/cells/index.ts";
import { refKernels } from "../src/kernels/ref/index.ts";

function initLstm(scheme: "torch" | "keras" | "tf1", seed: number, dtype: "float32" | "float64" = "float64") {
  const cell = createCell("lstm", { inputSize: 6, hiddenSize: 5, biases: scheme === "torch" ? 2 : 1 });
  const p = allocFlat(refKernels, planLayout(cell.specs), dtype);
  initCellParams(cell.config, p.views, scheme, seed);
  return p;
}

describe("Rng", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.next()), sb = Array.from({ length: 5 }, () => b.next());
    assert.deepEqual(sa, sb);
    assert.notDeepEqual(sa, Array.from({ length: 5 }, () => c.next()));
  });
  it("uniform lies in [0, 1) with mean ≈ 1/2; normal has mean ≈ 0 and variance ≈ 1", () => {
    const r = new Rng(1), n = 20000;
    let su = 0, sn = 0, sn2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next(); assert.ok(u >= 0 && u < 1); su += u;
      const z = r.normal(); sn += z; sn2 += z * z;
    }
    assert.ok(Math.abs(su / n - 0.5) < 0.01);
    assert.ok(Math.abs(sn / n) < 0.03 && Math.abs(sn2 / n - 1) < 0.05);
  });
  it("rejects a non-finite seed", () => assert.throws(() => new Rng(NaN), /Rng: seed must be a finite number, got NaN/));
});

describe("initializers", () => {
  it("the same seed gives identical weights; another seed different ones", () => {
    assert.deepEqual(initLstm("keras", 3).flat, initLstm("keras", 3).flat);
    assert.notDeepEqual(initLstm("keras", 3).flat, initLstm("keras", 4).flat);
  });
  it("torch: every parameter in U(−1/√H, 1/√H)", () => {
    const p = initLstm("torch", 1), limit = 1 / Math.sqrt(5);
    for (const v of Object.values(p.views)) for (const x of v) assert.ok(Math.abs(x) <= limit && x !== 0);
  });
  it("keras: W_hh has orthonormal columns, biases 0 except the unit forget bias", () => {
    const p = initLstm("keras", 2), W = p.views.weightHh, G = 20, R = 5;
    for (let a = 0; a < R; a++) for (let b = 0; b < R; b++) {
      let dot = 0;
      for (let g = 0; g < G; g++) dot += W[g * R + a] * W[g * R + b];
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12, `column ${a}·${b} = ${dot}`);
    }
    assert.deepEqual(Array.from(p.views.biasIh), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const limit = Math.sqrt(6 / (6 + 20));
    for (const x of p.views.weightIh) assert.ok(Math.abs(x) <= limit);
  });
  it("orthogonal: a wide matrix gets orthonormal rows", () => {
    const rows = 3, cols = 7, m = new Float64Array(rows * cols);
    fillOrthogonal(m, rows, cols, new Rng(5));
    for (let a = 0; a < rows; a++) for (let b = 0; b < rows; b++) {
      let dot = 0;
      for (let c = 0; c < cols; c++) dot += m[a * cols + c] * m[b * cols + c];
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12);
    }
  });
  it("tf1: GRU gate biases start at 1, candidate bias at 0", () => {
    const cell = createCell("gru", { inputSize: 3, hiddenSize: 2, biases: 1, resetAfter: false });
    const p = allocFlat(refKernels, planLayout(cell.specs), "float32");
    initCellParams(cell.config, p.views, "tf1", 0);
    assert.deepEqual(Array.from(p.views.biasIh), [1, 1, 1, 1, 0, 0]);
  });
  it("float32 and float64 get the same values (rounded)", () => {
    const a = initLstm("tf1", 9, "float32").flat, b = initLstm("tf1", 9, "float64").flat;
    assert.deepEqual(Array.from(a), Array.from(Float32Array.from(b)));
  });
  it("an unknown scheme is named in the error", () => {
    assert.throws(() => initLstm("xavier" as never, 1), /initCellParams: init must be one of "torch", "keras", "tf1", got "xavier"/);
  });
});
