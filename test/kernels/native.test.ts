// The native backend beyond the shared parity suite: its GEMM paths at the sizes where each one is
// taken (dot products for few rows of A·Bᵀ, B in place, packed blocks across several KC/MC blocks)
// on every instruction set this CPU has, against ref; bit-identical results for 1…8 threads, both
// for single kernel calls cut into chunks and for whole training runs (LSTM with peepholes off and
// on, GRU, both optimizers); argument checks. Skipped (with a note) where the native kernels are
// not built — RNNLAB_REQUIRE_NATIVE=1 makes that a failure.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { refKernels } from "../../src/kernels/ref/index.ts";
import type { Kernels } from "../../src/kernels/types.ts";
import type { NativeKernels } from "../../src/kernels/native/index.ts";
import { LSTM, GRU, sgd, adam, Tensor, Rng } from "../../src/index.ts";
import { nativeBackend, onIsa } from "../helpers/backends.ts";

const [found] = await nativeBackend();
const native = found as NativeKernels | undefined;
const skip = native ? false : "native kernels not built";

const rand = (n: number, seed: number, scale = 1) => { const r = new Rng(seed); return Float32Array.from({ length: n }, () => scale * r.normal()); };
const bits = (v: Float32Array) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));

describe("native GEMM paths against ref", { skip }, () => {
  const shapes: [string, number, number, number][] = [
    ["dot (few rows of A·Bᵀ)", 1, 37, 45], ["dot", 8, 50, 19],
    ["packed A·Bᵀ", 9, 70, 300], ["packed A·Bᵀ, 2 KC blocks", 150, 33, 520],
    ["B in place (NN, TN)", 17, 45, 530], ["packed, all big", 300, 260, 270],
  ];
  const isas = native ? (["avx512", "avx2", "base"] as const).filter((isa) => { try { native.setIsa(isa); return true; } catch { return false; } }) : [];
  if (native) native.setIsa(isas[0]!);
  for (const isa of isas) {
    for (const [what, M, N, K] of shapes) {
      it(`${isa}: ${what} M=${M} N=${N} K=${K}, all three transposes`, () => {
        const k: Kernels = onIsa(native!, isa);
        for (const g of ["gemmNN", "gemmNT", "gemmTN"] as const) {
          const A = rand(M * K, 1), B = rand(K * N, 2), C0 = rand(M * N, 3);
          const want = C0.slice(), got = C0.slice(), twin = Float32Array.from(C0, Math.abs);
          refKernels[g](want, A, B, M, N, K);
          k[g](got, A, B, M, N, K);
          refKernels[g](twin, Float32Array.from(A, Math.abs), Float32Array.from(B, Math.abs), M, N, K);
          for (let i = 0; i < want.length; i++) {
            const tol = 8 * 2 ** -24 * (Math.abs(want[i]!) + twin[i]!) + 1e-30;
            if (!(Math.abs(got[i]! - want[i]!) <= tol)) assert.fail(`${g} [${i}]: ${got[i]} vs ref ${want[i]} (tol ${tol})`);
          }
        }
      });
    }
  }
});

