// How a training step scales (rnnlab-wasm): time and tape memory as T grows 25 → 400 (H 256) and as
// H grows 64 → 1024 (T 100), for the W2 model (LSTM, B 32, D 64, dense 64 on every step, SGD).
// Tape = the wasm arena's bytes in use after the step (parameters, gradients, the saved gates and
// states of every time step, scratch); it should grow linearly in T, as should the time.
// Usage: node --import tsx bench/scaling.ts [--threads 1|2] → JSON lines on stdout
import { loadKernels } from "../src/index.ts";
import type { WasmKernels } from "../src/kernels/wasm/index.ts";
import { buildWorkload, rnnFwdFlops, type Workload } from "./workloads.ts";

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : def; };
const threads = Number(arg("threads", "1"));

/** One configuration on a fresh backend (its own memory), so each tape is measured alone. */
async function measure(w: Workload) {
  const k = (await loadKernels("wasm", { threads })) as WasmKernels;
  k.waitForThreads();
  const before = k.arena.stats().used;
  const { train } = buildWorkload(w, k);
  train();
  const tape = k.arena.stats().used - before;
  const ts: number[] = [];
  const end = performance.now() + 1500;
  while (ts.length < 3 || (performance.now() < end && ts.length < 20)) { const t0 = performance.now(); train(); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b);
  const median = ts[ts.length >> 1]!;
  k.dispose();
  return { T: w.T, H: w.H, B: w.B, I: w.I, threads, train_ms_median: median, tape_bytes: tape, train_gflops: 3 * rnnFwdFlops(w) / (median * 1e-3) / 1e9 };
}

const base: Workload = { cell: "lstm", I: 64, H: 256, T: 100, B: 32, head: "all64", desc: "scaling" };
for (const T of [25, 50, 100, 200, 400]) console.log(JSON.stringify({ series: "T", ...(await measure({ ...base, T })) }));
for (const H of [64, 128, 256, 512, 1024]) console.log(JSON.stringify({ series: "H", ...(await measure({ ...base, H })) }));
