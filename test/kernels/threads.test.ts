// Two threads give the same bits as one: GEMMs cut along M and along N (tails, K across several KC
// chunks, gemmTN across several packed panels), the pointwise LSTM/GRU steps cut along the batch,
// and whole training steps of an LSTM and a GRU model. Each test also checks that the worker really
// ran (parallelCalls grows), and the large GEMMs are compared with ref to f32 tolerance.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { refKernels as ref } from "../../src/kernels/ref/index.ts";
import { createWasmKernelsSync, type WasmKernels } from "../../src/kernels/wasm/index.ts";
import { Act } from "../../src/kernels/types.ts";
import { SequenceModel, adam } from "../../src/index.ts";
import type { Batch } from "../../src/train/batch.ts";

const one = createWasmKernelsSync({ threads: 1 });
const two = createWasmKernelsSync({ threads: 2 });
two.waitForThreads();
after(() => two.dispose());

function filled(k: WasmKernels, n: number, seed: number): Float32Array {
  const v = k.alloc(n) as Float32Array;
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1103515245) + 12345) >>> 0; v[i] = s / 2 ** 31 - 1; }
  return v;
}

const bits = (v: Float32Array) => new Uint32Array(v.buffer, v.byteOffset, v.length);
function assertSameBits(a: Float32Array, b: Float32Array, what: string) {
  const x = bits(a), y = bits(b);
  assert.equal(x.length, y.length, `${what}: length`);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) assert.fail(`${what}: element ${i} differs: ${a[i]} (1 thread) vs ${b[i]} (2 threads)`);
}

/** Runs `call` on both backends with identical inputs (made by `make`) and compares the outputs.
 *  This thread takes every chunk the worker has not claimed yet (by design: a busy machine may not
 *  schedule the worker in time), so the two-thread call is repeated until the worker took part. */
function sameOnBoth(what: string, make: (k: WasmKernels) => Record<string, Float32Array>, outs: string[],
                    call: (k: WasmKernels, b: Record<string, Float32Array>) => void) {
  const a = make(one);
  call(one, a);
  for (let attempt = 0; attempt < 200; attempt++) {
    const b = make(two), before = two.parallelCalls();
    call(two, b);
    for (const o of outs) assertSameBits(a[o]!, b[o]!, `${what} ${o}`);
    if (two.parallelCalls() > before) return a;
  }
  return assert.fail(`${what}: the worker thread never took a chunk in 200 calls`);
}

describe("gemm on two threads", () => {
  const shapes: [string, "gemmNN" | "gemmNT" | "gemmTN", number, number, number][] = [
    ["time step (cut along N)", "gemmNT", 32, 1024, 256],
    ["time step backward (cut along N)", "gemmNN", 33, 259, 1030],
    ["input projection (cut along M)", "gemmNT", 803, 130, 67],
    ["weight gradient (cut along M, panels)", "gemmTN", 517, 67, 901],
    ["weight gradient (cut along N)", "gemmTN", 40, 700, 333],
    ["odd everything", "gemmNN", 149, 151, 157],
  ];
  for (const [what, g, M, N, K] of shapes) {
    it(`${what}: ${g} ${M}×${N}×${K} is bit-identical to one thread and within f32 tolerance of ref`, () => {
      const make = (k: WasmKernels) => ({ C: filled(k, M * N, 3), A: filled(k, M * K, 1), B: filled(k, K * N, 2) });
      const got = sameOnBoth(`${g} ${M}×${N}×${K}`, make, ["C"], (k, b) => k[g](b.C!, b.A!, b.B!, M, N, K));
      const r = make(one), want = Float32Array.from(r.C!);
      ref[g](want, r.A!, r.B!, M, N, K);
      for (let i = 0; i < want.length; i++) {                 // |terms| ≤ 1, so K·2^-22 bounds the error
        assert.ok(Math.abs(got.C![i]! - want[i]!) <= K * 2 ** -22, `${g} C[${i}]: ${got.C![i]} vs ref ${want[i]}`);
      }
    });
  }
});

