// Every core for the wasm backend: N − 1 worker threads (worker.mjs) on the same shared
// WebAssembly.Memory. A kernel call above a work threshold becomes a job: the call cut into chunks
// along one dimension (columns or rows of C for a GEMM, batch rows for a cell's pointwise step),
// each chunk the same kernel on a sub-range of pointers. This thread and the worker claim chunks
// one at a time; nothing is copied. Every C element / state element is computed by exactly the
// same f32 operations whichever chunk or thread computes it (see assembly/gemm.ts), so results are
// bit-for-bit those of one thread, for any number of threads.
//
// Protocol (a 192-byte control block in the arena; Atomics are sequentially consistent):
//   post:  CLAIM ← (seq, exhausted); write OP, ARGS, DELTAS, UNITS, CHUNK, NCHUNKS; FIN ← 0;
//          CLAIM ← (seq, 0); SEQ ← seq; notify.
//   claim: CAS CLAIM (seq, c) → (seq, c + 1); a worker that read a stale job fails the CAS because
//          the tag differs, so it never runs a chunk with old arguments. Any number of workers may
//          claim: the CAS hands each chunk to exactly one thread.
//   chunk c covers units [c·CHUNK, min(UNITS, (c+1)·CHUNK)): pointer i moves by c·CHUNK·DELTAS[i]
//          bytes and argument COUNT_IDX becomes the chunk's length; FIN += 1 after each chunk.
//   join:  this thread claims until none are left, then waits for FIN = NCHUNKS, i.e. only for
//          chunks the workers are running right now. A worker the OS has not scheduled costs nothing:
//          this thread just takes all the chunks (the machine may be busy with other processes).
// The worker spins ~1 ms for the next job before it parks (waking costs ~0.1 ms). Where
// worker_threads is missing, a cross-origin-isolated browser page or worker gets Web Workers
// running the same worker.mjs (served as wasm-thread.mjs next to the bundle, see
// scripts/build-web.mjs); its default stays one thread (setThreads(n) opts in: the playground
// does). Elsewhere the pool stays at one thread.
//
// Not here: where to cut each kernel (index.ts), the thresholds' measurement (bench).
import type { Arena } from "./arena.ts";
import { configuredThreads } from "../threads-config.ts";

/** The exports a worker may run, with one letter per argument: i = i32/pointer, f = f32, w = the
 *  calling thread's own workspace (the GEMMs' packing buffers: each thread passes its own). */
export const WORKER_OPS = [
  ["gemmNNs", "iiiiiiiiiw"],
  ["gemmNTs", "iiiiiiiii"],
  ["gemmTNs", "iiiiiiiiiw"],
  ["lstmForward", "iiiiiiiiffii"],
  ["lstmBackward", "iiiiiiiiiiiffii"],
  ["gruGatesForward", "iiiiiiii"],
  ["gruCandidateForward", "iiiiiiiii"],
  ["gruCandidateBackward", "iiiiiiiiiiiii"],
  ["gruResetBackward", "iiiiiiiii"],
] as const;
export type WorkerOp = (typeof WORKER_OPS)[number][0];
const OP_INDEX = new Map<string, number>(WORKER_OPS.map(([name], i) => [name, i]));

/** Slots of the control block (i32 indices). */
const LAYOUT = {
  SEQ: 0, CLAIM: 1, FIN: 2, STATE: 3, ERR: 4, OP: 5, UNITS: 6, CHUNK: 7, NCHUNKS: 8, COUNT_IDX: 9,
  ARGS: 16, DELTAS: 32, SLOTS: 48, QUIT: -1, SPIN_MS: 1, SEQ_MASK: 0x7fffff,
};
// Spinning keeps a hand-off at a few µs, where sleeping and being woken costs ~50–100 µs each way
// (measured: with 20 µs spins a time step's GEMM on two threads was no faster than on one). But a
// spin is wasted while the other thread is not running, e.g. on a machine busy with other
// processes. So both spin for a bounded time, then sleep in Atomics.wait: the worker ~1 ms for
// the next job, this thread ~2 ms for the worker's last chunk (which notifies).
const JOIN_SPIN_MS = 2;
const BOOT_TIMEOUT_MS = 10_000;
const WORKER_ENTRY = "./worker.mjs";
/** the browser bundle's copy of worker.mjs (scripts/build-web.mjs), next to the bundle */
const WEB_WORKER_ENTRY = "./wasm-thread.mjs";

