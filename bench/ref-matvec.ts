// How fast can plain JavaScript do the reference backend's one-step work? The W5 step's big product
// is h·W_hhᵀ (1 × 128 by 512 × 128, 65,536 multiply-adds, float32 weights). This times the library's
// own gemmNT against other ways of writing the same loop, each in its own process so that V8 sees one
// function with one kind of array (mixing kinds in one process makes every variant slower).
//
// Usage: node --import tsx bench/ref-matvec.ts            (all variants, ~10 s; writes the JSON file)
//        node --import tsx bench/ref-matvec.ts --json     (all variants, one JSON line each: npm run bench)
//        node --import tsx bench/ref-matvec.ts <variant>  (one variant, one JSON line)
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { gemmNT } from "../src/kernels/ref/gemm.ts";

type Mv = (C: Float32Array, A: Float32Array | Float64Array, B: Float32Array | Float64Array, N: number, K: number) => void;

// Every variant computes C[j] += Σ_k A[k]·B[j·K + k] in double precision; only the loop shape differs.
const variants: Record<string, { about: string; f64Weights?: boolean; mv: Mv }> = {
  library: { about: "rnnlab's gemmNT: 8 rows share each read of A, 8 add chains, k in order", mv: (C, A, B, N, K) => gemmNT(C, A, B, 1, N, K) },
  library_f64: { about: "the same loop reading a float64 copy of the weights (no float32 → float64 conversion)", f64Weights: true, mv: (C, A, B, N, K) => gemmNT(C, A, B, 1, N, K) },
  running_index: { about: "8 rows, one running index plus constant row strides", mv: (C, A, B, N, K) => {
    const K2 = 2 * K, K3 = 3 * K, K4 = 4 * K, K5 = 5 * K, K6 = 6 * K, K7 = 7 * K;
    for (let j = 0; j + 8 <= N; j += 8) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      for (let k = 0, p = j * K; k < K; k++, p++) {
        const a = A[k];
        s0 += a * B[p]; s1 += a * B[p + K]; s2 += a * B[p + K2]; s3 += a * B[p + K3];
        s4 += a * B[p + K4]; s5 += a * B[p + K5]; s6 += a * B[p + K6]; s7 += a * B[p + K7];
      }
      C[j] += s0; C[j + 1] += s1; C[j + 2] += s2; C[j + 3] += s3; C[j + 4] += s4; C[j + 5] += s5; C[j + 6] += s6; C[j + 7] += s7;
    }
  } },
  two_rows_four_chains: { about: "2 rows × 4 chains over k (changes the order of each sum)", mv: (C, A, B, N, K) => {
    for (let j = 0; j + 2 <= N; j += 2) {
      const b = j * K, c = b + K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let k = 0; k + 4 <= K; k += 4) {
        const a0 = A[k], a1 = A[k + 1], a2 = A[k + 2], a3 = A[k + 3];
        s0 += a0 * B[b + k]; s1 += a1 * B[b + k + 1]; s2 += a2 * B[b + k + 2]; s3 += a3 * B[b + k + 3];
        t0 += a0 * B[c + k]; t1 += a1 * B[c + k + 1]; t2 += a2 * B[c + k + 2]; t3 += a3 * B[c + k + 3];
      }
      C[j] += (s0 + s1) + (s2 + s3); C[j + 1] += (t0 + t1) + (t2 + t3);
    }
  } },
  one_chain: { about: "the textbook loop: one dot product at a time, one add chain", mv: (C, A, B, N, K) => {
    for (let j = 0, p = 0; j < N; j++) { let s = 0; for (let k = 0; k < K; k++, p++) s += A[k] * B[p]; C[j] += s; }
  } },
};

const N = 512, K = 128, MACS = N * K;

function runOne(name: string) {
  const v = variants[name];
  if (!v) throw new Error(`ref-matvec: unknown variant ${name}; one of ${Object.keys(variants).join(", ")}`);
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
  const w32 = Float32Array.from({ length: N * K }, rand), B = v.f64Weights ? Float64Array.from(w32) : w32;
  const A = Float32Array.from({ length: K }, rand), C = new Float32Array(N);
  for (let i = 0; i < 3000; i++) v.mv(C, A, B, N, K);
  const us: number[] = [];
  for (let r = 0; r < 7; r++) {
    const reps = 5000, t0 = performance.now();
    for (let i = 0; i < reps; i++) v.mv(C, A, B, N, K);
    us.push(((performance.now() - t0) * 1e3) / reps);
  }
  us.sort((a, b) => a - b);
  return { variant: name, about: v.about, us_median: us[3], us_best: us[0], ns_per_multiply_add: (us[3] * 1e3) / MACS };
}

const only = process.argv[2];
if (only && only !== "--json") console.log(JSON.stringify(runOne(only)));
else {
  const results = Object.keys(variants).map((name) =>
    JSON.parse(execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, name], { encoding: "utf8" }).trim().split("\n").pop()!));
  if (only === "--json") for (const r of results) console.log(JSON.stringify(r));   // for bench/run.ts
  else {
    const out = { when: new Date().toISOString(), node: process.version, product: `1 × ${K} by ${N} × ${K} (h·W_hhᵀ of the W5 LSTM step)`, multiply_adds: MACS, results };
    writeFileSync(new URL("./ref-matvec.json", import.meta.url), JSON.stringify(out, null, 1) + "\n");
    for (const r of results) console.log(`${r.us_median.toFixed(1).padStart(6)} µs  ${r.ns_per_multiply_add.toFixed(3)} ns/multiply-add  ${r.variant}: ${r.about}`);
  }
}
