// Adapted from ../shared/bench (the team's peer scripts): packages now come from this project.
// TensorFlow.js peer benchmark (tf.layers.lstm / tf.layers.gru + model.trainOnBatch).
// Usage: node tfjs_rnn.mjs --backend cpu|wasm --workloads W1,W2,W3,W4,W5 --out file.json
// Packages are resolved from the project (devDependencies), or $PEERS_DIR.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PEERS_DIR = process.env.PEERS_DIR || new URL('../..', import.meta.url).pathname; // the project's own node_modules
const require = createRequire(path.join(PEERS_DIR, 'package.json'));

function arg(name, def) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 ? process.argv[i + 1] : def;
}
const backend = arg('backend', 'cpu');
const workloads = arg('workloads', 'W1,W2,W3,W4,W5').split(',');
const outFile = arg('out', null);
const maxStepS = Number(arg('max-step-s', '60')); // if one train step exceeds this: report it and stop
const minIters = Number(arg('min-iters', '10'));
const minTimeS = Number(arg('min-time', '3'));
const maxIters = Number(arg('max-iters', '40'));
const skipTrain = arg('skip-train', '0') === '1'; // inference only (used for tfjs-cpu W3, whose train step is ~60 s)

const tf = require('@tensorflow/tfjs');
const meta = {
  backend_requested: backend, node: process.version, tfjs_version: tf.version,
  cpus: os.cpus().length, loadavg_start: os.loadavg(),
};
if (backend === 'wasm') {
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
  wasm.setWasmPaths(dist);
  meta.wasm_paths = dist;
  meta.tfjs_backend_wasm_version = wasm.version_wasm;
}
await tf.setBackend(backend);
await tf.ready();
meta.backend = tf.getBackend();
if (backend === 'wasm') {
  meta.WASM_HAS_SIMD_SUPPORT = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  meta.WASM_HAS_MULTITHREAD_SUPPORT = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  try { meta.wasm_threads_count = tf.backend().getThreadsCount?.(); } catch (e) { meta.wasm_threads_count = String(e); }
}

const WL = {
  W1: { cell: 'lstm', I: 28, H: 128, T: 28, B: 64, head: 'last10', desc: 'seed-mnist' },
  W2: { cell: 'lstm', I: 64, H: 256, T: 100, B: 32, head: 'all64', desc: 'char-lm' },
  W3: { cell: 'lstm', I: 512, H: 512, T: 50, B: 64, head: 'sumsq', desc: 'large' },
  W4: { cell: 'gru', I: 64, H: 256, T: 100, B: 32, head: 'all64', desc: 'gru-char' },
};

const rnnFwdFlops = (w) => w.T * 2 * w.B * (w.cell === 'lstm' ? 4 : 3) * w.H * (w.I + w.H);
const now = () => performance.now();
function stats(ts) {
  const s = [...ts].sort((a, b) => a - b);
  const n = s.length;
  const med = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { n, median_ms: med, min_ms: s[0], mean_ms: s.reduce((a, b) => a + b, 0) / n, max_ms: s[n - 1] };
}
async function timedLoop(fn, { warmup, limitS }) {
  const first = [];
  for (let i = 0; i < warmup; i++) {
    const t0 = now(); await fn(); first.push(now() - t0);
    if (first[first.length - 1] > limitS * 1e3) return { first, ts: [], stopped: true };
  }
  const ts = []; const tStart = now();
  while (ts.length < maxIters) {
    const t0 = now(); await fn(); ts.push(now() - t0);
    if (ts[ts.length - 1] > limitS * 1e3) return { first, ts, stopped: true };
    if (ts.length >= minIters && now() - tStart >= minTimeS * 1e3) break;
  }
  return { first, ts, stopped: false };
}

function rnnLayer(w, extra) {
  const common = {
    units: w.H, recurrentActivation: 'sigmoid', kernelInitializer: 'glorotUniform',
    recurrentInitializer: 'glorotUniform', ...extra,
  };
  return w.cell === 'lstm' ? tf.layers.lstm(common) : tf.layers.gru(common);
}

function randn(shape, seed) { return tf.randomNormal(shape, 0, 1, 'float32', seed); }

