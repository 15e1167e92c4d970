// Time per training step against thread count, with where the time goes per kernel kind, for the
// native and the wasm backend: the scaling table of bench/RESULTS.md and the per-kind parallel
// fractions from which it projects 16 and 64 cores (Amdahl: t(N) = t₁·((1 − p) + p/N) per kind,
// p measured from 1 → 2 threads as p = 2·(1 − t₂/t₁)).
// Usage: node --import tsx bench/thread-scaling.ts [--backend native|wasm] [--workload W3] [--max-threads N]
//        → one JSON line per thread count
import { cpus } from "node:os";
import type { Kernels } from "../src/index.ts";
import { createWasmKernelsSync } from "../src/kernels/wasm/index.ts";
import { createNativeKernels } from "../src/kernels/native/index.ts";
import { WL, buildWorkload } from "./workloads.ts";

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : def; };
const backend = arg("backend", "native"), wl = arg("workload", "W3") as keyof typeof WL;
const maxThreads = Number(arg("max-threads", String(Math.max(2, cpus().length))));
const reps = Number(arg("reps", "5"));

const KIND: Record<string, string> = {
  gemmNN: "gemm", gemmNT: "gemm", gemmTN: "gemm",
  lstmForward: "pointwise", lstmBackward: "pointwise", gruGatesForward: "pointwise", gruCandidateForward: "pointwise",
  gruCandidateBackward: "pointwise", gruResetBackward: "pointwise",
  softmaxXent: "loss+optimizer", sgdStep: "loss+optimizer", adamStep: "loss+optimizer", sumSquares: "loss+optimizer",
};

/** The backend with every kernel call timed into `ms` by kind. */
function timedProxy(base: Kernels, ms: Record<string, number>): Kernels {
  return new Proxy(base as unknown as Record<string, unknown>, {
    get(target, prop: string) {
      const v = target[prop];
      if (typeof v !== "function" || prop === "alloc" || prop === "free") return v;
      const kind = KIND[prop] ?? "other kernels";
      return (...a: unknown[]) => {
        const t0 = performance.now();
        const r = (v as (...x: unknown[]) => unknown).apply(target, a);
        ms[kind] = (ms[kind] ?? 0) + performance.now() - t0;
        return r;
      };
    },
  }) as unknown as Kernels;
}

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

// every thread count gets its model first; then the repetitions are interleaved (1, 2, …, N, 1, 2, …)
// so that a burst of load from other processes spreads over all counts instead of biasing one
interface Run { threads: number; k: Kernels; train: () => void; times: number[] }
const runs: Run[] = [];
for (let threads = 1; threads <= maxThreads; threads++) {
  let k: Kernels;
  if (backend === "native") k = createNativeKernels();       // one process-wide pool: resized before each step
  else { const w = createWasmKernelsSync({ threads }); w.waitForThreads(); k = w; }
  runs.push({ threads, k, train: buildWorkload(WL[wl], k).train, times: [] });
}
const use = (r: Run) => { if (backend === "native") createNativeKernels({ threads: r.threads }); };
for (const r of runs) { use(r); r.train(); r.train(); }
for (let i = 0; i < reps; i++) {
  for (const r of runs) { use(r); const t0 = performance.now(); r.train(); r.times.push(performance.now() - t0); }
}
for (const r of runs) {
  use(r);
  const ms: Record<string, number> = {};
  const timed = buildWorkload(WL[wl], timedProxy(r.k, ms)).train;
  timed();
  for (const key of Object.keys(ms)) delete ms[key];
  const n = 3, t0 = performance.now();
  for (let i = 0; i < n; i++) timed();
  const stepMs = (performance.now() - t0) / n;
  const parts = Object.fromEntries(Object.entries(ms).map(([kind, v]) => [kind, v / n]));
  parts["outside kernels"] = stepMs - Object.values(parts).reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({ workload: wl, backend, threads: r.threads, cores: cpus().length, step_ms_median: median(r.times), step_ms_all: r.times, parts_ms: parts }));
  if (backend === "wasm") (r.k as ReturnType<typeof createWasmKernelsSync>).dispose();
}
