// Adapted from ../shared/bench (the team's peer scripts): packages now come from this project.
// brain.js (1.6.1, CPU, pure JS) peer benchmark.
// brain.js recurrent nets have no batching: each train() walks the sequences one at a time
// (forward, BPTT, RMSprop-style update per sequence). We time train() calls over K sequences and
// report per-sequence time; the "batch-equivalent" = per-sequence time x B (derived, not measured
// as one call unless K == B).
// Usage: node brain_rnn.mjs --workloads W1,W2,W3,W4,W5 --out file.json
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PEERS_DIR = process.env.PEERS_DIR || new URL('../..', import.meta.url).pathname; // the project's own node_modules
const require = createRequire(path.join(PEERS_DIR, 'package.json'));
const brain = require('brain.js');
const brainVersion = require('brain.js/package.json').version;

function arg(name, def) { const i = process.argv.indexOf('--' + name); return i >= 0 ? process.argv[i + 1] : def; }
const workloads = arg('workloads', 'W1,W2,W3,W4,W5').split(',');
const outFile = arg('out', null);
const minCalls = Number(arg('min-calls', '10'));

let seed = 12345;
const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const now = () => performance.now();
function stats(ts) {
  const s = [...ts].sort((a, b) => a - b); const n = s.length;
  const med = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { n, median_ms: med, min_ms: s[0], mean_ms: s.reduce((a, b) => a + b, 0) / n, max_ms: s[n - 1] };
}
const perStep = (H, I, g) => 2 * g * H * (I + H); // GEMM flops per sample per time step

function randSeqs(n, T, I) { return Array.from({ length: n }, () => Array.from({ length: T }, () => Array.from({ length: I }, () => rnd() * 2 - 1))); }
function randStrings(n, T, V) {
  const alphabet = Array.from({ length: V }, (_, i) => String.fromCharCode(48 + i)).join('');
  return Array.from({ length: n }, (_, b) => Array.from({ length: T }, (_, t) => alphabet[(b === 0 && t < V) ? t : Math.floor(rnd() * V)]).join(''));
}

// Time-step LSTM (numeric vectors): used for W1, W3 (and W5 inference).
function benchTimeStep(name, { I, H, T, B, K, desc, note }) {
  const net = new brain.recurrent.LSTMTimeStep({ inputSize: I, hiddenLayers: [H], outputSize: I });
  const seqs = randSeqs(Math.max(K, 8), T, I);
  const opts = { iterations: 1, errorThresh: 0, learningRate: 0.001 };
  let t0 = now(); net.train(seqs.slice(0, 1), opts); const firstMs = now() - t0; // builds T equations
  net.train(seqs.slice(0, Math.min(K, 2)), opts); // warm-up
  const ts = [];
  let lastErr;
  while (ts.length < minCalls) { t0 = now(); lastErr = net.train(seqs.slice(0, K), opts).error; ts.push((now() - t0) / K); }
  const tr = stats(ts);
  // inference: run() over one sequence (pure forward), timed per sequence
  for (let i = 0; i < 2; i++) net.run(seqs[i]);
  const its = [];
  for (let r = 0; r < Math.max(minCalls, 10); r++) { t0 = now(); net.run(seqs[r % seqs.length]); its.push(now() - t0); }
  const inf = stats(its);
  const fwdTrain = (T - 1) * perStep(H, I, 4); // trainArrays predicts steps 0..T-2
  const fwdInf = T * perStep(H, I, 4);
  return {
    workload: name, desc, api: 'brain.recurrent.LSTMTimeStep', I, H, T, B, seqs_per_train_call: K,
    first_train_call_ms: firstMs,
    train_per_sequence: tr, infer_per_sequence: inf,
    train_batch_equiv_ms_median: tr.median_ms * B, infer_batch_equiv_ms_median: inf.median_ms * B,
    train_flops_per_seq: 3 * fwdTrain, infer_flops_per_seq: fwdInf,
    train_gflops_median: 3 * fwdTrain / (tr.median_ms * 1e-3) / 1e9,
    infer_gflops_median: fwdInf / (inf.median_ms * 1e-3) / 1e9,
    last_train_error: lastErr,
    note,
  };
}

