// The wasm backend: the Kernels interface over assembly/*.ts (AssemblyScript, f32x4 SIMD), compiled
// to build/rnnlab.wasm. This adapter is the only place where pointers appear.
//
// - float32 only in wasm. alloc(n, "float64") returns a plain Float64Array, and any call that gets
//   a Float64Array argument runs the reference kernel instead (gradient checks run in f64 on ref).
// - Zero-copy for arena buffers: a Float32Array from alloc() (or a subarray of one) is passed as its
//   byteOffset. Any other Float32Array still works: it is copied into temporary arena scratch, the
//   kernel runs, the outputs (the leading output/accumulator arguments of each kernel, as listed in
//   types.ts) are copied back, and the scratch is freed. Correct, but slower: allocate with alloc().
// - Unlike ref, every call checks that each buffer is long enough for its dimensions (RangeError):
//   an out-of-bounds write in wasm would silently corrupt a neighbouring arena block.
// - Results differ from ref by f32 rounding: ref computes in double and rounds once on store;
//   wasm computes in f32, with its own exp/tanh (assembly/math.ts, a few ulp).
// Not here: the allocator (arena.ts), reading the binary (load.ts), the kernels themselves (assembly/).
import type { instantiate } from "../../../build/rnnlab.js";
import { refKernels as ref } from "../ref/index.ts";
import type { Act, Buf, Dtype, Kernels, LstmPointwiseOpts } from "../types.ts";
import { Arena, ArenaFloat32Array, MAX_PAGES } from "./arena.ts";
import { loadWasmModule, loadWasmModuleSync } from "./load.ts";

/** The module's exports, typed by the .d.ts that `asc --bindings raw` generates. */
export type RawExports = Awaited<ReturnType<typeof instantiate>>;

const INITIAL_PAGES = 16;                            // --initialMemory in scripts/build-wasm.mjs
const LAST_ACT = 7;                                  // Act.Elu

export interface WasmKernels extends Kernels {
  readonly name: "wasm";
  readonly memory: WebAssembly.Memory;
  readonly arena: Arena;
  readonly raw: RawExports;
  /** y (n) = eˣ with the f32 exp that sigmoid, tanh and ELU use (for accuracy tests). */
  exp(y: Float32Array, x: Float32Array, n: number): void;
}

/** Creates a backend with its own memory and arena (compiles the module once per process). */
export async function createWasmKernels(): Promise<WasmKernels> {
  const memory = newMemory();
  const instance = await WebAssembly.instantiate(await loadWasmModule(), { env: { memory } });
  return makeKernels(instance, memory);
}

/** Synchronous variant for Node (reads and compiles build/rnnlab.wasm synchronously). */
export function createWasmKernelsSync(): WasmKernels {
  const memory = newMemory();
  return makeKernels(new WebAssembly.Instance(loadWasmModuleSync(), { env: { memory } }), memory);
}

function newMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true });
}

// ---- argument checks ----

function is64(a: Buf | null, b?: Buf | null, c?: Buf | null, d?: Buf | null, e?: Buf | null,
              f?: Buf | null, g?: Buf | null, h?: Buf | null, i?: Buf | null): boolean {
  return a instanceof Float64Array || b instanceof Float64Array || c instanceof Float64Array ||
    d instanceof Float64Array || e instanceof Float64Array || f instanceof Float64Array ||
    g instanceof Float64Array || h instanceof Float64Array || i instanceof Float64Array;
}

function dim(kernel: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new RangeError(`${kernel}: ${name} = ${v} is not a dimension`);
  return v;
}

function actCode(kernel: string, v: Act): number {
  if (!Number.isInteger(v) || v < 0 || v > LAST_ACT) throw new Error(`${kernel}: unknown activation code ${v}`);
  return v;
}

/** Turns buffers into pointers for one call: arena views as they are, others via scratch copies. */
class Marshal {
  private scratch: number[] = [];
  private outs: Float32Array[] = [];
  private outPtrs: number[] = [];
  private outLens: number[] = [];
  constructor(private readonly arena: Arena) {}

  /** Starts a call; frees what a previous call left behind if it threw half-way. */
  begin(): void {
    if (this.scratch.length > 0) this.release();
  }

