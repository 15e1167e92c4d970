// The native backend: the Kernels interface over native/*.cc (C++ against Node-API, AVX-512 /
// AVX2+FMA / portable builds chosen from the CPU at load time, its own threads on every core).
//
// - Buffers are ordinary Float32Arrays; any Float32Array works, with no copies: the addon reads the
//   typed array's memory directly. alloc() remembers the ArrayBuffers it made (isNativeBuffer), so
//   kernelsFor() can route an optimizer over a model's parameters here. (Not a subclass: V8
//   constructs a subclass — on every subarray() — far more slowly than a Float32Array.)
// - float32 only. Any call that gets a Float64Array runs the reference kernel (f64 gradient checks).
// - The addon checks every buffer against its dimensions (RangeError, as the wasm backend does),
//   dimensions, activation codes and argument types; this file only flattens option objects and
//   computes the optimizer constants in double, as the wasm adapter does.
// - Threads: a call above a work threshold is cut into chunks (whole GEMM tiles, batch rows,
//   1024-float blocks) that all threads claim; each element is computed by the same operations
//   whichever thread runs it, so results are bit-identical for any thread count.
// Not here: finding the binary (load.ts), the kernels and the pool (native/).
import { refKernels as ref } from "../ref/index.ts";
import type { Buf, Dtype, Kernels, LstmPointwiseOpts } from "../types.ts";
import { is64 } from "../wasm/marshal.ts";
import { loadNativeAddon, type NativeAddon } from "./load.ts";
import { configuredThreads } from "../threads-config.ts";

const allocated = new WeakSet<ArrayBufferLike>();

/** Whether `buf` (or the array it is a subarray of) was made by the native backend's alloc(). */
export function isNativeBuffer(buf: ArrayBufferView): boolean {
  return allocated.has(buf.buffer);
}

export type NativeIsa = "avx512" | "avx2" | "base";

export interface NativeKernels extends Kernels {
  readonly name: "native";
  /** Threads kernel calls may use (1 … any; default RNNLAB_THREADS, else every core). */
  readonly threads: number;
  setThreads(n: number): void;
  /** The instruction set in use ("avx512", "avx2" or "base"), chosen from the CPU at load time. */
  readonly isa: NativeIsa;
  /** Switch instruction set (tests and benchmarks; throws where the CPU lacks it). */
  setIsa(isa: NativeIsa): void;
  /** Kernel calls so far of which another thread ran a part. */
  parallelCalls(): number;
  /** Where sharing with other threads starts: GEMM multiply-adds, B·H of a cell step, n of an
   *  elementwise kernel; smallRows: GEMMs with at most this many rows read B in place. */
  setThresholds(t: { gemmMacs: number; pointwise: number; elementwise: number; smallRows?: number }): void;
  /** GFLOP/s of independent multiply-add chains on one thread (the instruction set's ceiling). */
  peakGflops(seconds?: number): number;
  /** y (n) = eˣ with the f32 exp that sigmoid, tanh and ELU use. */
  exp(y: Float32Array, x: Float32Array, n: number): void;
}

let instance: NativeKernels | undefined;

/** The native backend (one per process: the addon's threads and ISA are process-wide). Throws an
 *  Error saying why when the binary is not built or cannot load. `threads` sets the thread count. */
export function createNativeKernels(opts: { threads?: number } = {}): NativeKernels {
  const k = (instance ??= makeKernels(loadNativeAddon()));
  if (opts.threads !== undefined) k.setThreads(opts.threads);
  return k;
}