// Char-level RNN on strings: brain.recurrent.LSTM / GRU (embedding lookup input, head every step).
function benchChar(name, { cell, H, T, B, V, K, desc, note }) {
  const Cls = cell === 'gru' ? brain.recurrent.GRU : brain.recurrent.LSTM;
  const net = new Cls({ hiddenLayers: [H] });
  const strs = randStrings(Math.max(K, 8), T, V);
  const opts = { iterations: 1, errorThresh: 0, learningRate: 0.001 };
  let t0 = now(); net.train(strs.slice(0, 1), opts); const firstMs = now() - t0; // builds vocab from strs[0] (has all V chars)
  net.train(strs.slice(0, 2), opts);
  const ts = [];
  let lastErr;
  while (ts.length < minCalls) { t0 = now(); lastErr = net.train(strs.slice(0, K), opts).error; ts.push((now() - t0) / K); }
  const tr = stats(ts);
  // forward-only: internal trainInput() = forward + softmax/loss over T+1 steps, no backprop/update
  const formatted = strs.map((s) => net.formatDataIn(s));
  for (let i = 0; i < 2; i++) net.trainInput(formatted[i]);
  const its = [];
  for (let r = 0; r < Math.max(minCalls, 10); r++) { t0 = now(); net.trainInput(formatted[r % formatted.length]); its.push(now() - t0); }
  const inf = stats(its);
  const g = cell === 'gru' ? 3 : 4;
  const I = net.inputSize; // embedding width = vocab size
  const fwd = (T + 1) * perStep(H, I, g); // start token + T chars
  return {
    workload: name, desc, api: cell === 'gru' ? 'brain.recurrent.GRU' : 'brain.recurrent.LSTM', I, V, H, T, B,
    vocab: net.dataFormatter.characters.length, output_size: net.outputSize + 1, seqs_per_train_call: K,
    first_train_call_ms: firstMs,
    train_per_sequence: tr, infer_per_sequence: inf, infer_method: 'net.trainInput(seq) (forward + loss only, internal API)',
    train_batch_equiv_ms_median: tr.median_ms * B, infer_batch_equiv_ms_median: inf.median_ms * B,
    train_flops_per_seq: 3 * fwd, infer_flops_per_seq: fwd,
    train_gflops_median: 3 * fwd / (tr.median_ms * 1e-3) / 1e9,
    infer_gflops_median: fwd / (inf.median_ms * 1e-3) / 1e9,
    last_train_error: lastErr,
    note,
  };
}

function benchW5() {
  const I = 32, H = 128, T = 1000;
  const net = new brain.recurrent.LSTMTimeStep({ inputSize: I, hiddenLayers: [H], outputSize: I });
  net.train(randSeqs(1, 4, I), { iterations: 1, errorThresh: 0 }); // initialise the model
  const seq = randSeqs(1, T, I)[0];
  let t0 = now(); net.run(seq); const first = now() - t0; // builds 1001 per-step equations
  net.run(seq);
  const ts = [];
  for (let r = 0; r < 10; r++) { t0 = now(); net.run(seq); ts.push(now() - t0); }
  const st = stats(ts);
  return {
    workload: 'W5', desc: 'streaming inference', api: 'brain.recurrent.LSTMTimeStep.run', I, H, T, B: 1, output_size: I,
    flops_per_step: perStep(H, I, 4), first_run_ms: first,
    whole_sequence: { total: st, us_per_step_median: st.median_ms * 1e3 / T, us_per_step_best: st.min_ms * 1e3 / T,
      gflops_median: perStep(H, I, 4) / (st.median_ms * 1e-3 / T) / 1e9 },
    stream_one_step: 'not supported: run() always restarts from a zero state (no API to carry state between calls); per-step streaming would re-run the whole prefix',
  };
}

const meta = { peer: 'brain.js', version: brainVersion, node: process.version, loadavg_start: os.loadavg(),
  note: 'pure JS, single thread, batch size 1 (no batching API); brain.js 1.6.1 "LSTM" uses the previous hidden output in place of a separate cell state (forget gate multiplies h_{t-1}); GEMM FLOPs are the same as a standard LSTM' };
const results = [];
for (const name of workloads) {
  const t0 = now();
  let r;
  try {
    if (name === 'W1') r = benchTimeStep('W1', { I: 28, H: 128, T: 28, B: 64, K: 64, desc: 'seed-mnist-like',
      note: 'LSTMTimeStep(inputSize 28, hidden [128], outputSize 28): next-row prediction with a 128->28 head + MSE at every step (not 128->10 CE on the last step); one RMSprop update per sequence; train() call over 64 sequences = one W1 batch-equivalent' });
    else if (name === 'W2') r = benchChar('W2', { cell: 'lstm', H: 256, T: 100, B: 32, V: 64, K: 8, desc: 'char-lm',
      note: 'brain.recurrent.LSTM on 100-char strings over a 64-symbol vocab (embedding 64 wide, head 256->65 every step, softmax CE); one update per sequence' });
    else if (name === 'W3') r = benchTimeStep('W3', { I: 512, H: 512, T: 50, B: 64, K: 4, desc: 'large',
      note: 'LSTMTimeStep(512, [512], 512): MSE next-step head 512->512 at every step (W3 spec has sum-of-squares of last output only); per-sequence time x 64 = batch-equivalent (derived)' });
    else if (name === 'W4') r = benchChar('W4', { cell: 'gru', H: 256, T: 100, B: 32, V: 64, K: 8, desc: 'gru-char',
      note: 'brain.recurrent.GRU, same setup as W2' });
    else if (name === 'W5') r = benchW5();
  } catch (e) {
    r = { workload: name, error: String(e && e.stack || e).split('\n').slice(0, 4).join(' | ') };
  }
  r.wall_s = (now() - t0) / 1e3;
  r.loadavg_after = os.loadavg();
  results.push(r);
  console.log(JSON.stringify(r));
}
if (outFile) fs.writeFileSync(outFile, JSON.stringify({ meta, results }, null, 1));
console.log(JSON.stringify(meta));