  /** A pointer to `n` elements of an input. */
  in(v: Buf, n: number, kernel: string, arg: string): number {
    return this.ptr(v as Float32Array, n, kernel, arg, false);
  }

  /** A pointer to `n` elements of an output or accumulator (copied in and, after the call, back). */
  out(v: Buf, n: number, kernel: string, arg: string): number {
    return this.ptr(v as Float32Array, n, kernel, arg, true);
  }

  /** Ends a call: copies outputs back to non-arena arrays, frees scratch. */
  end(): void {
    if (this.scratch.length === 0) return;
    for (let k = 0; k < this.outs.length; k++) this.outs[k]!.set(this.arena.viewF32(this.outPtrs[k]!, this.outLens[k]!));
    this.release();
  }

  private ptr(v: Float32Array, n: number, kernel: string, arg: string, isOut: boolean): number {
    if (v.length < n) throw new RangeError(`${kernel}: ${arg} has length ${v.length}, needs ${n}`);
    if (this.arena.owns(v)) return v.byteOffset;
    if (n === 0) return this.arena.base;             // nothing is read or written
    const p = this.arena.allocBytes(n * 4);
    this.scratch.push(p);
    this.arena.viewF32(p, n).set(v.length === n ? v : v.subarray(0, n));
    if (isOut) { this.outs.push(v); this.outPtrs.push(p); this.outLens.push(n); }
    return p;
  }

  private release(): void {
    for (const p of this.scratch) this.arena.freeBytes(p);
    this.scratch.length = 0; this.outs.length = 0; this.outPtrs.length = 0; this.outLens.length = 0;
  }
}

// ---- the Kernels object ----

