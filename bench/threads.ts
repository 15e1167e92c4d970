// Where two threads start to pay: a time step's GEMM (B × 4H × H, the shape the threshold mostly
// decides) and an LSTM pointwise step (B × H), timed on one thread and on two with the threshold
// out of the way, for growing sizes. The crossover is where PARALLEL_GEMM_MACS and
// PARALLEL_POINTWISE in src/kernels/wasm/index.ts come from (with --backend native: the
// thresholds at the top of native/addon.cc).
// Usage: node --import tsx bench/threads.ts [--backend wasm|native] → a table on stdout (and JSON lines with --json)
import { createWasmKernelsSync } from "../src/kernels/wasm/index.ts";
import { createNativeKernels } from "../src/kernels/native/index.ts";
import { Act, type Kernels } from "../src/kernels/types.ts";

const backend = process.argv.includes("--backend") ? process.argv[process.argv.indexOf("--backend") + 1] : "wasm";
/** [kernels, what to do before timing them]: one thread, and two threads sharing every call */
let one: Kernels, two: Kernels, useOne = () => {}, useTwo = () => {}, dispose = () => {};
if (backend === "native") {
  const n = createNativeKernels();
  one = two = n;
  useOne = () => { n.setThreads(1); };
  useTwo = () => { n.setThreads(2); n.setThresholds({ gemmMacs: 0, pointwise: 0, elementwise: 0 }); };
} else {
  const w1 = createWasmKernelsSync({ threads: 1 }), w2 = createWasmKernelsSync({ threads: 2, parallelGemmMacs: 0, parallelPointwise: 0 });
  w2.waitForThreads();
  one = w1; two = w2; dispose = () => w2.dispose();
}
const json = process.argv.includes("--json");

function fill(k: Kernels, n: number): Float32Array {
  const v = k.alloc(n) as Float32Array;
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 0.37);
  return v;
}
/** Median µs per call over ~150 ms. */
function time(fn: () => void): number {
  for (let i = 0; i < 20; i++) fn();
  const ts: number[] = [], end = performance.now() + 150;
  while (performance.now() < end || ts.length < 9) { const t0 = performance.now(); fn(); ts.push((performance.now() - t0) * 1e3); }
  return ts.sort((a, b) => a - b)[ts.length >> 1]!;
}

const rows: string[] = ["| B | H | step GEMM multiply-adds | 1 thread µs | 2 threads µs | speed-up | pointwise B·H | 1 thread µs | 2 threads µs | speed-up |", "|---|---|---|---|---|---|---|---|---|---|"];
for (const [B, H] of [[4, 16], [8, 32], [16, 32], [16, 64], [32, 64], [32, 128], [64, 128], [32, 256], [64, 256], [64, 512]] as const) {
  const M = B, N = 4 * H, K = H, macs = M * N * K;
  const t: number[] = [];
  for (const [k, use] of [[one, useOne], [two, useTwo]] as const) {
    const A = fill(k, M * K), W = fill(k, N * K), C = fill(k, M * N);
    use();
    t.push(time(() => k.gemmNT(C, A, W, M, N, K)));
  }
  const p: number[] = [];
  const o = { forgetBias: 0, cellClip: -1, gateAct: Act.Sigmoid, cellAct: Act.Tanh };
  for (const [k, use] of [[one, useOne], [two, useTwo]] as const) {
    const z = fill(k, 4 * B * H), cp = fill(k, B * H), g = fill(k, 4 * B * H), c = fill(k, B * H), m = fill(k, B * H);
    use();
    p.push(time(() => k.lstmForward(g, c, m, z, cp, null, B, H, o)));
  }
  if (json) console.log(JSON.stringify({ backend, B, H, macs, gemm_us: t, pointwise: B * H, pointwise_us: p }));
  rows.push(`| ${B} | ${H} | ${macs.toLocaleString("en")} | ${t[0]!.toFixed(1)} | ${t[1]!.toFixed(1)} | ${(t[0]! / t[1]!).toFixed(2)} | ${B * H} | ${p[0]!.toFixed(1)} | ${p[1]!.toFixed(1)} | ${(p[0]! / p[1]!).toFixed(2)} |`);
}
if (!json) console.log(rows.join("\n"));
dispose();
