// Inside a memory pool worker: trains the runs the pool sends, one at a time, and posts each run's
// result and its progress back. The kernels run on one thread here: the pool's parallelism is one
// run per core, and a run's result does not depend on the thread count.
import { parentPort, workerData } from "node:worker_threads";
import { memoryRun, type MemorySettings, type MemoryRunSpec, type MemoryRun } from "../analysis/memory.ts";

export type PoolRequest = { type: "run"; index: number; spec: MemoryRunSpec };
export type PoolReply =
  | { type: "work"; units: number }
  | { type: "done"; index: number; run: MemoryRun | null }
  | { type: "error"; message: string; stack?: string };

const { settings, flag } = workerData as { settings: MemorySettings; flag: Int32Array };
const post = (m: PoolReply) => parentPort!.postMessage(m);
let pending = 0, lastPost = 0;
const onWork = (units: number) => {
  pending += units;
  const now = performance.now();
  if (now - lastPost < 100) return;                          // a step can take microseconds
  lastPost = now;
  post({ type: "work", units: pending });
  pending = 0;
};
parentPort!.on("message", (m: PoolRequest) => {
  try {
    const run = memoryRun(settings, m.spec, { onWork, shouldStop: () => Atomics.load(flag, 0) === 1 });
    if (pending) { post({ type: "work", units: pending }); pending = 0; }
    post({ type: "done", index: m.index, run });
  } catch (e) {
    post({ type: "error", message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
  }
});