function makeKernels(instance: WebAssembly.Instance, memory: WebAssembly.Memory): WasmKernels {
  const raw = instance.exports as unknown as RawExports;
  const arena = new Arena(memory, raw.heapBase() >>> 0);
  const io = new Marshal(arena);

  const gemm = (which: "gemmNN" | "gemmNT" | "gemmTN", C: Buf, A: Buf, B: Buf, M: number, N: number, K: number) => {
    if (is64(C, A, B)) return ref[which](C, A, B, M, N, K);
    const mn = dim(which, "M", M) * dim(which, "N", N), mk = M * dim(which, "K", K), kn = K * N;
    io.begin();
    const pC = io.out(C, mn, which, "C");
    const pA = io.in(A, mk, which, "A");              // (M,K) or (K,M): the same count
    const pB = io.in(B, kn, which, "B");              // (K,N) or (N,K)
    raw[which](pC, pA, pB, M, N, K);
    io.end();
  };

  const k: WasmKernels = {
    name: "wasm",
    memory, arena, raw,

    alloc(length: number, dtype: Dtype = "float32"): Buf {
      dim("alloc", "length", length);
      if (dtype === "float64") return new Float64Array(length);
      if (dtype !== "float32") throw new Error(`alloc: unknown dtype ${String(dtype)}`);
      return arena.f32(length);
    },

    free(buf: Buf): void {
      if (buf instanceof ArenaFloat32Array) arena.release(buf);   // plain arrays: nothing to do
    },

    gemmNN: (C, A, B, M, N, K) => gemm("gemmNN", C, A, B, M, N, K),
    gemmNT: (C, A, B, M, N, K) => gemm("gemmNT", C, A, B, M, N, K),
    gemmTN: (C, A, B, M, N, K) => gemm("gemmTN", C, A, B, M, N, K),

    fillRows(out, row, M, N) {
      if (is64(out, row)) return ref.fillRows(out, row, M, N);
      const n = dim("fillRows", "N", N);
      io.begin();
      const pOut = io.out(out, dim("fillRows", "M", M) * n, "fillRows", "out");
      raw.fillRows(pOut, io.in(row, n, "fillRows", "row"), M, N);
      io.end();
    },

    sumRows(dRow, A, M, N) {
      if (is64(dRow, A)) return ref.sumRows(dRow, A, M, N);
      const n = dim("sumRows", "N", N);
      io.begin();
      const pd = io.out(dRow, n, "sumRows", "dRow");
      raw.sumRows(pd, io.in(A, dim("sumRows", "M", M) * n, "sumRows", "A"), M, N);
      io.end();
    },

    axpy(y, x, a, n) {
      if (is64(y, x)) return ref.axpy(y, x, a, n);
      dim("axpy", "n", n);
      io.begin();
      const py = io.out(y, n, "axpy", "y");
      raw.axpy(py, io.in(x, n, "axpy", "x"), a, n);
      io.end();
    },

    clipForward(out, x, limit, n) {
      if (is64(out, x)) return ref.clipForward(out, x, limit, n);
      dim("clipForward", "n", n);
      io.begin();
      const po = io.out(out, n, "clipForward", "out");
      raw.clipForward(po, io.in(x, n, "clipForward", "x"), limit, n);
      io.end();
    },

    clipBackward(dx, dy, x, limit, n) {
      if (is64(dx, dy, x)) return ref.clipBackward(dx, dy, x, limit, n);
      dim("clipBackward", "n", n);
      io.begin();
      const pdx = io.out(dx, n, "clipBackward", "dx");
      const pdy = io.in(dy, n, "clipBackward", "dy");
      raw.clipBackward(pdx, pdy, io.in(x, n, "clipBackward", "x"), limit, n);
      io.end();
    },

    actForward(y, x, n, act) {
      if (is64(y, x)) return ref.actForward(y, x, n, act);
      dim("actForward", "n", n);
      const code = actCode("actForward", act);
      io.begin();
      const py = io.out(y, n, "actForward", "y");
      raw.actForward(py, io.in(x, n, "actForward", "x"), n, code);
      io.end();
    },

    actBackward(dx, dy, y, n, act) {
      if (is64(dx, dy, y)) return ref.actBackward(dx, dy, y, n, act);
      dim("actBackward", "n", n);
      const code = actCode("actBackward", act);
      io.begin();
      const pdx = io.out(dx, n, "actBackward", "dx");
      const pdy = io.in(dy, n, "actBackward", "dy");
      raw.actBackward(pdx, pdy, io.in(y, n, "actBackward", "y"), n, code);
      io.end();
    },

    lstmForward(gates, c, m, z, cPrev, peep, B, H, o: LstmPointwiseOpts) {
      if (is64(gates, c, m, z, cPrev, peep)) return ref.lstmForward(gates, c, m, z, cPrev, peep, B, H, o);
      const fn = "lstmForward";
      const bh = dim(fn, "B", B) * dim(fn, "H", H);
      const ga = actCode(fn, o.gateAct), ca = actCode(fn, o.cellAct);
      io.begin();
      const pg = io.out(gates, 4 * bh, fn, "gates"), pc = io.out(c, bh, fn, "c"), pm = io.out(m, bh, fn, "m");
      const pz = io.in(z, 4 * bh, fn, "z"), pcp = io.in(cPrev, bh, fn, "cPrev");
      const pp = peep ? io.in(peep, 3 * H, fn, "peep") : 0;
      raw.lstmForward(pg, pc, pm, pz, pcp, pp, B, H, o.forgetBias, o.cellClip, ga, ca);
      io.end();
    },

    lstmBackward(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, o: LstmPointwiseOpts) {
      if (is64(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep)) {
        return ref.lstmBackward(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, o);
      }
      const fn = "lstmBackward";
      const bh = dim(fn, "B", B) * dim(fn, "H", H);
      const ga = actCode(fn, o.gateAct), ca = actCode(fn, o.cellAct);
      if (peep && !dPeep) throw new TypeError(`${fn}: dPeep is null but peep is given`);
      io.begin();
      const pdz = io.out(dz, 4 * bh, fn, "dz"), pdcp = io.out(dcPrev, bh, fn, "dcPrev");
      const pdp = peep ? io.out(dPeep!, 3 * H, fn, "dPeep") : 0;
      const pdm = io.in(dm, bh, fn, "dm"), pdc = io.in(dc, bh, fn, "dc");
      const pg = io.in(gates, 4 * bh, fn, "gates"), pc = io.in(c, bh, fn, "c"), pcp = io.in(cPrev, bh, fn, "cPrev");
      const pp = peep ? io.in(peep, 3 * H, fn, "peep") : 0;
      raw.lstmBackward(pdz, pdcp, pdp, pdm, pdc, pg, pc, pcp, pp, B, H, o.forgetBias, o.cellClip, ga, ca);
      io.end();
    },

    gruGatesForward(gates, rh, xz, hRZ, hPrev, B, H, gateAct) {
      if (is64(gates, rh, xz, hRZ, hPrev)) return ref.gruGatesForward(gates, rh, xz, hRZ, hPrev, B, H, gateAct);
      const fn = "gruGatesForward";
      const bh = dim(fn, "B", B) * dim(fn, "H", H), ga = actCode(fn, gateAct);
      io.begin();
      const pg = io.out(gates, 3 * bh, fn, "gates"), prh = io.out(rh, bh, fn, "rh");
      const pxz = io.in(xz, 3 * bh, fn, "xz"), prz = io.in(hRZ, 2 * bh, fn, "hRZ"), php = io.in(hPrev, bh, fn, "hPrev");
      raw.gruGatesForward(pg, prh, pxz, prz, php, B, H, ga);
      io.end();
    },

    gruCandidateForward(gates, h, xz, hN, hPrev, B, H, resetAfter, cellAct) {
      if (is64(gates, h, xz, hN, hPrev)) return ref.gruCandidateForward(gates, h, xz, hN, hPrev, B, H, resetAfter, cellAct);
      const fn = "gruCandidateForward";
      const bh = dim(fn, "B", B) * dim(fn, "H", H), ca = actCode(fn, cellAct);
      io.begin();
      const pg = io.out(gates, 3 * bh, fn, "gates"), ph = io.out(h, bh, fn, "h");
      const pxz = io.in(xz, 3 * bh, fn, "xz"), pn = io.in(hN, bh, fn, "hN"), php = io.in(hPrev, bh, fn, "hPrev");
      raw.gruCandidateForward(pg, ph, pxz, pn, php, B, H, resetAfter ? 1 : 0, ca);
      io.end();
    },

    gruCandidateBackward(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, resetAfter, gateAct, cellAct) {
      if (is64(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev)) {
        return ref.gruCandidateBackward(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, resetAfter, gateAct, cellAct);
      }
      const fn = "gruCandidateBackward";
      const bh = dim(fn, "B", B) * dim(fn, "H", H), ga = actCode(fn, gateAct), ca = actCode(fn, cellAct);
      io.begin();
      const pdxz = io.out(dxz, 3 * bh, fn, "dxz"), pdrz = io.out(dhRZ, 2 * bh, fn, "dhRZ");
      const pdn = io.out(dhN, bh, fn, "dhN"), pdhp = io.out(dhPrev, bh, fn, "dhPrev");
      const pdh = io.in(dh, bh, fn, "dh"), pg = io.in(gates, 3 * bh, fn, "gates");
      const pn = io.in(hN, bh, fn, "hN"), php = io.in(hPrev, bh, fn, "hPrev");
      raw.gruCandidateBackward(pdxz, pdrz, pdn, pdhp, pdh, pg, pn, php, B, H, resetAfter ? 1 : 0, ga, ca);
      io.end();
    },

    gruResetBackward(dxz, dhRZ, dhPrev, dRh, gates, hPrev, B, H, gateAct) {
      if (is64(dxz, dhRZ, dhPrev, dRh, gates, hPrev)) return ref.gruResetBackward(dxz, dhRZ, dhPrev, dRh, gates, hPrev, B, H, gateAct);
      const fn = "gruResetBackward";
      const bh = dim(fn, "B", B) * dim(fn, "H", H), ga = actCode(fn, gateAct);
      io.begin();
      const pdxz = io.out(dxz, 3 * bh, fn, "dxz"), pdrz = io.out(dhRZ, 2 * bh, fn, "dhRZ");
      const pdhp = io.out(dhPrev, bh, fn, "dhPrev");
      const pdr = io.in(dRh, bh, fn, "dRh"), pg = io.in(gates, 3 * bh, fn, "gates"), php = io.in(hPrev, bh, fn, "hPrev");
      raw.gruResetBackward(pdxz, pdrz, pdhp, pdr, pg, php, B, H, ga);
      io.end();
    },

    exp(y, x, n) {
      dim("exp", "n", n);
      io.begin();
      const py = io.out(y, n, "exp", "y");
      raw.expForward(py, io.in(x, n, "exp", "x"), n);
      io.end();
    },
  };
  return k;
}
