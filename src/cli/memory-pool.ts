// The runs of `rnnlab memory` on several threads: every run is independent (its own data, seed and
// network) and its result does not depend on where it runs, so `jobs` workers each take the next
// run, longest first (the pool ends sooner), and the results are put back in the reported order.
import { Worker } from "node:worker_threads";
import { memoryResult, memoryRunCost, memoryRunSpecs, type MemoryProbe, type MemoryRun, type MemorySettings } from "../analysis/memory.ts";
import type { CommandContext } from "./command.ts";
import type { PoolReply, PoolRequest } from "./memory-worker-main.ts";
import { workerEntry } from "./worker-entry.ts";

export function memoryInParallel(settings: MemorySettings, jobs: number, ctx: CommandContext): Promise<MemoryProbe> {
  const t0 = performance.now(), specs = memoryRunSpecs(settings);
  const total = specs.reduce((a, r) => a + memoryRunCost(settings, r), 0);
  const queue = specs.map((spec, index) => ({ spec, index })).sort((a, b) => memoryRunCost(settings, b.spec) - memoryRunCost(settings, a.spec));
  const flag = new Int32Array(new SharedArrayBuffer(4)), runs: (MemoryRun | undefined)[] = new Array(specs.length);
  let done = 0, stopped = false, failed: Error | null = null, live = 0;
  ctx.progress.start(total, "memory");
  return new Promise((resolve, reject) => {
    const watch = setInterval(() => { if (ctx.stopped()) { stopped = true; Atomics.store(flag, 0, 1); } }, 100);
    const finish = () => {
      clearInterval(watch);
      ctx.progress.stop();
      if (failed) { reject(failed); return; }
      const kept = runs.filter((r): r is MemoryRun => r !== undefined);
      resolve(memoryResult(settings, kept, (performance.now() - t0) / 1000, stopped || kept.length < specs.length));
    };
    const next = (w: Worker) => {
      const job = stopped || failed ? undefined : queue.shift();
      if (!job) { void w.terminate(); return; }
      w.postMessage({ type: "run", index: job.index, spec: job.spec } satisfies PoolRequest);
    };
    for (let i = 0; i < Math.min(jobs, queue.length); i++) {
      const w = new Worker(workerEntry(), {
        workerData: { entry: "memory-worker-main", settings, flag }, env: { ...process.env, RNNLAB_THREADS: "1" },
      });
      live++;
      w.on("message", (m: PoolReply) => {
        if (m.type === "work") { done += m.units; ctx.progress.update(done); return; }
        if (m.type === "error") { failed ??= Object.assign(new Error(m.message), { stack: m.stack }); Atomics.store(flag, 0, 1); }
        else if (m.run) runs[m.index] = m.run;
        else stopped = true;
        next(w);
      });
      w.on("error", (e) => { failed ??= e; Atomics.store(flag, 0, 1); });
      w.on("exit", () => { if (--live === 0) finish(); });
      next(w);
    }
    if (live === 0) finish();
  });
}