function makeKernels(raw: NativeAddon): NativeKernels {
  type Fn = (...a: unknown[]) => unknown;
  const f = (name: string) => raw[name] as unknown as Fn;
  const gemmNN = f("gemmNN"), gemmNT = f("gemmNT"), gemmTN = f("gemmTN");
  const fillRows = f("fillRows"), sumRows = f("sumRows"), axpy = f("axpy");
  const clipForward = f("clipForward"), clipBackward = f("clipBackward");
  const actForward = f("actForward"), actBackward = f("actBackward");
  const lstmForward = f("lstmForward"), lstmBackward = f("lstmBackward");
  const gruGatesForward = f("gruGatesForward"), gruCandidateForward = f("gruCandidateForward");
  const gruCandidateBackward = f("gruCandidateBackward"), gruResetBackward = f("gruResetBackward");
  const softmaxXent = f("softmaxXent"), sumSquares = f("sumSquares"), scale = f("scale");
  const sgdStep = f("sgdStep"), adamStep = f("adamStep"), rmspropStep = f("rmspropStep"), adagradStep = f("adagradStep");
  const exp = f("exp");
  raw.setThreads(configuredThreads());

  const k: NativeKernels = {
    name: "native",
    get threads() { return raw.threads(); },
    setThreads(n: number) {
      if (!Number.isInteger(n) || n < 1 || n > 1024) throw new RangeError(`native kernels: threads must be an integer in 1..1024, got ${n}`);
      raw.setThreads(n);
    },
    get isa() { return raw.isa() as NativeIsa; },
    setIsa(isa: NativeIsa) { raw.setIsa(isa); },
    parallelCalls: () => raw.parallelCalls(),
    setThresholds: (t) => raw.setThresholds(t.gemmMacs, t.pointwise, t.elementwise, t.smallRows ?? 32),
    peakGflops: (seconds = 0.5) => raw.peak(seconds),

    alloc(length: number, dtype: Dtype = "float32"): Buf {
      if (!Number.isInteger(length) || length < 0) throw new RangeError(`alloc: length = ${length} is not a dimension`);
      if (dtype === "float64") return new Float64Array(length);
      if (dtype !== "float32") throw new Error(`alloc: unknown dtype ${String(dtype)}`);
      const v = new Float32Array(length);
      allocated.add(v.buffer);
      return v;
    },
    free: () => {},                                   // ordinary arrays: the collector reclaims them

    gemmNN: (C, A, B, M, N, K) => is64(C, A, B) ? ref.gemmNN(C, A, B, M, N, K) : void gemmNN(C, A, B, M, N, K),
    gemmNT: (C, A, B, M, N, K) => is64(C, A, B) ? ref.gemmNT(C, A, B, M, N, K) : void gemmNT(C, A, B, M, N, K),
    gemmTN: (C, A, B, M, N, K) => is64(C, A, B) ? ref.gemmTN(C, A, B, M, N, K) : void gemmTN(C, A, B, M, N, K),

    fillRows: (out, row, M, N) => is64(out, row) ? ref.fillRows(out, row, M, N) : void fillRows(out, row, M, N),
    sumRows: (d, A, M, N) => is64(d, A) ? ref.sumRows(d, A, M, N) : void sumRows(d, A, M, N),
    axpy: (y, x, a, n) => is64(y, x) ? ref.axpy(y, x, a, n) : void axpy(y, x, a, n),
    // y += a⊙b (used by user-defined cells): memory-bound, one pass; the reference loop on the same buffers
    mulAdd: (y, a, b, n) => ref.mulAdd(y, a, b, n),
    clipForward: (out, x, l, n) => is64(out, x) ? ref.clipForward(out, x, l, n) : void clipForward(out, x, l, n),
    clipBackward: (dx, dy, x, l, n) => is64(dx, dy, x) ? ref.clipBackward(dx, dy, x, l, n) : void clipBackward(dx, dy, x, l, n),
    actForward: (y, x, n, act) => is64(y, x) ? ref.actForward(y, x, n, act) : void actForward(y, x, n, act),
    actBackward: (dx, dy, y, n, act) => is64(dx, dy, y) ? ref.actBackward(dx, dy, y, n, act) : void actBackward(dx, dy, y, n, act),

    lstmForward(gates, c, m, z, cPrev, peep, B, H, o: LstmPointwiseOpts) {
      if (is64(gates, c, m, z, cPrev, peep)) return ref.lstmForward(gates, c, m, z, cPrev, peep, B, H, o);
      lstmForward(gates, c, m, z, cPrev, peep, B, H, o.forgetBias, o.cellClip, o.gateAct, o.cellAct);
    },
    lstmBackward(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, o: LstmPointwiseOpts) {
      if (is64(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep)) {
        return ref.lstmBackward(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, o);
      }
      lstmBackward(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, o.forgetBias, o.cellClip, o.gateAct, o.cellAct);
    },
    gruGatesForward(gates, rh, xz, hRZ, hPrev, B, H, ga) {
      if (is64(gates, rh, xz, hRZ, hPrev)) return ref.gruGatesForward(gates, rh, xz, hRZ, hPrev, B, H, ga);
      gruGatesForward(gates, rh, xz, hRZ, hPrev, B, H, ga);
    },
    gruCandidateForward(gates, h, xz, hN, hPrev, B, H, resetAfter, ca) {
      if (is64(gates, h, xz, hN, hPrev)) return ref.gruCandidateForward(gates, h, xz, hN, hPrev, B, H, resetAfter, ca);
      gruCandidateForward(gates, h, xz, hN, hPrev, B, H, resetAfter ? 1 : 0, ca);
    },
    gruCandidateBackward(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, resetAfter, ga, ca) {
      if (is64(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev)) {
        return ref.gruCandidateBackward(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, resetAfter, ga, ca);
      }
      gruCandidateBackward(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, resetAfter ? 1 : 0, ga, ca);
    },
    gruResetBackward(dxz, dhRZ, dhPrev, dRh, gates, hPrev, B, H, ga) {
      if (is64(dxz, dhRZ, dhPrev, dRh, gates, hPrev)) return ref.gruResetBackward(dxz, dhRZ, dhPrev, dRh, gates, hPrev, B, H, ga);
      gruResetBackward(dxz, dhRZ, dhPrev, dRh, gates, hPrev, B, H, ga);
    },

    softmaxXent(dLogits, logits, labels, N, C, s) {
      if (is64(dLogits, logits)) return ref.softmaxXent(dLogits, logits, labels, N, C, s);
      return softmaxXent(dLogits, logits, labels, N, C, s) as number;
    },
    sumSquares: (x, n) => is64(x) ? ref.sumSquares(x, n) : sumSquares(x, n) as number,
    scale: (x, a, n) => is64(x) ? ref.scale(x, a, n) : void scale(x, a, n),
    sgdStep(p, g, buf, n, o) {
      if (is64(p, g, buf)) return ref.sgdStep(p, g, buf, n, o);
      sgdStep(p, g, buf, n, o.lr, o.momentum, o.nesterov ? 1 : 0, o.weightDecay, o.first ? 1 : 0);
    },
    adamStep(p, g, m, v, n, o) {
      if (is64(p, g, m, v)) return ref.adamStep(p, g, m, v, n, o);
      const stepSize = o.lr / (1 - o.beta1 ** o.t), bc2Sqrt = Math.sqrt(1 - o.beta2 ** o.t); // in double, as ref
      adamStep(p, g, m, v, n, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.eps, o.weightDecay,
        o.decoupled ? 1 : 0, 1 - o.lr * o.weightDecay, stepSize, bc2Sqrt);
    },
    rmspropStep(p, g, v, n, o) {
      if (is64(p, g, v)) return ref.rmspropStep(p, g, v, n, o);
      rmspropStep(p, g, v, n, o.lr, o.alpha, 1 - o.alpha, o.eps, o.weightDecay);
    },
    adagradStep(p, g, s, n, o) {
      if (is64(p, g, s)) return ref.adagradStep(p, g, s, n, o);
      adagradStep(p, g, s, n, o.clr, o.eps, o.weightDecay);
    },

    exp: (y, x, n) => void exp(y, x, n),
  };
  return k;
}
