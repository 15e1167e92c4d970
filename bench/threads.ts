// Where two threads start to pay: a time step's GEMM (B × 4H × H, the shape the threshold mostly
// decides) and an LSTM pointwise step (B × H), timed on one thread and on two with the threshold
// out of the way, for growing sizes. The crossover is where PARALLEL_GEMM_MACS and
// PARALLEL_POINTWISE in src/kernels/wasm/index.ts come from.
// Usage: node --import tsx bench/threads.ts → a table on stdout (and JSON lines with --json)
import { createWasmKernelsSync, type WasmKernels } from "../src/kernels/wasm/index.ts";
import { Act } from "../src/kernels/types.ts";

const one = createWasmKernelsSync({ threads: 1 }), two = createWasmKernelsSync({ threads: 2, parallelGemmMacs: 0, parallelPointwise: 0 });
two.waitForThreads();
const json = process.argv.includes("--json");

function fill(k: WasmKernels, n: number): Float32Array {
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
  for (const k of [one, two]) {
    const A = fill(k, M * K), W = fill(k, N * K), C = fill(k, M * N);
    t.push(time(() => k.gemmNT(C, A, W, M, N, K)));
  }
  const p: number[] = [];
  const o = { forgetBias: 0, cellClip: -1, gateAct: Act.Sigmoid, cellAct: Act.Tanh };
  for (const k of [one, two]) {
    const z = fill(k, 4 * B * H), cp = fill(k, B * H), g = fill(k, 4 * B * H), c = fill(k, B * H), m = fill(k, B * H);
    p.push(time(() => k.lstmForward(g, c, m, z, cp, null, B, H, o)));
  }
  if (json) console.log(JSON.stringify({ B, H, macs, gemm_us: t, pointwise: B * H, pointwise_us: p }));
  rows.push(`| ${B} | ${H} | ${macs.toLocaleString("en")} | ${t[0]!.toFixed(1)} | ${t[1]!.toFixed(1)} | ${(t[0]! / t[1]!).toFixed(2)} | ${B * H} | ${p[0]!.toFixed(1)} | ${p[1]!.toFixed(1)} | ${(p[0]! / p[1]!).toFixed(2)} |`);
}
if (!json) console.log(rows.join("\n"));
two.dispose();