describe("native threads: bit-identical for 1…8 threads", { skip }, () => {
  after(() => { native?.setThreads(1); native?.setThresholds({ gemmMacs: 1 << 19, pointwise: 1 << 13, elementwise: 1 << 15, smallRows: 8 }); });

  /** Runs fn once per thread count with every call shared (thresholds 0) and returns the outputs. */
  function perThreads(fn: () => Float32Array[]): Float32Array[][] {
    const out: Float32Array[][] = [];
    for (let t = 1; t <= 8; t++) {
      native!.setThreads(t);
      native!.setThresholds({ gemmMacs: 0, pointwise: 0, elementwise: 0, smallRows: 8 });
      out.push(fn());
    }
    return out;
  }
  const same = (runs: Float32Array[][], what: string) => {
    for (let t = 1; t < runs.length; t++) {
      runs[t]!.forEach((v, i) => assert.deepEqual(bits(v), bits(runs[0]![i]!), `${what}: ${t + 1} threads differ from 1 (output ${i})`));
    }
  };

  it("each kernel, cut into chunks, gives the same bits", () => {
    const before = native!.parallelCalls();
    const runs = perThreads(() => {
      const k = native!, outs: Float32Array[] = [];
      for (const [M, N, K] of [[3, 200, 70], [64, 512, 128], [300, 260, 270], [130, 40, 600]] as const) {
        for (const g of ["gemmNN", "gemmNT", "gemmTN"] as const) {
          const C = rand(M * N, 4);
          k[g](C, rand(M * K, 5), rand(K * N, 6), M, N, K);
          outs.push(C);
        }
      }
      const B = 37, H = 45, o = { forgetBias: 1, cellClip: 3, gateAct: 2, cellAct: 1 };
      const gates = new Float32Array(4 * B * H), c = new Float32Array(B * H), m = new Float32Array(B * H);
      k.lstmForward(gates, c, m, rand(4 * B * H, 7, 3), rand(B * H, 8), null, B, H, o);
      const dz = rand(4 * B * H, 9), dcp = rand(B * H, 10);
      k.lstmBackward(dz, dcp, null, rand(B * H, 11), rand(B * H, 12), gates, c, rand(B * H, 8), null, B, H, o);
      const gg = new Float32Array(3 * B * H), rh = new Float32Array(B * H), h = new Float32Array(B * H);
      k.gruGatesForward(gg, rh, rand(3 * B * H, 13), rand(2 * B * H, 14), rand(B * H, 15), B, H, 2);
      k.gruCandidateForward(gg, h, rand(3 * B * H, 13), rand(B * H, 16), rand(B * H, 15), B, H, true, 1);
      const dxz = rand(3 * B * H, 17), drz = rand(2 * B * H, 18), dn = rand(B * H, 19), dhp = rand(B * H, 20);
      k.gruCandidateBackward(dxz, drz, dn, dhp, rand(B * H, 21), gg, rand(B * H, 16), rand(B * H, 15), B, H, false, 2, 1);
      k.gruResetBackward(dxz, drz, dhp, rand(B * H, 22), gg, rand(B * H, 15), B, H, 2);
      const n = 5000, p = rand(n, 23), g = rand(n, 24), s1 = rand(n, 25).map(Math.abs), s2 = rand(n, 26).map(Math.abs);
      k.adamStep(p, g, s1, s2, n, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, t: 3 });
      const y = new Float32Array(n); k.actForward(y, g, n, 7); k.actBackward(y, g, p, n, 1);
      const dRow = rand(300, 27); k.sumRows(dRow, rand(40 * 300, 28), 40, 300);
      outs.push(gates, c, m, dz, dcp, gg, rh, h, dxz, drz, dn, dhp, p, s1, s2, y, dRow);
      return outs;
    });
    same(runs, "kernels");
    assert.ok(native!.parallelCalls() > before, "the threaded path ran");
  });

  it("training runs (LSTM with and without peepholes-free projections, GRU; SGD and Adam) give the same bits", () => {
    const runs = perThreads(() => {
      const outs: Float32Array[] = [];
      for (const kind of ["lstm", "gru"] as const) {
        const opts = { inputSize: 13, hiddenSize: 40, numLayers: 2, bidirectional: true, seed: 5, kernels: native! };
        const layer = kind === "lstm" ? new LSTM({ ...opts, projSize: 0 }) : new GRU(opts);
        const opt = kind === "lstm" ? sgd({ lr: 0.05, momentum: 0.9 }) : adam({ lr: 1e-3 });
        const groups = [{ name: "rnn", params: layer.params.flat, grads: layer.grads.flat }];
        const x = new Tensor([9, 24, 13], rand(9 * 24 * 13, 30));
        for (let step = 0; step < 3; step++) {
          layer.zeroGrad();
          const out = layer.forward(x, { lengths: Array.from({ length: 24 }, (_, b) => 1 + (b % 9)) });
          layer.backward({ output: new Tensor(out.output.shape, Float32Array.from(out.output.data as Float32Array, (v) => 2 * v)) });
          opt.step(groups);
        }
        outs.push(layer.params.flat as Float32Array);
      }
      return outs;
    });
    same(runs, "training");
  });
});

