// rnnlab's side of the peer benchmark: the same workloads as bench/peers/*.mjs (W1–W4 training
// step = forward + BPTT + SGD update over the whole batch, and forward-only inference; W5 streaming),
// printed as one JSON line per workload in the peers' format.
// Also, for the efficiency figures: PEAK (the f32x4 mul+add ceiling, assembly/peak.ts, measured
// in this process before and after the workloads) and GEMM512 (512³ GEMMs, all transposes).
// For the native backend PEAK is its own multiply-add ceiling (native/peak.h peak(): independent
// FMA chains in the widest registers the CPU has), measured the same way.
// Usage: node --import tsx bench/rnnlab.ts --backend native|wasm|ref [--threads N] --workloads PEAK,GEMM512,W1,W2,W3,W4,W5
import { LSTM, CellStep, loadKernels, Tensor, Rng, type Kernels } from "../src/index.ts";
import { Act } from "../src/kernels/types.ts";
import { createCell } from "../src/cells/index.ts";
import type { WasmKernels } from "../src/kernels/wasm/index.ts";
import type { NativeKernels } from "../src/kernels/native/index.ts";
import { WL, buildWorkload, randn, rnnFwdFlops, type Workload } from "./workloads.ts";

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : def; };
const backend = arg("backend", "wasm") as "native" | "wasm" | "ref";
const workloads = arg("workloads", "W1,W2,W3,W4,W5").split(",");
const minIters = Number(arg("min-iters", "10")), minTimeS = Number(arg("min-time", "3")), maxIters = Number(arg("max-iters", "40"));
const threads = Number(arg("threads", "1"));
const k: Kernels = await loadKernels(backend, { threads });
if (k.name !== backend) throw new Error(`bench: backend ${backend} unavailable`);
if (k.name === "wasm") (k as WasmKernels).waitForThreads();

function stats(ts: number[]) {
  const s = [...ts].sort((a, b) => a - b), n = s.length;
  const med = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { n, median_ms: med, min_ms: s[0], mean_ms: s.reduce((a, b) => a + b, 0) / n, max_ms: s[n - 1] };
}
/** Warm-up: at least `warmup` calls and at least 1 s, so that V8 has replaced the baseline (Liftoff)
 *  code of the wasm kernels with optimised code before anything is timed; the first calls are
 *  reported separately. */
function timed(fn: () => void, warmup = 2) {
  const first: number[] = [], warmStart = performance.now();
  while (first.length < warmup || (performance.now() - warmStart < 1000 && first.length < 50)) {
    const t0 = performance.now(); fn(); first.push(performance.now() - t0);
  }
  const ts: number[] = [], start = performance.now();
  while (ts.length < maxIters) {
    const t0 = performance.now(); fn(); ts.push(performance.now() - t0);
    if (ts.length >= minIters && performance.now() - start >= minTimeS * 1e3) break;
  }
  return { first, s: stats(ts) };
}

function benchModel(name: string, w: Workload) {
  const fwd = rnnFwdFlops(w), { train, infer } = buildWorkload(w, k);
  const tr = timed(train), inf = timed(infer);
  return { workload: name, desc: w.desc, cell: w.cell, I: w.I, H: w.H, T: w.T, B: w.B, rnn_fwd_flops: fwd, rnn_train_flops: 3 * fwd,
    train_first_calls_ms: tr.first, train: tr.s, train_gflops_median: (3 * fwd) / (tr.s.median_ms * 1e-3) / 1e9,
    infer_first_calls_ms: inf.first, infer: inf.s, infer_gflops_median: fwd / (inf.s.median_ms * 1e-3) / 1e9 };
}

