// rnnlab's side of the peer benchmark: the same workloads as bench/peers/*.mjs (W1–W4 training
// step = forward + BPTT + SGD update over the whole batch, and forward-only inference; W5 streaming),
// printed as one JSON line per workload in the peers' format.
// Usage: node --import tsx bench/rnnlab.ts --backend wasm|ref --workloads W1,W2,W3,W4,W5
import { LSTM, SequenceModel, sgd, loadKernels, Tensor, Rng, type Kernels } from "../src/index.ts";
import type { Batch } from "../src/train/batch.ts";

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : def; };
const backend = arg("backend", "wasm") as "wasm" | "ref";
const workloads = arg("workloads", "W1,W2,W3,W4,W5").split(",");
const minIters = Number(arg("min-iters", "10")), minTimeS = Number(arg("min-time", "3")), maxIters = Number(arg("max-iters", "40"));
const k: Kernels = await loadKernels(backend);
if (k.name !== backend) throw new Error(`bench: backend ${backend} unavailable`);

const WL = {
  W1: { cell: "lstm", I: 28, H: 128, T: 28, B: 64, head: "last10", desc: "seed-mnist" },
  W2: { cell: "lstm", I: 64, H: 256, T: 100, B: 32, head: "all64", desc: "char-lm" },
  W3: { cell: "lstm", I: 512, H: 512, T: 50, B: 64, head: "sumsq", desc: "large" },
  W4: { cell: "gru", I: 64, H: 256, T: 100, B: 32, head: "all64", desc: "gru-char" },
} as const;
type W = (typeof WL)[keyof typeof WL];
const rnnFwdFlops = (w: W) => w.T * 2 * w.B * (w.cell === "lstm" ? 4 : 3) * w.H * (w.I + w.H);

function stats(ts: number[]) {
  const s = [...ts].sort((a, b) => a - b), n = s.length;
  const med = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { n, median_ms: med, min_ms: s[0], mean_ms: s.reduce((a, b) => a + b, 0) / n, max_ms: s[n - 1] };
}
function timed(fn: () => void, warmup = 2) {
  const first: number[] = [];
  for (let i = 0; i < warmup; i++) { const t0 = performance.now(); fn(); first.push(performance.now() - t0); }
  const ts: number[] = [], start = performance.now();
  while (ts.length < maxIters) {
    const t0 = performance.now(); fn(); ts.push(performance.now() - t0);
    if (ts.length >= minIters && performance.now() - start >= minTimeS * 1e3) break;
  }
  return { first, s: stats(ts) };
}
const randn = (n: number, seed: number) => { const r = new Rng(seed); return Float32Array.from({ length: n }, () => r.normal()); };

function benchModel(name: string, w: W) {
  const fwd = rnnFwdFlops(w), opt = sgd({ lr: 0.01 });
  const x = randn(w.T * w.B * w.I, 2), r = new Rng(1);
  let train: () => void, infer: () => void;
  if (w.head === "sumsq") {                               // loss = Σ (last output)², no head
    const layer = new LSTM({ inputSize: w.I, hiddenSize: w.H, seed: 1, kernels: k });
    const xt = new Tensor([w.T, w.B, w.I], x), dOut = new Float32Array(w.T * w.B * w.H);
    const groups = [{ name: "rnn", params: layer.params.flat, grads: layer.grads.flat }];
    train = () => {
      layer.zeroGrad();
      const out = layer.forward(xt).output.data, last = (w.T - 1) * w.B * w.H;
      for (let i = 0; i < w.B * w.H; i++) dOut[last + i] = 2 * out[last + i];
      layer.backward({ output: new Tensor([w.T, w.B, w.H], dOut) });
      opt.step(groups);
    };
    infer = () => { layer.forward(xt); };
  } else {
    const every = w.head === "all64", classes = every ? 64 : 10;
    const model = new SequenceModel({ cell: w.cell, inputKind: "features", inputSize: w.I, hiddenSize: w.H, outputSize: classes,
      head: every ? "every" : "last", loss: "class", seed: 1 }, k);
    const labels = Int32Array.from({ length: every ? w.T * w.B : w.B }, () => r.int(classes));
    const batch: Batch = { input: { kind: "features", x, T: w.T, B: w.B, D: w.I }, target: every ? { kind: "classPerStep", labels } : { kind: "class", labels }, lengths: null };
    const groups = model.groups();
    train = () => { model.zeroGrad(); model.forward(batch); model.lossAndBackward(); opt.step(groups); };
    infer = () => { model.forward(batch); };
  }
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
  const a = timed(stream, 1), b = timed(whole);
  const per = (s: { median_ms: number; min_ms: number }) => ({ us_per_step_median: (s.median_ms * 1e3) / T, us_per_step_best: (s.min_ms * 1e3) / T,
    gflops_median: flops / ((s.median_ms * 1e-3) / T) / 1e9 });
  return { workload: "W5", desc: "streaming inference", I, H, T, B: 1, flops_per_step: flops,
    stream_stateful_predict: { total: a.s, ...per(a.s) }, whole_sequence: { total: b.s, ...per(b.s) } };
}

for (const name of workloads) {
  const t0 = performance.now();
  const r: Record<string, unknown> = name === "W5" ? benchW5() : benchModel(name, WL[name as keyof typeof WL]);
  r.wall_s = (performance.now() - t0) / 1e3;
  console.log(JSON.stringify(r));
}
console.log(JSON.stringify({ backend: k.name, node: process.version }));
