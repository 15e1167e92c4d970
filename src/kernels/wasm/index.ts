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
// - Threads (threads.ts): big GEMMs and pointwise steps are cut into chunks that this thread and
//   N − 1 workers share (N = RNNLAB_THREADS, else every core); results are bit-for-bit those of
//   one thread for any N.
// Not here: the allocator (arena.ts), pointers and argument checks (marshal.ts), the loss and
// optimizer kernels (train-kernels.ts), threads (threads.ts), reading the binary (load.ts), which
// memory the module gets (memory.ts), the kernels themselves (assembly/).
import type { instantiate } from "../../../build/rnnlab.js";
import { refKernels as ref } from "../ref/index.ts";
import type { Buf, Dtype, Kernels, LstmPointwiseOpts } from "../types.ts";
import { Arena, ArenaFloat32Array, MAX_PAGES } from "./arena.ts";
import { memoriesToTry, isSharedMemory, wrongMemoryKind } from "./memory.ts";
export { UNSHARED_PAGES } from "./memory.ts";
import { loadWasmModule, loadWasmModuleSync } from "./load.ts";
export { setWasmSource, hasUnsharedVariant, type WasmSource } from "./load.ts";
import { ThreadPool, defaultThreadCount, type WorkerOp } from "./threads.ts";
import { Marshal, actCode, dim, is64 } from "./marshal.ts";
import { trainKernels } from "./train-kernels.ts";

/** The module's exports, typed by the .d.ts that `asc --bindings raw` generates. */
export type RawExports = Awaited<ReturnType<typeof instantiate>>;

export interface WasmKernelsOptions {
  /** Any N ≥ 1 (default: RNNLAB_THREADS, else every core where worker_threads exists). */
  threads?: number;
  /** Work from which a call is shared with the second thread (defaults: PARALLEL_GEMM_MACS,
   *  PARALLEL_POINTWISE; bench/threads.ts sets 0 to measure where sharing starts to pay). */
  parallelGemmMacs?: number;
  parallelPointwise?: number;
}

export interface WasmKernels extends Kernels {
  readonly name: "wasm";
  readonly memory: WebAssembly.Memory;
  readonly arena: Arena;
  readonly raw: RawExports;
  /** Threads kernel calls may use. */
  readonly threads: number;
  setThreads(n: number): void;
  /** Blocks until every worker thread has started (no-op with one thread); throws if one cannot. */
  waitForThreads(): void;
  /** Kernel calls so far of which a worker thread ran a part. */
  parallelCalls(): number;
  /** Arguments so far that were not in the arena and had to be copied in (and out). */
  boundaryCopies(): number;
  /** Stops the worker threads; the kernels keep working on one thread. */
  dispose(): void;
  /** y (n) = eˣ with the f32 exp that sigmoid, tanh and ELU use (for accuracy tests). */
  exp(y: Float32Array, x: Float32Array, n: number): void;
}

/** Creates a backend with its own memory and arena (compiles the module once per process). */
export async function createWasmKernels(opts: WasmKernelsOptions = {}): Promise<WasmKernels> {
  const module = await loadWasmModule();
  for (const memory of memoriesToTry()) {
    let instance: WebAssembly.Instance;
    try { instance = await WebAssembly.instantiate(module, { env: { memory } }); } catch (err) { if (wrongMemoryKind(err, memory)) continue; throw err; }
    return makeKernels(module, instance, memory, isSharedMemory(memory) ? opts : { ...opts, threads: 1 });
  }
  throw new Error("unreachable: the unshared memory is always tried");
}

/** Synchronous variant for Node (reads and compiles build/rnnlab.wasm synchronously). */
export function createWasmKernelsSync(opts: WasmKernelsOptions = {}): WasmKernels {
  const module = loadWasmModuleSync();
  for (const memory of memoriesToTry()) {
    let instance: WebAssembly.Instance;
    try { instance = new WebAssembly.Instance(module, { env: { memory } }); } catch (err) { if (wrongMemoryKind(err, memory)) continue; throw err; }
    return makeKernels(module, instance, memory, isSharedMemory(memory) ? opts : { ...opts, threads: 1 });
  }
  throw new Error("unreachable: the unshared memory is always tried");
}

function threadCount(n: number | undefined): number {
  if (n === undefined) return defaultThreadCount();
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new RangeError(`wasm kernels: threads must be an integer in 1..1024, got ${n}`);
  return n;
}

/** Work (multiply-adds) from which a GEMM is shared between two threads, and batch elements (B·H)
 *  from which a pointwise cell step is: below these a hand-off costs more than it saves. Measured
 *  by bench/threads.ts (table in bench/RESULTS.md): a time step's GEMM runs 0.77× as fast on two
 *  threads at 2^16 multiply-adds, 1.17× at 2^18, 1.4–1.8× above; an LSTM step 0.99× at B·H = 256,
 *  1.3× at 512, 1.55× at 1024, 1.6–2× above. */
