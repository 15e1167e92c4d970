// Where a training step's time goes on rnnlab-wasm (one thread): every kernel call is timed and
// summed by kind (GEMM, cell pointwise, loss + optimizer, other kernels); "outside kernels" is the
// JavaScript around them (bookkeeping, copies, the head's glue). Timing each call adds ~0.1 µs per
// call, so the step here is slightly slower than in the benchmark. The GEMM share and its achieved
// GFLOP/s say how much of the remaining gap to PyTorch is GEMM throughput (SIMD128 vs AVX-512).
// Usage: node --import tsx bench/profile.ts [--backend wasm|native] [--workloads W1,W2,W3,W4] → JSON lines on stdout
import { loadKernels, type Kernels } from "../src/index.ts";
import type { WasmKernels } from "../src/kernels/wasm/index.ts";
import { WL, buildWorkload, rnnFwdFlops } from "./workloads.ts";

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : def; };
const backendName = arg("backend", "wasm") as "wasm" | "native";
const base = await loadKernels(backendName, { threads: Number(arg("threads", "1")) });
if (base.name !== backendName) throw new Error(`profile: backend ${backendName} unavailable`);
const KIND: Record<string, string> = {
  gemmNN: "gemm", gemmNT: "gemm", gemmTN: "gemm",
  lstmForward: "pointwise", lstmBackward: "pointwise", gruGatesForward: "pointwise", gruCandidateForward: "pointwise",
  gruCandidateBackward: "pointwise", gruResetBackward: "pointwise",
  softmaxXent: "loss+optimizer", sgdStep: "loss+optimizer", adamStep: "loss+optimizer", sumSquares: "loss+optimizer",
};
const ms: Record<string, number> = {};
let gemmFlops = 0;
const timedKernels = new Proxy(base as unknown as Record<string, unknown>, {
  get(target, prop: string) {
    const v = target[prop];
    if (typeof v !== "function" || prop === "alloc" || prop === "free") return v;
    const kind = KIND[prop] ?? "other kernels";
    return (...a: number[]) => {
      const t0 = performance.now();
      const r = (v as (...x: unknown[]) => unknown).apply(target, a);
      ms[kind] = (ms[kind] ?? 0) + performance.now() - t0;
      if (kind === "gemm") gemmFlops += 2 * a[3]! * a[4]! * a[5]!;
      return r;
    };
  },
}) as unknown as Kernels;
// the loss and the optimizer find their kernels through the buffers' arena: point it at the timer
// (native buffers are plain arrays: kernelsFor() finds the native backend itself, untimed)
if (base.name === "wasm") (base as WasmKernels).arena.kernels = timedKernels;

for (const name of arg("workloads", "W1,W2,W3,W4").split(",") as (keyof typeof WL)[]) {
  const w = WL[name], { train } = buildWorkload(w, timedKernels);
  for (let i = 0; i < 2; i++) train();
  for (const key of Object.keys(ms)) delete ms[key];
  gemmFlops = 0;
  const n = name === "W3" ? 3 : 8, t0 = performance.now();
  for (let i = 0; i < n; i++) train();
  const stepMs = (performance.now() - t0) / n;
  const parts = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, v / n]));
  const inKernels = Object.values(parts).reduce((a, b) => a + b, 0);
  parts["outside kernels"] = stepMs - inKernels;
  console.log(JSON.stringify({ workload: name, step_ms: stepMs, parts_ms: parts, gemm_gflops: gemmFlops / n / ((parts.gemm ?? 0) * 1e-3) / 1e9,
    gemm_flops_per_step: gemmFlops / n, rnn_train_flops: 3 * rnnFwdFlops(w) }));
}