interface NodeWorker { unref(): void; terminate(): Promise<number> | void; on(ev: string, fn: (e: unknown) => void): void }
type WorkerCtor = new (url: URL, opts: { workerData: unknown; transferList?: unknown[] }) => NodeWorker;
interface WebWorkerLike { postMessage(m: unknown): void; terminate(): void; onerror: ((e: { message?: string }) => void) | null }
type WebWorkerCtor = new (url: URL, opts: { type: "module"; name?: string }) => WebWorkerLike;

/** A browser's Worker where shared memory can be posted to it (the realm is cross-origin isolated). */
function webWorkerCtor(): WebWorkerCtor | null {
  const g = globalThis as { Worker?: WebWorkerCtor; crossOriginIsolated?: boolean };
  return g.crossOriginIsolated === true && typeof g.Worker === "function" ? g.Worker : null;
}

/** Whether this realm can run the pool's helper threads (worker_threads, or isolated Web Workers). */
export function canUseThreads(): boolean { return workerCtor() !== null || webWorkerCtor() !== null; }

/** worker_threads' Worker when this runtime has it (Node ≥ 20.16: process.getBuiltinModule keeps
 *  this file free of a static node: import, so a browser bundle can include it). */
function workerCtor(): WorkerCtor | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.("node:worker_threads") as { Worker?: WorkerCtor; isMainThread?: boolean } | undefined;
  return mod?.Worker ?? null;
}

/** How many threads the wasm backend uses by default: RNNLAB_THREADS if set, else every core
 *  (threads-config.ts), and 1 where worker_threads does not exist. */
export function defaultThreadCount(): number {
  const n = configuredThreads();
  return workerCtor() ? n : 1;
}

export class ThreadPool {
  private workers: NodeWorker[] = [];
  private started = false;
  private seq = 0;
  private readonly ints: Int32Array;
  private readonly floats: Float32Array;
  private failed: string | null = null;
  /** Jobs of which a worker ran at least one chunk (tests use it to know the threaded path ran). */
  parallelCalls = 0;

  /** workerWork: one GEMM packing buffer (pointer) per worker; its length is the number of workers. */
  constructor(private readonly module: WebAssembly.Module, private readonly memory: WebAssembly.Memory,
              arena: Arena, private readonly exports: Record<string, unknown>,
              private readonly workerWork: readonly number[]) {
    const ctl = arena.allocBytes(LAYOUT.SLOTS * 4);
    this.ints = new Int32Array(memory.buffer, ctl, LAYOUT.SLOTS);
    this.floats = new Float32Array(memory.buffer, ctl, LAYOUT.SLOTS);
    this.ints.fill(0);
  }

  /** Whether a job can be shared now. Starts the workers on first use; until one has booted (tens
   *  of ms) calls run on one thread (chunks are claimed, so workers that boot later simply join). */
  ready(): boolean {
    if (this.failed) return false;
    if (!this.started) this.start();
    return Atomics.load(this.ints, LAYOUT.STATE) >= 1;
  }

  /** Blocks until every worker has booted (or throws); for tests and benchmarks that must measure N threads. */
  waitUntilReady(): void {
    if (!this.started) this.start();
    if (this.failed) throw new Error(`rnnlab threads: ${this.failed}`);
    const deadline = performance.now() + BOOT_TIMEOUT_MS;
    for (let n = Atomics.load(this.ints, LAYOUT.STATE); n < this.workerWork.length; n = Atomics.load(this.ints, LAYOUT.STATE)) {
      const left = deadline - performance.now();
      if (left <= 0 || this.failed) throw new Error(`rnnlab threads: ${n} of ${this.workerWork.length} workers started${this.failed ? ` (${this.failed})` : ""}`);
      Atomics.wait(this.ints, LAYOUT.STATE, n, left);
    }
  }