export const PARALLEL_GEMM_MACS = 1 << 17;
export const PARALLEL_POINTWISE = 1 << 10;

// ---- the Kernels object ----

function makeKernels(module: WebAssembly.Module, instance: WebAssembly.Instance, memory: WebAssembly.Memory,
                     opts: WasmKernelsOptions): WasmKernels {
  const raw = instance.exports as unknown as RawExports;
  const isShared = isSharedMemory(memory);
  const arena = new Arena(memory, raw.heapBase() >>> 0, isShared ? MAX_PAGES : memory.buffer.byteLength / 65536);
  const io = new Marshal(arena);
  const workBytes = raw.gemmWorkSize() * 4;
  const work = [arena.allocBytes(workBytes)];        // GEMM packing buffers, one per thread (workers' made with the pool)
  let threads = threadCount(opts.threads);
  const gemmMin = opts.parallelGemmMacs ?? PARALLEL_GEMM_MACS, pointwiseMin = opts.parallelPointwise ?? PARALLEL_POINTWISE;
  let pool: ThreadPool | null = null;
  const newPool = () => {
    while (work.length < threads) work.push(arena.allocBytes(workBytes));
    return new ThreadPool(module, memory, arena, raw as unknown as Record<string, unknown>, work.slice(1, threads));
  };
  const sharedPool = (): ThreadPool | null => {
    if (threads < 2) return null;
    pool ??= newPool();
    return pool.ready() ? pool : null;
  };
  /** Chunks for a job of `work` units of cost: enough to share (about 2 per thread, claimed
   *  dynamically), each worth a hand-off. */
  const chunksFor = (cost: number, perChunk: number) => Math.max(2, Math.min(2 * threads, 254, Math.floor(cost / perChunk)));

  /** One GEMM on pointers; a big one becomes a two-thread job cut along N when C is wide and short
   *  (a time step's B×G product: each chunk then reads only its columns of the weight), else along
   *  M; chunks are multiples of 8 columns / 4 rows. */
  const gemmCall = (which: "gemmNN" | "gemmNT" | "gemmTN", pC: number, pA: number, pB: number, M: number, N: number, K: number) => {
    const lda = which === "gemmTN" ? M : K, ldb = which === "gemmNT" ? K : N, ldc = N;
    const op = `${which}s` as "gemmNNs" | "gemmNTs" | "gemmTNs";
    const args = which === "gemmNT" ? [pC, pA, pB, M, N, K, lda, ldb, ldc] : [pC, pA, pB, M, N, K, lda, ldb, ldc, work[0]!];
    const macs = M * N * K;
    const p = macs >= gemmMin ? sharedPool() : null;
    const byN = N >= 16 && (M < 64 || N >= 4 * M);
    const units = byN ? N : M, align = byN ? 8 : 4;
    const chunk = Math.ceil(units / chunksFor(macs, PARALLEL_GEMM_MACS / 2) / align) * align;
    if (p === null || chunk >= units) {
      (raw[op] as (...a: number[]) => void)(...args);
      return;
    }
    const deltas = byN ? [4, 0, which === "gemmNT" ? 4 * ldb : 4] : [4 * ldc, which === "gemmTN" ? 4 : 4 * lda, 0];
    p.run(op, args, deltas, byN ? 4 : 3, units, chunk);
  };

  /** A pointwise cell kernel over B rows, shared with the worker by rows when B·H is big enough.
   *  `rowArgs[i]` is the floats per batch row of pointer argument i (0: shared, not moved). */
  const rowsCall = (op: WorkerOp, args: number[], rowArgs: readonly number[], B: number, H: number, bIndex: number) => {
    const p = B >= 2 && B * H >= pointwiseMin ? sharedPool() : null;
    if (p === null) { (raw[op as keyof RawExports] as unknown as (...a: number[]) => void)(...args); return; }
    const chunk = Math.ceil(B / Math.min(B, chunksFor(B * H, PARALLEL_POINTWISE / 2)));
    p.run(op, args, rowArgs.map((r, i) => (args[i] !== 0 ? 4 * r * H : 0)), bIndex, B, chunk);
  };

  /** Labels for softmaxXent, copied into a block that is kept and grown (so a step allocates nothing). */
  let labelPtr = 0, labelCap = 0;
  const labelsIn = (labels: Int32Array, N: number): number => {
    if (N > labelCap) {
      if (labelCap > 0) arena.freeBytes(labelPtr);
      labelCap = Math.max(N, 2 * labelCap);
      labelPtr = arena.allocBytes(labelCap * 4);
    }
    new Int32Array(memory.buffer, labelPtr, N).set(labels.subarray(0, N));
    return labelPtr;
  };

  const gemm = (which: "gemmNN" | "gemmNT" | "gemmTN", C: Buf, A: Buf, B: Buf, M: number, N: number, K: number) => {
    if (is64(C, A, B)) return ref[which](C, A, B, M, N, K);
    const mn = dim(which, "M", M) * dim(which, "N", N), mk = M * dim(which, "K", K), kn = K * N;
    io.begin();
    const pC = io.out(C, mn, which, "C");
    const pA = io.in(A, mk, which, "A");              // (M,K) or (K,M): the same count
    const pB = io.in(B, kn, which, "B");              // (K,N) or (N,K)
    if (mn > 0) gemmCall(which, pC, pA, pB, M, N, K);
    io.end();
  };

  const k: WasmKernels = {
    name: "wasm",
    memory, arena, raw,
    get threads() { return threads; },
    setThreads(n: number) {
      const next = threadCount(n);
      if (next > 1 && !isShared) throw new RangeError("wasm kernels: more than one thread needs shared WebAssembly memory, which this engine cannot create");
      if (next !== threads) { pool?.dispose(); pool = null; }  // a pool has a fixed number of workers
      threads = next;
    },
    waitForThreads() { if (threads >= 2) (pool ??= newPool()).waitUntilReady(); },
    parallelCalls: () => pool?.parallelCalls ?? 0,
    boundaryCopies: () => io.copies,
    dispose() { pool?.dispose(); pool = null; threads = 1; },

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

    mulAdd(y, a, b, n) {
      if (is64(y, a, b)) return ref.mulAdd(y, a, b, n);
      dim("mulAdd", "n", n);
      io.begin();
      const py = io.out(y, n, "mulAdd", "y");
      raw.mulAdd(py, io.in(a, n, "mulAdd", "a"), io.in(b, n, "mulAdd", "b"), n);
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
      rowsCall("lstmForward", [pg, pc, pm, pz, pcp, pp, B, H, o.forgetBias, o.cellClip, ga, ca], [4, 1, 1, 4, 1, 0], B, H, 6);
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
      const args = [pdz, pdcp, pdp, pdm, pdc, pg, pc, pcp, pp, B, H, o.forgetBias, o.cellClip, ga, ca];
      // dPeep sums over the batch: the two halves would race on it, so with peepholes one thread
      if (pdp !== 0) raw.lstmBackward(pdz, pdcp, pdp, pdm, pdc, pg, pc, pcp, pp, B, H, o.forgetBias, o.cellClip, ga, ca);
      else rowsCall("lstmBackward", args, [4, 1, 0, 1, 1, 4, 1, 1, 0], B, H, 9);
      io.end();
    },

    gruGatesForward(gates, rh, xz, hRZ, hPrev, B, H, gateAct) {
      if (is64(gates, rh, xz, hRZ, hPrev)) return ref.gruGatesForward(gates, rh, xz, hRZ, hPrev, B, H, gateAct);
      const fn = "gruGatesForward";
      const bh = dim(fn, "B", B) * dim(fn, "H", H), ga = actCode(fn, gateAct);
      io.begin();
      const pg = io.out(gates, 3 * bh, fn, "gates"), prh = io.out(rh, bh, fn, "rh");
      const pxz = io.in(xz, 3 * bh, fn, "xz"), prz = io.in(hRZ, 2 * bh, fn, "hRZ"), php = io.in(hPrev, bh, fn, "hPrev");
      rowsCall("gruGatesForward", [pg, prh, pxz, prz, php, B, H, ga], [3, 1, 3, 2, 1], B, H, 5);
      io.end();
    },

    gruCandidateForward(gates, h, xz, hN, hPrev, B, H, resetAfter, cellAct) {
      if (is64(gates, h, xz, hN, hPrev)) return ref.gruCandidateForward(gates, h, xz, hN, hPrev, B, H, resetAfter, cellAct);
      const fn = "gruCandidateForward";
      const bh = dim(fn, "B", B) * dim(fn, "H", H), ca = actCode(fn, cellAct);
      io.begin();
      const pg = io.out(gates, 3 * bh, fn, "gates"), ph = io.out(h, bh, fn, "h");
      const pxz = io.in(xz, 3 * bh, fn, "xz"), pn = io.in(hN, bh, fn, "hN"), php = io.in(hPrev, bh, fn, "hPrev");
      rowsCall("gruCandidateForward", [pg, ph, pxz, pn, php, B, H, resetAfter ? 1 : 0, ca], [3, 1, 3, 1, 1], B, H, 5);
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
      rowsCall("gruCandidateBackward", [pdxz, pdrz, pdn, pdhp, pdh, pg, pn, php, B, H, resetAfter ? 1 : 0, ga, ca],
        [3, 2, 1, 1, 1, 3, 1, 1], B, H, 8);
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
      rowsCall("gruResetBackward", [pdxz, pdrz, pdhp, pdr, pg, php, B, H, ga], [3, 2, 1, 1, 3, 1], B, H, 6);
      io.end();
    },

    ...trainKernels(raw, io, labelsIn),

    exp(y, x, n) {
      dim("exp", "n", n);
      io.begin();
      const py = io.out(y, n, "exp", "y");
      raw.expForward(py, io.in(x, n, "exp", "x"), n);
      io.end();
    },
  };
  arena.kernels = k;
  return k;
}
