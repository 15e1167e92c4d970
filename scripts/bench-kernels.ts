// Quick kernel throughput check (not a test): GEMM GFLOP/s of the wasm backend vs ref, and the cost
// of one LSTM / GRU pointwise step. Run: node --import tsx scripts/bench-kernels.ts [size]
import { refKernels } from "../src/kernels/ref/index.ts";
import { createWasmKernelsSync } from "../src/kernels/wasm/index.ts";
import { Act, type Kernels } from "../src/kernels/types.ts";

const wasm = createWasmKernelsSync();
const S = Number(process.argv[2] ?? 256);

function fill(k: Kernels, n: number, seed: number): Float32Array {
  const v = k.alloc(n) as Float32Array;
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) >>> 0; v[i] = s / 2 ** 31 - 1; }
  return v;
}

/** Median seconds per call over `reps` timed batches. */
function time(fn: () => void, minMs = 200): number {
  fn();
  let n = 1;
  for (;;) { const t = performance.now(); for (let i = 0; i < n; i++) fn(); if (performance.now() - t > 20) break; n *= 2; }
  const samples: number[] = [];
  const end = performance.now() + minMs;
  while (performance.now() < end || samples.length < 5) {
    const t = performance.now(); for (let i = 0; i < n; i++) fn(); samples.push((performance.now() - t) / n / 1e3);
  }
  return samples.sort((a, b) => a - b)[samples.length >> 1]!;
}

for (const k of [wasm, refKernels] as Kernels[]) {
  const M = S, N = S, K = S;
  const A = fill(k, M * K, 1), B = fill(k, K * N, 2), C = fill(k, M * N, 3);
  const row: string[] = [];
  for (const g of ["gemmNN", "gemmNT", "gemmTN"] as const) {
    const s = time(() => k[g](C, A, B, M, N, K), k.name === "ref" ? 400 : 300);
    row.push(`${g} ${(2 * M * N * K / s / 1e9).toFixed(2)}`);
  }
  console.log(`[${k.name}] ${M}x${N}x${K} GFLOP/s: ${row.join(", ")}`);
}

for (const k of [wasm, refKernels] as Kernels[]) {
  const B = 32, H = 256;
  const z = fill(k, 4 * B * H, 4), cp = fill(k, B * H, 5), g = k.alloc(4 * B * H), c = k.alloc(B * H), m = k.alloc(B * H);
  const o = { forgetBias: 1, cellClip: -1, gateAct: Act.Sigmoid, cellAct: Act.Tanh };
  const fwd = time(() => k.lstmForward(g, c, m, z, cp, null, B, H, o));
  const dz = k.alloc(4 * B * H), dcp = k.alloc(B * H), dm = fill(k, B * H, 6), dc = fill(k, B * H, 7);
  const bwd = time(() => k.lstmBackward(dz, dcp, null, dm, dc, g, c, cp, null, B, H, o));
  console.log(`[${k.name}] lstm pointwise B=${B} H=${H}: forward ${(fwd * 1e6).toFixed(1)} µs, backward ${(bwd * 1e6).toFixed(1)} µs`);
}