async function benchWorkload(name, w) {
  const model = tf.sequential();
  model.add(rnnLayer(w, { inputShape: [w.T, w.I], returnSequences: w.head === 'all64' }));
  let lossFn;
  let y;
  if (w.head === 'last10') {
    model.add(tf.layers.dense({ units: 10 }));
    lossFn = (yt, yp) => tf.losses.softmaxCrossEntropy(yt, yp);
    y = tf.oneHot(tf.randomUniform([w.B], 0, 10, 'int32', 1), 10).toFloat();
  } else if (w.head === 'all64') {
    model.add(tf.layers.dense({ units: 64 }));
    lossFn = (yt, yp) => tf.losses.softmaxCrossEntropy(yt, yp);
    y = tf.oneHot(tf.randomUniform([w.B * w.T], 0, 64, 'int32', 1), 64).toFloat().reshape([w.B, w.T, 64]);
  } else {
    lossFn = (yt, yp) => tf.sum(tf.square(yp));
    y = tf.zeros([w.B, w.H]);
  }
  model.compile({ optimizer: tf.train.sgd(0.01), loss: lossFn });
  const x = randn([w.B, w.T, w.I], 2);
  let lastLoss = NaN;
  const train = async () => { lastLoss = await model.trainOnBatch(x, y); };
  const infer = async () => { const o = model.predict(x); o.dataSync(); o.dispose(); };
  const fwd = rnnFwdFlops(w);
  const res = { workload: name, desc: w.desc, cell: w.cell, I: w.I, H: w.H, T: w.T, B: w.B,
    rnn_fwd_flops: fwd, rnn_train_flops: 3 * fwd };
  const tr = skipTrain ? { first: [], ts: [], stopped: false } : await timedLoop(train, { warmup: 2, limitS: maxStepS });
  if (skipTrain) res.train_skipped = 'inference-only run (--skip-train 1)';
  res.train_first_calls_ms = tr.first;
  if (tr.ts.length) {
    res.train = stats(tr.ts);
    res.train_gflops_median = 3 * fwd / (res.train.median_ms * 1e-3) / 1e9;
    res.train_gflops_best = 3 * fwd / (res.train.min_ms * 1e-3) / 1e9;
  }
  if (tr.stopped) {
    const one = tr.ts.length ? tr.ts[tr.ts.length - 1] : tr.first[tr.first.length - 1];
    res.stopped = `one train step took ${(one / 1e3).toFixed(1)} s > ${maxStepS} s: reported one step and stopped`;
    res.train_single_step_ms = one;
    res.train_gflops_single = 3 * fwd / (one * 1e-3) / 1e9;
  } else {
    const inf = await timedLoop(infer, { warmup: 2, limitS: maxStepS });
    res.infer_first_calls_ms = inf.first;
    if (inf.ts.length) {
      res.infer = stats(inf.ts);
      res.infer_gflops_median = fwd / (res.infer.median_ms * 1e-3) / 1e9;
      res.infer_gflops_best = fwd / (res.infer.min_ms * 1e-3) / 1e9;
    }
  }
  res.final_loss = lastLoss;
  res.num_tensors = tf.memory().numTensors;
  model.dispose(); x.dispose(); y.dispose();
  return res;
}

async function benchW5() {
  const I = 32, H = 128, T = 1000;
  const res = { workload: 'W5', desc: 'streaming inference', I, H, T, B: 1, flops_per_step: 2 * 4 * H * (I + H) };
  // (a) stateful LSTM, one time step per predict() call, state carried by the layer
  const sm = tf.sequential();
  sm.add(tf.layers.lstm({ units: H, stateful: true, batchInputShape: [1, 1, I], recurrentActivation: 'sigmoid',
    recurrentInitializer: 'glorotUniform' }));
  const xs = randn([1, T, I], 3);
  const steps = tf.unstack(xs, 1).map((s) => s.reshape([1, 1, I]));
  const stream = async () => {
    sm.resetStates();
    for (let t = 0; t < T; t++) { const o = sm.predict(steps[t]); o.dataSync(); o.dispose(); }
  };
  let r = await timedLoop(stream, { warmup: 1, limitS: 600 });
  // fixed count: 5 streams
  const sst = stats(r.ts.slice(0, Math.max(5, Math.min(r.ts.length, 7))));
  res.stream_stateful_predict = { total: sst, us_per_step_median: sst.median_ms * 1e3 / T, us_per_step_best: sst.min_ms * 1e3 / T,
    gflops_median: res.flops_per_step / (sst.median_ms * 1e-3 / T) / 1e9 };
  // (b) whole sequence in one predict() call
  const wm = tf.sequential();
  wm.add(tf.layers.lstm({ units: H, inputShape: [T, I], recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }));
  const whole = async () => { const o = wm.predict(xs); o.dataSync(); o.dispose(); };
  r = await timedLoop(whole, { warmup: 2, limitS: 600 });
  const wst = stats(r.ts);
  res.whole_sequence = { total: wst, us_per_step_median: wst.median_ms * 1e3 / T, us_per_step_best: wst.min_ms * 1e3 / T,
    gflops_median: res.flops_per_step / (wst.median_ms * 1e-3 / T) / 1e9 };
  res.num_tensors = tf.memory().numTensors;
  return res;
}

const results = [];
for (const name of workloads) {
  const t0 = now();
  let r;
  try {
    r = name === 'W5' ? await benchW5() : await benchWorkload(name, WL[name]);
  } catch (e) {
    r = { workload: name, error: String(e && e.stack || e).split('\n').slice(0, 4).join(' | ') };
  }
  r.wall_s = (now() - t0) / 1e3;
  r.loadavg_after = os.loadavg();
  results.push(r);
  console.log(JSON.stringify(r));
}
const doc = { meta, results };
if (outFile) fs.writeFileSync(outFile, JSON.stringify(doc, null, 1));
console.log(JSON.stringify(meta));
