// Both cores for the wasm backend: one worker thread (worker.mjs) on the same shared
// WebAssembly.Memory. A kernel call above a work threshold is cut in two (rows or columns of C for
// a GEMM, batch rows for a cell's pointwise step); the worker runs one half while this thread runs
// the other, then this thread waits for it. Nothing is copied: both halves are pointers into the
// same memory. Every C element / state element is computed by exactly the same f32 operations as
// in a one-thread call (see assembly/gemm.ts), so results are bit-for-bit identical.
//
// Hand-off: a 128-byte control block in the arena holds a job counter, a done counter, the op and
// its arguments. Posting is two stores and a notify (~1 µs while the worker spins); the worker
// spins ~0.2 ms for the next job before it parks (then waking costs ~0.1 ms). Waiting here spins
// too and parks after a while (Node lets the main thread Atomics.wait). Where worker_threads is
// missing (browsers, where the playground runs in a Web Worker anyway) the pool stays at one thread.
//
// Not here: where to cut each kernel (index.ts), the thresholds' measurement (bench/threads.ts).
import type { Arena } from "./arena.ts";

/** The exports a worker may run, with one letter per argument: i = i32/pointer, f = f32. */
export const WORKER_OPS = [
  ["gemmNNs", "iiiiiiiii"],
  ["gemmNTs", "iiiiiiiii"],
  ["gemmTNs", "iiiiiiiiii"],
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
const LAYOUT = { SEQ: 0, DONE: 1, STATE: 2, OP: 3, ERR: 4, ARGS: 8, SLOTS: 32, QUIT: -1, SPINS: 200_000 };
const WAIT_SPINS = 1_000_000;                        // this thread's spins before it parks while joining
const BOOT_TIMEOUT_MS = 10_000;

interface NodeWorker { unref(): void; terminate(): Promise<number>; on(ev: string, fn: (e: unknown) => void): void }
type WorkerCtor = new (url: URL, opts: { workerData: unknown; transferList?: unknown[] }) => NodeWorker;

/** worker_threads' Worker when this runtime has it (Node ≥ 20.16: process.getBuiltinModule keeps
 *  this file free of a static node: import, so a browser bundle can include it). */
function workerCtor(): WorkerCtor | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.("node:worker_threads") as { Worker?: WorkerCtor; isMainThread?: boolean } | undefined;
  return mod?.Worker ?? null;
}

/** How many threads the wasm backend uses by default: RNNLAB_THREADS if set, else 2 where the
 *  machine has two cores and worker_threads exists, else 1. */
export function defaultThreadCount(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.RNNLAB_THREADS;
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (n !== 1 && n !== 2) throw new Error(`RNNLAB_THREADS: expected 1 or 2, got ${JSON.stringify(env)}`);
    return n;
  }
  const os = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule?.("node:os") as { availableParallelism?: () => number } | undefined;
  return workerCtor() && (os?.availableParallelism?.() ?? 1) >= 2 ? 2 : 1;
}

export class ThreadPool {
  private worker: NodeWorker | null = null;
  private seq = 0;
  private readonly ints: Int32Array;
  private readonly floats: Float32Array;
  private failed: string | null = null;
  /** Calls whose second half ran on the worker (tests use it to know the two-thread path ran). */
  parallelCalls = 0;

  constructor(private readonly module: WebAssembly.Module, private readonly memory: WebAssembly.Memory,
              arena: Arena) {
    const ctl = arena.allocBytes(LAYOUT.SLOTS * 4);
    this.ints = new Int32Array(memory.buffer, ctl, LAYOUT.SLOTS);
    this.floats = new Float32Array(memory.buffer, ctl, LAYOUT.SLOTS);
    this.ints.fill(0);
  }

  /** Whether a job can go to the worker now. Starts the worker on first use; until it has booted
   *  (tens of ms) calls run on one thread. */
  ready(): boolean {
    if (this.failed) return false;
    if (!this.worker) this.start();
    return Atomics.load(this.ints, LAYOUT.STATE) === 1;
  }

  /** Blocks until the worker has booted (or throws); for tests and benchmarks that must measure two threads. */
  waitUntilReady(): void {
    if (!this.worker) this.start();
    if (this.failed) throw new Error(`rnnlab threads: ${this.failed}`);
    const r = Atomics.wait(this.ints, LAYOUT.STATE, 0, BOOT_TIMEOUT_MS);
    if (Atomics.load(this.ints, LAYOUT.STATE) !== 1) throw new Error(`rnnlab threads: the worker did not start (${r})`);
  }

  /** Hands `op(args)` to the worker; call join() before touching what it writes. */
  post(op: WorkerOp, args: readonly number[]): void {
    const { ints, floats } = this;
    const kinds = WORKER_OPS[OP_INDEX.get(op)!]![1];
    for (let i = 0; i < args.length; i++) {
      if (kinds[i] === "f") floats[LAYOUT.ARGS + i] = args[i]!; else ints[LAYOUT.ARGS + i] = args[i]!;
    }
    ints[LAYOUT.OP] = OP_INDEX.get(op)!;
    Atomics.store(ints, LAYOUT.SEQ, ++this.seq);
    Atomics.notify(ints, LAYOUT.SEQ, 1);
    this.parallelCalls++;
  }

  /** Waits for the job posted last. */
  join(): void {
    const { ints } = this;
    let spins = 0;
    for (let done = Atomics.load(ints, LAYOUT.DONE); done !== this.seq; done = Atomics.load(ints, LAYOUT.DONE)) {
      if (++spins > WAIT_SPINS) { Atomics.wait(ints, LAYOUT.DONE, done, 1); spins = 0; }
    }
    if (ints[LAYOUT.ERR] !== 0) {
      ints[LAYOUT.ERR] = 0;
      throw new Error("rnnlab threads: a kernel failed on the worker thread (its message is on stderr)");
    }
  }

  /** Stops the worker (it is also unref'd, so an idle pool never keeps a process alive). */
  dispose(): void {
    if (!this.worker) return;
    if (Atomics.load(this.ints, LAYOUT.STATE) === 1) {
      this.ints[LAYOUT.OP] = LAYOUT.QUIT;
      Atomics.store(this.ints, LAYOUT.SEQ, ++this.seq);
      Atomics.notify(this.ints, LAYOUT.SEQ, 1);
    } else void this.worker.terminate();
    this.worker = null;
    this.failed = "disposed";
  }

  private start(): void {
    const Worker = workerCtor();
    if (!Worker) { this.failed = "worker_threads is not available here"; return; }
    try {
      this.worker = new Worker(new URL("./worker.mjs", import.meta.url), {
        workerData: { module: this.module, memory: this.memory, ctl: this.ints.byteOffset, ops: WORKER_OPS, layout: LAYOUT },
      });
    } catch (err) {
      this.failed = err instanceof Error ? err.message : String(err);
      return;
    }
    this.worker.unref();
    this.worker.on("error", (e) => { this.failed = String(e); });
  }
}