describe("pointwise steps on two threads", () => {
  const B = 64, H = 160;
  const o = { forgetBias: 1, cellClip: 3, gateAct: Act.Sigmoid, cellAct: Act.Tanh };
  it("lstmForward and lstmBackward (no peepholes) are bit-identical", () => {
    const make = (k: WasmKernels) => ({
      gates: k.alloc(4 * B * H) as Float32Array, c: k.alloc(B * H) as Float32Array, m: k.alloc(B * H) as Float32Array,
      z: filled(k, 4 * B * H, 5), cPrev: filled(k, B * H, 6), dz: filled(k, 4 * B * H, 7), dcPrev: filled(k, B * H, 8),
      dm: filled(k, B * H, 9), dc: filled(k, B * H, 10),
    });
    sameOnBoth("lstm", make, ["gates", "c", "m", "dz", "dcPrev"], (k, b) => {
      k.lstmForward(b.gates!, b.c!, b.m!, b.z!, b.cPrev!, null, B, H, o);
      k.lstmBackward(b.dz!, b.dcPrev!, null, b.dm!, b.dc!, b.gates!, b.c!, b.cPrev!, null, B, H, o);
    });
  });
  for (const resetAfter of [false, true]) {
    it(`GRU steps (resetAfter ${resetAfter}) are bit-identical`, () => {
      const make = (k: WasmKernels) => ({
        gates: k.alloc(3 * B * H) as Float32Array, rh: k.alloc(B * H) as Float32Array, h: k.alloc(B * H) as Float32Array,
        xz: filled(k, 3 * B * H, 11), hRZ: filled(k, 2 * B * H, 12), hN: filled(k, B * H, 13), hPrev: filled(k, B * H, 14),
        dxz: filled(k, 3 * B * H, 15), dhRZ: filled(k, 2 * B * H, 16), dhN: filled(k, B * H, 17), dhPrev: filled(k, B * H, 18),
        dh: filled(k, B * H, 19), dRh: filled(k, B * H, 20),
      });
      sameOnBoth("gru", make, ["gates", "rh", "h", "dxz", "dhRZ", "dhN", "dhPrev"], (k, b) => {
        k.gruGatesForward(b.gates!, b.rh!, b.xz!, b.hRZ!, b.hPrev!, B, H, Act.Sigmoid);
        k.gruCandidateForward(b.gates!, b.h!, b.xz!, b.hN!, b.hPrev!, B, H, resetAfter, Act.Tanh);
        k.gruCandidateBackward(b.dxz!, b.dhRZ!, b.dhN!, b.dhPrev!, b.dh!, b.gates!, b.hN!, b.hPrev!, B, H, resetAfter, Act.Sigmoid, Act.Tanh);
        if (!resetAfter) k.gruResetBackward(b.dxz!, b.dhRZ!, b.dhPrev!, b.dRh!, b.gates!, b.hPrev!, B, H, Act.Sigmoid);
      });
    });
  }
});

describe("training on two threads", () => {
  for (const cell of ["lstm", "gru"] as const) {
    it(`${cell}: three Adam steps of a char-LM-sized model give the same parameters bit for bit`, () => {
      const T = 12, B = 32, D = 48, H = 192, V = 40;
      const run = (k: WasmKernels) => {
        const model = new SequenceModel({ cell, inputKind: "features", inputSize: D, hiddenSize: H, outputSize: V, head: "every", loss: "class", seed: 3 }, k);
        const x = filled(k, T * B * D, 21), labels = Int32Array.from({ length: T * B }, (_, i) => (i * 7919) % V);
        const batch: Batch = { input: { kind: "features", x, T, B, D }, target: { kind: "classPerStep", labels }, lengths: null };
        const opt = adam({ lr: 1e-2 }), groups = model.groups();
        const losses: number[] = [];
        for (let s = 0; s < 3; s++) { model.zeroGrad(); model.forward(batch); losses.push(model.lossAndBackward().loss); opt.step(groups); }
        return { params: groups.map((g) => Float32Array.from(g.params)), losses };
      };
      const before = two.parallelCalls();
      const a = run(one), b = run(two);
      assert.ok(two.parallelCalls() > before, "the worker thread never took a chunk");
      assert.deepEqual(b.losses, a.losses);
      a.params.forEach((p, i) => assertSameBits(p, b.params[i]!, `${cell} params group ${i}`));
    });
  }
});

describe("training on 1…8 threads", () => {
  it("an LSTM model trained on 3, 5 and 8 threads (more workers than cores) matches one thread bit for bit", () => {
    const T = 6, B = 24, D = 20, H = 64, V = 16;
    const run = (k: WasmKernels) => {
      const model = new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: D, hiddenSize: H, outputSize: V, head: "every", loss: "class", seed: 4 }, k);
      const x = filled(k, T * B * D, 31), labels = Int32Array.from({ length: T * B }, (_, i) => (i * 31) % V);
      const batch: Batch = { input: { kind: "features", x, T, B, D }, target: { kind: "classPerStep", labels }, lengths: null };
      const opt = adam({ lr: 1e-2 }), groups = model.groups();
      for (let s = 0; s < 2; s++) { model.zeroGrad(); model.forward(batch); model.lossAndBackward(); opt.step(groups); }
      return groups.map((g) => Float32Array.from(g.params));
    };
    const base = run(one);
    for (const n of [3, 5, 8]) {
      const k = createWasmKernelsSync({ threads: n, parallelGemmMacs: 0, parallelPointwise: 0 });   // share every call
      k.waitForThreads();
      try {
        // a busy machine may not schedule the workers in time (this thread then takes every chunk):
        // repeat until some worker took part, checking the bits every time
        for (let attempt = 0; attempt < 50; attempt++) {
          const got = run(k);
          base.forEach((p, i) => assertSameBits(p, got[i]!, `${n} threads, params group ${i}`));
          if (k.parallelCalls() > 0) break;
        }
        assert.ok(k.parallelCalls() > 0, `${n} threads: no worker took a chunk in 50 runs`);
      } finally { k.dispose(); }
    }
  });
});