describe("native kernels from two JavaScript threads at once", { skip }, () => {
  it("a worker_threads worker and the main thread share the addon's pool without mixing jobs", { timeout: 60_000 }, async () => {
    const { Worker } = await import("node:worker_threads");
    const { nativeCandidates } = await import("../../src/kernels/native/load.ts");
    const k = native!;
    k.setThreads(2);
    const M = 64, N = 256, K = 300;                     // above the sharing threshold: pool jobs on both sides
    const A = rand(M * K, 41), B = rand(K * N, 42), want = new Float32Array(M * N);
    k.setThreads(1); k.gemmNN(want, A, B, M, N, K); k.setThreads(2);
    const worker = new Worker(`
      const { parentPort, workerData: w } = require("node:worker_threads");
      const m = { exports: {} }; process.dlopen(m, w.path);
      let bad = 0;
      for (let i = 0; i < 300; i++) {
        const C = new Float32Array(w.M * w.N); m.exports.gemmNN(C, w.A, w.B, w.M, w.N, w.K);
        for (let j = 0; j < C.length; j++) if (C[j] !== w.want[j]) { bad++; break; }
      }
      parentPort.postMessage(bad);`, { eval: true, workerData: { path: nativeCandidates()[0], A, B, want, M, N, K } });
    const done = new Promise<number>((resolve, reject) => { worker.on("message", resolve); worker.on("error", reject); });
    let bad = 0;
    for (let i = 0; i < 300; i++) {
      const C = new Float32Array(M * N); k.gemmNN(C, A, B, M, N, K);
      if (!C.every((v, j) => v === want[j])) bad++;
    }
    assert.equal(bad, 0, "main thread results changed");
    assert.equal(await done, 0, "worker thread results changed");
    await worker.terminate();
    k.setThreads(1);
  });
});

describe("native argument checks", { skip }, () => {
  it("short buffers, bad dimensions, activation codes and wrong array types are refused before any write", () => {
    const k = native!;
    const C = new Float32Array(5).fill(7);
    assert.throws(() => k.gemmNN(C, new Float32Array(6), new Float32Array(6), 2, 3, 3), /gemmNN: C has length 5, needs 6/);
    assert.deepEqual(Array.from(C), [7, 7, 7, 7, 7]);
    assert.throws(() => k.gemmNT(new Float32Array(6), new Float32Array(6), new Float32Array(6), 2, 3, 2.5), /gemmNT: K = 2.5 is not a dimension/);
    assert.throws(() => k.actForward(new Float32Array(2), new Float32Array(2), 2, 99 as never), /actForward: unknown activation code 99/);
    assert.throws(() => k.axpy(new Int32Array(4) as never, new Float32Array(4), 1, 4), /axpy: y is not a Float32Array/);
    assert.throws(() => k.softmaxXent(null, new Float32Array(6), Int32Array.from([0, 3]), 2, 3, 1), /label 3 at row 1 is not below C = 3/);
    assert.throws(() => k.setThreads(0), RangeError);
  });

  it("NaN and ±Inf propagate as in ref (activations, cell clip, value clip, loss)", () => {
    const k = native!, x = Float32Array.from([NaN, Infinity, -Infinity, 0, -0.5]);
    for (let act = 0; act <= 7; act++) {
      const a = new Float32Array(5), b = new Float32Array(5);
      k.actForward(a, x, 5, act); refKernels.actForward(b, x, 5, act);
      for (let i = 0; i < 5; i++) assert.ok(Object.is(Number.isNaN(a[i]), Number.isNaN(b[i])) && (Number.isNaN(b[i]) || a[i] === b[i] || Math.abs(a[i]! - b[i]!) < 1e-6), `act ${act} of ${x[i]}: ${a[i]} vs ref ${b[i]}`);
    }
    const out = new Float32Array(5); k.clipForward(out, x, 2, 5);
    assert.ok(Number.isNaN(out[0]) && out[1] === 2 && out[2] === -2);
    const g = new Float32Array(4), c = new Float32Array(1), m = new Float32Array(1);
    k.lstmForward(g, c, m, Float32Array.from([0, 0, NaN, 0]), new Float32Array(1), null, 1, 1, { forgetBias: 0, cellClip: 1, gateAct: 2, cellAct: 1 });
    assert.ok(Number.isNaN(c[0]) && Number.isNaN(m[0]), "a NaN candidate survives the cell clip");
    assert.ok(Number.isNaN(k.softmaxXent(null, Float32Array.from([1, NaN, 2]), Int32Array.from([0]), 1, 3, 1)), "a NaN logit makes the loss NaN");
  });

  it("float64 buffers run the reference kernels", () => {
    const C = new Float64Array(4), A = Float64Array.from([1, 2, 3, 4]), B = Float64Array.from([1, 1e-10, 0, 1]);
    native!.gemmNN(C, A, B, 2, 2, 2);
    assert.deepEqual(Array.from(C), [1, 1e-10 + 2, 3, 3e-10 + 4]);
  });
});