function benchW5() {
  const I = 32, H = 128, T = 1000, flops = 2 * 4 * H * (I + H);
  const layer = new LSTM({ inputSize: I, hiddenSize: H, seed: 1, kernels: k }).eval();
  const xs = randn(T * I, 3), steps = Array.from({ length: T }, (_, t) => new Tensor([1, 1, I], xs.subarray(t * I, (t + 1) * I)));
  const stream = () => {
    let h0: Tensor | undefined, c0: Tensor | undefined;
    for (let t = 0; t < T; t++) { const o = layer.forward(steps[t], h0 ? { h0, c0 } : {}); h0 = o.hN; c0 = o.cN!; }
  };
  const whole = () => { layer.forward(new Tensor([T, 1, I], xs)); };
  // CellStep.forward: the checked one-step API (PyTorch's nn.LSTMCell call is its peer)
  const cell = new CellStep(k, createCell("lstm", { inputSize: I, hiddenSize: H }), 1).init("torch", 1);
  const xsteps = Array.from({ length: T }, (_, t) => xs.subarray(t * I, (t + 1) * I));
  const cellStream = () => {
    let h: Float32Array | undefined, c: Float32Array | undefined;
    for (let t = 0; t < T; t++) { const o = cell.forward({ x: xsteps[t]!, h, c }); h = o.h as Float32Array; c = o.c as Float32Array; }
  };
  // The floor of a step on this backend: its own kernels for the step's two matrix-vector products
  // (x·W_ihᵀ and h·W_hhᵀ, 82k multiply-adds), then also the fused LSTM pointwise step; nothing around them.
  const fill = (n: number, seed: number) => { const b = k.alloc(n); b.set(randn(n, seed)); return b; };
  const xv = fill(I, 4), hv = fill(H, 5), wIh = fill(4 * H * I, 6), wHh = fill(4 * H * H, 7), cPrev = fill(H, 8);
  const z = k.alloc(4 * H), gates = k.alloc(4 * H), cNew = k.alloc(H), hNew = k.alloc(H);
  const opts = { forgetBias: 0, cellClip: -1, gateAct: Act.Sigmoid, cellAct: Act.Tanh };
  const products = () => { z.fill(0); k.gemmNT(z, xv, wIh, 1, 4 * H, I); k.gemmNT(z, hv, wHh, 1, 4 * H, H); };
  const matvecs = () => { for (let t = 0; t < T; t++) products(); };
  const kernelsOnly = () => { for (let t = 0; t < T; t++) { products(); k.lstmForward(gates, cNew, hNew, z, cPrev, null, 1, H, opts); } };
  const a = timed(stream, 1), b = timed(whole), cs = timed(cellStream, 1), mv = timed(matvecs, 1), ko = timed(kernelsOnly, 1);
  const per = (s: { median_ms: number; min_ms: number }) => ({ us_per_step_median: (s.median_ms * 1e3) / T, us_per_step_best: (s.min_ms * 1e3) / T,
    gflops_median: flops / ((s.median_ms * 1e-3) / T) / 1e9 });
  return { workload: "W5", desc: "streaming inference", I, H, T, B: 1, flops_per_step: flops,
    stream_stateful_predict: { total: a.s, ...per(a.s) }, whole_sequence: { total: b.s, ...per(b.s) },
    stream_cellstep: { total: cs.s, ...per(cs.s) }, step_matvecs: { total: mv.s, ...per(mv.s) }, step_kernels: { total: ko.s, ...per(ko.s) } };
}

/** The f32x4 mul+add ceiling on one thread: the best of 12 runs of two loops (assembly/peak.ts: 7 mul
 *  chains feeding 7 add chains, and the GEMM's 4 × 8 register tile on L1 data). */
function benchPeak() {
  if (k.name === "native") {
    const nk = k as NativeKernels;
    let b = 0;
    for (let r = 0; r < 12; r++) b = Math.max(b, nk.peakGflops(0.05));
    return { workload: "PEAK", gflops: b, isa: nk.isa };
  }
  const raw = (k as WasmKernels).raw, iters = 1 << 21, buf = k.alloc(2048);
  buf.fill(1e-3);
  const best = (run: () => void, flops: number) => {
    run();
    let b = 0;
    for (let r = 0; r < 12; r++) { const t0 = performance.now(); run(); b = Math.max(b, flops / ((performance.now() - t0) * 1e-3) / 1e9); }
    return b;
  };
  const chains = best(() => raw.peakMulAdd(iters), 56 * iters), tile = best(() => raw.peakTile(iters, buf.byteOffset), 64 * iters);
  k.free(buf);
  return { workload: "PEAK", gflops: Math.max(chains, tile), chains_gflops: chains, tile_gflops: tile };
}

/** 512×512×512 GEMM, each transpose combination (median GFLOP/s). */
function benchGemm512() {
  const n = 512, A = k.alloc(n * n), B = k.alloc(n * n), C = k.alloc(n * n), r = new Rng(5);
  for (const v of [A, B]) for (let i = 0; i < v.length; i++) v[i] = r.normal();
  const out: Record<string, unknown> = { workload: "GEMM512", M: n, N: n, K: n };
  for (const g of ["gemmNN", "gemmNT", "gemmTN"] as const) {
    const t = timed(() => k[g](C, A, B, n, n, n));
    out[g] = { ...t.s, gflops_median: (2 * n ** 3) / (t.s.median_ms * 1e-3) / 1e9 };
  }
  return out;
}

for (const name of workloads) {
  const t0 = performance.now();
  const r: Record<string, unknown> = name === "W5" ? benchW5() : name === "PEAK" ? benchPeak() : name === "GEMM512" ? benchGemm512()
    : benchModel(name, WL[name as keyof typeof WL]);
  r.wall_s = (performance.now() - t0) / 1e3;
  console.log(JSON.stringify(r));
}
if (k.name !== "ref" && workloads.includes("PEAK")) console.log(JSON.stringify({ ...benchPeak(), workload: "PEAK_END" }));
console.log(JSON.stringify({ backend: k.name, threads: (k as { threads?: number }).threads ?? 1, isa: (k as { isa?: string }).isa, node: process.version }));