  /**
   * Runs `op` over `units` units (rows or columns) in chunks of `chunk` units, sharing them with the
   * worker. args: the whole call; deltas[i]: bytes pointer argument i moves per unit (0: fixed);
   * countIdx: the argument that holds the number of units.
   */
  run(op: WorkerOp, args: number[], deltas: readonly number[], countIdx: number, units: number, chunk: number): void {
    const { ints, floats } = this, L = LAYOUT;
    const index = OP_INDEX.get(op)!, kinds = WORKER_OPS[index]![1];
    const nChunks = Math.ceil(units / chunk);
    if (nChunks > 254) throw new RangeError(`rnnlab threads: ${nChunks} chunks (at most 254)`);
    const seq = (this.seq = (this.seq + 1) & L.SEQ_MASK), tag = seq << 8;
    Atomics.store(ints, L.CLAIM, tag | 0xff);        // invalidate before rewriting the job
    for (let i = 0; i < args.length; i++) {
      if (kinds[i] === "f") floats[L.ARGS + i] = args[i]!; else ints[L.ARGS + i] = args[i]!;
      ints[L.DELTAS + i] = deltas[i] ?? 0;
    }
    ints[L.OP] = index; ints[L.UNITS] = units; ints[L.CHUNK] = chunk; ints[L.NCHUNKS] = nChunks; ints[L.COUNT_IDX] = countIdx;
    Atomics.store(ints, L.FIN, 0);
    Atomics.store(ints, L.CLAIM, tag);
    Atomics.store(ints, L.SEQ, seq);
    Atomics.notify(ints, L.SEQ);                     // every parked worker

    const fn = this.exports[op] as (...a: number[]) => void;
    const call = args.slice();
    let mine = 0;
    for (;;) {
      const claim = Atomics.load(ints, L.CLAIM), c = claim & 0xff;
      if (c >= nChunks) break;
      if (Atomics.compareExchange(ints, L.CLAIM, claim, claim + 1) !== claim) continue;
      const u0 = c * chunk;
      for (let i = 0; i < args.length; i++) call[i] = args[i]! + u0 * (deltas[i] ?? 0);
      call[countIdx] = Math.min(units, u0 + chunk) - u0;
      fn(...call);
      Atomics.add(ints, L.FIN, 1);
      mine++;
    }
    if (mine < nChunks) this.parallelCalls++;
    let spins = 0, since = 0;
    for (let fin = Atomics.load(ints, L.FIN); fin !== nChunks; fin = Atomics.load(ints, L.FIN)) {
      if ((++spins & 1023) !== 0) continue;
      if (since === 0) since = performance.now();
      else if (performance.now() - since > JOIN_SPIN_MS) Atomics.wait(ints, L.FIN, fin, 20);   // woken by the last chunk's worker
    }
    if (ints[L.ERR] !== 0) {
      ints[L.ERR] = 0;
      throw new Error("rnnlab threads: a kernel failed on the worker thread (its message is on stderr)");
    }
  }

  /** Stops the workers (they are also unref'd, so an idle pool never keeps a process alive). */
  dispose(): void {
    if (!this.started) return;
    this.ints[LAYOUT.OP] = LAYOUT.QUIT;               // booted workers see it with the next SEQ and leave
    Atomics.store(this.ints, LAYOUT.SEQ, ++this.seq);
    Atomics.notify(this.ints, LAYOUT.SEQ);
    for (const w of this.workers) void w.terminate();  // and any still booting are stopped
    this.workers = [];
    this.failed = "disposed";
  }

  private start(): void {
    this.started = true;
    const Worker = workerCtor();
    if (!Worker) { this.startWeb(); return; }
    try {
      // the entry through a variable: bundlers (webpack, Vite) treat `new Worker(new URL("literal", …))`
      // as a worker to bundle, and this one only ever runs in Node
      const entry = WORKER_ENTRY;
      for (const work of this.workerWork) {
        const w = new Worker(new URL(entry, import.meta.url), {
          workerData: { module: this.module, memory: this.memory, ctl: this.ints.byteOffset, ops: WORKER_OPS, layout: LAYOUT, work },
        });
        w.unref();
        w.on("error", (e) => { this.failed = String(e); });
        this.workers.push(w);
      }
    } catch (err) {
      this.failed = err instanceof Error ? err.message : String(err);
    }
  }

  /** The browser: one module Web Worker per helper, sent the job block as its first message. */
  private startWeb(): void {
    const Web = webWorkerCtor();
    if (!Web) { this.failed = "neither worker_threads nor cross-origin-isolated Web Workers are available here"; return; }
    // a page's main thread may not block in Atomics.wait (run() does while a chunk finishes): one thread there
    if (typeof (globalThis as { document?: unknown }).document !== "undefined") { this.failed = "threads need a Web Worker: a page's main thread cannot wait"; return; }
    try {
      const entry = WEB_WORKER_ENTRY;                  // through a variable, as above
      for (const work of this.workerWork) {
        const w = new Web(new URL(entry, import.meta.url), { type: "module", name: "rnnlab wasm thread" });
        w.onerror = (e) => { this.failed = `a wasm thread failed: ${e.message ?? "unknown error"}`; };
        w.postMessage({ module: this.module, memory: this.memory, ctl: this.ints.byteOffset, ops: WORKER_OPS, layout: LAYOUT, work });
        this.workers.push({ unref() {}, terminate: () => w.terminate(), on() {} });
      }
    } catch (err) {
      this.failed = err instanceof Error ? err.message : String(err);
    }
  }
}
